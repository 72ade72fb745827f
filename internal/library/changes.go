package library

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/backchat/backchat/loader"
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

// known is what the change report needs of one conversation of the
// library as loaded (the copy that won the loader's merge), and what
// merging it with a new export needs: which exports hold a copy. The
// library before an import is a list of these, from its snapshot or from
// a load of its exports (Add); the library after is that list merged
// with the new exports' own (merge), so the exports already there are
// not parsed again.
type known struct {
	ID, Title, Service string // Title as the export gives it ("" for none)
	Created, Updated   time.Time
	Nodes              int    // len(Tree())
	Current            string // CurrentKey
	InNewest           bool
	Sourced            bool    // it had Sources (model.Conversation.NotInNewest)
	In                 []int32 // exports holding a copy, by number (see exportSet)
}

// sortTime is model.Conversation.SortTime.
func (k *known) sortTime() time.Time {
	if !k.Updated.IsZero() {
		return k.Updated
	}
	return k.Created
}

func (k *known) notInNewest() bool { return k.Sourced && !k.InNewest }

func (k *known) entry() Entry {
	title := k.Title
	if title == "" {
		title = "(untitled)" // model.Conversation.DisplayTitle
	}
	return Entry{ID: k.ID, Title: title, Service: k.Service}
}

// convState is the part of a conversation compare looks at.
type convState struct {
	Updated  int64 // UnixNano, 0 for none
	Title    string
	Nodes    int
	Current  string
	InNewest bool
}

func (k *known) state() convState {
	var u int64
	if !k.Updated.IsZero() {
		u = k.Updated.UnixNano()
	}
	return convState{Updated: u, Title: k.Title, Nodes: k.Nodes, Current: k.Current, InNewest: !k.notInNewest()}
}

// exportSet numbers the exports of one comparison: the library's imports
// in load order, then the new exports in the order given. A conversation's
// Sources (paths) map to these numbers.
type exportSet struct {
	num map[string]int32 // path, and its absolute form, to number
}

func newExportSet(paths []string) exportSet {
	s := exportSet{num: make(map[string]int32, 2*len(paths))}
	for i, p := range paths {
		s.num[p] = int32(i)
		if abs, err := filepath.Abs(p); err == nil {
			s.num[abs] = int32(i)
		}
	}
	return s
}

// numbers maps sources to export numbers; ok is false when one of them is
// not an export of the set (a snapshot of something else).
func (s exportSet) numbers(sources []string) (_ []int32, ok bool) {
	in := make([]int32, 0, len(sources))
	for _, p := range sources {
		n, ok := s.num[p]
		if !ok {
			abs, err := filepath.Abs(p)
			if n, ok = s.num[abs]; err != nil || !ok {
				return nil, false
			}
		}
		in = append(in, n)
	}
	return in, true
}

// knownOf is what the report needs of c, whose tree holds nodes nodes.
// Strings are copied: a snapshot's point into a mapping that is closed
// before the report is printed.
func knownOf(c *model.Conversation, nodes int, exports exportSet) (known, bool) {
	in, ok := exports.numbers(c.Sources)
	return known{
		ID: strings.Clone(c.ID), Title: strings.Clone(c.Title), Service: strings.Clone(c.Service),
		Created: c.Created, Updated: c.Updated, Nodes: nodes, Current: strings.Clone(c.CurrentKey),
		InNewest: c.InNewest, Sourced: len(c.Sources) > 0, In: in,
	}, ok
}

// knownArchive is knownOf for every conversation of a loaded archive, in
// its order.
func knownArchive(a *model.Archive, exports exportSet) ([]known, bool) {
	out := make([]known, len(a.Conversations))
	for i, c := range a.Conversations {
		k, ok := knownOf(c, len(c.Tree()), exports)
		if !ok {
			return nil, false
		}
		out[i] = k
	}
	return out, true
}

