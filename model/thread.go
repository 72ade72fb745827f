package model

import "slices"

// Thread is a path through a conversation's tree, root first: indices into
// Conversation.Nodes. It includes message-less nodes (the root); callers skip
// nodes whose Msg is nil.
type Thread []int32

// CurrentThread returns the thread the export shows: the path from the root to
// current_node. When current_node is missing, null or dangling it ends at the
// newest leaf instead. Never recursive, never loops on cycles.
func (c *Conversation) CurrentThread() Thread {
	if len(c.Tree()) == 0 {
		return nil
	}
	leaf := c.Current
	if leaf < 0 || int(leaf) >= len(c.Tree()) {
		leaf = c.newestLeaf(c.roots())
	}
	return c.pathTo(leaf)
}

// pathTo walks parents from n to the root and returns the path root first. A
// cycle stops the walk at the first repeated node.
func (c *Conversation) pathTo(n int32) Thread {
	if n < 0 || int(n) >= len(c.Tree()) {
		return nil
	}
	var path Thread
	// A slice, not a map: a 1,000,000-message chain took 0.6 s in map
	// inserts here, on every open.
	seen := make([]bool, len(c.Tree()))
	for n >= 0 && int(n) < len(c.Tree()) {
		if seen[n] {
			break
		}
		seen[n] = true
		path = append(path, n)
		n = c.Tree()[n].Parent
	}
	slices.Reverse(path)
	return path
}

// roots lists nodes without a valid parent. A tree made only of cycles has
// none; then node 0 serves as the start.
func (c *Conversation) roots() []int32 {
	var r []int32
	for i := range c.Tree() {
		p := c.Tree()[i].Parent
		if p < 0 || int(p) >= len(c.Tree()) {
			r = append(r, int32(i))
		}
	}
	if len(r) == 0 && len(c.Tree()) > 0 {
		r = append(r, 0)
	}
	return r
}

// nodeTime is a node's message time in Unix nanoseconds, or 0 when unknown.
func (c *Conversation) nodeTime(n int32) int64 {
	if m := c.Tree()[n].Msg; m != nil && !m.Time().IsZero() {
		return m.Time().UnixNano()
	}
	return 0
}

// newestLeaf returns the leaf with the latest message time reachable from the
// given start nodes (ties: the last found). Iterative, cycle-safe.
func (c *Conversation) newestLeaf(starts []int32) int32 {
	best, bestT := int32(NoNode), int64(-1)
	seen := make(map[int32]struct{})
	stack := append([]int32(nil), starts...)
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if n < 0 || int(n) >= len(c.Tree()) {
			continue
		}
		if _, dup := seen[n]; dup {
			continue
		}
		seen[n] = struct{}{}
		kids := c.Tree()[n].Children()
		leaf := true
		for _, k := range kids {
			if k >= 0 && int(k) < len(c.Tree()) {
				if _, dup := seen[k]; !dup {
					leaf = false
					stack = append(stack, k)
				}
			}
		}
		if leaf {
			// A leaf's time is the newest message time on the way to it; use
			// its own time, falling back to its index order for equal times.
			if t := c.nodeTime(n); t >= bestT {
				best, bestT = n, t
			}
		}
	}
	return best
}

// NewestLeaf is the leaf ThreadThrough(n) ends at: the newest below n, n
// itself when there is none. It walks only n's subtree.
func (c *Conversation) NewestLeaf(n int32) int32 {
	if leaf := c.newestLeaf([]int32{n}); leaf >= 0 {
		return leaf
	}
	return n
}

// ThreadThrough returns the thread that passes through node n and continues
// to the newest leaf below it. Used when switching to a sibling branch.
func (c *Conversation) ThreadThrough(n int32) Thread {
	if n < 0 || int(n) >= len(c.Tree()) {
		return nil
	}
	leaf := c.newestLeaf([]int32{n})
	if leaf < 0 {
		leaf = n
	}
	// The path to the leaf must pass through n: it does, since the leaf was
	// found below n and parents point back up (a malformed child list whose
	// parent differs is tolerated by cutting the path at n).
	p := c.pathTo(leaf)
	if !slices.Contains(p, n) {
		return c.pathTo(n)
	}
	return p
}

