// Package lru is what backchat's byte-bounded caches share (the browser's
// render and Markdown caches, the search answers every SSH session
// shares): dropping their least recently used entries (Evict), and a map
// that does so (Cache).
package lru

import (
	"cmp"
	"slices"
)

// Entry is a cached value: its size in bytes and the tick of its last use.
type Entry interface {
	Bytes() int64
	LastUsed() uint64
}

// Evict deletes the entries of items, least recently used first, until
// *size is at most target, taking each one's bytes off *size. The caller
// holds the cache's lock.
func Evict[K comparable, E Entry](items map[K]E, size *int64, target int64) {
	type aged struct {
		k    K
		used uint64
	}
	all := make([]aged, 0, len(items))
	for k, e := range items {
		all = append(all, aged{k, e.LastUsed()})
	}
	slices.SortFunc(all, func(a, b aged) int { return cmp.Compare(a.used, b.used) })
	for _, a := range all {
		if *size <= target {
			break
		}
		*size -= items[a.k].Bytes()
		delete(items, a.k)
	}
}