// merge returns the library as the loader would load it from the exports
// of before followed by the new exports: before is the library loaded
// before (exports 0…n-1), added the new exports loaded on their own
// (numbered n and up), latest each export's newest conversation time (the
// loader orders exports by it). It follows loader/merge.go: the copy with
// the later update time wins, an equal one goes to the later export (a new
// one); a conversation is in the newest export when the newest export of
// its account (exports sharing a conversation) holds it. The result is in
// model.Newer's order.
func merge(before, added []known, latest []time.Time) []known {
	out := make([]known, len(before), len(before)+len(added))
	byID := make(map[string]int, len(before))
	for i, k := range before {
		k.In = slices.Clone(k.In)
		out[i] = k
		if k.ID != "" {
			byID[k.ID] = i
		}
	}
	for _, k := range added {
		i, dup := byID[k.ID]
		if k.ID == "" || !dup {
			k.In = slices.Clone(k.In)
			if k.ID != "" {
				byID[k.ID] = len(out)
			}
			out = append(out, k)
			continue
		}
		cur := &out[i]
		in := cur.In
		for _, e := range k.In {
			if !slices.Contains(in, e) {
				in = append(in, e)
			}
		}
		if k.Updated.Compare(cur.Updated) >= 0 {
			*cur = k
		}
		cur.In = in
	}
	markNewest(out, latest)
	slices.SortStableFunc(out, func(x, y known) int {
		if c := y.sortTime().Compare(x.sortTime()); c != 0 {
			return c
		}
		return strings.Compare(x.ID, y.ID)
	})
	return out
}

// markNewest sets InNewest as loader/merge.go's exportTrack.finish does:
// with one export loaded every conversation is in it; otherwise the
// exports sharing a conversation form an account, and a conversation is in
// the newest export when its account's newest (by latest, ties by number)
// holds it.
func markNewest(convs []known, latest []time.Time) {
	loaded := make([]bool, len(latest))
	for _, k := range convs {
		for _, e := range k.In {
			loaded[e] = true
		}
	}
	var order []int
	for e, ok := range loaded {
		if ok {
			order = append(order, e)
		}
	}
	if len(order) <= 1 {
		for i := range convs {
			convs[i].InNewest = true
		}
		return
	}
	slices.SortStableFunc(order, func(a, b int) int { return latest[a].Compare(latest[b]) })
	newestOf := loader.NewestPerAccount(len(latest), order, func(yield func([]int32) bool) {
		for _, k := range convs {
			if !yield(k.In) {
				return
			}
		}
	})
	for i := range convs {
		k := &convs[i]
		k.InNewest = true
		if len(k.In) == 0 {
			continue
		}
		if n, ok := newestOf(k.In); ok {
			k.InNewest = slices.Contains(k.In, n)
		}
	}
}

// compare lists what changed from before (nil: an empty library) to
// after. A conversation is updated when the copy that wins the merge has
// another update time, title, number of messages or current message than
// the one that won before.
func compare(before, after []known) Changes {
	was := make(map[string]convState, len(before))
	for i := range before {
		was[before[i].ID] = before[i].state()
	}
	var ch Changes
	for i := range after {
		k := &after[i]
		old, ok := was[k.ID]
		if !ok {
			ch.New = append(ch.New, k.entry())
			continue
		}
		now := k.state()
		now.InNewest = old.InNewest
		if now != old {
			ch.Updated = append(ch.Updated, k.entry())
		}
		if old.InNewest && k.notInNewest() {
			ch.Gone = append(ch.Gone, k.entry())
		}
	}
	return ch
}

// Earlier versions kept the state of the library after an import in
// cache/state-FINGERPRINT.json; the snapshot took its place (Add).
const statePrefix = "state-"

// removeStates removes those files.
func (l *Library) removeStates() {
	ents, _ := os.ReadDir(l.CacheDir())
	for _, e := range ents {
		if n := e.Name(); strings.HasPrefix(n, statePrefix) && strings.HasSuffix(n, ".json") {
			_ = os.Remove(filepath.Join(l.CacheDir(), n))
		}
	}
}
