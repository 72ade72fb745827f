//go:build linux

package loader

import (
	"runtime"
	"runtime/metrics"
	"unsafe"

	"golang.org/x/sys/unix"
)

// hugeHeap asks for transparent huge pages on n bytes of the Go heap that
// a big load is about to grow into, and returns the advised address range
// (0, 0 when it did nothing).
//
// The Go runtime maps its heap without MADV_HUGEPAGE, and where THP is
// "madvise" (the default of most distributions) every 4 KiB page of the
// decoded model then costs a page fault: ~100,000 faults for the ~350 MB of
// Go heap of a 1 GB export of short conversations, a large part of the
// load's system time on small VMs (docs/load-speed.md: 2 MiB pages fault
// ~4x faster per byte). So: allocate n pointer-free bytes (fresh heap
// memory, mapped but not touched: a large allocation from new memory is
// not zeroed), advise them, and free them with a collection of the still
// small heap. The runtime hands the same addresses out again for the
// model's structs and the advice stays with the mapping.
//
// Skipped when the live heap is already big (another archive is held: the
// forced collection would cost more than it saves).
func hugeHeap(n int64) (beg, end uintptr) {
	if n < 4<<20 || unsafe.Sizeof(uintptr(0)) < 8 || liveHeap() > 256<<20 {
		return 0, 0 // small, 32-bit address space, or not worth a collection
	}
	n = min(n, 1<<30)
	b := make([]byte, n)
	const huge = 2 << 20
	p := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	beg = (p + huge - 1) &^ (huge - 1)
	end = (p + uintptr(n)) &^ (huge - 1)
	if end <= beg || unix.Madvise(b[beg-p:end-p], unix.MADV_HUGEPAGE) != nil {
		beg, end = 0, 0
	}
	runtime.KeepAlive(b)
	b = nil
	runtime.GC()
	return beg, end
}

// liveHeap is the live Go heap at the last collection, in bytes.
func liveHeap() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}
