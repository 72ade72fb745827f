package tui

import (
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/backchat/backchat/model"
)

// statsView is the full-screen statistics report (S), an overlay pane: while
// it is open it takes every key and the whole screen but the help row. The
// numbers are computed by a command off the event loop; the report is drawn
// with RenderStats at the pane's width and cached until the width or theme
// changes. Not safe for concurrent use.
type statsView struct {
	keys   statsKeys
	styles Styles
	style  string // Glamour style: picks the report's palette

	width, height int // title row and report; the root draws the help row

	seq      int  // number of the latest count; older answers are stale
	have     bool // stats holds an answer
	stats    model.Stats
	services []string // model.Services of the conversations counted
	convs    int      // conversations counted
	partial  bool     // counted while the archive was still loading
	offset   int
	closed   bool // esc, q or S: the root removes the pane

	lines    []string // the rendered report
	keyWidth int      // width and Glamour style lines were drawn for
	keyStyle string
}

// statsMsg is the answer to count number seq of the stats view view.
type statsMsg struct {
	view     *statsView // identifies the view that asked; never read by the command
	seq      int
	stats    model.Stats
	services []string // model.Services of the conversations counted
	convs    int
	partial  bool
}

func newStatsView(keys KeyMap, st Styles, style string) *statsView {
	return &statsView{keys: keys.statsKeys(), styles: st, style: style}
}

// count counts the conversations of a in a command (a is a snapshot the
// caller no longer touches; the conversations themselves are never mutated).
func (sv *statsView) count(a *model.Archive, loc *time.Location, partial bool) tea.Cmd {
	sv.seq++
	seq := sv.seq
	return func() tea.Msg {
		return statsMsg{view: sv, seq: seq, stats: model.ComputeStats(a, loc), services: model.Services(a.Conversations),
			convs: len(a.Conversations), partial: partial}
	}
}

// setTheme switches styles and the report's palette.
func (sv *statsView) setTheme(st Styles, style string) { sv.styles, sv.style = st, style }

// SetSize implements pane: the title row and the report.
func (sv *statsView) SetSize(w, h int) { sv.width, sv.height = w, h }

// bodyHeight is the number of report lines on screen.
func (sv *statsView) bodyHeight() int { return max(sv.height-1, 0) }

// reportLines returns the report drawn at the current width and theme.
func (sv *statsView) reportLines() []string {
	if !sv.have {
		return []string{"", " Counting…"}
	}
	if sv.lines == nil || sv.keyWidth != sv.width || sv.keyStyle != sv.style {
		report := RenderStats(sv.stats, sv.services, sv.width, sv.style != "light", sv.style == "notty")
		sv.lines = strings.Split(strings.TrimRight(report, "\n"), "\n")
		sv.keyWidth, sv.keyStyle = sv.width, sv.style
	}
	return sv.lines
}

// clamp keeps the report's offset within its lines.
func (sv *statsView) clamp() {
	sv.offset = min(max(sv.offset, 0), max(len(sv.reportLines())-sv.bodyHeight(), 0))
}

// Update implements pane: a count's answer (stale ones, of a newer count,
// are dropped; the root hands each to the view that asked, so a view
// since closed takes its own unseen), the wheel and the keys.
func (sv *statsView) Update(msg tea.Msg) (pane, tea.Cmd) {
	switch msg := msg.(type) {
	case statsMsg:
		if msg.view == sv && msg.seq == sv.seq {
			sv.have, sv.stats, sv.services, sv.convs, sv.partial = true, msg.stats, msg.services, msg.convs, msg.partial
			sv.lines = nil
		}
	case tea.MouseWheelMsg:
		switch msg.Button {
		case tea.MouseWheelUp:
			sv.offset -= 3
		case tea.MouseWheelDown:
			sv.offset += 3
		}
	case tea.KeyPressMsg:
		k := sv.keys
		page := max(sv.bodyHeight()-2, 1)
		switch {
		case key.Matches(msg, k.Quit):
			return sv, tea.Quit
		case key.Matches(msg, k.Close):
			sv.closed = true
			return sv, nil
		case key.Matches(msg, k.Down):
			sv.offset++
		case key.Matches(msg, k.Up):
			sv.offset--
		case key.Matches(msg, k.PageDown):
			sv.offset += page
		case key.Matches(msg, k.PageUp):
			sv.offset -= page
		case key.Matches(msg, k.Top):
			sv.offset = 0
		case key.Matches(msg, k.Bottom):
			sv.offset = len(sv.reportLines())
		}
		sv.clamp()
	}
	return sv, nil
}

// View implements pane: a title row and the report.
func (sv *statsView) View() string {
	w := sv.width
	if w <= 0 || sv.height <= 0 {
		return ""
	}
	title := " Statistics"
	if sv.have {
		title += " · " + plural(sv.convs, "conversation")
		if sv.partial {
			title += " loaded so far"
		}
	}
	lines := sv.reportLines()
	sv.clamp()
	body := lines[min(sv.offset, len(lines)):]
	bodyH := sv.bodyHeight()
	if len(body) > bodyH {
		body = body[:bodyH]
	}
	if n := len(lines) - bodyH; n > 0 && sv.have {
		title += " · " + strconv.Itoa(sv.offset*100/n) + "%"
	}
	out := fillBlock([]string{sv.styles.PaneTitleFocused.Render(title)}, w, 1)
	if bodyH > 0 {
		out += "\n" + fillBlock(body, w, bodyH)
	}
	return out
}

// ShortHelp implements help.KeyMap: the moves that still go somewhere
// (down while more is below, up once scrolled), then close.
func (sv *statsView) ShortHelp() []key.Binding {
	k := sv.keys
	sv.clamp()
	last := max(len(sv.reportLines())-sv.bodyHeight(), 0)
	switch {
	case last == 0:
		return []key.Binding{k.Close}
	case sv.offset == 0:
		return []key.Binding{k.Down, k.PageDown, k.Close}
	case sv.offset >= last:
		return []key.Binding{k.Up, k.PageUp, k.Top, k.Close}
	}
	return k.ShortHelp()
}

// FullHelp implements help.KeyMap.
func (sv *statsView) FullHelp() [][]key.Binding { return sv.keys.FullHelp() }
