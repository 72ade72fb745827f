package loader

import (
	"bytes"
	"testing"
	"unsafe"
)

// rewindKeep over a mark in the same chunk is rewind; over a mark the
// arena has left for a new chunk, it gives back the old tail (and any
// chunk between) and goes on from the start of the new chunk, while a
// mark taken before still rewinds past it.
func TestArenaRewindKeep(t *testing.T) {
	var released [][]byte
	a := &arena{chunk: 64, max: 64, alloc: func(n int) []byte { return make([]byte, n) },
		release: func(b []byte) { released = append(released, b) }}
	a.str([]byte("first"))
	outer := a.mark()
	keep := a.str([]byte("kept"))

	m := a.mark()
	a.str([]byte("same chunk"))
	a.rewindKeep(m)
	if len(released) != 0 || len(a.log) != m.n || &a.cur[0] != &m.cur[0] {
		t.Fatalf("same chunk: released %d, log %d (want %d), cur moved", len(released), len(a.log), m.n)
	}

	m = a.mark()
	a.str(bytes.Repeat([]byte("x"), 12)) // still the first chunk
	a.str(bytes.Repeat([]byte("y"), 40)) // 5+4+12+40 > 64: a new chunk
	a.str(bytes.Repeat([]byte("z"), 10))
	whole := a.whole
	if len(a.log) != m.n+1 || &a.log[m.n][0] != &whole[0] {
		t.Fatalf("the decode did not map one chunk: log %d", len(a.log))
	}
	a.rewindKeep(m)
	if len(a.cur) != len(whole) || &a.cur[0] != &whole[0] || len(a.log) != m.n+1 {
		t.Fatalf("did not go on from the start of the new chunk (cur %d of %d, log %d)", len(a.cur), len(whole), len(a.log))
	}
	// The old chunk's tail left at the mark is given back (room gave
	// back what it had left when it moved on, so that part twice).
	if r := released[len(released)-1]; &r[0] != &m.cur[0] || len(r) != len(m.cur) {
		t.Fatalf("released %d, the last not the old tail", len(released))
	}
	for _, r := range released {
		if &r[0] == &whole[0] {
			t.Fatal("the kept chunk was released")
		}
	}
	s := a.str([]byte("frame"))
	if &unsafeBytes(s)[0] != &whole[0] {
		t.Fatal("the next string is not at the start of the kept chunk")
	}
	if keep != "kept" {
		t.Fatalf("a string before the mark changed: %q", keep)
	}
	released = nil
	a.rewind(outer) // the earlier mark still gives back the kept chunk
	if len(released) != 1 || &released[0][0] != &whole[0] {
		t.Fatalf("rewind to an earlier mark released %d, want the kept chunk", len(released))
	}
}

func unsafeBytes(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }
