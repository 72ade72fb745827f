package loader

import (
	"bytes"
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

// TestWorkerForgetsFreedWindows: between the conversations a worker
// decodes from its read window (split.go), and once it has freed the
// window, none of its scratch points into the window: kept past their
// length, those slices pointed into unmapped memory (which the Go heap may
// map again).
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
	held, decodes := 0, 0
	splitDecodeHook = func(int64, int) { held = max(held, scratchHeld(w)); decodes++ }
	defer func() { splitDecodeHook = nil }()
	for i, task := range tasks {
		w.runSegment(task)
		if task.dirty {
			t.Fatalf("segment %d stopped the split", i)
		}
	}
	if decodes < 5 {
		t.Fatalf("only %d decodes", decodes)
	}
	if held != 0 {
		t.Errorf("between decodes, %d scratch entries pointed into the window", held)
	}
	if n := scratchHeld(w); n != 0 {
		t.Errorf("after its window was freed, %d scratch entries still point into it", n)
	}
}

// TestWorkerDropsEachJobsInput: after each conversation a worker decodes
// (the scanner's jobs, whose chunk is released right after), none of its
// scratch points into the conversation's bytes.
func TestWorkerDropsEachJobsInput(t *testing.T) {
	data := genExport(300<<10, 9)
	w := newWorker(int64(len(data)))
	src := &source{name: "x.json"}
	checked := 0
	s := newScanner(bytes.NewReader(data), int64(len(data)))
	s.warn = func(warnKind, int, int64, string) {}
	s.emit = func(b []byte, i int, off int64) error {
		r := w.decodeJob(job{data: bytes.Clone(b), src: src, index: i, offset: off})
		if r.err != nil {
			t.Fatalf("conversation %d: %v", i, r.err)
		}
		if n := scratchHeld(w); n != 0 {
			t.Fatalf("after conversation %d, %d scratch entries still point into its bytes", i, n)
		}
		checked++
		return nil
	}
	if err := s.run(); err != nil {
		t.Fatal(err)
	}
	if checked < 5 {
		t.Fatalf("only %d conversations", checked)
	}
}
