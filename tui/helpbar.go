package tui

import (
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/backchat/backchat/model/search"
)

// helpPane is the help bar at the bottom of the screen: one line of the
// global bindings plus the focused pane's, or, after ?, the full help (every
// binding in columns and the query language; fullLines builds it). It is
// the one help of the browser: embedded Bubbles draw none of their own. Not
// safe for concurrent use.
type helpPane struct {
	keys          helpKeys
	all           KeyMap // every binding, for the full help
	model         help.Model
	full          bool
	short         []key.Binding  // the bindings of the one-line help (setShort)
	meta          lipgloss.Style // the query language section's style
	width, height int            // the screen's
}

func newHelpPane(keys KeyMap) *helpPane {
	return &helpPane{keys: helpKeys{Toggle: keys.Help}, all: keys, model: help.New()}
}

// setTheme picks the help's colours; plain draws keys in bold only. meta
// draws the query language section.
func (h *helpPane) setTheme(isDark, plain bool, meta lipgloss.Style) {
	h.meta = meta
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

// fullLines is the expanded help: the key bindings in columns, then, when
// it fits with at least a few lines of the panes, a blank line and the query
// language's summary (model/search's HelpSummary) at the screen's width.
func (h *helpPane) fullLines() []string {
	lines := strings.Split(h.model.FullHelpView(h.all.FullHelp()), "\n")
	q := []string{""}
	for _, l := range search.HelpSummary(max(h.width-1, 1)) {
		q = append(q, " "+h.meta.Render(l))
	}
	if len(lines)+len(q)+2+minBodyLines <= h.height {
		lines = append(lines, q...)
	}
	return lines
}

// minBodyLines is how many lines of the panes the full help leaves at least
// before it drops the query language section.
const minBodyLines = 5

// Height is the number of lines the help takes.
func (h *helpPane) Height() int {
	if !h.full {
		return 1
	}
	return len(h.fullLines())
}

// SetSize implements pane with the screen's size: the help's own height
// follows from its content (Height) and what the screen leaves.
func (h *helpPane) SetSize(w, screenH int) {
	h.width, h.height = w, screenH
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
