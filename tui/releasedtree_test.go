package tui

import (
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/backchat/backchat/model"
)

// TestViewerHoldsReleasedTree: under `backchat serve` a conversation's tree
// is released when nothing holds it (model.Conversation.ReleaseTreeWhenUnused)
// and decoded again, with new Messages, when next asked for. The viewer
// holds the tree of the conversation it shows, so its segments' messages
// stay those of the tree (no second decode), however often the collector
// runs.
func TestViewerHoldsReleasedTree(t *testing.T) {
	src := longConv(40)
	var loads atomic.Int32
	c := &model.Conversation{ID: src.ID, Title: src.Title, Updated: src.Updated, Current: src.Current}
	c.SetLazyTree(func() ([]model.Node, error) {
		loads.Add(1)
		nodes := append([]model.Node(nil), src.Nodes...)
		for i := range nodes {
			if m := nodes[i].Msg; m != nil {
				cp := *m
				nodes[i].Msg = &cp
			}
		}
		return nodes, nil
	})
	c.ReleaseTreeWhenUnused()
	v := newViewer(DefaultKeyMap(), NewStyles(true), "dark", newRenderPool(), fixedNow)
	v.SetSize(100, 30)
	v.show(c)
	_ = v.renderNext()
	_ = v.View()
	defer v.cancel()
	for range 3 {
		runtime.GC()
	}
	tree := c.Tree()
	if loads.Load() != 1 {
		t.Fatalf("the shown conversation's tree was decoded %d times", loads.Load())
	}
	msgs := 0
	for _, s := range v.segs {
		if s.msg != nil {
			msgs++
			if s.node < 0 || int(s.node) >= len(tree) || tree[s.node].Msg != s.msg {
				t.Fatalf("segment of node %d holds a message that is not the tree's", s.node)
			}
		}
	}
	if msgs == 0 {
		t.Fatal("no message segments: the test covers nothing")
	}
	v.show(nil)
	tree = nil
	for range 3 {
		runtime.GC()
	}
	_ = c.Tree()
	if loads.Load() != 2 {
		t.Fatalf("after the viewer let it go: %d decodes, want 2 (the tree released)", loads.Load())
	}
}
