//go:build linux

package search

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/backchat/backchat/loader"
	"github.com/backchat/backchat/model"
)

// The figures of a saved index on a real export, in two steps (two
// processes, so the second maps files it has not written):
//
//	BACKCHAT_PERSIST_JSON=/path/conversations.json BACKCHAT_PERSIST_DIR=/tmp/x \
//	    go test -run TestPersistMeasureSave -v ./model/search/
//	BACKCHAT_PERSIST_DIR=/tmp/x go test -run TestPersistMeasureLoad -v ./model/search/
//
// Save writes DIR/index.bin, DIR/arena.bin (the field texts, standing for
// a snapshot's string arena) and DIR/n (the conversation count); Load maps
// them with syscall.Mmap, loads the index over stand-in conversations and
// times the first and second run of each query kind.

var measureQueries = []string{"data", "kube", `"kubernetes cluster"`, "needle000123zq", "model:gpt-4o after:2025 kubernetes", "kubernetes -cluster", "x", "c++"}

func rssMB() float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			var kb float64
			fmt.Sscan(strings.TrimSuffix(strings.TrimSpace(v), " kB"), &kb)
			return kb / 1024
		}
	}
	return 0
}

// timeQueries runs each query kind as the browser does (Rank, then Locate
// of the first 30 rows) and logs its time.
func timeQueries(t *testing.T, ix *Index, label string) {
	ctx := context.Background()
	for _, qs := range measureQueries {
		q, err := Parse(qs)
		if err != nil {
			t.Fatal(err)
		}
		t0 := time.Now()
		r, err := ix.Rank(ctx, q, Options{})
		if err != nil {
			t.Fatal(err)
		}
		rank := time.Since(t0)
		for _, i := range r.Index[:min(30, len(r.Index))] {
			if _, _, err := ix.Locate(ctx, int(i), q, Options{}); err != nil {
				t.Fatal(err)
			}
		}
		t.Logf("%-8s %-38q %6d results  rank %7.1f ms  +locate 30 %7.1f ms  rss %6.0f MB", label, qs, r.Total,
			float64(rank.Microseconds())/1000, float64((time.Since(t0)-rank).Microseconds())/1000, rssMB())
	}
}

func TestPersistMeasureSave(t *testing.T) {
	path, dir := os.Getenv("BACKCHAT_PERSIST_JSON"), os.Getenv("BACKCHAT_PERSIST_DIR")
	if path == "" || dir == "" {
		t.Skip("set BACKCHAT_PERSIST_JSON and BACKCHAT_PERSIST_DIR")
	}
	a, err := loader.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Now()
	ix := BuildArchive(a)
	t.Logf("build %.2f s: %d conversations, %d shards, text %d MB, index %d MB", time.Since(t0).Seconds(), ix.Len(), len(ix.shards), ix.TextBytes()>>20, ix.IndexBytes()>>20)
	timeQueries(t, ix, "built")
	timeQueries(t, ix, "built 2")

	// The index alone: offsets without copying any text.
	var off uint64
	t0 = time.Now()
	if err := ix.Save(discard{}, func(_ *byte, n int) (uint64, bool) { off += uint64(n); return off - uint64(n), true }); err != nil {
		t.Fatal(err)
	}
	t.Logf("save (index only, to nowhere) %.0f ms", float64(time.Since(t0).Microseconds())/1000)

	arena := make([]byte, 0, ix.TextBytes()+ix.TextBytes()/8)
	f, err := os.Create(filepath.Join(dir, "index.bin"))
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	t0 = time.Now()
	err = ix.Save(w, func(p *byte, n int) (uint64, bool) {
		o := uint64(len(arena))
		arena = append(arena, unsafe.Slice(p, n)...)
		return o, true
	})
	if err == nil {
		err = w.Flush()
	}
	if err != nil {
		t.Fatal(err)
	}
	st, _ := f.Stat()
	f.Close()
	t.Logf("save (index to a file, texts copied to an arena) %.0f ms: index %d bytes = %.3f × text (%d), %.3f × JSON; arena %d MB",
		float64(time.Since(t0).Microseconds())/1000, st.Size(), float64(st.Size())/float64(ix.TextBytes()), ix.TextBytes(),
		float64(st.Size())/float64(fileSize(path)), len(arena)>>20)
	if err := os.WriteFile(filepath.Join(dir, "arena.bin"), arena, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "n"), fmt.Appendf(nil, "%d", ix.Len()), 0o600); err != nil {
		t.Fatal(err)
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

func fileSize(p string) int64 {
	st, err := os.Stat(p)
	if err != nil {
		return 1
	}
	return st.Size()
}

func mapFile(t *testing.T, p string) []byte {
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	flags := syscall.MAP_SHARED
	if os.Getenv("BACKCHAT_PERSIST_POPULATE") != "" {
		flags |= syscall.MAP_POPULATE // page tables filled at mmap: no faults later
	}
	b, err := syscall.Mmap(int(f.Fd()), 0, int(st.Size()), syscall.PROT_READ, flags)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestPersistMeasureLoad(t *testing.T) {
	dir := os.Getenv("BACKCHAT_PERSIST_DIR")
	if dir == "" {
		t.Skip("set BACKCHAT_PERSIST_DIR")
	}
	nb, err := os.ReadFile(filepath.Join(dir, "n"))
	if err != nil {
		t.Skip("run TestPersistMeasureSave first")
	}
	var n int
	fmt.Sscan(string(nb), &n)
	convs := make([]*model.Conversation, n) // stand-ins: Rank and Locate read no conversation
	for i := range convs {
		convs[i] = &model.Conversation{ID: fmt.Sprint(i)}
	}
	runtime.GC()
	rss0 := rssMB()
	t0 := time.Now()
	data, arena := mapFile(t, filepath.Join(dir, "index.bin")), mapFile(t, filepath.Join(dir, "arena.bin"))
	t.Logf("mmap %.1f ms", float64(time.Since(t0).Microseconds())/1000)
	textAt := func(off uint64, n int) *byte {
		if off > uint64(len(arena)) || uint64(n) > uint64(len(arena))-off {
			return nil
		}
		return &arena[off]
	}
	t0, cpu0 := time.Now(), cpuTime()
	ix, err := LoadIndex(data, convs, textAt)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("LoadIndex %.1f ms (%.1f ms CPU) over a %d MB index; rss %.0f → %.0f MB (load avg %s)", float64(time.Since(t0).Microseconds())/1000,
		float64((cpuTime()-cpu0).Microseconds())/1000, len(data)>>20, rss0, rssMB(), loadAvg())
	t0 = time.Now()
	if err := VerifyChecksum(io.NewSectionReader(bytes.NewReader(nil), 0, 0)); err == nil {
		t.Fatal("an empty index verified")
	}
	f, err := os.Open(filepath.Join(dir, "index.bin"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := VerifyChecksum(bufio.NewReaderSize(f, 1<<20)); err != nil {
		t.Fatal(err)
	}
	t.Logf("VerifyChecksum (read(2), not the mapping) %.1f ms; rss %.0f MB", float64(time.Since(t0).Microseconds())/1000, rssMB())
	timeQueries(t, ix, "mapped")
	timeQueries(t, ix, "mapped 2")
}

func loadAvg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	return strings.Join(strings.Fields(string(b))[:3], " ")
}
