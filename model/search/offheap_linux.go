//go:build linux

package search

import "golang.org/x/sys/unix"

// mapAnon maps n bytes of anonymous memory (zeroed, faulted in as they
// are written); nil when the system refuses.
func mapAnon(n int) []byte {
	b, err := unix.Mmap(-1, 0, n, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_ANON|unix.MAP_PRIVATE)
	if err != nil {
		return nil
	}
	return b
}

// unmapAnon unmaps b, a whole slice mapAnon returned.
func unmapAnon(b []byte) { _ = unix.Munmap(b) }
