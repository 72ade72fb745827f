package tui

import "github.com/backchat/backchat/internal/lru"

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
	c *lru.Cache[renderKey, []string]
}

func newRenderCache(maxBytes int64) *renderCache {
	return &renderCache{c: lru.New[renderKey, []string](maxBytes)}
}

// get returns the rendered body of k, if cached.
func (c *renderCache) get(k renderKey) ([]string, bool) { return c.c.Get(k) }

// put caches the rendered body of k unless it is cached already (another
// session rendered it meanwhile), then evicts the least recently used
// entries down to three quarters of the budget when it is over.
func (c *renderCache) put(k renderKey, lines []string) {
	size := int64(64) // map entry and cache item
	for _, l := range lines {
		size += int64(len(l)) + 16
	}
	c.c.Put(k, lines, size)
}

// setMax sets the cache's bound, evicting down to it.
func (c *renderCache) setMax(n int64) { c.c.SetMax(n) }

// bytes is the cache's current size (tests).
func (c *renderCache) bytes() int64 { return c.c.Bytes() }
