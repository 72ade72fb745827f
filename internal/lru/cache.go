package lru

import "sync"

// Cache is a byte-bounded map from K to V: a value put is kept until the
// cache outgrows its bound, when the least recently used values go (down
// to three quarters of it). Safe for concurrent use.
type Cache[K comparable, V any] struct {
	mu    sync.Mutex
	max   int64
	size  int64
	tick  uint64
	items map[K]*item[V]
}

type item[V any] struct {
	v    V
	size int64
	used uint64
}

// Bytes and LastUsed make an item an Entry.
func (e *item[V]) Bytes() int64     { return e.size }
func (e *item[V]) LastUsed() uint64 { return e.used }

// New returns an empty cache bounded at max bytes.
func New[K comparable, V any](max int64) *Cache[K, V] {
	return &Cache[K, V]{max: max, items: make(map[K]*item[V])}
}

// Get returns the value of k, if cached, and marks it used.
func (c *Cache[K, V]) Get(k K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.items[k]
	if !ok {
		var zero V
		return zero, false
	}
	c.tick++
	e.used = c.tick
	return e.v, true
}

// Put caches v, of size bytes, as k's value unless k has one already
// (put meanwhile by another user), then evicts down to three quarters of
// the bound when the cache is over it.
func (c *Cache[K, V]) Put(k K, v V, size int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, dup := c.items[k]; dup {
		return
	}
	c.tick++
	c.items[k] = &item[V]{v: v, size: size, used: c.tick}
	c.size += size
	if c.size > c.max {
		Evict(c.items, &c.size, c.max/4*3)
	}
}

// SetMax sets the bound, evicting down to it.
func (c *Cache[K, V]) SetMax(n int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.max = n
	if c.size > c.max {
		Evict(c.items, &c.size, c.max)
	}
}

// Bytes is what the cache holds, Max its bound and Len its entries.
func (c *Cache[K, V]) Bytes() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.size
}

func (c *Cache[K, V]) Max() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.max
}

func (c *Cache[K, V]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.items)
}
