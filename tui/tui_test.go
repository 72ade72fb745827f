package tui

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"image/color"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/backchat/backchat/model"
)

func TestGolden(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {120, 40}, {40, 12}} {
		name := fmt.Sprintf("%dx%d", sz[0], sz[1])
		t.Run(name+"/list", func(t *testing.T) {
			m := newTest(t, sz[0], sz[1])
			golden.RequireEqual(t, screen(m))
		})
		t.Run(name+"/viewer-tools-expanded", func(t *testing.T) {
			m := newTest(t, sz[0], sz[1])
			selectConv(t, m, "c-tool")
			press(t, m, "enter", "T")
			golden.RequireEqual(t, screen(m))
		})
		t.Run(name+"/viewer-fold-item", func(t *testing.T) {
			m := newTest(t, sz[0], sz[1])
			selectConv(t, m, "c-tool")
			press(t, m, "enter", "t")
			golden.RequireEqual(t, screen(m))
		})
		t.Run(name+"/filter", func(t *testing.T) {
			m := newTest(t, sz[0], sz[1])
			press(t, m, "/")
			typeText(t, m, "generics")
			press(t, m, "enter")
			golden.RequireEqual(t, screen(m))
		})
		t.Run(name+"/help", func(t *testing.T) {
			m := newTest(t, sz[0], sz[1])
			press(t, m, "?")
			golden.RequireEqual(t, screen(m))
		})
		t.Run(name+"/help-end", func(t *testing.T) {
			m := newTest(t, sz[0], sz[1])
			press(t, m, "?", "G")
			golden.RequireEqual(t, screen(m))
		})
		t.Run(name+"/wide", func(t *testing.T) {
			m := newTest(t, sz[0], sz[1])
			selectConv(t, m, "c-wide")
			golden.RequireEqual(t, screen(m))
		})
	}
}

// selectConv moves the list cursor onto the conversation with id.
func selectConv(t *testing.T, m *Model, id string) {
	t.Helper()
	press(t, m, "g")
	for i := 0; i < 50; i++ {
		if c := m.list.selected(); c != nil && c.ID == id {
			return
		}
		press(t, m, "j")
	}
	t.Fatalf("conversation %s not in list", id)
}

func TestLayoutFitsEverySize(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {120, 40}, {40, 12}, {60, 15}, {200, 60}, {1, 1}, {0, 0}} {
		m := newTest(t, sz[0], sz[1])
		for _, keys := range [][]string{nil, {"enter"}, {"W"}, {"?"}} {
			press(t, m, keys...)
			s := screen(m)
			if sz[0] == 0 {
				if s != "" {
					t.Errorf("0×0: want empty view")
				}
				continue
			}
			lines := strings.Split(s, "\n")
			if len(lines) > sz[1] && sz[1] > 3 {
				t.Errorf("%v %v: %d lines, want ≤ %d", sz, keys, len(lines), sz[1])
			}
			for i, l := range lines {
				if w := lipglossWidth(l); w > sz[0] {
					t.Errorf("%v %v: line %d is %d cells wide: %q", sz, keys, i, w, l)
				}
			}
		}
	}
}

func TestFocusAndSelection(t *testing.T) {
	m := newTest(t, 120, 40)
	if m.focus != focusList {
		t.Fatal("starts in list")
	}
	first := m.view.conv
	if first == nil || first.ID != "c-generics" {
		t.Fatalf("viewer shows %v, want the newest conversation", first)
	}
	press(t, m, "j")
	if m.view.conv.ID != "c-branch" {
		t.Fatalf("viewer follows cursor: got %s", m.view.conv.ID)
	}
	press(t, m, "tab")
	if m.focus != focusViewer {
		t.Fatal("tab: want viewer focus")
	}
	press(t, m, "shift+tab")
	if m.focus != focusList {
		t.Fatal("shift+tab: want list focus")
	}
	press(t, m, "enter")
	if m.focus != focusViewer {
		t.Fatal("enter: want viewer focus")
	}
	press(t, m, "j") // scrolls the viewer, not the list
	if m.list.selected().ID != "c-branch" {
		t.Fatal("j in viewer moved the list")
	}
	press(t, m, "esc")
	if m.focus != focusList {
		t.Fatal("esc: want list focus")
	}
	press(t, m, "G")
	if m.list.selected().ID != "c-untitled" {
		t.Fatalf("G: got %s", m.list.selected().ID)
	}
	press(t, m, "g")
	if m.list.selected().ID != "c-generics" {
		t.Fatalf("g: got %s", m.list.selected().ID)
	}
	_, cmd := m.Update(keyMsg("q"))
	if cmd == nil {
		t.Fatal("q: want quit")
	}
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Fatal("q: want tea.QuitMsg")
	}
}

