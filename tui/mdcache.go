package tui

import (
	"sync"
	"weak"

	"github.com/backchat/backchat/internal/lru"
	"github.com/backchat/backchat/model"
)

// maxMarkdownBytes bounds the Markdown cache (mdCache). Like the render
// cache it is shared by every session over an archive (renderPool), so it is
// paid once per server.
const maxMarkdownBytes = 16 << 20

// minCachedMarkdown is the shortest Markdown kept: a short message's is
// made in less than its entry costs to keep.
const minCachedMarkdown = 512

// mdCache keeps messages' Markdown (messageMarkdown) by message: a preview
// counts its hits in every message's Markdown (lazyhits.go lazyCount), and
// the same conversation is previewed again and again, by one session moving
// through the list or typing a filter, and by every session of `backchat
// serve`. A message is read-only once loaded, so its Markdown never
// changes. Entries are keyed by weak pointers: the cache never keeps a
// message alive (a reopened library drops decoded trees it no longer
// shows); an entry of a collected message ages out. Safe for concurrent
// use.
type mdCache struct {
	mu    sync.Mutex
	max   int64
	size  int64
	tick  uint64
	items map[weak.Pointer[model.Message]]*mdEntry
}

type mdEntry struct {
	md   string
	size int64
	used uint64
}

// Bytes and LastUsed make an entry an lru.Entry.
func (e *mdEntry) Bytes() int64     { return e.size }
func (e *mdEntry) LastUsed() uint64 { return e.used }

func newMDCache(maxBytes int64) *mdCache {
	return &mdCache{max: maxBytes, items: make(map[weak.Pointer[model.Message]]*mdEntry)}
}

// markdown is messageMarkdown(m), from the cache when it is there.
func (c *mdCache) markdown(m *model.Message) string {
	if c == nil {
		return messageMarkdown(m)
	}
	k := weak.Make(m)
	c.mu.Lock()
	if e, ok := c.items[k]; ok {
		c.tick++
		e.used = c.tick
		c.mu.Unlock()
		return e.md
	}
	c.mu.Unlock()
	md := messageMarkdown(m)
	if len(md) < minCachedMarkdown {
		return md
	}
	size := int64(len(md)) + 96 // map entry and mdEntry
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, dup := c.items[k]; !dup {
		c.tick++
		c.items[k] = &mdEntry{md: md, size: size, used: c.tick}
		c.size += size
		if c.size > c.max {
			lru.Evict(c.items, &c.size, c.max/4*3)
		}
	}
	return md
}
