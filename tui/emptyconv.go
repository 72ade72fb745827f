package tui

import "github.com/backchat/backchat/model"

// emptyNote is what the viewer says under the header of a conversation
// that shows no message, so that its body is not just blank: that it has
// none, with the reason of each load warning about it, or that its
// messages are all hidden (the key map's ToggleHidden shows them). Nil
// when a message shows.
func (v *viewer) emptyNote() []string {
	if v.conv == nil {
		return nil
	}
	tree := v.conv.Tree()
	hidden := false
	for _, n := range v.thread {
		if !v.omitted(tree, n) {
			return nil
		}
		hidden = hidden || n >= 0 && int(n) < len(tree) && tree[n].Msg != nil
	}
	if hidden {
		return []string{"Its messages are all hidden: " + v.keys.ToggleHidden.Help().Key + " shows them."}
	}
	out := []string{"This conversation has no messages."}
	if v.conv.ID == "" {
		return out
	}
	seen := map[string]bool{}
	for _, w := range v.warns {
		if w.ID == v.conv.ID && !seen[w.Reason] {
			seen[w.Reason] = true
			out = append(out, "Load warning: "+w.Reason)
		}
	}
	return out
}

// setWarns gives the viewer the load's warnings. An empty conversation
// on view (previewed while the load streamed, before the warnings came) is
// laid out again, so that its note gives the reason now.
func (v *viewer) setWarns(ws []model.Warning) {
	v.warns = ws
	if v.conv != nil && len(v.emptyNote()) > 0 {
		v.rebuild(v.topNode())
	}
}
