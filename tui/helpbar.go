package tui

import (
	"slices"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/backchat/backchat/model/search"
)

// helpPane is the help of the browser. Its short form is the bottom row:
// the keys that do something where the focus is. After ? it is the full
// help, over the whole screen but that row: every key grouped by where it
// works (KeyMap.HelpSections), the list markers' legend and the query
// language, in as many columns as the width allows, scrolled with the
// moving keys; ?, esc or q closes it. It is the one help of the browser:
// embedded Bubbles draw none of their own. Not safe for concurrent use.
type helpPane struct {
	keys          helpKeys
	all           KeyMap // every binding, for the full help
	model         help.Model
	full          bool
	offset        int            // the full help's first line on screen
	short         []key.Binding  // the bindings of the one-line help (setShort)
	meta          lipgloss.Style // the query language section's style
	heading       lipgloss.Style // section titles
	width, height int            // the screen's
	// fitted and row remember the last fit and the last row drawn by
	// what they were made of (bindingsKey), so that a frame redrawn with
	// the same keys on offer measures and draws nothing: `backchat serve`
	// draws every session's frame on each of its messages.
	fitted struct {
		key string
		out []key.Binding
	}
	row struct{ key, out string }
}

// bindingsKey identifies what bindings look like on the help row at width
// w: their keys, help texts and whether they are enabled.
func bindingsKey(w int, lists ...[]key.Binding) string {
	var b strings.Builder
	b.WriteString(strconv.Itoa(w))
	for _, l := range lists {
		b.WriteByte(1)
		for _, k := range l {
			h := k.Help()
			b.WriteString(h.Key)
			b.WriteByte(2)
			b.WriteString(h.Desc)
			if k.Enabled() {
				b.WriteByte(3)
			}
			b.WriteByte(4)
		}
	}
	return b.String()
}

func newHelpPane(keys KeyMap) *helpPane {
	return &helpPane{keys: keys.helpKeys(), all: keys, model: help.New()}
}

