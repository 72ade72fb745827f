// Package anonmem maps anonymous memory outside the Go heap: zeroed pages,
// backed only once touched, that the collector neither scans nor counts
// towards its goal. The loader's text arena and read windows, the search
// index's postings and the snapshot writer's buffers live in such
// mappings; each package decides when its memory is given back. Where
// the system has no such mappings (anything but Linux here), Map returns
// nil and callers use the heap.
package anonmem

import "unsafe"

// As views b, memory from Map, as n elements of T, which must hold no
// pointers (the collector does not see into the mapping).
func As[T any](b []byte, n int) []T {
	return unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(b))), n)
}
