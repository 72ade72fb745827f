package tui

import (
	"fmt"

	"github.com/backchat/backchat/model"
)

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
	// branched holds the conversations with a branch point, when given
	// (PrepareFrom); nil: rows read the conversation (BranchPoints).
	branched map[*model.Conversation]bool
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

// RowFacts is what a list row shows of a conversation that takes a walk
// of its messages: a snapshot saves them (RowFactsOf) so that a reopened
// archive lists its conversations without decoding them.
type RowFacts struct {
	Messages int  // visible messages on the current thread (VisibleCount)
	Branched bool // the conversation has a branch point (the ⑂ marker)
}

// RowFactsOf works out c's RowFacts (reading its messages).
func RowFactsOf(c *model.Conversation) RowFacts {
	return RowFacts{Messages: c.VisibleCount(), Branched: c.BranchPoints() > 0}
}

// PrepareFrom is Prepare for an archive whose RowFacts are known (facts[i]
// is RowFactsOf(a.Conversations[i]), e.g. saved in a library snapshot): it
// reads no conversation's messages, so an archive reopened lazily
// (model.Conversation.SetLazyTree) is not decoded to show its list. With
// Options.Archive and a Searcher over a prebuilt index (live.NewIndexed),
// the browser's first screen has the whole list and working search, and
// never says Loading.
func PrepareFrom(a *model.Archive, facts []RowFacts) (*Prepared, error) {
	if a == nil {
		return nil, fmt.Errorf("tui: no archive to prepare")
	}
	if len(facts) != len(a.Conversations) {
		return nil, fmt.Errorf("tui: %d row facts for an archive of %d conversations", len(facts), len(a.Conversations))
	}
	p := &Prepared{archive: a, services: map[string]int{}}
	p.sorted = append([]*model.Conversation(nil), a.Conversations...)
	model.SortNewestFirst(p.sorted)
	p.counts = make(map[*model.Conversation]int, len(p.sorted))
	p.branched = make(map[*model.Conversation]bool)
	for i, c := range a.Conversations {
		if _, ok := p.counts[c]; ok {
			continue // listed twice: counted once, as Prepare does
		}
		p.counts[c] = facts[i].Messages
		if facts[i].Branched {
			p.branched[c] = true
		}
		p.services[c.Service]++
	}
	return p, nil
}

// For reports whether p was prepared from a, so a Model over a may use it.
func (p *Prepared) For(a *model.Archive) bool {
	return p != nil && a != nil && p.archive == a
}
