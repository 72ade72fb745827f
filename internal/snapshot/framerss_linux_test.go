package snapshot

import (
	"os"
	"runtime/debug"
	"syscall"
	"testing"
	"unsafe"
)

// fenceFrames makes the pages of s's mapping that hold only compressed
// frames unreadable (mprotect PROT_NONE) and returns how many it fenced.
func fenceFrames(t *testing.T, s *Snapshot) int {
	t.Helper()
	page := uint64(os.Getpagesize())
	raw := map[uint64]bool{} // pages holding a raw frame's bytes
	for i := range s.refs {
		if r := &s.refs[i]; r.method == frameRaw && r.n > 0 {
			for p := r.off / page; p <= (r.off+r.n-1)/page; p++ {
				raw[p] = true
			}
		}
	}
	fenced := 0
	for i := range s.refs {
		r := &s.refs[i]
		if r.method == frameRaw {
			continue
		}
		// Whole pages within the data section's frames.
		for p := (r.off + page - 1) / page; (p+1)*page <= r.off+r.n; p++ {
			if raw[p] {
				continue
			}
			if err := syscall.Mprotect(s.data[p*page:(p+1)*page], syscall.PROT_NONE); err != nil {
				t.Fatal(err)
			}
			fenced++
		}
	}
	return fenced
}

// TestCompressedFramesNotMapped: compressed frames are read from the file
// (lazyRef.stored), through TextAt and a tree's decoding alike, never
// through the mapping (whose pages would stay in the process's RSS): with
// their pages fenced off, every text and tree still reads right.
func TestCompressedFramesNotMapped(t *testing.T) {
	arch, path, refs := longSnapshot(t)
	s, err := Open(path, testFP)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if n := fenceFrames(t, s); n < 8 {
		t.Fatalf("%d pages of compressed frames: the test covers nothing", n)
	}
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if v := recover(); v != nil {
			t.Fatalf("read a compressed frame through the mapping: %v", v)
		}
	}()
	read := func(when string) {
		for _, r := range refs {
			if p := s.TextAt(r.off, len(r.s)); p == nil || unsafe.String(p, len(r.s)) != r.s {
				t.Fatalf("%s: conversation %d: text at %d is not %q", when, r.conv, r.off, r.s)
			}
		}
	}
	read("first read")
	s.SetTextCacheBytes(1) // each chunk read again, alone
	read("second read")
	for i, c := range s.Archive.Conversations {
		if len(c.Tree()) != len(arch.Conversations[i].Tree()) || c.TreeErr() != nil {
			t.Fatalf("conversation %d: %v", i, c.TreeErr())
		}
	}
	if s.Damaged() {
		t.Fatal("snapshot marked damaged")
	}
}
