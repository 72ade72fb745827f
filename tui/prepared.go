package tui

import "github.com/backchat/backchat/model"

// Prepared is what every browser over one loaded archive would otherwise
// work out for itself when it starts: the conversations newest first, each
// one's visible message count (a walk of its current thread) and how many
// conversations each service has. `backchat serve` builds it once, before
// the first session, and passes it to every session's New through
// Options.Prepared, so a new session costs no pass over the archive.
//
// A Prepared is read-only once Prepare returns: it is safe for concurrent use
// by any number of Models. The archive must not change after Prepare.
type Prepared struct {
	archive  *model.Archive
	sorted   []*model.Conversation
	counts   map[*model.Conversation]int
	services map[string]int
}

// Prepare sorts a's conversations newest first and counts each one's visible
// messages. It reads a and never modifies it. A nil archive gives an empty
// Prepared that no Options.Archive matches.
func Prepare(a *model.Archive) *Prepared {
	p := &Prepared{archive: a, counts: map[*model.Conversation]int{}, services: map[string]int{}}
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
