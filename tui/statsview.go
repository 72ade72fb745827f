package tui

import (
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/backchat/backchat/model"
)

// statsView is the full-screen statistics report (S). The numbers are
// computed by a command off the event loop; the report is drawn with
// RenderStats at the window's width and cached until the width or theme
// changes. Not safe for concurrent use.
type statsView struct {
	have    bool // stats holds an answer
	stats   model.Stats
	convs   int  // conversations counted
	partial bool // counted while the archive was still loading
	offset  int

	lines    []string // the rendered report
	keyWidth int      // width and Glamour style lines were drawn for
	keyStyle string
}

// statsMsg is the answer to stats computation number seq.
type statsMsg struct {
	seq     int
	stats   model.Stats
	convs   int
	partial bool
}

// openStats shows the stats view and starts counting.
func (m *Model) openStats() tea.Cmd {
	m.act.stats = &statsView{}
	return m.statsCmd()
}

// statsCmd counts the conversations loaded so far in a command. It captures
// a copy of the list (the conversations themselves are never mutated).
func (m *Model) statsCmd() tea.Cmd {
	m.act.statsSeq++
	seq, loc, partial := m.act.statsSeq, m.view.loc, m.loading
	a := &model.Archive{Conversations: append([]*model.Conversation(nil), m.list.all...), Warnings: m.warnList}
	return func() tea.Msg {
		return statsMsg{seq: seq, stats: model.ComputeStats(a, loc), convs: len(a.Conversations), partial: partial}
	}
}

// onStats takes a computed answer; stale ones (the view was closed, or a
// newer count started) are dropped.
func (m *Model) onStats(msg statsMsg) {
	sv := m.act.stats
	if sv == nil || msg.seq != m.act.statsSeq {
		return
	}
	sv.have, sv.stats, sv.convs, sv.partial = true, msg.stats, msg.convs, msg.partial
	sv.lines = nil
}

// statsBodyHeight is the number of report lines on screen.
func (m *Model) statsBodyHeight() int { return max(m.height-2, 0) }

// statsLines returns the report drawn at the current width and theme.
func (m *Model) statsLines() []string {
	sv := m.act.stats
	if !sv.have {
		return []string{"", " Counting…"}
	}
	if sv.lines == nil || sv.keyWidth != m.width || sv.keyStyle != m.view.style {
		style := m.view.style
		report := RenderStats(sv.stats, m.width, style != "light", style == "notty")
		sv.lines = strings.Split(strings.TrimRight(report, "\n"), "\n")
		sv.keyWidth, sv.keyStyle = m.width, style
	}
	return sv.lines
}

// scroll moves the report by d lines; statsScreen clamps.
func (sv *statsView) scroll(d int) { sv.offset += d }

// clampStats keeps the report's offset within its lines.
func (m *Model) clampStats() {
	sv := m.act.stats
	sv.offset = min(max(sv.offset, 0), max(len(m.statsLines())-m.statsBodyHeight(), 0))
}

// onStatsKey handles every key while the stats view is open.
func (m *Model) onStatsKey(msg tea.KeyPressMsg) tea.Cmd {
	sv, k := m.act.stats, m.keys
	page := max(m.statsBodyHeight()-2, 1)
	switch {
	case msg.String() == "ctrl+c":
		return tea.Quit
	case key.Matches(msg, k.CloseView), key.Matches(msg, k.Stats):
		m.act.stats = nil
		m.act.statsSeq++ // a count still running is stale now
		return nil
	case key.Matches(msg, k.Down):
		sv.scroll(1)
	case key.Matches(msg, k.Up):
		sv.scroll(-1)
	case key.Matches(msg, k.PageDown), msg.String() == "space":
		sv.scroll(page)
	case key.Matches(msg, k.PageUp):
		sv.scroll(-page)
	case key.Matches(msg, k.Top):
		sv.offset = 0
	case key.Matches(msg, k.Bottom):
		sv.offset = len(m.statsLines())
	}
	m.clampStats()
	return nil
}

// statsScreen draws the stats view: a title row, the report, a help row.
func (m *Model) statsScreen() string {
	w, h := m.width, m.height
	if w <= 0 || h <= 0 {
		return ""
	}
	sv, st := m.act.stats, m.styles
	title := " Statistics"
	if sv.have {
		title += " · " + plural(sv.convs, "conversation")
		if sv.partial {
			title += " loaded so far"
		}
	}
	lines := m.statsLines()
	m.clampStats()
	body := lines[min(sv.offset, len(lines)):]
	bodyH := m.statsBodyHeight()
	if len(body) > bodyH {
		body = body[:bodyH]
	}
	if n := len(lines) - bodyH; n > 0 && sv.have {
		title += " · " + strconv.Itoa(sv.offset*100/n) + "%"
	}
	help := m.help.ShortHelpView([]key.Binding{m.keys.Down, m.keys.PageDown, m.keys.Top, m.keys.CloseView})
	out := fillBlock([]string{st.PaneTitleFocused.Render(title)}, w, 1)
	if bodyH > 0 {
		out += "\n" + fillBlock(body, w, bodyH)
	}
	if h > 1 {
		out += "\n" + fillBlock([]string{help}, w, 1)
	}
	return out
}
