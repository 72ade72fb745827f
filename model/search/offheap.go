package search

import (
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/backchat/backchat/internal/anonmem"
)

// offHeap allocates a built shard's two big pointer-free arrays, its word
// postings and pair filters (~0.2 × the text of the generated exports:
// 22 MB of conv250.json's 31 MB index), outside the Go heap where the
// system allows (internal/anonmem), and frees them when the shard is
// collected (attach).
//
// Why: the collector lets the heap grow to twice what was live at its
// last cycle (GOGC 100), so every live byte on the heap costs up to a
// second byte of peak RSS while the browser builds its index after the
// load. Arrays the collector does not hold cost their size only. They
// hold no pointers, so nothing on the heap is kept alive through them.
//
// Not safe for concurrent use: each shardBuilder's finish has its own.
type offHeap struct {
	offMaps // what attach hands to the shard's cleanup
}

// offMaps is a builder's scratch blocks mapped outside the heap
// (chunks.off): the postings and pair filters being collected, ~0.1 × a
// shard's text per build worker, which the collector would otherwise
// count towards the heap's next goal. free unmaps them when the worker
// drops its scratch; a cleanup on the shardBuilder does if it is
// collected first (a Builder dropped with its scratch still pooled).
type offMaps struct {
	mu   sync.Mutex
	maps [][]byte
}

// free unmaps every block; the chunks using them must not be used again.
func (o *offMaps) free() {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, b := range o.maps {
		anonmem.Unmap(b)
		offHeapLive.Add(-1)
	}
	o.maps = nil
}

// offHeapSlice returns n zeroed Ts, mapped outside the heap when the
// system allows (then recorded in o), else on the heap. T must hold no
// pointers.
func offHeapSlice[T any](o *offMaps, n int) []T {
	var z T
	size := n * int(unsafe.Sizeof(z))
	b := anonmem.Map(size)
	if b == nil {
		return make([]T, n)
	}
	o.mu.Lock()
	o.maps = append(o.maps, b)
	o.mu.Unlock()
	offHeapLive.Add(1)
	return anonmem.As[T](b, n)
}

// offHeapMin is the size under which an array stays on the heap (a
// mapping is whole pages: small shards' arrays would waste most of one).
// A variable for tests.
var offHeapMin = 64 << 10

// offHeapLive counts the mappings made and not yet unmapped (tests).
var offHeapLive atomic.Int64

// bytes returns n zeroed bytes.
func (o *offHeap) bytes(n int) []byte {
	if n < offHeapMin {
		return make([]byte, n)
	}
	return offHeapSlice[byte](&o.offMaps, n)
}

// uint64s returns n zeroed uint64s.
func (o *offHeap) uint64s(n int) []uint64 {
	if n*8 < offHeapMin {
		return make([]uint64, n)
	}
	return offHeapSlice[uint64](&o.offMaps, n)
}

// attach frees the arrays allocated so far once s is unreachable: every
// reader of a shard's postings or filters reaches them through the shard
// (an Index or the Builder holds it), so none is read after that.
func (o *offHeap) attach(s *shard) {
	if len(o.maps) == 0 {
		return
	}
	runtime.AddCleanup(s, (*offMaps).free, &offMaps{maps: o.maps})
	o.maps = nil
}
