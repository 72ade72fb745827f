package tui

import (
	"sync"
	"time"

	"github.com/backchat/backchat/model"
)

// Prepared is what every browser over one loaded archive would otherwise
// work out for itself when it starts: the conversations newest first, each
// one's visible message count (a walk of its current thread) and how many
// conversations each service has. It also holds the Glamour renderers and
// the render cache every browser over the archive shares (renderPool), so
// that under `backchat serve` they cost memory once, not once per session. `backchat serve` builds it once, before
// the first session, and passes it to every session's New through
// Options.Prepared, so a new session costs no pass over the archive.
//
// A Prepared is read-only once Prepare returns, but for its render pool and
// its list rows, which are built on first use behind locks: it is safe for
// concurrent use by any number of Models. The archive must not change after
// Prepare.
type Prepared struct {
	archive  *model.Archive
	sorted   []*model.Conversation
	counts   map[*model.Conversation]int
	services map[string]int
	renders  *renderPool

	// rows are the list's rows of sorted for the day rowsDay (date groups
	// depend on the day), built by the first session that asks.
	rowsMu  sync.Mutex
	rowsDay string
	rows    []row
}

// Prepare sorts a's conversations newest first and counts each one's visible
// messages. It reads a and never modifies it. A nil archive gives an empty
// Prepared that no Options.Archive matches.
func Prepare(a *model.Archive) *Prepared {
	p := &Prepared{archive: a, counts: map[*model.Conversation]int{}, services: map[string]int{}, renders: newRenderPool()}
	if a == nil {
		return p
	}
	p.sorted = append([]*model.Conversation(nil), a.Conversations...)
	model.SortNewestFirst(p.sorted)
	p.counts = make(map[*model.Conversation]int, len(p.sorted))
	for _, c := range p.sorted {
		if _, ok := p.counts[c]; ok {
			continue // the same conversation listed twice: count it once, as setAll does
		}
		p.counts[c] = c.VisibleCount()
		p.services[c.Service]++
	}
	return p
}

// For reports whether p was prepared from a, so a Model over a may use it.
func (p *Prepared) For(a *model.Archive) bool {
	return p != nil && a != nil && p.archive == a
}

// SetRenderCacheBytes bounds the render cache every session over p shares
// (default 64 MB); `backchat serve` counts it in its memory budget. Safe
// for concurrent use.
func (p *Prepared) SetRenderCacheBytes(n int64) {
	if p != nil {
		p.renders.cache.setMax(n)
	}
}

// SetMarkdownCacheBytes bounds the messages' Markdown cache every session
// over p shares (mdcache.go; default 16 MB); `backchat serve` counts it in
// its memory budget. Safe for concurrent use.
func (p *Prepared) SetMarkdownCacheBytes(n int64) {
	if p != nil {
		p.renders.md.c.SetMax(n)
	}
}

// renderPool is the render pool of a browser over a: p's shared one when p
// was prepared from a, else a new one of its own.
func (p *Prepared) renderPool(a *model.Archive) *renderPool {
	if p.For(a) {
		return p.renders
	}
	return newRenderPool()
}

// dateRows are the list's rows of p's conversations under date groups
// relative to now's day, shared by every session on that day: callers must
// not write to them. Safe for concurrent use.
func (p *Prepared) dateRows(now time.Time) []row {
	day := now.Format("2006-01-02") + " " + now.Location().String()
	p.rowsMu.Lock()
	defer p.rowsMu.Unlock()
	if p.rows == nil || p.rowsDay != day {
		p.rows, p.rowsDay = dateRows(p.sorted, now, nil), day
	}
	return p.rows
}
