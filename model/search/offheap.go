package search

import (
	"runtime"
	"sync/atomic"
	"unsafe"
)

// offHeap allocates a built shard's two big pointer-free arrays, its word
// postings and pair filters (~0.2 × the text of the generated exports:
// 22 MB of conv250.json's 31 MB index), outside the Go heap where the
// system allows (offheap_linux.go), and frees them when the shard is
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
	maps [][]byte // what attach hands to the shard's cleanup
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
	b := mapAnon(n)
	if b == nil {
		return make([]byte, n)
	}
	o.maps = append(o.maps, b)
	offHeapLive.Add(1)
	return b[:n:n]
}

// uint64s returns n zeroed uint64s.
func (o *offHeap) uint64s(n int) []uint64 {
	if n*8 < offHeapMin {
		return make([]uint64, n)
	}
	b := o.bytes(n * 8)
	return unsafe.Slice((*uint64)(unsafe.Pointer(unsafe.SliceData(b))), n)
}

// attach frees the arrays allocated so far once s is unreachable: every
// reader of a shard's postings or filters reaches them through the shard
// (an Index or the Builder holds it), so none is read after that.
func (o *offHeap) attach(s *shard) {
	if len(o.maps) == 0 {
		return
	}
	runtime.AddCleanup(s, func(maps [][]byte) {
		for _, b := range maps {
			unmapAnon(b)
			offHeapLive.Add(-1)
		}
	}, o.maps)
	o.maps = nil
}
