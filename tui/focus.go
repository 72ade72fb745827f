// The viewer's focused message: { and } move it, [ and ] switch its fork.

package tui

import (
	"fmt"
	"slices"

	"github.com/charmbracelet/x/ansi"

	"github.com/backchat/backchat/internal/render"
	"github.com/backchat/backchat/model"
)

// focusSeg is the segment of the focused message: the one chosen with {
// or } while any of it is in view, else the first message whose role line
// is in view (or, in a message longer than the screen, the one at the
// top). −1 when no message is shown.
func (v *viewer) focusSeg() int {
	if len(v.segs) == 0 {
		return -1
	}
	bottom := v.offset + max(v.height, 1)
	if v.hasFocus {
		for i := range v.segs {
			if v.segs[i].node == v.focus && v.focus != model.NoNode {
				if v.starts[i] < bottom && v.segEnd(i) > v.offset {
					return i
				}
				break
			}
		}
	}
	top := v.segAt(v.offset)
	for i := top; i < len(v.segs) && v.starts[i]+1 < bottom; i++ {
		if v.segs[i].node != model.NoNode && v.starts[i]+1 >= v.offset {
			return i
		}
	}
	if v.segs[top].node != model.NoNode {
		return top
	}
	if top+1 < len(v.segs) {
		return top + 1
	}
	return -1
}

// segEnd is the line after segment i.
func (v *viewer) segEnd(i int) int { return v.starts[i] + len(v.segs[i].lines) }

// moveFocus focuses the previous (−1) or next (+1) message and scrolls it
// into view (its role line, and as much of it as fits).
func (v *viewer) moveFocus(delta int) {
	s := v.focusSeg()
	if s < 0 {
		return
	}
	t := s + delta
	if t < 0 || t >= len(v.segs) || v.segs[t].node == model.NoNode {
		return
	}
	v.focus, v.hasFocus = v.segs[t].node, true
	if role := v.starts[t] + 1; role < v.offset || v.segEnd(t) > v.offset+v.height {
		// Show the message from its role line, or all of it ending at the bottom.
		v.offset = min(v.starts[t], max(v.segEnd(t)-v.height, v.offset))
		if role >= v.offset+v.height || role < v.offset {
			v.offset = v.starts[t]
		}
	}
	v.clamp()
}

// focusRow focuses the message on screen row y of the pane (a click).
func (v *viewer) focusRow(y int) {
	if y < 0 || y >= v.height || len(v.segs) == 0 {
		return
	}
	if l := v.offset + y; l < len(v.lines) {
		if n := v.segs[v.segAt(l)].node; n != model.NoNode {
			v.focus, v.hasFocus = n, true
		}
	}
}

// focusLines are the lines [from, to) to mark as focused: the focused
// message without its leading blank line, while the pane has the keys.
func (v *viewer) focusLines() [2]int {
	s := v.focusSeg()
	if !v.focused || s < 0 {
		return [2]int{}
	}
	return [2]int{v.starts[s] + 1, v.segEnd(s)}
}

// markGutter puts the focus marker in a line's first cell when it is blank.
func (v *viewer) markGutter(line string) string {
	if ansi.Strip(ansi.Cut(line, 0, 1)) != " " {
		return line
	}
	return v.styles.Branch.Render("▎") + ansi.Cut(line, 1, ansi.StringWidth(line))
}

// branch switches the fork of the focused message (or, when it has none,
// of the first forked message in view below it) to its previous (−1) or
// next (+1) sibling among those it can reach (forkOf). The message shown
// first on the new branch takes the focus, on the same screen row, and its
// fork is the one just switched, so [ then ] comes back to exactly the
// thread that was shown (the thread through a sibling is the one last
// shown through it). It returns what to say in the status line when there
// is nowhere to go, else "".
func (v *viewer) branch(delta int) string {
	if v.conv == nil {
		return ""
	}
	if i, f, sib := v.forkSeg(); i >= 0 {
		at := slices.Index(sib, f)
		j := at + delta
		if at < 0 || j < 0 || j >= len(sib) {
			if delta < 0 {
				return fmt.Sprintf("‹%d/%d›: no earlier branch", at+1, len(sib))
			}
			return fmt.Sprintf("‹%d/%d›: no later branch", at+1, len(sib))
		}
		nt, show := v.land(sib[j])
		if show == model.NoNode {
			return "" // forkOf counts only siblings that show a message
		}
		if v.memo == nil {
			v.memo = make(map[int32]model.Thread)
		}
		v.memo[f] = v.thread
		row := v.starts[i] - v.offset
		v.thread = nt
		v.winLo, v.winHi = 0, 0
		v.curHit, v.pin = -1, hitPin{}
		v.rebuild(show)
		v.focus, v.hasFocus = show, true
		for j := range v.segs {
			if v.segs[j].node == show {
				v.offset = v.starts[j] - row
			}
		}
		v.clamp()
		v.realiseMatching()
		v.findHits()
		return ""
	}
	return "no fork in view"
}

