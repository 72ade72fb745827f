package tui

import (
	"sync"

	"github.com/backchat/backchat/internal/lru"
)

// maxCacheBytes bounds the render cache: the rendered lines' bytes plus
// their string headers. Beyond it the least recently used entries go.
// `backchat serve` shares one cache between every session over an archive
// (see Prepared), so this is paid once per server, not once per session.
const maxCacheBytes = 64 << 20

// renderCache holds rendered message bodies by renderKey. Every session
// over one archive can share one: a conversation a second session opens at
// the same width and theme is rendered already.
//
// The cached slices are shared and must never be written to: readers copy
// them into their own segments (append(head, body...)).
//
// Safe for concurrent use.
type renderCache struct {
	mu    sync.Mutex
	max   int64
	size  int64
	tick  uint64
	items map[renderKey]*cacheEntry
}

// cacheEntry is one rendered body and when it was last used.
type cacheEntry struct {
	lines []string
	size  int64
	used  uint64
}

func newRenderCache(maxBytes int64) *renderCache {
	return &renderCache{max: maxBytes, items: make(map[renderKey]*cacheEntry)}
}

// get returns the rendered body of k, if cached.
func (c *renderCache) get(k renderKey) ([]string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.items[k]
	if !ok {
		return nil, false
	}
	c.tick++
	e.used = c.tick
	return e.lines, true
}

// put caches the rendered body of k unless it is cached already (another
// session rendered it meanwhile), then evicts the least recently used
// entries down to three quarters of the budget when it is over.
func (c *renderCache) put(k renderKey, lines []string) {
	size := int64(64) // map entry and cacheEntry
	for _, l := range lines {
		size += int64(len(l)) + 16
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, dup := c.items[k]; dup {
		return
	}
	c.tick++
	c.items[k] = &cacheEntry{lines: lines, size: size, used: c.tick}
	c.size += size
	if c.size > c.max {
		c.evict(c.max / 4 * 3)
	}
}

// setMax sets the cache's bound, evicting down to it.
func (c *renderCache) setMax(n int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.max = n
	if c.size > c.max {
		c.evict(c.max)
	}
}

// evict drops the least recently used entries until the cache holds at most
// target bytes. The caller holds c.mu.
func (c *renderCache) evict(target int64) { lru.Evict(c.items, &c.size, target) }

// Bytes and LastUsed make an entry an lru.Entry.
func (e *cacheEntry) Bytes() int64     { return e.size }
func (e *cacheEntry) LastUsed() uint64 { return e.used }

// bytes is the cache's current size (tests).
func (c *renderCache) bytes() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.size
}