func TestFilterTyping(t *testing.T) {
	m := newTest(t, 120, 40)
	press(t, m, "/")
	if !m.filter.active {
		t.Fatal("/ opens the filter")
	}
	typeText(t, m, "jk") // keys go to the input, not the list
	if m.filter.input.Value() != "jk" || !m.filter.active || m.focus != focusList {
		t.Fatalf("typing lost text or focus: %q", m.filter.input.Value())
	}
	press(t, m, "backspace", "backspace")
	typeText(t, m, "GOPHER joke") // all words, any order, case-insensitive, message text
	if n := m.list.count(); n != 1 || m.list.selected().ID != "c-branch" {
		t.Fatalf("filter: %d matches, selected %s", n, m.list.selected().ID)
	}
	if !strings.Contains(screen(m), "1 of 7 conversations match") {
		t.Errorf("status bar lacks the match count:\n%s", screen(m))
	}
	typeText(t, m, " zzz")
	if m.list.count() != 0 || !strings.Contains(screen(m), "No matches") {
		t.Fatalf("want no matches, got %d", m.list.count())
	}
	press(t, m, "esc")
	if m.filter.on() || m.filter.active || m.list.count() != 7 {
		t.Fatal("esc clears the filter")
	}
}

func TestFilterDropsStaleResults(t *testing.T) {
	m := newTest(t, 120, 40)
	press(t, m, "/")
	_, c1 := m.Update(keyMsg("p"))
	_, c2 := m.Update(keyMsg("y"))
	newer := c2().(searchMsg)
	older := c1().(searchMsg) // finishes later, or was cancelled
	m.Update(newer)
	got := m.list.count()
	m.Update(older)
	if m.list.count() != got || m.filter.query != "py" {
		t.Fatalf("a stale answer changed the list: %d → %d", got, m.list.count())
	}
	if got != 1 || m.list.selected().ID != "c-tool" {
		t.Fatalf("py: want the python conversation, got %d", got)
	}
}

func TestFilterEnterOpensFirstHitAndNextPrev(t *testing.T) {
	m := newTest(t, 80, 24)
	press(t, m, "/")
	typeText(t, m, "generics")
	press(t, m, "enter")
	if m.focus != focusViewer || m.view.conv.ID != "c-generics" {
		t.Fatal("enter opens the first match")
	}
	total := len(m.view.hits)
	if total < 3 {
		t.Fatalf("want several hits, got %d", total)
	}
	// The title holds the engine's best hit; the row quotes, and the
	// viewer opens at, the first hit outside it (the answer, node 2). The
	// title's hits, shown in the header, are not numbered: the counter
	// says hit 1 where it lands, and counts the hits in messages.
	title := 0
	for i := range m.view.hits {
		if m.view.hitNode(i) == model.NoNode {
			title++
		}
	}
	msgs := total - title
	cur := m.view.curHit
	if title == 0 || cur != title {
		t.Fatalf("%d title hits, current hit %d: want it the first after the title's", title, cur)
	}
	if got := m.view.hitStatus(); got != fmt.Sprintf("hit 1/%d", msgs) || m.view.hitNode(cur) != 2 {
		t.Fatalf("status %q, not on the answer's hit (node %d)", got, m.view.hitNode(cur))
	}
	if !strings.Contains(screen(m), fmt.Sprintf("hit 1/%d", msgs)) {
		t.Error("status bar lacks hit 1/m on arrival")
	}
	press(t, m, "n")
	if got := m.view.hitStatus(); got != fmt.Sprintf("hit 2/%d", msgs) {
		t.Fatalf("n: status %q", got)
	}
	press(t, m, "N", "N")
	if got := m.view.hitStatus(); got != fmt.Sprintf("hit in title, %d hits below", msgs) {
		t.Fatalf("N back to the title: status %q", got)
	}
	press(t, m, "N")
	if got := m.view.hitStatus(); got != fmt.Sprintf("hit %d/%d", msgs, msgs) {
		t.Fatalf("N wraps: status %q", got)
	}
	if !strings.Contains(screen(m), fmt.Sprintf("hit %d/%d", msgs, msgs)) {
		t.Error("status bar lacks hit n/m")
	}
	// The current hit is on screen.
	h := m.view.hits[m.view.curHit]
	if h.line < m.view.offset || h.line >= m.view.offset+m.view.height {
		t.Error("current hit not in view")
	}
}