// setTheme picks the help's colours; plain draws keys in bold only. meta
// draws the query language section.
func (h *helpPane) setTheme(isDark, plain bool, meta lipgloss.Style) {
	h.meta = meta
	h.fitted.key, h.row.key = "", "" // drawn in other colours
	h.heading = lipgloss.NewStyle().Bold(true).Underline(true)
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

// fit is the pane's bindings then the global ones, as many as fit on the
// help row: the pane's last keys give way first, then the first global
// ones (W), so ? help always shows.
func (h *helpPane) fit(pane, global []key.Binding) []key.Binding {
	k := bindingsKey(h.width, pane, global)
	if h.fitted.key == k {
		return h.fitted.out
	}
	out := h.fitNew(pane, global)
	h.fitted.key, h.fitted.out = k, out
	return out
}

// fitNew is fit, worked out.
func (h *helpPane) fitNew(pane, global []key.Binding) []key.Binding {
	short := append(slices.Clone(pane), global...)
	for !h.fits(short) && (len(pane) > 1 || len(global) > 2) {
		if len(pane) > 1 {
			pane = pane[:len(pane)-1]
		} else {
			global = global[1:]
		}
		short = append(slices.Clone(pane), global...)
	}
	return short
}

// fits says whether bindings fit on the help row uncut.
func (h *helpPane) fits(b []key.Binding) bool {
	wide := h.model
	wide.SetWidth(0)
	return ansi.StringWidth(wide.ShortHelpView(b)) <= h.width
}

// helpColumn is the widest a column of the full help gets.
const helpColumn = 38

// fullLines is the whole full help at the screen's width: the key sections
// in columns, the markers' legend, then the query language's summary
// (model/search's HelpSummary).
func (h *helpPane) fullLines() []string {
	w := max(h.width, 1)
	ncol := max(1, (w+2)/(helpColumn+2))
	colW := min(helpColumn, w)
	if ncol > 1 {
		colW = (w - 2*(ncol-1)) / ncol
	}
	var blocks [][]string
	for _, s := range h.all.HelpSections() {
		blocks = append(blocks, h.section(s.Title, s.Keys, colW))
	}
	blocks = append(blocks, h.legend(colW))
	lines := columns(blocks, ncol, colW)
	lines = append(lines, "")
	for _, l := range search.HelpSummary(max(w-1, 1)) {
		lines = append(lines, " "+h.meta.Render(l))
	}
	return lines
}

// section is one group of keys in a column w cells wide: the title, then
// a key and its description per line, the description wrapped with a
// hanging indent so that nothing is cut.
func (h *helpPane) section(title string, keys []key.Binding, w int) []string {
	out := []string{h.heading.Render(ansi.Truncate(title, w, "…"))}
	kw := 0
	for _, b := range keys {
		kw = max(kw, ansi.StringWidth(b.Help().Key))
	}
	kw = min(kw, max(w/2, 1))
	for _, b := range keys {
		out = append(out, h.entry(h.model.Styles.FullKey.Render(b.Help().Key), ansi.StringWidth(b.Help().Key), b.Help().Desc, kw, w)...)
	}
	return out
}

// entry is " key  description", the description wrapped under itself.
func (h *helpPane) entry(k string, kLen int, desc string, kw, w int) []string {
	indent := 1 + kw + 2
	dw := max(w-indent, 8)
	var out []string
	lead := " " + k + strings.Repeat(" ", max(kw-kLen, 0)+2)
	if kLen > kw { // a long key takes its own line
		out = append(out, " "+k)
		lead = strings.Repeat(" ", indent)
	}
	for i, l := range strings.Split(ansi.Wrap(desc, dw, " "), "\n") {
		if i > 0 {
			lead = strings.Repeat(" ", indent)
		}
		out = append(out, lead+h.model.Styles.FullDesc.Render(l))
	}
	return out
}

// legend is the list markers' section: the flags after a title, then the
// marks after a message count.
func (h *helpPane) legend(w int) []string {
	out := []string{h.heading.Render(ansi.Truncate("List markers", w, "…"))}
	for _, m := range markerLegend {
		out = append(out, h.entry(h.model.Styles.FullKey.Render(m[0]), ansi.StringWidth(m[0]), m[1], 1, w)...)
	}
	kw := 0
	for _, m := range countLegend {
		kw = max(kw, ansi.StringWidth(m[0]))
	}
	for _, m := range countLegend {
		out = append(out, h.entry(h.model.Styles.FullKey.Render(m[0]), ansi.StringWidth(m[0]), m[1], kw, w)...)
	}
	return out
}

// columns lays blocks out in at most n columns of w cells, in order, each
// column about as long as the others; a blank line separates blocks.
func columns(blocks [][]string, n, w int) []string {
	total := 0
	for _, b := range blocks {
		total += len(b) + 1
	}
	target := (total + n - 1) / n
	var cols [][]string
	var cur []string
	for _, b := range blocks {
		if len(cur) > 0 && len(cur)+len(b) > target && len(cols) < n-1 {
			cols = append(cols, cur)
			cur = nil
		}
		if len(cur) > 0 {
			cur = append(cur, "")
		}
		cur = append(cur, b...)
	}
	cols = append(cols, cur)
	rows := 0
	for _, c := range cols {
		rows = max(rows, len(c))
	}
	out := make([]string, rows)
	for r := range out {
		var b strings.Builder
		for i, c := range cols {
			l := ""
			if r < len(c) {
				l = c[r]
			}
			if i < len(cols)-1 {
				l = padTo(ansi.Truncate(l, w, ""), w) + "  "
			}
			b.WriteString(l)
		}
		out[r] = b.String()
	}
	return out
}

// Height is the number of lines the help bar takes: one (the full help
// is drawn over the panes, see fullView).
func (h *helpPane) Height() int { return 1 }

// SetSize implements pane with the screen's size.
func (h *helpPane) SetSize(w, screenH int) {
	h.width, h.height = w, screenH
	h.model.SetWidth(w)
	h.clamp()
}

// bodyHeight is how many lines of the full help show: the screen but the
// help row.
func (h *helpPane) bodyHeight() int { return max(h.height-1, 1) }

func (h *helpPane) clamp() {
	h.offset = min(h.offset, max(len(h.fullLines())-h.bodyHeight(), 0))
	h.offset = max(h.offset, 0)
}

// Update implements pane: ? shows the full help; while it shows, the
// moving keys and the mouse wheel scroll it, ?, esc and q close it and ctrl+c quits. The root
// sends it every key while it is open.
func (h *helpPane) Update(msg tea.Msg) (pane, tea.Cmd) {
	if wm, ok := msg.(tea.MouseWheelMsg); ok && h.full {
		switch wm.Button {
		case tea.MouseWheelDown:
			h.offset += 3
		case tea.MouseWheelUp:
			h.offset -= 3
		}
		h.clamp()
		return h, nil
	}
	km, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return h, nil
	}
	if !h.full {
		if key.Matches(km, h.keys.Toggle) {
			h.full, h.offset = true, 0
		}
		return h, nil
	}
	k := h.keys
	switch {
	case key.Matches(km, k.Quit):
		return h, tea.Quit
	case key.Matches(km, k.Toggle), key.Matches(km, k.Close):
		h.full = false
	case key.Matches(km, k.Down):
		h.offset++
	case key.Matches(km, k.Up):
		h.offset--
	case key.Matches(km, k.PageDown):
		h.offset += max(h.bodyHeight()-1, 1)
	case key.Matches(km, k.PageUp):
		h.offset -= max(h.bodyHeight()-1, 1)
	case key.Matches(km, k.Top):
		h.offset = 0
	case key.Matches(km, k.Bottom):
		h.offset = len(h.fullLines())
	}
	h.clamp()
	return h, nil
}

