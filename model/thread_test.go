package model

import (
	"testing"
	"time"
)

// threadFixtures are trees VisibleCount must count like the thread a
// reader sees: plain chains, branches, hidden and folded messages, a
// dangling or missing current node, cycles and parents out of range.
func threadFixtures() map[string]*Conversation {
	msg := func(v Visibility, sec int64) *Message {
		return withPacked(&Message{Visibility: v}, packedFields{Time: time.Unix(sec, 0)})
	}
	return map[string]*Conversation{
		"empty": {Current: NoNode},
		"chain": {Current: 3, Nodes: []Node{
			Node{Parent: NoNode}.WithChildren([]int32{1}),
			Node{Parent: 0, Msg: msg(Shown, 1)}.WithChildren([]int32{2}),
			Node{Parent: 1, Msg: msg(Hidden, 2)}.WithChildren([]int32{3}),
			{Parent: 2, Msg: msg(Folded, 3)},
		}},
		"branch, current on the old side": {Current: 2, Nodes: []Node{
			Node{Parent: NoNode, Msg: msg(Shown, 1)}.WithChildren([]int32{1, 3}),
			Node{Parent: 0, Msg: msg(Shown, 2)}.WithChildren([]int32{2}),
			{Parent: 1, Msg: msg(Shown, 3)},
			{Parent: 0, Msg: msg(Shown, 9)},
		}},
		"dangling current": {Current: 7, Nodes: []Node{
			Node{Parent: NoNode, Msg: msg(Shown, 1)}.WithChildren([]int32{1, 2}),
			{Parent: 0, Msg: msg(Shown, 2)},
			Node{Parent: 0, Msg: msg(Shown, 5)}.WithChildren([]int32{3}),
			{Parent: 2, Msg: msg(Folded, 6)},
		}},
		"no current": {Current: NoNode, Nodes: []Node{
			Node{Parent: NoNode, Msg: msg(Shown, 1)}.WithChildren([]int32{1}),
			{Parent: 0, Msg: msg(Shown, 2)},
		}},
		"cycle above current": {Current: 3, Nodes: []Node{
			Node{Parent: 2, Msg: msg(Shown, 1)}.WithChildren([]int32{1}),
			Node{Parent: 0, Msg: msg(Shown, 2)}.WithChildren([]int32{2}),
			Node{Parent: 1, Msg: msg(Hidden, 3)}.WithChildren([]int32{0, 3}),
			{Parent: 2, Msg: msg(Shown, 4)},
		}},
		"self parent": {Current: 1, Nodes: []Node{
			Node{Parent: NoNode, Msg: msg(Shown, 1)}.WithChildren([]int32{1}),
			{Parent: 1, Msg: msg(Shown, 2)},
		}},
		"parent out of range": {Current: 1, Nodes: []Node{
			{Parent: NoNode, Msg: msg(Shown, 1)},
			{Parent: 42, Msg: msg(Shown, 2)},
		}},
	}
}

func TestVisibleCountIsTheThreadsVisibleMessages(t *testing.T) {
	for name, c := range threadFixtures() {
		want := len(c.Messages(c.CurrentThread(), Folded))
		if got := c.VisibleCount(); got != want {
			t.Errorf("%s: VisibleCount = %d, the current thread shows %d", name, got, want)
		}
	}
	if got := threadFixtures()["chain"].VisibleCount(); got != 2 {
		t.Errorf("chain: VisibleCount = %d, want 2 (one hidden of three)", got)
	}
}

// A list counts every conversation after a load: with a usable current
// node, counting allocates nothing.
func TestVisibleCountDoesNotAllocate(t *testing.T) {
	n := 500
	c := &Conversation{Current: int32(n - 1), Nodes: make([]Node, n)}
	for i := range c.Nodes {
		c.Nodes[i] = Node{Parent: int32(i - 1), Msg: &Message{}}
	}
	c.Nodes[0].Parent = NoNode
	if got := c.VisibleCount(); got != n {
		t.Fatalf("VisibleCount = %d, want %d", got, n)
	}
	if a := testing.AllocsPerRun(100, func() { c.VisibleCount() }); a != 0 {
		t.Errorf("VisibleCount allocates %.0f times per call, want 0", a)
	}
}