func TestBranchSwitching(t *testing.T) {
	m := newTest(t, 120, 40)
	selectConv(t, m, "c-branch")
	press(t, m, "enter")
	s := screen(m)
	if !strings.Contains(s, "‹1/2›") || !strings.Contains(s, "Second joke") {
		t.Fatalf("want branch 1/2 with its continuation:\n%s", s)
	}
	press(t, m, "]")
	s = screen(m)
	if !strings.Contains(s, "‹2/2›") || !strings.Contains(s, "Alternative answer") || strings.Contains(s, "Second joke") {
		t.Fatalf("] should show the other branch:\n%s", s)
	}
	press(t, m, "]") // no third branch: unchanged
	if !strings.Contains(screen(m), "‹2/2›") {
		t.Fatal("] past the last branch changed the thread")
	}
	press(t, m, "[")
	if s = screen(m); !strings.Contains(s, "‹1/2›") || !strings.Contains(s, "Second joke") {
		t.Fatalf("[ should come back:\n%s", s)
	}
}

func TestFoldingAndHidden(t *testing.T) {
	m := newTest(t, 120, 40)
	selectConv(t, m, "c-tool")
	press(t, m, "enter")
	s := screen(m)
	if !strings.Contains(s, "▸ Ran python") || strings.Contains(s, "print(2**100)") {
		t.Fatalf("tool call should be folded:\n%s", s)
	}
	if !strings.Contains(s, "Thought for 12s") {
		t.Fatalf("reasoning recap summary missing:\n%s", s)
	}
	press(t, m, "t")
	if s = screen(m); !strings.Contains(s, "print(2**100)") {
		t.Fatalf("t should expand:\n%s", s)
	}
	press(t, m, "t")
	if strings.Contains(screen(m), "print(2**100)") {
		t.Fatal("t again should fold")
	}
	if strings.Contains(s, "hidden system prompt") {
		t.Fatal("hidden message shown by default")
	}
	press(t, m, "H")
	if s = screen(m); !strings.Contains(s, "hidden system prompt") {
		t.Fatalf("H should show hidden messages:\n%s", s)
	}
	press(t, m, "H")
	if strings.Contains(screen(m), "hidden system prompt") {
		t.Fatal("H again should hide")
	}
}

func TestImageLine(t *testing.T) {
	m := newTest(t, 120, 40)
	selectConv(t, m, "c-image")
	s := screen(m)
	for _, want := range []string{"file-abc-cat.webp", "338 KB", "A cat floating in", "watercolor"} {
		if !strings.Contains(s, want) {
			t.Errorf("image line lacks %q:\n%s", want, s)
		}
	}
}

func TestSanitizerKeepsEscapesOffScreen(t *testing.T) {
	a := testArchive()
	a.Conversations = append(a.Conversations, evilConv())
	m := New(Options{Archive: a, Theme: "dark", Width: 120, Height: 40, Now: fixedNow})
	run(t, m, m.Init())
	selectConv(t, m, "c-evil")
	for _, keys := range [][]string{nil, {"enter"}} {
		press(t, m, keys...)
		raw := m.View().Content
		for _, bad := range []string{"\x1b]52", "\x1b[2J", "\x07", "\x1b[31m"} {
			if strings.Contains(raw, bad) {
				t.Errorf("raw view contains %q", bad)
			}
		}
		// The only hyperlinks are the screen's own, to a URL that shows as
		// text: the archive's injected link ("link" pointing to http://x)
		// is gone.
		for _, lk := range osc8.FindAllStringSubmatch(raw, -1) {
			if shown := strings.TrimPrefix(lk[2], "http://"); lk[2] != "" && !strings.Contains(screen(m), shown) {
				t.Errorf("raw view links to %q, which it does not show", lk[2])
			}
		}
		if s := screen(m); !strings.Contains(s, "ZXZpbA==") || !strings.Contains(s, "red") {
			t.Errorf("the printable text should still show:\n%s", s)
		}
	}
}