// Siblings returns node n and its siblings ordered by message time (nodes
// without a time keep their order in the parent's children list, after those
// with a time only if they come later there).
func (c *Conversation) Siblings(n int32) []int32 {
	if n < 0 || int(n) >= len(c.Tree()) {
		return nil
	}
	p := c.Tree()[n].Parent
	if p < 0 || int(p) >= len(c.Tree()) {
		return []int32{n}
	}
	var sib []int32
	for _, k := range c.Tree()[p].Children() {
		if k >= 0 && int(k) < len(c.Tree()) && c.Tree()[k].Parent == p {
			sib = append(sib, k)
		}
	}
	if !slices.Contains(sib, n) {
		sib = append(sib, n)
	}
	slices.SortStableFunc(sib, func(a, b int32) int {
		ta, tb := c.nodeTime(a), c.nodeTime(b)
		switch {
		case ta == 0 || tb == 0:
			return 0
		case ta < tb:
			return -1
		case ta > tb:
			return 1
		}
		return 0
	})
	return sib
}

// BranchPos returns n's 1-based position among its siblings and their count
// ("2 of 3"). A node without siblings is 1 of 1.
func (c *Conversation) BranchPos(n int32) (pos, total int) {
	sib := c.Siblings(n)
	for i, s := range sib {
		if s == n {
			return i + 1, len(sib)
		}
	}
	return 1, 1
}

// SwitchBranch returns the thread obtained by moving the node at position i
// of t by delta siblings (−1 previous, +1 next), through that sibling's
// newest leaf. It returns t unchanged when there is no such sibling.
func (c *Conversation) SwitchBranch(t Thread, i, delta int) Thread {
	if i < 0 || i >= len(t) {
		return t
	}
	sib := c.Siblings(t[i])
	at := slices.Index(sib, t[i])
	j := at + delta
	if at < 0 || j < 0 || j >= len(sib) {
		return t
	}
	return c.ThreadThrough(sib[j])
}

// BranchPoints counts nodes with more than one child: the number of places
// where an edit or regeneration forked the conversation.
func (c *Conversation) BranchPoints() int {
	if l := c.lazy; l != nil && l.counted {
		return l.branches
	}
	n := 0
	for i := range c.Tree() {
		if len(c.Tree()[i].Children()) > 1 {
			n++
		}
	}
	return n
}

// Messages returns the messages of a thread that are at most as hidden as
// max (Shown, Folded or Hidden), in order.
func (c *Conversation) Messages(t Thread, max Visibility) []*Message {
	out := make([]*Message, 0, len(t))
	for _, n := range t {
		if n < 0 || int(n) >= len(c.Tree()) {
			continue
		}
		if m := c.Tree()[n].Msg; m != nil && m.Visibility <= max {
			out = append(out, m)
		}
	}
	return out
}

// VisibleCount is the number of messages on the current thread that are not
// hidden: what a reader sees (folded items count).
func (c *Conversation) VisibleCount() int {
	if l := c.lazy; l != nil && l.counted {
		return l.visible
	}
	nodes := c.Tree()
	leaf := c.Current
	if leaf < 0 || int(leaf) >= len(nodes) {
		// No usable current_node: the newest leaf, found the long way.
		return len(c.Messages(c.CurrentThread(), Folded))
	}
	// Walk the parents without building the path (a list counts every
	// conversation). A walk longer than the tree has met a cycle: then
	// pathTo, which stops at the first repeated node, counts.
	n, steps := 0, 0
	for p := leaf; p >= 0 && int(p) < len(nodes); p = nodes[p].Parent {
		if steps++; steps > len(nodes) {
			return len(c.Messages(c.CurrentThread(), Folded))
		}
		if m := nodes[p].Msg; m != nil && m.Visibility <= Folded {
			n++
		}
	}
	return n
}
