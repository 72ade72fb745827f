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
// viewer's place while it has focus. Not safe for concurrent use.
type warnView struct {
	keys          warnKeys
	styles        Styles
	width, height int
	items         []string
	lines         []string // items wrapped to width
	offset        int
}

func newWarnView(keys KeyMap, st Styles) *warnView {
	return &warnView{keys: keys.warnKeys(), styles: st}
}

// set replaces the warnings shown.
func (w *warnView) set(ws []model.Warning) {
	w.items = w.items[:0]
	for i, x := range ws {
		w.items = append(w.items, render.FormatCount(i+1)+". "+safeLine(x.String()))
	}
	w.offset = 0
	w.wrap()
}

func (w *warnView) wrap() {
	w.lines = w.lines[:0]
	for _, it := range w.items {
		for i, l := range strings.Split(ansi.Wrap(it, max(w.width-4, 10), " "), "\n") {
			if i == 0 {
				w.lines = append(w.lines, " "+l)
			} else {
				w.lines = append(w.lines, "    "+l)
			}
		}
	}
}

// SetSize implements pane.
func (w *warnView) SetSize(width, height int) {
	w.width, w.height = width, height
	w.wrap()
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
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, w.keys.Down):
			w.offset++
		case key.Matches(msg, w.keys.Up):
			w.offset--
		case key.Matches(msg, w.keys.PageDown):
			w.offset += max(w.height-1, 1)
		case key.Matches(msg, w.keys.PageUp):
			w.offset -= max(w.height-1, 1)
		case key.Matches(msg, w.keys.Top):
			w.offset = 0
		case key.Matches(msg, w.keys.Bottom):
			w.offset = len(w.lines)
		}
	}
	w.offset = max(min(w.offset, len(w.lines)-w.height), 0)
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
		out = append(out, ansi.Truncate(w.lines[i], w.width, "…"))
	}
	return fillBlock(out, w.width, w.height)
}

// title is the pane's title row, w cells wide.
func (w *warnView) title(width int) string {
	return fillBlock([]string{w.styles.PaneTitleFocused.Render(ansi.Truncate(" Load warnings", width, "…"))}, width, 1)
}

// ShortHelp implements help.KeyMap.
func (w *warnView) ShortHelp() []key.Binding { return w.keys.ShortHelp() }

// FullHelp implements help.KeyMap.
func (w *warnView) FullHelp() [][]key.Binding { return w.keys.FullHelp() }
