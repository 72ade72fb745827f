//go:build !linux

package search

// mapAnon: elsewhere the arrays stay on the Go heap.
func mapAnon(n int) []byte { return nil }

func unmapAnon(b []byte) {}
