//go:build !linux

package snapshot

// Without mappings the writer's buffers are on the heap (offHeap keeps
// them as Go slices).

func mapBytes(int) ([]byte, bool) { return nil, false }

func remapBytes([]byte, int) ([]byte, bool) { return nil, false }

func unmapBytes([]byte) {}
