package main

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sync/atomic"
	"testing"
	"time"

	"github.com/backchat/backchat/model"
)

func TestRSSLimitBudgetLessOffRuntime(t *testing.T) {
	s := rssSample{RSS: 300 << 20, Runtime: 60 << 20, NonHeap: 4 << 20, Live: 20 << 20}
	// 240 MB is held outside the runtime: a 400 MB budget leaves 160.
	if got, want := rssLimit(400<<20, s), int64(160<<20); got != want {
		t.Errorf("rssLimit = %d MB, want %d MB", got>>20, want>>20)
	}
}

func TestRSSLimitNeverBelowLivePlusHeadroom(t *testing.T) {
	for _, s := range []rssSample{
		{RSS: 300 << 20, Runtime: 60 << 20, NonHeap: 4 << 20, Live: 20 << 20},   // budget all off-runtime
		{RSS: 300 << 20, Runtime: 120 << 20, NonHeap: 4 << 20, Live: 100 << 20}, // live over budget
		{RSS: 10 << 20, Runtime: 40 << 20, NonHeap: 2 << 20, Live: 0},           // RSS below runtime
	} {
		for _, budget := range []int64{1, 200 << 20, 250 << 20} {
			got := rssLimit(budget, s)
			floor := s.NonHeap + s.Live + max(rssMinHeadroom, s.Live/2)
			if got < floor {
				t.Errorf("rssLimit(%d MB, %+v) = %d MB, below live + headroom %d MB", budget>>20, s, got>>20, floor>>20)
			}
			if got < s.NonHeap+s.Live+s.Live/2 || got < s.NonHeap+s.Live+rssMinHeadroom {
				t.Errorf("rssLimit(%d MB, %+v) = %d MB: headroom too small", budget>>20, s, got>>20)
			}
		}
	}
	// Half a large live heap is the headroom.
	s := rssSample{RSS: 900 << 20, Runtime: 500 << 20, NonHeap: 8 << 20, Live: 400 << 20}
	if got, want := rssLimit(500<<20, s), int64((8+400+200)<<20); got != want {
		t.Errorf("rssLimit = %d MB, want %d MB", got>>20, want>>20)
	}
}

func TestCapRSSSetsAndRestoresLimit(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "")
	os.Unsetenv("GOMEMLIMIT")
	prev := debug.SetMemoryLimit(1 << 40)
	defer debug.SetMemoryLimit(prev)
	stop := capRSS(1) // a budget the process is over: the floor
	got := debug.SetMemoryLimit(-1)
	s, ok := sampleRSS()
	if !ok {
		stop()
		t.Skip("no /proc/self/statm")
	}
	if got >= 1<<40 {
		t.Errorf("limit while capped = %d, want below the previous %d", got, int64(1<<40))
	}
	if got < s.Live+rssMinHeadroom {
		t.Errorf("limit while capped = %d, below live %d + headroom", got, s.Live)
	}
	// A second cap while one runs leaves the limit alone.
	debug.SetMemoryLimit(got)
	capRSS(1 << 30)()
	if again := debug.SetMemoryLimit(-1); again != got {
		t.Errorf("second cap changed the limit: %d, was %d", again, got)
	}
	stop()
	stop()
	if after := debug.SetMemoryLimit(-1); after != 1<<40 {
		t.Errorf("limit after stop = %d, want %d restored", after, int64(1<<40))
	}
}

func TestCapRSSLeavesGOMEMLIMITAlone(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "1GiB")
	prev := debug.SetMemoryLimit(-1)
	defer capRSS(1)()
	if got := debug.SetMemoryLimit(-1); got != prev {
		t.Errorf("limit = %d with GOMEMLIMIT set, want %d untouched", got, prev)
	}
}

