package loader

import (
	"github.com/backchat/backchat/model"
)

// "Continue generating" (docs/formats.md#chatgpt-continuations): when an
// answer stopped at the length limit and the user pressed "Continue
// generating", the export holds the rest as a new assistant message below
// the cut one, often starting mid-word. chatgpt.com shows one answer, so
// the continuation's text is appended to the message it continues (with a
// blank line between when their channels differ); the continuation stays in
// the tree, Hidden and marked Continuation, with its own text, so JSON
// output with hidden messages still holds each part.

// mergeContinuations merges every continuation of c into the message it
// continues. A continuation is a Shown assistant text message to "all"
// whose nearest non-hidden ancestor (not passing a user message) is such a
// message too, did not end its
// turn (end_turn is not true) and has no other child; messages with
// citations are left apart (their [n] numbers would clash).
//
// Nodes are visited parents first, so in a chain of continuations each part
// keeps its own text and the first message collects them all. Only nodes
// reached from a root are visited, so the walk up through hidden ancestors
// always ends (a node below a parent cycle is never visited).
func mergeContinuations(c *model.Conversation) {
	for _, i := range parentsFirst(c) {
		m := c.Nodes[i].Msg
		if !continuable(m) || len(m.References()) > 0 {
			continue
		}
		p := c.Nodes[i].Parent
		for p >= 0 && int(p) < len(c.Nodes) && (c.Nodes[p].Msg == nil || c.Nodes[p].Msg.Visibility == model.Hidden) {
			if pm := c.Nodes[p].Msg; pm == nil || pm.Role() == model.RoleUser {
				p = model.NoNode // the root or a (hidden) user turn: nothing to continue
				break
			}
			p = c.Nodes[p].Parent
		}
		if p < 0 || int(p) >= len(c.Nodes) || p == i {
			continue
		}
		prev := c.Nodes[p].Msg
		if !continuable(prev) || endsTurn(prev) || len(prev.References()) > 0 || len(c.Nodes[p].Children()) != 1 {
			continue
		}
		appendContinuation(prev, m)
		m.Visibility = model.Hidden
		m.Continuation = true
	}
}

// continuable reports whether m may be either side of a continuation: a
// shown assistant message to everyone made only of text.
func continuable(m *model.Message) bool {
	if m == nil || m.Role() != model.RoleAssistant || m.Visibility != model.Shown ||
		(m.Recipient() != "" && m.Recipient() != "all") || m.ContentType() != "text" || len(m.Blocks) == 0 {
		return false
	}
	for i := range m.Blocks {
		if m.Blocks[i].Kind != model.BlockText {
			return false
		}
	}
	return true
}

// appendContinuation appends next's text to m's last text block: directly
// (the cut may fall mid-word), or after a blank line when the channels
// differ. Further blocks of next are appended as they are.
func appendContinuation(m, next *model.Message) {
	sep := ""
	if m.Channel() != next.Channel() {
		sep = "\n\n"
	}
	merged := make([]model.Block, len(m.Blocks), len(m.Blocks)+len(next.Blocks)-1)
	copy(merged, m.Blocks)
	last := &merged[len(merged)-1]
	last.Text = last.Text + sep + next.Blocks[0].Text
	merged = append(merged, next.Blocks[1:]...)
	m.Blocks = merged
}

// parentsFirst lists c's node indices so that every node comes after its
// parent (breadth first from the roots); nodes on a cycle are left out.
func parentsFirst(c *model.Conversation) []int32 {
	order := make([]int32, 0, len(c.Nodes))
	seen := make([]bool, len(c.Nodes))
	for i := range c.Nodes {
		if p := c.Nodes[i].Parent; p < 0 || int(p) >= len(c.Nodes) {
			order = append(order, int32(i))
			seen[i] = true
		}
	}
	for k := 0; k < len(order); k++ {
		for _, ch := range c.Nodes[order[k]].Children() {
			if ch >= 0 && int(ch) < len(c.Nodes) && !seen[ch] && c.Nodes[ch].Parent == order[k] {
				seen[ch] = true
				order = append(order, ch)
			}
		}
	}
	return order
}

// endsTurn reports whether the export marked m end_turn true.
func endsTurn(m *model.Message) bool {
	v, _ := m.EndTurn()
	return v
}
