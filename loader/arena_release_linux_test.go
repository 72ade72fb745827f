//go:build linux

package loader

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unsafe"

	"github.com/backchat/backchat/internal/anonmem"
	"golang.org/x/sys/unix"
)

// mapped reports whether the page holding s is mapped (mincore fails with
// ENOMEM on an unmapped range).
func mapped(t *testing.T, s string) bool {
	t.Helper()
	page := uintptr(os.Getpagesize())
	p := uintptr(unsafe.Pointer(unsafe.StringData(s))) &^ (page - 1)
	vec := make([]byte, 1)
	_, _, errno := unix.Syscall(unix.SYS_MINCORE, p, page, uintptr(unsafe.Pointer(&vec[0])))
	switch {
	case errno == 0:
		return true
	case errors.Is(errno, unix.ENOMEM):
		return false
	}
	t.Fatalf("mincore: %v", errno)
	return false
}

// TestArenaRelease: free unmaps the chunks and big strings of the arenas
// made releasable, only those, and only once.
func TestArenaRelease(t *testing.T) {
	r := &arenaRelease{}
	a, other := newArena(bigLoad), newArena(bigLoad)
	if a.release == nil {
		t.Skip("no off-heap arena")
	}
	a.releasable(r)
	small := a.str([]byte("some text"))
	big := a.str([]byte(strings.Repeat("z", a.max)))
	kept := other.str([]byte("kept"))
	if !mapped(t, small) || !mapped(t, big) {
		t.Fatal("arena strings not mapped before free")
	}
	r.free()
	if mapped(t, small) || mapped(t, big) {
		t.Error("free left a chunk mapped")
	}
	if !mapped(t, kept) || kept != "kept" {
		t.Error("free unmapped another arena's chunk")
	}
	r.free() // again: nothing
	// A Go-heap slice (offHeapAlloc's fallback) is refused, not unmapped.
	heap := make([]byte, 1<<20)
	heap[0] = 'x'
	anonmem.Unmap(heap)
	if heap[0] != 'x' {
		t.Error("anonmem.Unmap touched Go memory")
	}
}

// TestOpenRelease: Options.Release hands over a function once per load,
// failed loads included.
func TestOpenRelease(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "c.json")
	if err := os.WriteFile(p, []byte(`[{"id":"c1","title":"T","create_time":1,"update_time":2,"mapping":{}}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{p, filepath.Join(dir, "missing.json")} {
		calls := 0
		var rel func()
		_, _ = OpenContext(context.Background(), Options{Release: func(f func()) { calls++; rel = f }}, path)
		if calls != 1 || rel == nil {
			t.Fatalf("%s: Release called %d times", path, calls)
		}
		rel()
		rel()
	}
}

// TestUnmapAllUnmapsEveryChunk: split between goroutines, every chunk is
// unmapped, whatever their number against the cores'. Not under the race
// detector: the state it maps for unmapAll's goroutine may take the
// address of a chunk unmapped just before (a 128 KiB mapping over the last
// chunk, every run), which then reads as still mapped.
func TestUnmapAllUnmapsEveryChunk(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector's own mappings reuse the chunks' addresses")
	}
	for _, n := range []int{1, unmapParts - 1, 2*unmapParts + 1, 5*unmapParts + 3} {
		cs := make([][]byte, n)
		for i := range cs {
			if cs[i] = anonmem.Map(4096); cs[i] == nil {
				t.Skip("no anonymous mappings")
			}
			cs[i][0] = 1
		}
		unmapAll(cs)
		for i, c := range cs {
			if mapped(t, unsafe.String(&c[0], 1)) {
				t.Errorf("%d chunks: chunk %d still mapped", n, i)
			}
		}
	}
}