func TestCapAfterLoadOnlyOnSuccess(t *testing.T) {
	os.Unsetenv("GOMEMLIMIT")
	freed := make(chan struct{}, 4)
	defer func(f func()) { freeAfterLoad = f }(freeAfterLoad)
	freeAfterLoad = func() { freed <- struct{}{} }
	nfreed := func() int {
		time.Sleep(20 * time.Millisecond) // freeAfterLoad runs on its own goroutine
		n := 0
		for {
			select {
			case <-freed:
				n++
			default:
				return n
			}
		}
	}
	prev := debug.SetMemoryLimit(1 << 40)
	defer debug.SetMemoryLimit(prev)
	fail := func(context.Context, func(*model.Conversation), func(int64, int64)) (*model.Archive, error) {
		return nil, errors.New("broken")
	}
	load, stop := capAfterLoad(fail, 1)
	_, _ = load(context.Background(), nil, nil)
	if got := debug.SetMemoryLimit(-1); got != 1<<40 {
		t.Errorf("failed load set the limit to %d", got)
	}
	if n := nfreed(); n != 0 {
		t.Errorf("failed load freed the heap %d times", n)
	}
	stop()
	ok := func(context.Context, func(*model.Conversation), func(int64, int64)) (*model.Archive, error) {
		return &model.Archive{}, nil
	}
	load, stop = capAfterLoad(ok, 1)
	_, _ = load(context.Background(), nil, nil)
	if got := debug.SetMemoryLimit(-1); got == 1<<40 {
		t.Error("finished load did not cap the limit")
	}
	if n := nfreed(); n != 1 {
		t.Errorf("finished load freed the heap %d times, want once", n)
	}
	stop()
	if got := debug.SetMemoryLimit(-1); got != 1<<40 {
		t.Errorf("limit after stop = %d, want restored", got)
	}
	// A load finishing after the browser quit caps nothing.
	load, stop = capAfterLoad(ok, 1)
	stop()
	_, _ = load(context.Background(), nil, nil)
	if got := debug.SetMemoryLimit(-1); got != 1<<40 {
		t.Errorf("load after stop set the limit to %d", got)
	}
	if n := nfreed(); n != 0 {
		t.Errorf("load after stop freed the heap %d times", n)
	}
}

func TestExportBudget(t *testing.T) {
	dir := t.TempDir()
	a, b, z := filepath.Join(dir, "a.json"), filepath.Join(dir, "b.json"), filepath.Join(dir, "c.ZIP")
	for p, n := range map[string]int{a: 100, b: 50, z: 10} {
		if err := os.WriteFile(p, make([]byte, n), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	good, inner := filepath.Join(dir, "export.zip"), filepath.Join(dir, "big.zip")
	writeZip(t, good, map[string]int{"conversations.json": 2000, "sub/conversations-001.json": 1000, "file-abc.png": 5000, "user.json": 10})
	writeZip(t, inner, map[string]int{"conversations.json": 2000, "Conversations__part-001.zip": 1000})
	folder := t.TempDir() // an unpacked export
	if err := os.MkdirAll(filepath.Join(folder, "sub"), 0o700); err != nil {
		t.Fatal(err)
	}
	for p, n := range map[string]int{"conversations.json": 300, "sub/conversations-001.json": 200, "file-abc.png": 5000, "user.json": 10} {
		if err := os.WriteFile(filepath.Join(folder, p), make([]byte, n), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		paths []string
		want  int64
	}{
		{[]string{a}, 100},
		{[]string{a, b}, 150},
		{[]string{a, z}, 0}, // not a ZIP inside
		{[]string{a, good}, 100 + 3000},
		{[]string{inner}, 0},
		{[]string{dir}, 0}, // ZIPs inside
		{[]string{folder}, 300 + 200},
		{[]string{folder, a}, 500 + 100},
		{[]string{t.TempDir()}, 0}, // no conversation file
		{[]string{filepath.Join(dir, "missing")}, 0},
	} {
		if got := exportBudget(c.paths); got != c.want {
			t.Errorf("exportBudget(%v) = %d, want %d", c.paths, got, c.want)
		}
	}
}

// The limit follows the memory after every collection: each sample the cap
// reads after a runtime.GC sets a new limit.
func TestCapRSSRecomputesAfterEachCollection(t *testing.T) {
	os.Unsetenv("GOMEMLIMIT")
	prev := debug.SetMemoryLimit(1 << 40)
	defer debug.SetMemoryLimit(prev)
	samples := make(chan int64, 1)
	var n atomic.Int64
	readRSS = func() (rssSample, bool) {
		live := (n.Add(1) + 10) << 20
		select {
		case samples <- live:
		default:
		}
		return rssSample{RSS: 100 << 20, Runtime: 40 << 20, Live: live}, true
	}
	defer func() { readRSS = sampleRSS }()
	stop := capRSS(1)
	defer stop()
	<-samples // the one capRSS reads at once
	for seen, gcs := 0, 0; seen < 3; gcs++ {
		if gcs == 10000 {
			t.Fatalf("%d collections re-armed the cap %d times, want 3", gcs, seen)
		}
		runtime.GC()
		select {
		case <-samples:
			seen++
		default:
			runtime.Gosched()
		}
	}
	// The cleanup goroutine applied the second sample's limit before the
	// collection that read the third: the limit moved past the first's.
	first := int64(11<<20) + rssMinHeadroom
	if got := debug.SetMemoryLimit(-1); got <= first {
		t.Errorf("limit %d MB after three collections, want above the first sample's %d MB", got>>20, first>>20)
	}
}

// writeZip writes a ZIP at p holding, for each name, that many bytes.
func writeZip(t *testing.T, p string, files map[string]int) {
	t.Helper()
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for name, n := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(bytes.Repeat([]byte("x"), n)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}
