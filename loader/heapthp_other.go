//go:build !linux

package loader

// hugeHeap does nothing where transparent huge pages are not asked for by
// madvise (see heapthp_linux.go).
func hugeHeap(int64) (beg, end uintptr) { return 0, 0 }