func TestWarningsView(t *testing.T) {
	m := newTest(t, 120, 40)
	if !strings.Contains(screen(m), "1 warning") {
		t.Fatal("status bar counts warnings")
	}
	press(t, m, "W")
	if s := screen(m); !strings.Contains(s, "1. skipped: unexpected end of JSON — conversations.json") {
		t.Fatalf("W shows warnings:\n%s", s)
	}
	press(t, m, "enter")
	if s := screen(m); !strings.Contains(s, "1. skipped: conversations.json conversation 7 at byte 1234:") {
		t.Fatalf("enter shows the whole warning:\n%s", s)
	}
	press(t, m, "esc")
	if m.focus != focusList {
		t.Fatal("esc leaves warnings")
	}
}

func TestMouse(t *testing.T) {
	m := newTest(t, 120, 20)
	// Row layout: title row, then "Today" label, item (2 lines), "Yesterday", item.
	_, cmd := m.Update(tea.MouseClickMsg{X: 5, Y: 5, Button: tea.MouseLeft})
	run(t, m, cmd)
	if m.list.selected().ID != "c-branch" {
		t.Fatalf("click selected %s", m.list.selected().ID)
	}
	_, cmd = m.Update(tea.MouseWheelMsg{X: 5, Y: 5, Button: tea.MouseWheelDown})
	run(t, m, cmd)
	if m.list.selected().ID == "c-branch" {
		t.Fatal("wheel over the list should move it")
	}
	selectConv(t, m, "c-generics")
	off := m.view.offset
	_, cmd = m.Update(tea.MouseWheelMsg{X: 100, Y: 5, Button: tea.MouseWheelDown})
	run(t, m, cmd)
	if m.view.offset == off {
		t.Fatal("wheel over the viewer should scroll it")
	}
}

func TestEmptyAndError(t *testing.T) {
	m := New(Options{Archive: &model.Archive{}, Theme: "dark", Width: 80, Height: 24, Now: fixedNow})
	run(t, m, m.Init())
	if !strings.Contains(screen(m), "No conversations") {
		t.Fatalf("empty archive:\n%s", screen(m))
	}
	m = New(Options{Theme: "dark", Width: 80, Height: 24, Now: fixedNow,
		Load: func(ctx context.Context, _ func(*model.Conversation), _ func(int64, int64)) (*model.Archive, error) {
			return nil, errors.New("open export.zip: not a ZIP file \x1b[2J")
		}})
	run(t, m, m.Init())
	s := screen(m)
	if !strings.Contains(s, "could not load") || !strings.Contains(s, "not a ZIP file") {
		t.Fatalf("error screen:\n%s", s)
	}
	if strings.Contains(m.View().Content, "\x1b[2J") {
		t.Fatal("error text not sanitized")
	}
}

func TestLoadStreams(t *testing.T) {
	a := testArchive()
	release := make(chan struct{})
	m := New(Options{Theme: "dark", Width: 100, Height: 30, Now: fixedNow,
		Load: func(ctx context.Context, on func(*model.Conversation), progress func(int64, int64)) (*model.Archive, error) {
			for i, c := range a.Conversations {
				on(c)
				progress(int64(i+1), int64(len(a.Conversations)))
				if i == 2 {
					<-release
				}
			}
			return a, nil
		}})
	// The first batch arrives before the loader finishes.
	first, ok := m.Init()().(loadBatchMsg)
	if !ok {
		t.Fatal("Init should start the load")
	}
	if first.finished || len(first.convs) != 3 {
		t.Fatalf("first batch: finished=%v, %d conversations", first.finished, len(first.convs))
	}
	_, cmd := m.Update(first)
	if !m.loading || len(m.list.all) != 3 || !strings.Contains(screen(m), "Loading") {
		t.Fatalf("while loading:\n%s", screen(m))
	}
	close(release)
	run(t, m, cmd)
	if m.loading || len(m.list.all) != 7 || len(m.view.warns) != 1 {
		t.Fatalf("after load: loading=%v, %d conversations", m.loading, len(m.list.all))
	}
}

