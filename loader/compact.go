package loader

import (
	"strings"

	"github.com/backchat/backchat/model"
)

// The browser's first load (Options.Compact) keeps the text of the
// conversations decoded beyond a budget compressed from their decode on,
// so that the decoded text of the whole export is never in memory at once
// (docs/architecture.md, "Memory").
//
// A worker decodes a conversation into its arena from a mark, encodes its
// tree into a standalone snapshot frame (internal/snapshot/memframe.go),
// copies every top-level string the collector, the list and the warnings
// keep to the Go heap, rewinds the arena to the mark (the decoded text's
// memory is reused for the next conversation) and stores the frame there:
// the tree is decoded from it whenever it is read. Anything still pointing
// into the rewound text would read other bytes: the conversation's tree
// is dropped whole (Nodes nil) and its strings are cloned here.

// Compactor encodes conversations' trees (internal/snapshot's, which the
// loader does not import: its tests load exports). Each worker owns one.
type Compactor interface {
	// Compact encodes nodes and returns the bytes to keep (valid until
	// the next call) and open, which, given where the caller copied them
	// (which must not change afterwards), returns the tree read from them
	// (model.Conversation.SetTreeSource).
	Compact(nodes []model.Node) (stored []byte, open func(kept []byte) model.TreeSource)
	// Free gives back the Compactor's buffers.
	Free()
}

// compact replaces c's tree, decoded into the arena since m, by a frame.
func (w *worker) compact(c *model.Conversation, m arenaMark) {
	nodes := c.Nodes
	visible, branches := c.VisibleCount(), c.BranchPoints()
	stored, open := w.k.Compact(nodes)
	cloneTop(c)
	c.Nodes = nil
	w.a.rewindKeep(m)
	c.SetTreeSource(open(w.a.bytes(stored)))
	c.SetTreeCounts(visible, branches)
	c.ReleaseTreeWhenUnused()
}

// overBudget says whether the conversation job j held is beyond the
// load's plain budget (Options.CompactPlain), which its JSON's bytes are
// taken from: a segment's element is the first w.end bytes of its window.
func (w *worker) overBudget(j job) bool {
	n := len(j.data)
	if w.end > 0 && w.end < n {
		n = w.end
	}
	return w.plain == nil || w.plain.Add(-int64(n)) < 0
}

// cloneTop copies the conversation's own strings (not its tree's) to the
// Go heap, in one allocation.
func cloneTop(c *model.Conversation) {
	fields := [...]*string{&c.ID, &c.Title, &c.Model, &c.GizmoID, &c.GizmoType, &c.Origin, &c.Source, &c.Service, &c.CurrentKey, &c.ShareID}
	n := 0
	for _, f := range fields {
		n += len(*f)
	}
	if n == 0 {
		return
	}
	var b strings.Builder
	b.Grow(n)
	for _, f := range fields {
		b.WriteString(*f)
	}
	all := b.String()
	for _, f := range fields {
		k := len(*f)
		*f, all = all[:k], all[k:]
	}
}

// hasFeedback says whether export e's side files rate messages of the
// conversation id: the collector applies them to its tree.
func (s sideSet) hasFeedback(e int, id string) bool {
	if id == "" || e < 0 || e >= len(s) || s[e] == nil {
		return false
	}
	return len(s[e].feedback[sideID(id)]) > 0
}
