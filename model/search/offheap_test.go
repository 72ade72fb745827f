package search

import (
	"bytes"
	"context"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"github.com/backchat/backchat/internal/testkit/searchcorpus"
)

// TestOffHeapShardsSearchAlike: an index whose postings and pair filters
// are mapped outside the heap answers every query as one on the heap, and
// its mappings are given back once it is unreachable.
func TestOffHeapShardsSearchAlike(t *testing.T) {
	a := searchcorpus.Generate(searchcorpus.Options{TextBytes: 600 << 10, Seed: 3, Unicode: true, ConvBytes: 3000})
	addLongWords(a)
	old := offHeapMin
	defer func() { offHeapMin = old }()
	offHeapMin = 1 << 62
	onHeap := buildSmallShards(a)
	before := offHeapLive.Load()
	offHeapMin = 1
	off := buildSmallShards(a)
	mapped := offHeapLive.Load() - before
	if runtime.GOOS == "linux" && mapped < int64(len(off.shards)) {
		t.Fatalf("%d mappings for %d shards: the arrays stayed on the heap", mapped, len(off.shards))
	}
	r := rand.New(rand.NewPCG(3, 9))
	for range 200 {
		qs := randomQuery(r, a)
		q, err := Parse(qs)
		if err != nil {
			t.Fatal(err)
		}
		want, err1 := onHeap.Search(context.Background(), q, Options{})
		got, err2 := off.Search(context.Background(), q, Options{})
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if got.Total != want.Total || len(got.Results) != len(want.Results) {
			t.Fatalf("%q: %d results off the heap, %d on it", qs, got.Total, want.Total)
		}
		for i := range want.Results {
			if x, y := got.Results[i], want.Results[i]; x.Conv != y.Conv || x.Score != y.Score {
				t.Fatalf("%q: rank %d is %s (%.3f) off the heap, %s (%.3f) on it", qs, i, x.Conv.ID, x.Score, y.Conv.ID, y.Score)
			}
		}
	}
	runtime.KeepAlive(off)
	off = nil
	for i := 0; offHeapLive.Load() > before && i < 200; i++ {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	// (≤ 0: the first build's scratch may have been given back since.)
	if n := offHeapLive.Load() - before; n > 0 {
		t.Fatalf("%d mappings left after the index was collected", n)
	}
}

// gcWriter collects garbage, and lets the cleanups that frees run, before
// it reads each array written to it (the larger writes), as a disk or a
// pipe would after a pause.
type gcWriter struct {
	buf bytes.Buffer
	gcs int
}

func (w *gcWriter) Write(b []byte) (int, error) {
	if len(b) > 64 && w.gcs < 400 {
		w.gcs++
		runtime.GC()
		time.Sleep(200 * time.Microsecond) // cleanups run on their own goroutine
	}
	return w.buf.Write(b)
}

// TestOffHeapSaveDropped: Save reads the postings and pair filters of an
// index that nothing else holds (the caller saved the index it built and
// dropped it) and collects between its writes; the shards must stay
// reachable until their arrays are written, or their cleanups unmap the
// arrays under Save (a fault, or other bytes saved). What it saves equals
// what an index on the heap saves.
func TestOffHeapSaveDropped(t *testing.T) {
	a := searchcorpus.Generate(searchcorpus.Options{TextBytes: 200 << 10, Seed: 5, Unicode: true, ConvBytes: 3000})
	addLongWords(a)
	old := offHeapMin
	defer func() { offHeapMin = old }()
	text := func(*byte, int) (uint64, bool) { return 0, true }
	offHeapMin = 1 << 62
	var want bytes.Buffer
	if err := buildSmallShards(a).Save(&want, text); err != nil {
		t.Fatal(err)
	}
	offHeapMin = 1
	before := offHeapLive.Load()
	ix := buildSmallShards(a)
	if mapped := offHeapLive.Load() - before; runtime.GOOS == "linux" && mapped < int64(len(ix.shards)) {
		t.Fatalf("%d mappings for %d shards: the arrays stayed on the heap", mapped, len(ix.shards))
	}
	w := &gcWriter{}
	if err := ix.Save(w, text); err != nil { // ix is not used after: Save holds the only reference
		t.Fatal(err)
	}
	if w.gcs == 0 {
		t.Fatal("no collection during Save")
	}
	if !bytes.Equal(w.buf.Bytes(), want.Bytes()) {
		t.Fatalf("saved %d bytes off the heap, %d on it, not the same", w.buf.Len(), want.Len())
	}
}
