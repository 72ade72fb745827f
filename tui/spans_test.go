package tui

import (
	"image/color"
	"reflect"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/backchat/backchat/internal/render"
	"github.com/backchat/backchat/model"
)

// spanTexts are texts a span must write as Render does: plain, wide,
// empty, already styled, and those Render changes (tabs, line breaks).
var spanTexts = []string{"", "x", "ChatGPT", "2024-01-02 15:04 · gpt-4o", "‹2/3›", "(hidden)", "日本語 wide",
	"  spaced  ", "a\tb", "two\nlines", "cr\r\nlf", "\x1b[1mbold\x1b[0m"}

// TestSpanIsRender: a span writes what its style's Render does, for every
// style of every theme and for styles that do more than wrap their text.
func TestSpanIsRender(t *testing.T) {
	var styles []lipgloss.Style
	for _, st := range []Styles{NewStyles(true), NewStyles(false), NewPlainStyles()} {
		rv := reflect.ValueOf(st)
		for i := range rv.NumField() {
			if s, ok := rv.Field(i).Interface().(lipgloss.Style); ok {
				styles = append(styles, s)
			}
		}
	}
	base := lipgloss.NewStyle().Foreground(lipgloss.Color("#ff0000")).Bold(true)
	odd := []lipgloss.Style{
		base.Padding(0, 2), base.Width(30), base.MaxWidth(5), base.Underline(true), base.Strikethrough(true),
		base.Transform(strings.ToUpper), base.Margin(0, 1), base.Border(lipgloss.NormalBorder()), base.SetString("pre"),
		base.Background(lipgloss.Color("#000000")).Reverse(true), base.TabWidth(2), base.Inline(true), base.Align(lipgloss.Right),
		lipgloss.NewStyle(),
	}
	styles = append(styles, odd...)
	wrapped := 0
	for i, st := range styles {
		sp := newSpan(st)
		if sp.wraps {
			wrapped++
		}
		for _, text := range spanTexts {
			var b strings.Builder
			sp.write(&b, text)
			if want := st.Render(text); b.String() != want {
				t.Errorf("style %d (wraps %v), %q: span wrote %q, Render %q", i, sp.wraps, text, b.String(), want)
			}
		}
	}
	if wrapped < len(styles)-len(odd) {
		t.Errorf("only %d of the themes' %d styles are spans", wrapped, len(styles)-len(odd))
	}
}

// renderedRoleLine is a message's heading styled with Render, as roleLine
// made it before spans (spans.go).
func renderedRoleLine(st Styles, v *viewer, n int32, m *model.Message, branch string) string {
	rs := st.RoleBot
	switch m.Role() {
	case model.RoleUser:
		rs = st.RoleUser
	case model.RoleTool, model.RoleSystem:
		rs = st.RoleTool
	}
	h := render.MessageHeadingMarked(v.conv, n, v.loc, branch)
	if v.present(n, m) == render.Summarised {
		h.Note = ""
	}
	line := " " + rs.Render(h.Role)
	var meta []string
	for _, s := range []string{h.Time, h.Model} {
		if s != "" {
			meta = append(meta, s)
		}
	}
	if len(meta) > 0 {
		line += " " + st.MsgMeta.Render(strings.Join(meta, " · "))
	}
	if h.Branch != "" {
		line += " " + st.Branch.Render(h.Branch)
	}
	if h.Note != "" {
		line += " " + st.MsgMeta.Render(h.Note)
	}
	return line
}

// TestRoleLinesFollowThemeAndWidth: every message's heading on view is the
// one its theme's styles render, after the terminal's background switches
// the theme (both ways) and after resizes.
func TestRoleLinesFollowThemeAndWidth(t *testing.T) {
	c := buildConv("c-roles", "Roles", testNow.Add(-2*time.Hour), tm{role: model.RoleSystem, text: "sys"},
		tm{role: model.RoleUser, text: "question"}, tm{role: model.RoleAssistant, text: "answer", model: "o3"},
		tm{role: model.RoleTool, author: "browser", text: "tool output", vis: model.Folded}, tm{role: model.RoleAssistant, text: "more"},
		tm{role: model.RoleUser, text: "hidden one", vis: model.Hidden})
	addBranch(c, 3, "another answer", time.Hour)
	a := &model.Archive{Conversations: []*model.Conversation{c}}
	// The theme is not pinned: the terminal's background picks it.
	m := New(Options{Archive: a, Width: 100, Height: 40, Now: fixedNow})
	run(t, m, m.Init())
	m.view.show(c)
	check := func(step string, isDark bool) {
		t.Helper()
		st := NewStyles(isDark)
		v := m.view
		heads := 0
		for _, s := range v.segs {
			if s.node == model.NoNode {
				continue
			}
			n := s.node
			msg := c.Tree()[n].Msg
			want := renderedRoleLine(st, v, n, msg, v.branchLabel(v.threadIndex(n)))
			if s.lines[1] != want {
				t.Errorf("%s: node %d heading %q, want %q", step, n, s.lines[1], want)
			}
			heads++
		}
		if heads < 5 {
			t.Fatalf("%s: %d headings on view", step, heads)
		}
	}
	check("at first", true)
	for _, step := range []struct {
		name   string
		msg    tea.Msg
		isDark bool
	}{
		{"light background", tea.BackgroundColorMsg{Color: color.White}, false},
		{"narrower", tea.WindowSizeMsg{Width: 60, Height: 30}, false},
		{"dark background", tea.BackgroundColorMsg{Color: color.Black}, true},
		{"wider", tea.WindowSizeMsg{Width: 140, Height: 30}, true},
		{"light again", tea.BackgroundColorMsg{Color: color.White}, false},
	} {
		m.Update(step.msg)
		check(step.name, step.isDark)
	}
	press(t, m, "H") // hidden messages shown: a heading with a note
	check("hidden shown", false)
	if !strings.Contains(strings.Join(m.view.plain, "\n"), "(hidden)") {
		t.Fatal("no hidden message's heading on view after H")
	}
}
