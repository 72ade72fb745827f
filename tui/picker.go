package tui

import (
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// picker is a small list drawn over the browser when an action has several
// candidates (code blocks, images), an overlay pane: while it is open it
// takes every key. j/k move, enter or a digit picks (and returns pick's
// command), esc or q cancels; either way the root then closes it. Rows are sanitised by whoever builds
// them. Not safe for concurrent use.
type picker struct {
	keys   pickerKeys
	styles Styles
	width  int
	height int

	title  string
	verb   string // what enter does, for the hint line: "copy", "open"
	items  []string
	cursor int
	top    int // first row shown
	rows   int // rows shown at the last draw
	pick   func(i int) tea.Cmd

	picked    int  // the row chosen, -1 until then
	cancelled bool // esc, q or h
}

func newPicker(title, verb string, items []string, pick func(int) tea.Cmd) *picker {
	return &picker{title: title, verb: verb, items: items, pick: pick, rows: len(items), picked: -1}
}

func (p *picker) move(d int) {
	p.cursor = min(max(p.cursor+d, 0), len(p.items)-1)
}

// done reports whether the picker has been answered (picked or cancelled).
func (p *picker) done() bool { return p.picked >= 0 || p.cancelled }

// SetSize implements pane: the picker is centred in a w×h screen.
func (p *picker) SetSize(w, h int) { p.width, p.height = w, h }

// Update implements pane: every key while the picker is open.
func (p *picker) Update(msg tea.Msg) (pane, tea.Cmd) {
	km, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return p, nil // the mouse does not pick
	}
	k := p.keys
	switch {
	case key.Matches(km, k.Quit):
		return p, tea.Quit
	case key.Matches(km, k.Up):
		p.move(-1)
	case key.Matches(km, k.Down):
		p.move(1)
	case key.Matches(km, k.PageUp):
		p.move(-max(p.rows-1, 1))
	case key.Matches(km, k.PageDown):
		p.move(max(p.rows-1, 1))
	case key.Matches(km, k.Top):
		p.move(-len(p.items))
	case key.Matches(km, k.Bottom):
		p.move(len(p.items))
	case key.Matches(km, k.Pick):
		return p, p.choose(p.cursor)
	case key.Matches(km, k.Cancel):
		p.cancelled = true
	case key.Matches(km, k.PickNumber):
		// 1–9 pick a row by its number.
		if d, err := strconv.Atoi(km.String()); err == nil && d >= 1 && d <= len(p.items) {
			return p, p.choose(d - 1)
		}
	}
	return p, nil
}

// choose picks row i: the picker is done, and the pick's command runs.
func (p *picker) choose(i int) tea.Cmd {
	p.picked = i
	return p.pick(i)
}

// View implements pane: the box alone; the root draws it over the screen.
func (p *picker) View() string { return p.view(p.styles, p.width, p.height) }

// ShortHelp implements help.KeyMap.
func (p *picker) ShortHelp() []key.Binding { return p.keys.ShortHelp() }

// FullHelp implements help.KeyMap.
func (p *picker) FullHelp() [][]key.Binding { return p.keys.FullHelp() }

// view draws the picker as a bordered box that fits in w×h, or "" when the
// screen is too small for one.
func (p *picker) view(st Styles, w, h int) string {
	if w < 16 || h < 5 {
		return ""
	}
	hint := "enter " + p.verb + " · esc cancel"
	inner := ansi.StringWidth(p.title)
	for i, it := range p.items {
		inner = max(inner, ansi.StringWidth(it)+len(strconv.Itoa(i+1))+1)
	}
	inner = min(max(inner, ansi.StringWidth(hint)), 72, w-4) // border and padding take 4
	p.rows = min(len(p.items), max(h-6, 1))                  // border, title, blank, hint
	if p.cursor < p.top {
		p.top = p.cursor
	}
	if p.cursor >= p.top+p.rows {
		p.top = p.cursor - p.rows + 1
	}
	lines := []string{st.PaneTitleFocused.Render(ansi.Truncate(p.title, inner, "…"))}
	for i := p.top; i < p.top+p.rows && i < len(p.items); i++ {
		row := ansi.Truncate(strconv.Itoa(i+1)+" "+p.items[i], inner, "…")
		row += strings.Repeat(" ", max(inner-ansi.StringWidth(row), 0))
		if i == p.cursor {
			row = st.ItemSelected.Render(row)
		} else {
			row = st.Item.Render(row)
		}
		lines = append(lines, row)
	}
	more := ""
	if len(p.items) > p.rows {
		more = " · " + strconv.Itoa(p.cursor+1) + "/" + strconv.Itoa(len(p.items))
	}
	lines = append(lines, "", st.ItemMeta.Render(ansi.Truncate(hint+more, inner, "…")))
	box := lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(st.Separator.GetForeground()).
		Padding(0, 1).Width(inner + 4)
	return box.Render(strings.Join(lines, "\n"))
}

// overlay draws box centred over base, a w×h screen.
func overlay(base, box string, w, h int) string {
	if box == "" {
		return base
	}
	bl := strings.Split(base, "\n")
	ol := strings.Split(box, "\n")
	bw := 0
	for _, l := range ol {
		bw = max(bw, ansi.StringWidth(l))
	}
	x, y := max((w-bw)/2, 0), max((h-len(ol))/2, 0)
	for i, l := range ol {
		r := y + i
		if r >= len(bl) {
			break
		}
		left := ansi.Truncate(bl[r], x, "")
		left += strings.Repeat(" ", max(x-ansi.StringWidth(left), 0))
		right := ansi.TruncateLeft(bl[r], x+bw, "")
		l += strings.Repeat(" ", max(bw-ansi.StringWidth(l), 0))
		// Resets keep the base's colours from running into the box and back.
		bl[r] = left + "\x1b[m" + l + "\x1b[m" + right
	}
	return strings.Join(bl, "\n")
}
