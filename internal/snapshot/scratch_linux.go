//go:build linux

package snapshot

import "golang.org/x/sys/unix"

// mapBytes maps at least n bytes of zeroed anonymous memory (pages are
// only backed once touched); ok is false when the system refused.
func mapBytes(n int) (_ []byte, ok bool) {
	mem, err := unix.Mmap(-1, 0, pageRound(n), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS)
	if err != nil {
		return nil, false
	}
	scratchLive.Add(1)
	return mem, true
}

// remapBytes grows mem, a mapping from mapBytes, to at least n bytes,
// moving its pages rather than copying them; on failure mem is kept.
func remapBytes(mem []byte, n int) (_ []byte, ok bool) {
	b, err := unix.Mremap(mem, pageRound(n), unix.MREMAP_MAYMOVE)
	if err != nil {
		return nil, false
	}
	return b, true
}

// unmapBytes unmaps a mapping from mapBytes or remapBytes.
func unmapBytes(mem []byte) {
	if unix.Munmap(mem) == nil {
		scratchLive.Add(-1)
	}
}

func pageRound(n int) int {
	p := unix.Getpagesize()
	return max(p, (n+p-1)/p*p)
}
