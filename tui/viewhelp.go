package tui

import (
	"charm.land/bubbles/v2/key"

	"github.com/backchat/backchat/model"
)

// shortKeys are the viewer's keys for the help row: only those that do
// something in the part of the conversation laid out (the window around the
// view): n/N with hits, [ ] with a fork they can switch (the focused message's,
// or one in view below it), t with a folded item, H with a
// hidden message. The keys that only this conversation has come first: the
// help row cuts from the end.
func (v *viewer) shortKeys() []key.Binding {
	k := v.keys
	var out []key.Binding
	if v.conv == nil {
		return []key.Binding{k.Back}
	}
	if len(v.hits) > 0 {
		out = append(out, k.NextHit)
	}
	var fork, fold, hidden bool
	lo, hi := min(v.winLo, len(v.thread)), min(v.winHi, len(v.thread))
	for _, n := range v.thread[lo:hi] {
		if n < 0 || int(n) >= len(v.conv.Tree()) {
			continue
		}
		nd := &v.conv.Tree()[n]
		if m := nd.Msg; m != nil {
			fold = fold || m.Visibility == model.Folded
			hidden = hidden || m.Visibility == model.Hidden
		}
	}
	if i, _, _ := v.forkSeg(); i >= 0 { // a fork [ and ] can switch
		fork = true
	}
	if fork {
		out = append(out, k.NextBranch, k.NextMessage)
	}
	if fold {
		out = append(out, k.ToggleFold)
	}
	if hidden {
		h := k.ToggleHidden
		if v.showHidden { // H toggles: say what it does now
			h = key.NewBinding(key.WithKeys(h.Keys()...), key.WithHelp(h.Help().Key, "hide hidden"))
		}
		out = append(out, h)
	}
	find := key.NewBinding(key.WithKeys(k.Find.Keys()...), key.WithHelp(k.Find.Help().Key, "find"))
	out = append(out, find, k.Back)
	if v.scrollPercent() >= 0 { // else it all fits: down does nothing
		out = append(out, k.Down, k.PageDown)
	}
	return out
}
