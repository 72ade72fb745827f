package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/backchat/backchat/internal/render"
	"github.com/backchat/backchat/model"
)

// warnView lists the load warnings (W): a pane the root shows in the
// viewer's place while it has focus. Each warning is one line, cut with
// "…" to the width (a cut ZIP's names and byte offsets would take four
// lines at 80 columns); enter/l opens the selected one to its full text,
// wrapped. Not safe for concurrent use.
type warnView struct {
	keys          warnKeys
	styles        Styles
	width, height int
	items         []string // one line each: the reason first (compactWarning)
	full          []string // the whole warnings (model.Warning.String)
	open          []bool   // items shown in full
	cursor        int      // the selected item
	lines         []string
	first         []int // first[i]: the line of items[i]
	offset        int
}

func newWarnView(keys KeyMap, st Styles) *warnView {
	return &warnView{keys: keys.warnKeys(), styles: st}
}

// set replaces the warnings shown.
func (w *warnView) set(ws []model.Warning) {
	w.items, w.full = w.items[:0], w.full[:0]
	for i, x := range ws {
		n := render.FormatCount(i+1) + ". "
		w.items = append(w.items, n+safeLine(compactWarning(x)))
		w.full = append(w.full, n+safeLine(x.String()))
	}
	w.open = make([]bool, len(w.items))
	w.offset, w.cursor = 0, 0
	w.wrap()
}

// compactWarning is a warning's one-line form: what happened before
// where (a cut ZIP's entry name and byte offsets would fill the line
// before its reason).
func compactWarning(x model.Warning) string {
	return x.Kind.String() + ": " + x.Reason + " — " + x.Where()
}

// wrap lays the items out: one line each, the open ones wrapped in full.
func (w *warnView) wrap() {
	w.lines, w.first = w.lines[:0], w.first[:0]
	for n, it := range w.items {
		w.first = append(w.first, len(w.lines))
		if !w.open[n] {
			w.lines = append(w.lines, ansi.Truncate(" "+it, max(w.width-1, 10), "…"))
			continue
		}
		for i, l := range strings.Split(ansi.Wrap(w.full[n], max(w.width-4, 10), " "), "\n") {
			if i == 0 {
				w.lines = append(w.lines, " "+l)
			} else {
				w.lines = append(w.lines, "    "+l)
			}
		}
	}
}

// lastLine is the last line of items[n].
func (w *warnView) lastLine(n int) int {
	if n+1 < len(w.first) {
		return w.first[n+1] - 1
	}
	return len(w.lines) - 1
}

// SetSize implements pane.
func (w *warnView) SetSize(width, height int) {
	w.width, w.height = width, height
	w.wrap()
	w.follow() // the lines rewrapped: the old offset may be past their end
}

// follow keeps the selected item in view (all of it when it fits, else
// its start) and the offset within the lines.
func (w *warnView) follow() {
	if len(w.items) > 0 {
		w.cursor = max(min(w.cursor, len(w.items)-1), 0)
		w.offset = max(w.offset, w.lastLine(w.cursor)-w.height+1)
		w.offset = min(w.offset, w.first[w.cursor])
	}
	w.offset = max(min(w.offset, len(w.lines)-w.height), 0)
}

// Update implements pane.
func (w *warnView) Update(msg tea.Msg) (pane, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.MouseWheelMsg:
		if msg.Button == tea.MouseWheelUp {
			w.offset -= 3
		} else if msg.Button == tea.MouseWheelDown {
			w.offset += 3
		}
		w.offset = max(min(w.offset, len(w.lines)-w.height), 0)
		return w, nil
	case tea.KeyPressMsg:
		if len(w.items) == 0 {
			return w, nil
		}
		switch {
		case key.Matches(msg, w.keys.Down):
			w.cursor++
		case key.Matches(msg, w.keys.Up):
			w.cursor--
		case key.Matches(msg, w.keys.PageDown):
			w.cursor += max(w.height-1, 1)
		case key.Matches(msg, w.keys.PageUp):
			w.cursor -= max(w.height-1, 1)
		case key.Matches(msg, w.keys.Top):
			w.cursor = 0
		case key.Matches(msg, w.keys.Bottom):
			w.cursor = len(w.items) - 1
		case key.Matches(msg, w.keys.Open):
			w.cursor = max(min(w.cursor, len(w.items)-1), 0)
			w.open[w.cursor] = !w.open[w.cursor]
			w.wrap()
		}
		w.follow()
	}
	return w, nil
}

// View implements pane.
func (w *warnView) View() string {
	if w.width <= 0 || w.height <= 0 {
		return ""
	}
	if len(w.lines) == 0 {
		return fillBlock([]string{w.styles.Empty.Render(" No load warnings.")}, w.width, w.height)
	}
	var out []string
	for i := w.offset; i < len(w.lines) && len(out) < w.height; i++ {
		l := ansi.Truncate(w.lines[i], w.width, "…")
		if i >= w.first[w.cursor] && i <= w.lastLine(w.cursor) {
			l = w.styles.ItemSelected.Render(l + strings.Repeat(" ", max(w.width-ansi.StringWidth(l), 0)))
		}
		out = append(out, l)
	}
	return fillBlock(out, w.width, w.height)
}

// title is the pane's title row, w cells wide.
func (w *warnView) title(width int) string {
	return fillBlock([]string{w.styles.PaneTitleFocused.Render(ansi.Truncate(" Load warnings", width, "…"))}, width, 1)
}

// ShortHelp implements help.KeyMap: with no warnings only the way back
// (the moves and enter do nothing then).
func (w *warnView) ShortHelp() []key.Binding {
	if len(w.items) == 0 {
		return []key.Binding{w.keys.Back}
	}
	return w.keys.ShortHelp()
}

// FullHelp implements help.KeyMap.
func (w *warnView) FullHelp() [][]key.Binding { return w.keys.FullHelp() }
