package tui

import (
	"strings"
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
	c *lru.Cache[weak.Pointer[model.Message], string]
}

func newMDCache(maxBytes int64) *mdCache {
	return &mdCache{c: lru.New[weak.Pointer[model.Message], string](maxBytes)}
}

// markdown is messageMarkdown(m), from the cache when it is there.
func (c *mdCache) markdown(m *model.Message) string {
	if c == nil {
		return messageMarkdown(m)
	}
	k := weak.Make(m)
	if md, ok := c.c.Get(k); ok {
		return md
	}
	md := messageMarkdown(m)
	if len(md) >= minCachedMarkdown {
		// A copy: md may be the message's own text, a substring of its
		// conversation's decompressed frame (internal/snapshot), which the
		// entry would keep alive after the tree is gone.
		md = strings.Clone(md)
		c.c.Put(k, md, int64(len(md))+96) // map entry and cache item
	}
	return md
}