// fullView is the full help over the screen: bodyHeight lines of the
// help from offset, then the help row, which says where it is.
func (h *helpPane) fullView() string {
	lines := h.fullLines()
	bh := h.bodyHeight()
	end := min(h.offset+bh, len(lines))
	s := fillBlock(lines[h.offset:end], h.width, bh)
	if h.height > 1 {
		row := h.model.ShortHelpView(h.rowKeys(end < len(lines)))
		if len(lines) > bh {
			row = h.meta.Render(pct(end, len(lines))) + "  " + row
		}
		s += "\n" + fillBlock([]string{row}, h.width, 1)
	}
	return s
}

// rowKeys are the keys the full help's row offers: close, and the moves
// that still go somewhere (down while more is below, up once scrolled).
func (h *helpPane) rowKeys(more bool) []key.Binding {
	k := h.keys
	switch {
	case more && h.offset > 0:
		return []key.Binding{k.Close, k.Down, k.Up, k.PageDown}
	case more:
		return k.ShortHelp()
	case h.offset > 0:
		return []key.Binding{k.Close, k.Up, k.PageUp}
	}
	return []key.Binding{k.Close}
}

// pct is how far down the help the screen ends: "42%", or "end".
func pct(end, total int) string {
	if end >= total {
		return "end"
	}
	return strconv.Itoa(end*100/total) + "%"
}

// View implements pane: the help row (the full help is fullView).
func (h *helpPane) View() string {
	k := bindingsKey(h.width, h.short)
	if h.row.key == k {
		return h.row.out
	}
	h.row.key, h.row.out = k, fillBlock([]string{h.model.ShortHelpView(h.short)}, h.width, 1)
	return h.row.out
}

// ShortHelp implements help.KeyMap.
func (h *helpPane) ShortHelp() []key.Binding { return h.keys.ShortHelp() }

// FullHelp implements help.KeyMap.
func (h *helpPane) FullHelp() [][]key.Binding { return h.keys.FullHelp() }
