package loader

import (
	"os"
	"path/filepath"
	"testing"
)

// scratchHeld counts the worker's scratch entries, over their whole
// capacity, that still point into decoded input.
func scratchHeld(w *worker) int {
	n := 0
	for _, f := range w.fields[:cap(w.fields)] {
		if f.key != nil || f.raw != nil {
			n++
		}
	}
	for _, k := range w.childKeys[:cap(w.childKeys)] {
		if k != nil {
			n++
		}
	}
	for _, nd := range w.nodes[:cap(w.nodes)] {
		if nd.parent != nil {
			n++
		}
	}
	return n
}

// TestWorkerForgetsFreedWindows: once a worker has freed its read window
// (no segment left for it, split.go), none of its scratch points into the
// window any more: kept past their length, those slices pointed into
// unmapped memory (which the Go heap may map again).
func TestWorkerForgetsFreedWindows(t *testing.T) {
	setSplit(t, true)
	winSize, winMin = 1<<20, 1<<19 // windows that never grow here
	p := filepath.Join(t.TempDir(), "conversations.json")
	if err := os.WriteFile(p, genExport(200<<10, 5), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, _ := f.Stat()
	src := &source{name: p, path: p, size: fi.Size(), assets: func() *assetIndex { return nil }}
	r := planSplit(src, f)
	if r == nil {
		t.Fatal("no split planned")
	}
	tasks := r.segments()
	r.tasks = int32(len(tasks))
	r.done = make(chan *segTask, len(tasks))
	w := newWorker(src.size)
	held := 0
	splitDecodeHook = func(int64, int) { held = max(held, scratchHeld(w)) }
	defer func() { splitDecodeHook = nil }()
	for i, task := range tasks {
		w.runSegment(task)
		if task.dirty {
			t.Fatalf("segment %d stopped the split", i)
		}
	}
	if held == 0 {
		t.Fatal("the scratch never pointed into the input: the test checks nothing")
	}
	if n := scratchHeld(w); n != 0 {
		t.Errorf("after its window was freed, %d scratch entries still point into it", n)
	}
}
