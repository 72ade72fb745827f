package library

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"

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
	Updated  int64  `json:"u,omitempty"` // UnixNano
	Title    string `json:"t,omitempty"`
	Nodes    int    `json:"n,omitempty"`
	Current  string `json:"c,omitempty"`
	InNewest bool   `json:"in,omitempty"`
}

func stateOf(c *model.Conversation) convState {
	var u int64
	if !c.Updated.IsZero() {
		u = c.Updated.UnixNano()
	}
	return convState{Updated: u, Title: c.Title, Nodes: len(c.Tree()), Current: c.CurrentKey, InNewest: !c.NotInNewest()}
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
		now := stateOf(c)
		now.InNewest = old.InNewest
		if now != old {
			ch.Updated = append(ch.Updated, e)
		}
		if old.InNewest && c.NotInNewest() {
			ch.Gone = append(ch.Gone, e)
		}
	}
	return ch
}

// The state of the library as loaded after an import is kept in
// cache/state-FINGERPRINT.json, so the next import compares against it
// instead of loading every import already there a second time. It serves
// only the change report: a missing or damaged one means a load.
const statePrefix = "state-"

func (l *Library) statePath() string {
	return filepath.Join(l.CacheDir(), statePrefix+l.Fingerprint()+".json")
}

// readState returns the saved state of the library as it is, or nil.
func (l *Library) readState() map[string]convState {
	b, err := os.ReadFile(l.statePath())
	if err != nil {
		return nil
	}
	var m map[string]convState
	if json.Unmarshal(b, &m) != nil {
		return nil
	}
	return m
}

// writeState saves st as the state of l and removes the states of earlier
// contents. Failing to is no error: the next import loads instead.
func (l *Library) writeState(st map[string]convState, w writeHook) {
	b, err := json.Marshal(st)
	if err != nil {
		return
	}
	dir := l.CacheDir()
	if os.MkdirAll(dir, 0o700) != nil {
		return
	}
	keep := filepath.Base(l.statePath())
	if writeFileAtomic(dir, keep, b, w) != nil {
		return
	}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if n := e.Name(); n != keep && strings.HasPrefix(n, statePrefix) && strings.HasSuffix(n, ".json") {
			_ = os.Remove(filepath.Join(dir, n))
		}
	}
}
