package library

import (
	"github.com/backchat/backchat/model"
)

// Entry names a conversation in Changes.
type Entry struct {
	ID, Title, Service string
}

// Changes is what an import changed in the library as loaded: the
// conversations it added, the ones it updated, and the ones the newest
// export no longer holds (kept, marked ⊘ by the browser and "not in newest
// export" by ls). Each list is in the loaded archive's order (newest first).
type Changes struct {
	New     []Entry
	Updated []Entry
	// Gone were in the newest export before and are not now.
	Gone []Entry
}

// convState is what compare needs of a conversation loaded before.
type convState struct {
	updated  int64 // UnixNano
	title    string
	nodes    int
	current  string
	inNewest bool
}

func stateOf(c *model.Conversation) convState {
	var u int64
	if !c.Updated.IsZero() {
		u = c.Updated.UnixNano()
	}
	return convState{updated: u, title: c.Title, nodes: len(c.Tree()), current: c.CurrentKey, inNewest: !c.NotInNewest()}
}

// summarise keeps what compare needs of the library loaded before, so the
// archive itself can go.
func summarise(a *model.Archive) map[string]convState {
	m := make(map[string]convState, len(a.Conversations))
	for _, c := range a.Conversations {
		m[c.ID] = stateOf(c)
	}
	return m
}

// compare lists what changed from before (nil: an empty library) to
// after. A conversation is updated when the copy that wins the merge has
// another update time, title, number of messages or current message than
// the one that won before.
func compare(before map[string]convState, after *model.Archive) Changes {
	var ch Changes
	for _, c := range after.Conversations {
		e := Entry{ID: c.ID, Title: c.DisplayTitle(), Service: c.Service}
		old, ok := before[c.ID]
		if !ok {
			ch.New = append(ch.New, e)
			continue
		}
		if stateOf(c) != (convState{old.updated, old.title, old.nodes, old.current, stateOf(c).inNewest}) {
			ch.Updated = append(ch.Updated, e)
		}
		if old.inNewest && c.NotInNewest() {
			ch.Gone = append(ch.Gone, e)
		}
	}
	return ch
}
