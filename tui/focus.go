// The viewer's focused message: { and } move it, [ and ] switch its fork.

package tui

import (
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

// branch switches the fork of the focused message (or, when it has no
// sibling, of the first forked message in view below it) to its previous
// (−1) or next (+1) sibling. The message stays focused on the same screen
// row; the thread through the sibling is the one last shown through it,
// so [ then ] comes back to exactly the thread that was shown.
func (v *viewer) branch(delta int) {
	if v.conv == nil {
		return
	}
	s := v.focusSeg()
	if s < 0 {
		return
	}
	for i := s; i < len(v.segs) && v.starts[i] < v.offset+max(v.height, 1); i++ {
		n := v.segs[i].node
		if n == model.NoNode {
			continue
		}
		if _, total := v.conv.BranchPos(n); total < 2 {
			continue
		}
		pos := v.threadIndex(n)
		sib := v.conv.Siblings(n)
		at := -1
		for j, x := range sib {
			if x == n {
				at = j
			}
		}
		if pos < 0 || at < 0 {
			return
		}
		// A sibling whose branch shows nothing (an empty hidden message
		// without H) is skipped: switching to it would leave no message
		// to come back from.
		var to, show int32 = model.NoNode, model.NoNode
		var nt model.Thread
		for j := at + delta; j >= 0 && j < len(sib) && show == model.NoNode; j += delta {
			to, nt = sib[j], v.threadThrough(sib[j])
			show = v.firstShown(nt, to)
		}
		if show == model.NoNode {
			return
		}
		if v.memo == nil {
			v.memo = make(map[int32]model.Thread)
		}
		v.memo[n] = v.thread
		row := v.starts[i] - v.offset
		v.thread = nt
		v.winLo, v.winHi = 0, 0
		v.curHit = -1
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
		return
	}
}

// firstShown is the first node of thread t from node from on whose
// message is on screen (not omitted); model.NoNode when there is none.
func (v *viewer) firstShown(t model.Thread, from int32) int32 {
	tree := v.conv.Tree()
	on := false
	for _, n := range t {
		on = on || n == from
		if on && n >= 0 && int(n) < len(tree) && v.present(n, tree[n].Msg) != render.Omitted {
			return n
		}
	}
	return model.NoNode
}