func TestTheme(t *testing.T) {
	m := New(Options{Archive: testArchive(), Width: 80, Height: 24, Now: fixedNow})
	cmd := m.Init()
	if cmd == nil {
		t.Fatal("theme detection needs a command")
	}
	m.Update(tea.BackgroundColorMsg{Color: color.White})
	if m.view.style != "light" {
		t.Fatalf("white background: glamour style %q", m.view.style)
	}
	m2 := New(Options{Archive: testArchive(), NoColor: true, Width: 80, Height: 24, Now: fixedNow})
	run(t, m2, m2.Init())
	if m2.view.style != "notty" {
		t.Fatalf("NoColor: style %q", m2.view.style)
	}
	if strings.Contains(m2.View().Content, "\x1b[38") {
		t.Fatal("NoColor view has colours")
	}
	m3 := New(Options{Archive: testArchive(), Width: 80, Height: 24, Now: fixedNow})
	m3.Update(themeTimeoutMsg{})
	if m3.view.style != "dark" || !m3.themeSet {
		t.Fatal("timeout keeps dark")
	}
}

func TestDateGroup(t *testing.T) {
	now := testNow
	for _, c := range []struct {
		t    time.Time
		want string
	}{
		{now.Add(-time.Hour), "Today"},
		{now.Add(time.Hour), "Today"},
		{now.Add(-24 * time.Hour), "Yesterday"},
		{now.Add(-3 * 24 * time.Hour), "Previous 7 days"},
		{now.Add(-20 * 24 * time.Hour), "Previous 30 days"},
		{time.Date(2026, 10, 3, 0, 0, 0, 0, time.UTC), "October 2026"},
		{time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC), "2025"},
		{time.Time{}, "Unknown date"},
	} {
		if got := dateGroup(c.t, now); got != c.want {
			t.Errorf("dateGroup(%v) = %q, want %q", c.t, got, c.want)
		}
	}
}

func TestKeyTableInREADME(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	const begin, end = "<!-- keys:begin -->\n", "<!-- keys:end -->"
	s := string(b)
	i, j := strings.Index(s, begin), strings.Index(s, end)
	if i < 0 || j < i {
		t.Fatal("README.md lacks the key table markers")
	}
	if f := flag.Lookup("update"); f != nil && f.Value.String() == "true" {
		s = s[:i+len(begin)] + KeyTableMarkdown() + s[j:]
		if err := os.WriteFile(filepath.Join("..", "README.md"), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if got := s[i+len(begin) : j]; got != KeyTableMarkdown() {
		t.Errorf("README key table drifted from the keymap; want:\n%s", KeyTableMarkdown())
	}
}

func TestListMarksServicesAndDeleted(t *testing.T) {
	a := testArchive()
	gone := a.Conversations[0]
	gone.Sources, gone.InNewest = []string{"old.zip"}, false
	claude := buildConv("c-claude", "From Claude", testNow.Add(-time.Hour), tm{role: model.RoleUser, text: "hi"})
	claude.Service = model.ServiceClaude
	for _, c := range a.Conversations {
		c.Service = model.ServiceChatGPT
	}
	a.Conversations = append([]*model.Conversation{claude}, a.Conversations...)
	m := New(Options{Archive: a, Theme: "dark", Width: 120, Height: 40, Now: fixedNow})
	run(t, m, m.Init())
	s := screen(m)
	if !strings.Contains(s, "· claude") || !strings.Contains(s, "· chatgpt") {
		t.Errorf("a mixed archive should name each row's service:\n%s", s)
	}
	if count := strings.Count(s, "⊘"); count != 1 {
		t.Errorf("want one not-in-newest marker, got %d:\n%s", count, s)
	}
}

func TestAssistantHeaderNamesTheService(t *testing.T) {
	c := buildConv("c-cl", "Claude chat", testNow.Add(-time.Hour),
		tm{role: model.RoleUser, text: "hi"}, tm{role: model.RoleAssistant, text: "hello there"})
	c.Service = model.ServiceClaude
	m := New(Options{Archive: &model.Archive{Conversations: []*model.Conversation{c}}, Theme: "dark", Width: 120, Height: 40, Now: fixedNow})
	run(t, m, m.Init())
	if s := screen(m); !strings.Contains(s, "Claude 20") || strings.Contains(s, "ChatGPT") {
		t.Errorf("assistant header should say Claude:\n%s", s)
	}
}