// forkSeg is the segment whose fork [ and ] switch: the focused message's,
// else the first forked message in view below it; its fork and the
// siblings it can reach (forkOf). -1 when there is none.
func (v *viewer) forkSeg() (int, int32, []int32) {
	s := v.focusSeg()
	if s < 0 {
		return -1, model.NoNode, nil
	}
	for i := s; i < len(v.segs) && v.starts[i] < v.offset+max(v.height, 1); i++ {
		n := v.segs[i].node
		if n == model.NoNode {
			continue
		}
		if f, sib := v.forkOf(n); f != model.NoNode {
			return i, f, sib
		}
	}
	return -1, model.NoNode, nil
}

// forkOf is the fork that [ and ] switch for message n of the thread on
// view, and the siblings they can reach there (in order, the fork among
// them); model.NoNode and nil when n has none. The fork is n itself when
// it has a sibling to reach; else, when the messages above n on the
// thread are not shown (hidden), the first of them with a sibling to
// reach: switching a hidden message's fork lands on its first shown reply,
// and that reply then switches it back (unless the reply has a fork of its
// own, which comes first).
// The ‹k/N› counter of n's heading counts the same siblings.
func (v *viewer) forkOf(n int32) (int32, []int32) { return v.forkAt(v.threadIndex(n)) }

// forkAt is forkOf for the message at index i of the thread on view.
func (v *viewer) forkAt(i int) (int32, []int32) {
	if i < 0 || i >= len(v.thread) {
		return model.NoNode, nil
	}
	if sib := v.reachable(v.thread[i]); len(sib) > 1 {
		return v.thread[i], sib
	}
	tree := v.conv.Tree()
	from := i
	for from > 0 && v.omitted(tree, v.thread[from-1]) {
		from--
	}
	for _, f := range v.thread[from:i] {
		if sib := v.reachable(f); len(sib) > 1 {
			return f, sib
		}
	}
	return model.NoNode, nil
}

// reachable is n and those of its siblings whose branch shows a message
// (land), in sibling order. A sibling that shows nothing (an empty hidden
// message without H, with no shown reply) is left out: switching to it
// would leave no message to come back from.
func (v *viewer) reachable(n int32) []int32 {
	tree := v.conv.Tree()
	if n < 0 || int(n) >= len(tree) {
		return nil
	}
	if p := tree[n].Parent; p < 0 || int(p) >= len(tree) || len(tree[p].Children()) < 2 {
		return nil // no sibling (the common case, without sorting any)
	}
	sib := v.conv.Siblings(n)
	if len(sib) < 2 {
		return sib
	}
	out := sib[:0:0]
	for _, s := range sib {
		if s == n || !v.omitted(tree, s) {
			out = append(out, s)
		} else if v.shows(s) {
			out = append(out, s)
		}
	}
	return out
}

// shows says that switching to sibling s shows a message (land finds
// one). It walks s's own branch, up from the leaf the thread through s
// ends at, instead of building that thread from the root: the forks of a
// window cost their own branches, not the conversation each (a path from
// the root and a mark per node of the tree, per hidden sibling).
func (v *viewer) shows(s int32) bool {
	if _, ok := v.memo[s]; ok {
		_, show := v.land(s)
		return show != model.NoNode
	}
	tree := v.conv.Tree()
	found := false
	for n, steps := v.conv.NewestLeaf(s), 0; n >= 0 && int(n) < len(tree) && steps <= len(tree); n, steps = tree[n].Parent, steps+1 {
		found = found || !v.omitted(tree, n)
		if n == s {
			return found
		}
	}
	// The leaf's parents do not lead back to s (a malformed tree):
	// ThreadThrough then ends at s.
	return !v.omitted(tree, s)
}

// land is the thread switching to sibling s shows and the message that
// takes the focus there: the first shown from s on (model.NoNode when
// none is).
func (v *viewer) land(s int32) (model.Thread, int32) {
	t := v.threadThrough(s)
	return t, v.firstShown(t, s)
}

// omitted says whether node n shows nothing (no message, or a hidden one
// without H).
func (v *viewer) omitted(tree []model.Node, n int32) bool {
	return n < 0 || int(n) >= len(tree) || v.present(n, tree[n].Msg) == render.Omitted
}

// branchLabel is the ‹k/N› mark of the heading of the message at index i
// of the thread on view: its fork's place among the siblings [ and ] reach
// (forkOf); "" when it has no fork.
func (v *viewer) branchLabel(i int) string {
	f, sib := v.forkAt(i)
	if f == model.NoNode {
		return ""
	}
	return render.BranchLabel(slices.Index(sib, f)+1, len(sib))
}

// firstShown is the first node of thread t from node from on whose
// message is on screen (not omitted); model.NoNode when there is none.
func (v *viewer) firstShown(t model.Thread, from int32) int32 {
	tree := v.conv.Tree()
	on := false
	for _, n := range t {
		on = on || n == from
		if on && !v.omitted(tree, n) {
			return n
		}
	}
	return model.NoNode
}
