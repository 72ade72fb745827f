package tui

import (
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/backchat/backchat/internal/render"
	"github.com/backchat/backchat/model"
)

// Folded items (tool calls, reasoning, browsing) show as one summary line
// until expanded: T expands or folds all of them (viewer.expanded), t the
// one under the focus (viewer.toggled flips single items against that).

// itemOpen says whether the folded item at node n shows in full.
func (v *viewer) itemOpen(n int32) bool { return v.expanded != v.toggled[n] }

// present is how the message at node n shows (render.Present with this
// viewer's H and t/T state).
func (v *viewer) present(n int32, m *model.Message) render.Presentation {
	return render.Present(m, v.showHidden, v.itemOpen(n))
}

// foldTarget is the folded item t acts on: the focused message when the
// user moved the focus ({ and }) onto a folded item, else the first folded
// item whose lines are in view; model.NoNode when there is none.
func (v *viewer) foldTarget() int32 {
	if v.conv == nil || len(v.segs) == 0 {
		return model.NoNode
	}
	if s := v.focusSeg(); v.hasFocus && s >= 0 {
		if n := v.segs[s].node; n >= 0 && int(n) < len(v.conv.Tree()) {
			if m := v.conv.Tree()[n].Msg; m != nil && m.Visibility == model.Folded {
				return n
			}
		}
	}
	for i := v.segAt(v.offset); i < len(v.segs) && v.starts[i] < v.offset+max(v.height, 1); i++ {
		n := v.segs[i].node
		if n < 0 || int(n) >= len(v.conv.Tree()) {
			continue
		}
		if m := v.conv.Tree()[n].Msg; m != nil && m.Visibility == model.Folded {
			return n
		}
	}
	return model.NoNode
}

// toggleItem expands or folds the item foldTarget names, keeping the line
// at the top of the view where it is.
func (v *viewer) toggleItem() tea.Cmd {
	n := v.foldTarget()
	if n == model.NoNode {
		return nil
	}
	if v.toggled == nil {
		v.toggled = make(map[int32]bool)
	}
	if v.toggled[n] {
		delete(v.toggled, n)
	} else {
		v.toggled[n] = true
	}
	v.keepTop()
	return v.renderNext()
}

// keepTop lays the conversation out again with the same line of the same
// message at the top of the view.
func (v *viewer) keepTop() {
	p := v.place()
	v.rebuild(p.node)
	v.offset += p.line
	v.clamp()
}

// toggleExpanded expands or folds every tool and reasoning item (T).
func (v *viewer) toggleExpanded() tea.Cmd {
	v.expanded, v.autoExpanded = !v.expanded, false
	clear(v.toggled)
	v.keepTop()
	return v.renderNext()
}

// foldHint says how to expand a folded item, after its summary.
const foldHint = "  (t expands)"

// foldLine is a folded item's summary line at width w: the summary cut
// with "…" so that the hint always shows.
func foldLine(summary string, w int) string {
	hw := ansi.StringWidth(foldHint)
	return ansi.Truncate(summary, max(w-hw, 4), "…") + foldHint
}
