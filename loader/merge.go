package loader

import (
	"iter"
	"slices"
	"time"

	"github.com/backchat/backchat/model"
)

// winKey orders copies of one conversation that share an update time: the
// later path wins, then the later shard, then the later element.
type winKey struct {
	export, seq, index int
}

func (k winKey) less(o winKey) bool {
	if k.export != o.export {
		return k.export < o.export
	}
	if k.seq != o.seq {
		return k.seq < o.seq
	}
	return k.index < o.index
}

// newer reports whether conv (from k) replaces cur (from curK): the newer
// update_time wins; equal times fall back to argument and file order so the
// result does not depend on worker scheduling.
func newer(conv *model.Conversation, k winKey, cur *model.Conversation, curK membership) bool {
	if c := conv.Updated.Compare(cur.Updated); c != 0 {
		return c > 0
	}
	return curK.winKey.less(k)
}

// membership is the bookkeeping of one collected conversation: where its
// winning copy came from and which exports hold a copy.
type membership struct {
	winKey
	// in lists export indices holding the conversation, in arrival order
	// (usually one or two entries; a linear scan beats a map).
	in []int32
}

// exportTrack records, per export (path), the newest conversation time seen
// and, per collected conversation, the exports holding it. finish turns that
// into Conversation.Sources and InNewest. Used only by the collector's
// goroutine.
type exportTrack struct {
	paths  []string
	latest []time.Time // newest SortTime seen per export
	loaded []bool      // the export produced at least one conversation
	wins   []membership
	one    [][]string // cached single-export Sources slices
}

func newExportTrack(paths []string) exportTrack {
	one := make([][]string, len(paths))
	for i, p := range paths {
		one[i] = []string{p}
	}
	return exportTrack{
		paths:  paths,
		latest: make([]time.Time, len(paths)),
		loaded: make([]bool, len(paths)),
		one:    one,
	}
}

// single is the shared Sources slice of a conversation held by export e only.
func (t *exportTrack) single(e int) []string { return t.one[e] }

// saw notes that export e holds conv.
func (t *exportTrack) saw(e int, conv *model.Conversation) {
	t.loaded[e] = true
	if st := conv.SortTime(); st.After(t.latest[e]) {
		t.latest[e] = st
	}
}

// add appends the membership of a newly collected conversation.
func (t *exportTrack) add(k winKey) {
	t.wins = append(t.wins, membership{winKey: k, in: []int32{int32(k.export)}})
}

// also records that export e holds collected conversation i.
func (t *exportTrack) also(i, e int) {
	m := &t.wins[i]
	if !slices.Contains(m.in, int32(e)) {
		m.in = append(m.in, int32(e))
	}
}

// finish orders the exports (oldest first: by newest conversation time, ties
// by argument order) and sets each conversation's Sources and InNewest (held
// by the newest export of its own account: exports sharing a conversation). A
// conversation whose values differ from the provisional ones it was streamed
// with is replaced by a shallow copy, so a reader holding the streamed
// pointer never sees it change.
func (t *exportTrack) finish(convs []*model.Conversation) {
	order := make([]int, 0, len(t.paths))
	for e := range t.paths {
		if t.loaded[e] {
			order = append(order, e)
		}
	}
	if len(order) <= 1 {
		return // provisional values are final
	}
	slices.SortStableFunc(order, func(a, b int) int {
		if c := t.latest[a].Compare(t.latest[b]); c != 0 {
			return c
		}
		return a - b
	})
	rank := make([]int, len(t.paths))
	for r, e := range order {
		rank[e] = r
	}
	newestOf := NewestPerAccount(len(t.paths), order, func(yield func([]int32) bool) {
		for _, m := range t.wins {
			if !yield(m.in) {
				return
			}
		}
	})
	lists := sourceLists{paths: t.paths}
	for i, conv := range convs {
		m := t.wins[i]
		in := true
		if n, ok := newestOf(m.in); ok {
			in = slices.Contains(m.in, n)
		}
		if len(m.in) == 1 && in {
			continue // provisional values are final
		}
		slices.SortFunc(m.in, func(a, b int32) int { return rank[a] - rank[b] })
		cp := *conv
		cp.Sources = lists.of(m.in)
		cp.InNewest = in
		convs[i] = &cp
	}
}

// sourceLists gives conversations held by the same exports (in the same
// order) one shared Sources slice.
type sourceLists struct {
	paths  []string
	shared map[string][]string
	key    []byte
}

// of is the Sources slice for the exports in (indexes into paths).
func (l *sourceLists) of(in []int32) []string {
	l.key = l.key[:0]
	for _, e := range in {
		l.key = append(l.key, byte(e), byte(e>>8), byte(e>>16), byte(e>>24))
	}
	if src, ok := l.shared[string(l.key)]; ok {
		return src
	}
	src := make([]string, len(in))
	for j, e := range in {
		src[j] = l.paths[e]
	}
	if l.shared == nil {
		l.shared = make(map[string][]string)
	}
	l.shared[string(l.key)] = src
	return src
}

// NewestPerAccount is "newest export" per account, for n exports loaded in
// order (oldest first) whose conversations are held by the export sets
// held yields: exports that share a conversation are exports of one
// account (union-find), and only the newest of them says which of its
// conversations were deleted upstream. A ChatGPT export says nothing
// about Claude's conversations, and another person's export (no
// conversation in common) nothing about this one's; a newer export
// sharing no conversation with the older ones is taken for another
// account, so nothing is marked rather than everything. The function it
// returns gives the newest export of the account of a conversation held
// by in (ok false when in is empty or none of its exports is in order).
// internal/library's import report applies the same rule to a snapshot.
func NewestPerAccount(n int, order []int, held iter.Seq[[]int32]) func(in []int32) (int32, bool) {
	group := make([]int, n)
	for e := range group {
		group[e] = e
	}
	find := func(e int) int {
		for group[e] != e {
			group[e] = group[group[e]]
			e = group[e]
		}
		return e
	}
	for in := range held {
		if len(in) < 2 {
			continue
		}
		for _, e := range in[1:] {
			if a, b := find(int(in[0])), find(int(e)); a != b {
				group[b] = a
			}
		}
	}
	newest := make(map[int]int32)
	for _, e := range order {
		newest[find(e)] = int32(e)
	}
	return func(in []int32) (int32, bool) {
		if len(in) == 0 {
			return 0, false
		}
		e, ok := newest[find(int(in[0]))]
		return e, ok
	}
}
