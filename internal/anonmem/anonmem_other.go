//go:build !linux

package anonmem

import "os"

// Map returns nil: callers keep their memory on the Go heap here.
func Map(n int) []byte { return nil }

// Remap fails: nothing is mapped here.
func Remap(b []byte, n int) ([]byte, bool) { return nil, false }

// Unmap unmaps nothing: nothing is mapped here.
func Unmap(b []byte) bool { return false }

// PageRound is n rounded up to whole pages (one at least).
func PageRound(n int) int {
	p := os.Getpagesize()
	return max(p, (n+p-1)/p*p)
}
