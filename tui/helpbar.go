package tui

import (
	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
)

// helpPane is the help bar at the bottom of the screen: one line of the
// global bindings plus the focused pane's, or, after ?, the full help (every
// binding in columns and the query language; fullHelpLines builds it). It is
// the one help of the browser: embedded Bubbles draw none of their own. Not
// safe for concurrent use.
type helpPane struct {
	keys  helpKeys
	model help.Model
	full  bool
	short []key.Binding // the bindings of the one-line help (setShort)
	// fullLines builds the full help for the screen's size.
	fullLines func() []string
	width     int
}

func newHelpPane(keys KeyMap, fullLines func() []string) *helpPane {
	return &helpPane{keys: helpKeys{Toggle: keys.Help}, model: help.New(), fullLines: fullLines}
}

// setTheme picks the help's colours; plain draws keys in bold only.
func (h *helpPane) setTheme(isDark, plain bool) {
	if plain {
		p := lipgloss.NewStyle()
		h.model.Styles = help.Styles{ShortKey: p.Bold(true), ShortDesc: p, ShortSeparator: p, Ellipsis: p,
			FullKey: p.Bold(true), FullDesc: p, FullSeparator: p}
		return
	}
	h.model.Styles = help.DefaultStyles(isDark)
}

// setShort sets the bindings the one-line help shows.
func (h *helpPane) setShort(b []key.Binding) { h.short = b }

// shortView is bindings on one line, as the help bar draws them.
func (h *helpPane) shortView(b []key.Binding) string { return h.model.ShortHelpView(b) }

// FullHelpView draws groups of bindings in columns (fullHelpLines calls it).
func (h *helpPane) FullHelpView(groups [][]key.Binding) string { return h.model.FullHelpView(groups) }

// Height is the number of lines the help takes.
func (h *helpPane) Height() int {
	if !h.full {
		return 1
	}
	return len(h.fullLines())
}

// SetSize implements pane. The height follows from the content (Height);
// the full help reads the screen's height itself.
func (h *helpPane) SetSize(w, _ int) {
	h.width = w
	h.model.SetWidth(w)
}

// Update implements pane: ? shows or hides the full help. The root lays
// the screen out again, since the help's height changed.
func (h *helpPane) Update(msg tea.Msg) (pane, tea.Cmd) {
	if km, ok := msg.(tea.KeyPressMsg); ok && key.Matches(km, h.keys.Toggle) {
		h.full = !h.full
	}
	return h, nil
}

// View implements pane: Height lines of exactly the width.
func (h *helpPane) View() string {
	if h.full {
		lines := h.fullLines()
		return fillBlock(lines, h.width, len(lines))
	}
	return fillBlock([]string{h.model.ShortHelpView(h.short)}, h.width, 1)
}

// ShortHelp implements help.KeyMap.
func (h *helpPane) ShortHelp() []key.Binding { return h.keys.ShortHelp() }

// FullHelp implements help.KeyMap.
func (h *helpPane) FullHelp() [][]key.Binding { return h.keys.FullHelp() }
