//go:build linux

package anonmem

import "golang.org/x/sys/unix"

// Map maps n bytes of zeroed anonymous memory; nil when the system
// refuses.
func Map(n int) []byte {
	b, err := unix.Mmap(-1, 0, n, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_ANON|unix.MAP_PRIVATE)
	if err != nil {
		return nil
	}
	return b
}

// Remap grows b, a whole mapping from Map or Remap, to n bytes, moving its
// pages rather than copying them; on failure (ok false) b is kept.
func Remap(b []byte, n int) (_ []byte, ok bool) {
	m, err := unix.Mremap(b, n, unix.MREMAP_MAYMOVE)
	if err != nil {
		return nil, false
	}
	return m, true
}

// Unmap unmaps b, a whole mapping from Map or Remap (a slice of it with
// the same capacity will do); it reports whether b was one.
func Unmap(b []byte) bool { return unix.Munmap(b) == nil }

// PageRound is n rounded up to whole pages (one at least).
func PageRound(n int) int {
	p := unix.Getpagesize()
	return max(p, (n+p-1)/p*p)
}
