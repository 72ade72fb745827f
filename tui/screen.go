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
	var body string
	if m.narrow {
		if m.focus == focusList {
			body = m.list.title(w, m.filter) + "\n" + m.list.View()
		} else {
			body = m.viewTitle(w) + "\n" + right.View()
		}
	} else {
		sep := m.styles.Separator.Render("│")
		body = m.list.title(m.listWidth, m.filter) + sep + m.viewTitle(w-m.listWidth-1)
		if bodyH := max(h-2-m.help.Height(), 0); bodyH > 0 {
			body += "\n" + sideBySide(m.list.View(), right.View(), sep, bodyH)
		}
	}
	status := statusBar(m.styles, m.statusInfo(), w)
	return body + "\n" + status + "\n" + m.helpView()
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

// sideBySide joins h lines of two panes' views with sep between them.
func sideBySide(left, right, sep string, h int) string {
	ll, rl := strings.Split(left, "\n"), strings.Split(right, "\n")
	var b strings.Builder
	// One allocation for the whole screen: every session builds it on
	// every update, so growing it step by step is most of its garbage.
	b.Grow(len(left) + len(right) + h*(len(sep)+1))
	for i := 0; i < h; i++ {
		if i > 0 {
			b.WriteByte('\n')
		}
		if i < len(ll) {
			b.WriteString(ll[i])
		}
		b.WriteString(sep)
		if i < len(rl) {
			b.WriteString(rl[i])
		}
	}
	return b.String()
}

func (m *Model) statusInfo() statusInfo {
	in := statusInfo{loading: m.loading, done: m.done, total: m.total, loaded: len(m.list.all),
		shown: m.list.count(), filtering: m.filter.on(), searching: m.filter.searching,
		warnings: len(m.warnList), hit: m.view.hitStatus(), partial: m.filter.partial(), indexing: m.filter.indexing()}
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
	if len(m.warnList) > 0 || m.focus == focusWarnings {
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
