package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// View implements tea.Model.
func (m *Model) View() tea.View {
	v := tea.NewView(m.compose())
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "backchat"
	if m.loading {
		// Terminals that support it show load progress in their tab too.
		if m.total > 0 {
			v.ProgressBar = tea.NewProgressBar(tea.ProgressBarDefault, int(min(m.done, m.total)*100/m.total))
		} else {
			v.ProgressBar = tea.NewProgressBar(tea.ProgressBarIndeterminate, 0)
		}
	}
	return v
}

// compose is the whole screen: the stats view, or the browser with any
// picker drawn over it.
func (m *Model) compose() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	if m.help.full && m.loadErr == nil {
		return m.help.fullView()
	}
	if m.overlay == overlayStats && m.loadErr == nil {
		s := m.stats.View()
		if m.height > 1 {
			s += "\n" + fillBlock([]string{m.help.shortView(m.stats.ShortHelp())}, m.width, 1)
		}
		return s
	}
	s := m.render()
	if m.overlay == overlayPicker {
		s = overlay(s, m.picker.View(), m.width, m.height)
	}
	return s
}

// render draws the whole screen as a string (tests compare it).
func (m *Model) render() string {
	w, h := m.width, m.height
	if w <= 0 || h <= 0 {
		return ""
	}
	if m.loadErr != nil {
		return errorScreen(m.styles, m.loadErr, w, h)
	}
	right := m.focused()
	if m.focus == focusList {
		right = m.view
	}
	var f frame
	if m.narrow && m.focus == focusList {
		f.title, f.left = m.list.title(w, m.filter), m.list.View()
	} else if m.narrow {
		f.title, f.left = m.viewTitle(w), right.View()
	} else {
		f.sep = m.styles.Separator.Render("│")
		f.title, f.rightTitle = m.list.title(m.listWidth, m.filter), m.viewTitle(w-m.listWidth-1)
		if f.bodyH = max(h-2-m.help.Height(), 0); f.bodyH > 0 {
			f.left, f.right = m.list.View(), right.View()
		}
	}
	f.status = statusBar(m.styles, m.statusInfo(), w)
	f.help = m.helpView()
	return f.join(m.narrow)
}

// frame is the parts of a screen; join writes them in one builder: every
// session draws a frame on each of its messages under `backchat serve`,
// and joining the parts string by string copied the frame twice more
// (most of the browser's garbage there).
type frame struct {
	title, rightTitle, sep string
	left, right            string // narrow: left is the one pane
	bodyH                  int
	status, help           string
}

func (f *frame) join(narrow bool) string {
	var b strings.Builder
	b.Grow(len(f.title) + len(f.rightTitle) + len(f.left) + len(f.right) + (f.bodyH+1)*(len(f.sep)+1) + len(f.status) + len(f.help) + 3)
	b.WriteString(f.title)
	if narrow {
		b.WriteByte('\n')
		b.WriteString(f.left)
	} else {
		b.WriteString(f.sep)
		b.WriteString(f.rightTitle)
		if f.bodyH > 0 {
			b.WriteByte('\n')
			sideBySide(&b, f.left, f.right, f.sep, f.bodyH)
		}
	}
	b.WriteByte('\n')
	b.WriteString(f.status)
	b.WriteByte('\n')
	b.WriteString(f.help)
	return b.String()
}

// focused is the pane that takes keys when no overlay is open.
func (m *Model) focused() pane {
	switch m.focus {
	case focusViewer:
		return m.view
	case focusWarnings:
		return m.warnings
	}
	return m.list
}

// errorScreen says why the archive could not be loaded, on a w×h screen.
func errorScreen(st Styles, err error, w, h int) string {
	lines := []string{"", " " + st.ErrorTitle.Render("backchat could not load the archive"), ""}
	for _, l := range strings.Split(ansi.Wrap(safeText(err.Error()), max(w-4, 10), " "), "\n") {
		lines = append(lines, "  "+st.ErrorBody.Render(l))
	}
	lines = append(lines, "", " "+st.Empty.Render("Press q to quit."))
	return fillBlock(lines, w, h)
}

// sideBySide writes h lines of two panes' views to b with sep between them.
func sideBySide(b *strings.Builder, left, right, sep string, h int) {
	for i := 0; i < h; i++ {
		if i > 0 {
			b.WriteByte('\n')
		}
		var l, r string
		l, left, _ = strings.Cut(left, "\n")
		r, right, _ = strings.Cut(right, "\n")
		b.WriteString(l)
		b.WriteString(sep)
		b.WriteString(r)
	}
}

func (m *Model) statusInfo() statusInfo {
	in := statusInfo{loading: m.loading, done: m.done, total: m.total, loaded: len(m.list.all),
		shown: m.list.count(), filtering: m.filter.on(), searching: m.filter.searching,
		warnings: len(m.view.warns), hit: m.view.statusHit(m.focus == focusViewer || m.focus == focusList && !m.narrow), partial: m.filter.partial(), indexing: m.filter.indexing()}
	in.notice, in.noticeErr = m.act.notice, m.act.noticeErr
	if in.errText = m.filter.statusError(); in.errText == "" && m.view.renderErr != nil {
		in.errText = safeLine(m.view.renderErr.Error()) + " (shown as plain text)"
	}
	return in
}

func (m *Model) viewTitle(w int) string {
	if m.focus == focusWarnings {
		return m.warnings.title(w)
	}
	return m.view.title(w, m.focus != focusList)
}

// helpView is the help bar: the focused pane's bindings plus the global
// ones that do something now (W only with warnings).
func (m *Model) helpView() string {
	global := []key.Binding{m.keys.Help, m.keys.Quit}
	if len(m.view.warns) > 0 || m.focus == focusWarnings {
		global = append([]key.Binding{m.keys.Warnings}, global...)
	}
	m.help.setShort(m.help.fit(m.focused().ShortHelp(), global))
	if m.filter.active {
		m.help.setShort(m.filter.ShortHelp())
	} else if m.view.finding() {
		m.help.setShort(m.view.findHelp())
	}
	return m.help.View()
}
