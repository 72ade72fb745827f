//go:build linux

package loader

import (
	"os"
	"time"
	"unsafe"

	"github.com/backchat/backchat/internal/anonmem"
	"golang.org/x/sys/unix"
)

// offHeapAlloc returns an allocator of anonymous mmap'd chunks, each faulted
// in with one call (MADV_POPULATE_WRITE) instead of one trap per page
// (kernels before 5.14 refuse it; then pages fault in on first use), and
// advised to use transparent huge pages only while they fill fast (see
// hugePolicy). The chunks are unmapped only by a load's Release
// (arena_release.go), which its caller calls once nothing can point into
// them; otherwise they live as long as the process.
//
// Not safe for concurrent use: each arena has its own.
func offHeapAlloc() func(n int) []byte {
	var p hugePolicy
	return func(n int) []byte {
		b := anonmem.Map(n)
		if b == nil {
			return make([]byte, n)
		}
		huge := n >= hugeMin && p.huge()
		if huge {
			_ = unix.Madvise(b, unix.MADV_HUGEPAGE)
		}
		start := time.Now()
		_ = unix.Madvise(b, unix.MADV_POPULATE_WRITE)
		if huge {
			p.filled(n, time.Since(start))
		}
		return b
	}
}

// offHeapRelease gives the whole pages of b, part of an offHeapAlloc chunk
// that nothing uses, back to the kernel (they read as zeros if touched).
func offHeapRelease(b []byte) {
	page := uintptr(os.Getpagesize())
	p := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	from := (p + page - 1) &^ (page - 1)
	to := (p + uintptr(len(b))) &^ (page - 1)
	if to > from {
		_ = unix.Madvise(b[from-p:to-p], unix.MADV_DONTNEED)
	}
}
