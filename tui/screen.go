package tui

import (
	"fmt"
	"strings"

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

// render draws the whole screen as a string (tests compare it).
func (m *Model) render() string {
	w, h := m.width, m.height
	if w <= 0 || h <= 0 {
		return ""
	}
	st := m.styles
	if m.loadErr != nil {
		lines := []string{"", " " + st.ErrorTitle.Render("backchat could not load the archive"), ""}
		for _, l := range strings.Split(ansi.Wrap(safeText(m.loadErr.Error()), max(w-4, 10), " "), "\n") {
			lines = append(lines, "  "+st.ErrorBody.Render(l))
		}
		lines = append(lines, "", " "+st.Empty.Render("Press q to quit."))
		return fillBlock(lines, w, h)
	}
	bodyH := max(h-2-m.helpHeight(), 0)
	var body string
	right := pane(m.view)
	if m.focus == focusWarnings {
		right = m.warnings
	}
	if m.narrow {
		title := m.listTitle(w)
		p := pane(m.list)
		if m.focus != focusList {
			p = right
			title = m.viewTitle(w)
		}
		body = title + "\n" + p.View()
	} else {
		sep := st.Separator.Render("│")
		top := m.listTitle(m.listWidth) + sep + m.viewTitle(w-m.listWidth-1)
		left := strings.Split(m.list.View(), "\n")
		rv := strings.Split(right.View(), "\n")
		var b strings.Builder
		b.WriteString(top)
		for i := 0; i < bodyH; i++ {
			b.WriteByte('\n')
			if i < len(left) {
				b.WriteString(left[i])
			}
			b.WriteString(sep)
			if i < len(rv) {
				b.WriteString(rv[i])
			}
		}
		body = b.String()
	}
	status := statusBar(st, m.statusInfo(), w)
	return body + "\n" + status + "\n" + m.helpView()
}

func (m *Model) statusInfo() statusInfo {
	in := statusInfo{loading: m.loading, done: m.done, total: m.total, loaded: len(m.list.all),
		shown: m.list.count(), filtering: m.filter.on(), searching: m.filter.searching,
		warnings: len(m.warnList), hit: m.view.hitStatus(), partial: m.filter.partial()}
	in.notice, in.noticeErr = m.act.notice, m.act.noticeErr
	if m.filter.err != nil {
		in.errText = "search: " + safeLine(m.filter.err.Error())
	} else if m.view.renderErr != nil {
		in.errText = safeLine(m.view.renderErr.Error()) + " (shown as plain text)"
	}
	return in
}

func (m *Model) listTitle(w int) string {
	st := m.styles
	if m.filter.active || m.filter.on() {
		return m.filter.View(st, w, m.list.count())
	}
	s := st.PaneTitle
	if m.focus == focusList {
		s = st.PaneTitleFocused
	}
	return fillBlock([]string{s.Render(" Conversations")}, w, 1)
}

func (m *Model) viewTitle(w int) string {
	st := m.styles
	s := st.PaneTitle
	if m.focus != focusList {
		s = st.PaneTitleFocused
	}
	t := " Conversation"
	if m.focus == focusWarnings {
		t = " Load warnings"
	} else if c := m.view.conv; c != nil {
		t = " " + safeLine(c.DisplayTitle())
		if m.view.expanded {
			t += " · tools expanded"
		}
		if m.view.showHidden {
			t += " · hidden shown"
		}
		if pct := m.view.scrollPercent(); pct >= 0 {
			pos := fmt.Sprintf(" %d%% ", pct)
			t = ansi.Truncate(t, max(w-len(pos), 0), "…")
			return fillBlock([]string{s.Render(padTo(t, w-len(pos))) + st.PaneTitle.Render(pos)}, w, 1)
		}
	}
	return fillBlock([]string{s.Render(ansi.Truncate(t, w, "…"))}, w, 1)
}

// helpView is the help bar: global bindings plus the focused pane's.
func (m *Model) helpView() string {
	if m.fullHelp {
		lines := m.fullHelpLines()
		return fillBlock(lines, m.width, len(lines))
	}
	var p pane = m.list
	switch m.focus {
	case focusViewer:
		p = m.view
	case focusWarnings:
		p = m.warnings
	}
	short := append(p.ShortHelp(), m.keys.Warnings, m.keys.Help, m.keys.Quit)
	if m.filter.active {
		short = m.filter.ShortHelp()
	}
	return fillBlock([]string{m.help.ShortHelpView(short)}, m.width, 1)
}
