package lru

import "testing"

type entry struct {
	size int64
	used uint64
}

func (e *entry) Bytes() int64     { return e.size }
func (e *entry) LastUsed() uint64 { return e.used }

// TestEvictOldestFirst: entries go least recently used first, and only as
// many as bring the size to the target.
func TestEvictOldestFirst(t *testing.T) {
	items := map[string]*entry{"a": {10, 5}, "b": {20, 1}, "c": {30, 9}, "d": {40, 3}}
	size := int64(100)
	Evict(items, &size, 50)
	// b (used 1) and d (used 3) go: 100 - 20 - 40 = 40 ≤ 50.
	if size != 40 || len(items) != 2 || items["a"] == nil || items["c"] == nil {
		t.Fatalf("size %d, left %v", size, items)
	}
	Evict(items, &size, 40) // already there: nothing goes
	if size != 40 || len(items) != 2 {
		t.Fatalf("size %d, left %v", size, items)
	}
	Evict(items, &size, 0)
	if size != 0 || len(items) != 0 {
		t.Fatalf("size %d, left %v", size, items)
	}
}
