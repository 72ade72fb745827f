//go:build !linux

package loader

// offHeapAlloc returns nil: elsewhere the arena uses Go-heap chunks.
func offHeapAlloc() func(n int) []byte { return nil }

// offHeapRelease is never called: there is no off-heap arena here.
func offHeapRelease([]byte) {}
