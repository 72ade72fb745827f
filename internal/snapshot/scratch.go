package snapshot

import (
	"sync/atomic"
	"unsafe"

	"github.com/backchat/backchat/internal/anonmem"
)

// The writer's big buffers (the spans, the batches' frames, the
// compressors' scratch, the index pipe's buffers) live outside the Go
// heap where the system allows it (internal/anonmem: anonymous mappings,
// unmapped when the write ends). On the heap they were ~100 MB of a 1 GB
// export's write, on top of a heap holding the loaded archive and its
// index: often enough to start a collection during the write, which
// marks that whole heap again on the core the compressors need.
//
// An offHeap is used by one goroutine at a time and freed once; a slice
// taken from it must not be used after free (its memory is unmapped: a
// use faults).

// scratchLive counts the mappings not unmapped yet (for the tests).
var scratchLive atomic.Int64

// offHeap is a slice of T, which must hold no pointers, outside the Go
// heap (on it when mapping fails, or on systems without mappings).
type offHeap[T any] struct {
	mem []byte // the mapping, nil when s is on the heap
	s   []T
}

// newOffHeap returns an empty offHeap with room for n elements.
func newOffHeap[T any](n int) offHeap[T] {
	var o offHeap[T]
	o.reserve(n)
	return o
}

// reserve makes room for n more elements after len(o.s), keeping o.s.
func (o *offHeap[T]) reserve(n int) {
	if cap(o.s)-len(o.s) >= n {
		return
	}
	var zero T
	size := int(unsafe.Sizeof(zero))
	want := (len(o.s) + n) * size
	if o.mem != nil {
		if mem, ok := anonmem.Remap(o.mem, anonmem.PageRound(want)); ok {
			o.mem = mem
			o.s = anonmem.As[T](mem, len(mem)/size)[:len(o.s)]
			return
		}
	}
	mem := anonmem.Map(anonmem.PageRound(want))
	if mem == nil {
		s := make([]T, len(o.s), len(o.s)+n)
		copy(s, o.s)
		o.free()
		o.s = s
		return
	}
	scratchLive.Add(1)
	s := anonmem.As[T](mem, len(mem)/size)[:len(o.s)]
	copy(s, o.s)
	o.free()
	o.mem, o.s = mem, s
}

// free unmaps o's memory (or leaves it to the collector).
func (o *offHeap[T]) free() {
	if o.mem != nil && anonmem.Unmap(o.mem) {
		scratchLive.Add(-1)
	}
	o.mem, o.s = nil, nil
}
