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
// candidates (code blocks, images): j/k move, enter or a digit picks, esc or
// q cancels. Rows are sanitised by whoever builds them.
type picker struct {
	title  string
	verb   string // what enter does, for the hint line: "copy", "open"
	items  []string
	cursor int
	top    int // first row shown
	rows   int // rows shown at the last draw
	pick   func(m *Model, i int) tea.Cmd
}

func newPicker(title, verb string, items []string, pick func(*Model, int) tea.Cmd) *picker {
	return &picker{title: title, verb: verb, items: items, pick: pick, rows: len(items)}
}

func (p *picker) move(d int) {
	p.cursor = min(max(p.cursor+d, 0), len(p.items)-1)
}

// onPickerKey handles every key while a picker is open.
func (m *Model) onPickerKey(msg tea.KeyPressMsg) tea.Cmd {
	p, k := m.act.picker, m.keys
	switch {
	case msg.String() == "ctrl+c":
		return tea.Quit
	case key.Matches(msg, k.Up):
		p.move(-1)
	case key.Matches(msg, k.Down):
		p.move(1)
	case key.Matches(msg, k.PageUp):
		p.move(-max(p.rows-1, 1))
	case key.Matches(msg, k.PageDown):
		p.move(max(p.rows-1, 1))
	case key.Matches(msg, k.Top):
		p.move(-len(p.items))
	case key.Matches(msg, k.Bottom):
		p.move(len(p.items))
	case key.Matches(msg, k.AcceptFilter):
		m.act.picker = nil
		return p.pick(m, p.cursor)
	case key.Matches(msg, k.CloseView), key.Matches(msg, k.Back):
		m.act.picker = nil
		m.act.say("cancelled")
	default:
		// 1–9 pick a row by its number.
		if d, err := strconv.Atoi(msg.String()); err == nil && d >= 1 && d <= len(p.items) && d <= 9 {
			m.act.picker = nil
			return p.pick(m, d-1)
		}
	}
	return nil
}

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
