// Find inside the open conversation, as in less: / in the viewer opens a
// one-line input; each edit highlights the text typed (one literal phrase,
// matched as the search engine matches: case- and accent-insensitively)
// and moves to its first match from where / was pressed; enter keeps it
// for n/N, esc goes back to the filter's terms and the place of /. The
// list is untouched.

package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/backchat/backchat/model/search/live"
)

// finder is the viewer's find state.
type finder struct {
	active bool // the input has the keys
	input  lineInput
	query  string    // the phrase found ("" : the filter's terms show)
	from   viewPlace // where / was pressed, for esc
	// listTerms and listHits are the filter's terms and engine hits,
	// kept while a find replaces them and given back after it.
	listTerms []string
	listHits  []live.Hit
}

// finding reports whether the find input has the keys.
func (v *viewer) finding() bool { return v.find.active }

// openFind opens the find input on the conversation on view.
func (v *viewer) openFind() {
	if v.conv == nil {
		return
	}
	f := &v.find
	if f.query == "" {
		f.from = v.place()
	}
	f.active = true
	f.input = lineInput{}
}

// onFindKey handles a key while the find input is open.
func (v *viewer) onFindKey(msg tea.KeyPressMsg) tea.Cmd {
	f := &v.find
	switch {
	case msg.String() == "ctrl+c":
		return tea.Quit
	case key.Matches(msg, v.keys.ClearFilter):
		v.endFind()
		v.restore(f.from)
		return v.renderNext()
	case key.Matches(msg, v.keys.AcceptFilter):
		f.active = false
		if f.query == "" {
			v.endFind()
		}
		return v.renderNext()
	}
	if !f.input.Update(msg) {
		return nil
	}
	return v.findEdited()
}

// onFindPaste takes a terminal's paste while the find input is open.
func (v *viewer) onFindPaste(s string) tea.Cmd {
	if !v.find.input.Paste(s) {
		return nil
	}
	return v.findEdited()
}

// findEdited finds the input's new value (or ends the find when it is
// blank).
func (v *viewer) findEdited() tea.Cmd {
	f := &v.find
	q := strings.TrimSpace(f.input.Value())
	if q == "" {
		v.endFind()
		f.active = true
		v.restore(f.from)
		return v.renderNext()
	}
	f.query = q
	v.applyTerms([]string{q})
	v.restoreOffset(f.from)
	v.jumpHit(1)
	return v.renderNext()
}

// restoreOffset puts the view's top back where p had it, on the thread on
// view (find never switches branch).
func (v *viewer) restoreOffset(p viewPlace) {
	if i := v.segOf(p.node); i >= 0 {
		v.offset = v.starts[i] + p.line
	}
	v.curHit, v.pin = -1, hitPin{}
	v.clamp()
}

// endFind forgets the find and shows the filter's terms and hits again.
func (v *viewer) endFind() {
	f := &v.find
	had := f.query != ""
	f.active, f.query, f.input = false, "", lineInput{}
	if !had {
		return
	}
	v.applyTerms(f.listTerms)
	if f.listHits != nil {
		v.setEngineHits(f.listHits)
	}
}

// findTitle is the title row while finding: the prompt and the input, or
// the phrase kept for n/N.
func (v *viewer) findTitle(w int) (string, bool) {
	f := &v.find
	st := v.styles
	if f.active {
		prompt := st.PaneTitleFocused.Render(" / ")
		in := f.input.View(st, true, max(w-3, 1))
		return fillBlock([]string{prompt + in}, w, 1), true
	}
	if f.query != "" {
		t := " " + safeLine(v.conv.DisplayTitle())
		q := " /" + safeLine(f.query) + " "
		t = ansi.Truncate(t, max(w-ansi.StringWidth(q), 0), "…")
		return fillBlock([]string{st.PaneTitleFocused.Render(padTo(t, w-ansi.StringWidth(q))) + st.PaneTitle.Render(q)}, w, 1), true
	}
	return "", false
}

// findHelp is the help bar's keys while the find input is open.
func (v *viewer) findHelp() []key.Binding {
	k := v.keys
	return []key.Binding{
		key.NewBinding(key.WithKeys(k.AcceptFilter.Keys()...), key.WithHelp(k.AcceptFilter.Help().Key, "keep for n/N")),
		key.NewBinding(key.WithKeys(k.ClearFilter.Keys()...), key.WithHelp(k.ClearFilter.Help().Key, "cancel find")),
	}
}
