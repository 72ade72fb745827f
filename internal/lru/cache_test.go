package lru

import "testing"

// TestCache: a value put is got back, a second put of a key keeps the
// first value, the least recently used go when the bound is passed (down
// to three quarters of it), and SetMax evicts down to the new bound.
func TestCache(t *testing.T) {
	c := New[int, string](100)
	c.Put(1, "one", 30)
	c.Put(1, "uno", 30)
	if v, ok := c.Get(1); !ok || v != "one" || c.Bytes() != 30 {
		t.Fatalf("Get(1) = %q, %v; %d bytes", v, ok, c.Bytes())
	}
	c.Put(2, "two", 30)
	c.Put(3, "three", 30)
	c.Get(1) // 2 is now the least recently used
	c.Put(4, "four", 30)
	if _, ok := c.Get(2); ok || c.Bytes() > 75 || c.Len() != 2 {
		t.Fatalf("after passing the bound: 2 kept %v, %d bytes, %d entries", ok, c.Bytes(), c.Len())
	}
	if _, ok := c.Get(1); !ok {
		t.Fatal("the recently used 1 was evicted")
	}
	c.SetMax(30)
	if c.Bytes() > 30 || c.Max() != 30 || c.Len() != 1 {
		t.Fatalf("SetMax(30): %d bytes, %d entries", c.Bytes(), c.Len())
	}
}
