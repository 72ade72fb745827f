package tui

import (
	"errors"
	"github.com/charmbracelet/x/exp/golden"
	"slices"
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/backchat/backchat/internal/testkit/msgkit"
	"github.com/backchat/backchat/model"
)

// ids lists the list's conversations by ID, in order.
func ids(l *convList) string {
	var out []string
	for _, c := range l.all {
		out = append(out, c.ID)
	}
	return strings.Join(out, " ")
}

func TestListTakeBatch(t *testing.T) {
	a := testArchive()
	sorted := append([]*model.Conversation(nil), a.Conversations...)
	model.SortNewestFirst(sorted)
	want := ids(&convList{all: sorted})

	l := newConvList(DefaultKeyMap(), NewPlainStyles(), fixedNow)
	l.SetSize(40, 20)
	l.loading = true
	if l.takeBatch(loadBatchMsg{done: 1, total: 7}, nil) || len(l.all) != 0 {
		t.Fatal("a batch without conversations changes nothing")
	}
	// Batches arrive in the loader's order; the list stays newest first.
	if !l.takeBatch(loadBatchMsg{convs: a.Conversations[4:]}, nil) || !l.takeBatch(loadBatchMsg{convs: a.Conversations[:4]}, nil) {
		t.Fatal("a batch with conversations changes the list")
	}
	if got := ids(l); got != want || !l.loading {
		t.Fatalf("after two batches: %s (loading %v), want %s", got, l.loading, want)
	}
	// The end of a failed load leaves what arrived.
	failed := *l
	failed.takeBatch(loadBatchMsg{finished: true, err: errors.New("boom")}, nil)
	if failed.loading || ids(&failed) != want {
		t.Fatalf("failed load: %s, loading %v", ids(&failed), failed.loading)
	}
	// The end of a load brings the whole archive (here prepared, as serve
	// shares it): the list shows exactly it.
	p := Prepare(a)
	if !l.takeBatch(loadBatchMsg{finished: true, archive: a}, p) || l.loading || l.base != p || ids(l) != want {
		t.Fatalf("finished: %s, loading %v, prepared %v", ids(l), l.loading, l.base == p)
	}
	// Without an archive, the last conversations are added.
	l2 := newConvList(DefaultKeyMap(), NewPlainStyles(), fixedNow)
	l2.takeBatch(loadBatchMsg{convs: a.Conversations[:3]}, nil)
	if !l2.takeBatch(loadBatchMsg{finished: true, convs: a.Conversations[3:]}, nil) || ids(l2) != want {
		t.Fatalf("finished without archive: %s", ids(l2))
	}
}

func TestOverlayTakesEveryKey(t *testing.T) {
	m := newTest(t, 80, 24)
	press(t, m, "S")
	if m.overlay != overlayStats || m.stats == nil {
		t.Fatal("S opens the stats overlay")
	}
	// Keys the browser binds do nothing under the overlay.
	press(t, m, "/", "W", "tab", "?")
	if m.filter.active || m.focus != focusList || m.help.full {
		t.Fatalf("a browser key leaked through the stats view: filter %v, focus %v, help %v", m.filter.active, m.focus, m.help.full)
	}
	// The wheel scrolls the report, wherever it is.
	_, cmd := m.Update(tea.MouseWheelMsg{X: 5, Y: 5, Button: tea.MouseWheelDown})
	run(t, m, cmd)
	if m.stats.offset != 3 {
		t.Fatalf("wheel: offset %d, want 3", m.stats.offset)
	}
	press(t, m, "q")
	if m.overlay != overlayNone || m.stats != nil {
		t.Fatal("q closes the stats view")
	}
	// A picker: the same, and the mouse does not reach the list under it.
	m.openPicker(newPicker("Pick", "copy", []string{"a", "b"}, func(i int) tea.Cmd {
		return func() tea.Msg { return actionDoneMsg{text: "picked " + string(rune('a'+i))} }
	}))
	sel := m.list.selected()
	_, cmd = m.Update(tea.MouseWheelMsg{X: 5, Y: 5, Button: tea.MouseWheelDown})
	run(t, m, cmd)
	press(t, m, "W")
	if m.list.selected() != sel || m.focus != focusList {
		t.Fatal("the browser moved under the picker")
	}
	press(t, m, "2")
	if m.overlay != overlayNone || m.picker != nil || m.act.notice != "picked b" {
		t.Fatalf("2 picks the second row: overlay %v, notice %q", m.overlay, m.act.notice)
	}
}

func TestHelpPane(t *testing.T) {
	m := newTest(t, 120, 40)
	listH := m.list.height
	lines := strings.Split(screen(m), "\n")
	if m.help.Height() != 1 || !strings.Contains(lines[len(lines)-1], "? help") {
		t.Fatalf("short help: %d lines, %q", m.help.Height(), lines[len(lines)-1])
	}
	press(t, m, "?")
	if !m.help.full {
		t.Fatal("? shows the full help")
	}
	if s := screen(m); !strings.Contains(s, "Query: word") || !strings.Contains(s, "next pane") || strings.Contains(s, "Conversations") {
		t.Errorf("the full help takes the screen with the keys and the query language:\n%s", s)
	}
	press(t, m, "j", "/")
	if m.filter.active || !m.help.full {
		t.Error("keys go to the open help")
	}
	cur := m.list.cursor
	m.Update(tea.MouseWheelMsg(tea.Mouse{Button: tea.MouseWheelDown}))
	if !m.help.full || m.list.cursor != cur {
		t.Error("the wheel over the help moved the list under it")
	}
	press(t, m, "?")
	if m.help.full || m.list.height != listH {
		t.Error("? again hides it")
	}
	press(t, m, "?", "esc")
	if m.help.full || m.focus != focusList {
		t.Error("esc closes the help and keeps the focus")
	}
}

// The full help (?) is complete at every size: scrolled to the end, every
// binding's key and description, every section and every list marker
// appeared on screen.
func TestHelpShowsEveryKey(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {40, 12}, {200, 50}} {
		m := newTest(t, sz[0], sz[1])
		press(t, m, "?")
		if sz[1] < 24 {
			m.Update(tea.MouseWheelMsg(tea.Mouse{Button: tea.MouseWheelDown}))
			if m.help.offset != 3 {
				t.Errorf("%dx%d: the wheel scrolls the help: offset %d", sz[0], sz[1], m.help.offset)
			}
			press(t, m, "g")
		}
		seen := ""
		for i := 0; i < 200; i++ {
			seen += screen(m) + "\n"
			if m.help.offset+m.help.bodyHeight() >= len(m.help.fullLines()) {
				break
			}
			press(t, m, "j")
		}
		flat := strings.Join(strings.Fields(seen), " ")
		km := DefaultKeyMap()
		for _, col := range km.FullHelp() {
			for _, b := range col {
				h := b.Help()
				if !strings.Contains(flat, h.Key+" ") || !strings.Contains(flat, h.Desc) {
					t.Errorf("%dx%d: the help lacks %q %q", sz[0], sz[1], h.Key, h.Desc)
				}
			}
		}
		for _, s := range km.HelpSections() {
			if !strings.Contains(flat, s.Title) {
				t.Errorf("%dx%d: the help lacks the section %q", sz[0], sz[1], s.Title)
			}
		}
		for _, l := range append(slices.Clone(markerLegend), countLegend...) {
			if !strings.Contains(flat, l[0]+" "+strings.Join(strings.Fields(l[1]), " ")) {
				t.Errorf("%dx%d: the legend lacks %s %s", sz[0], sz[1], l[0], l[1])
			}
		}
		if !strings.Contains(flat, "Query: word") {
			t.Errorf("%dx%d: the help lacks the query language", sz[0], sz[1])
		}
	}
}

// HelpSections holds every binding of the key map.
func TestHelpSectionsHoldEveryBinding(t *testing.T) {
	km := DefaultKeyMap()
	in := map[string]bool{}
	for _, s := range km.HelpSections() {
		for _, b := range s.Keys {
			in[b.Help().Key+"|"+b.Help().Desc] = true
		}
	}
	for _, col := range km.FullHelp() {
		for _, b := range col {
			if !in[b.Help().Key+"|"+b.Help().Desc] {
				t.Errorf("no help section has %q %q", b.Help().Key, b.Help().Desc)
			}
		}
	}
}

// Every marker the list draws has a line in the legend.
func TestMarkerLegendCoversMarkers(t *testing.T) {
	c := buildConv("c-all", "All flags", testNow, tm{role: model.RoleUser, text: "hi"}, tm{role: model.RoleAssistant, text: "a"})
	c.Starred, c.Archived, c.GizmoID, c.Shared = true, true, "g-x", true
	c.Sources, c.InNewest = []string{"old.zip"}, false
	c.Nodes = append(c.Nodes, model.Node{Parent: 0, Msg: msgkit.With(&model.Message{}, msgkit.Fields{Role: model.RoleUser})})
	c.Nodes[0].AddChild(int32(len(c.Nodes) - 1))
	mk := markers(c)
	known := map[string]bool{}
	for _, l := range markerLegend {
		known[l[0]] = true
	}
	for _, r := range mk {
		if !known[string(r)] {
			t.Errorf("marker %q has no legend", r)
		}
	}
	if n := len([]rune(mk)); n != len(markerLegend) {
		t.Errorf("all flags set: %q, want %d markers", mk, len(markerLegend))
	}
}

// The help row lists only keys that do something: no n without hits, no
// [ ] without a fork, no t without a folded item.
func TestShortHelpFollowsTheConversation(t *testing.T) {
	m := newTest(t, 200, 50)
	selectConv(t, m, "c-wide")
	press(t, m, "enter")
	row := lastLine(screen(m))
	for _, no := range []string{"next hit", "next branch", "expand/fold"} {
		if strings.Contains(row, no) {
			t.Errorf("help row offers %q where it does nothing: %q", no, row)
		}
	}
	selectConvFocused(t, m, "c-tool")
	if row := lastLine(screen(m)); !strings.Contains(row, "t ") || !strings.Contains(row, "? help") {
		t.Errorf("a conversation with tool items offers t: %q", row)
	}
}

func lastLine(s string) string { l := strings.Split(s, "\n"); return l[len(l)-1] }

func selectConvFocused(t *testing.T, m *Model, id string) {
	t.Helper()
	press(t, m, "esc")
	selectConv(t, m, id)
	press(t, m, "enter")
}

// Every pane's bindings are KeyMap bindings (or, for the few keys only a
// pane has, say so in their help), so the README's table stays true.
func TestPaneKeysComeFromTheKeyMap(t *testing.T) {
	km := DefaultKeyMap()
	known := map[string]bool{}
	for _, col := range km.FullHelp() {
		for _, b := range col {
			for _, k := range b.Keys() {
				known[k] = true
			}
		}
	}
	own := map[string]bool{"space": true, "ctrl+c": true, "1": true, "2": true, "3": true, "4": true, "5": true, "6": true, "7": true, "8": true, "9": true}
	for name, maps := range map[string][][]key.Binding{
		"warnings": km.warnKeys().FullHelp(),
		"stats":    km.statsKeys().FullHelp(),
		"picker":   km.pickerKeys().FullHelp(),
		"help":     km.helpKeys().FullHelp(),
	} {
		for _, col := range maps {
			for _, b := range col {
				if len(b.Keys()) == 0 || b.Help().Desc == "" {
					t.Errorf("%s: a binding without keys or help: %+v", name, b.Help())
				}
				for _, k := range b.Keys() {
					if !known[k] && !own[k] {
						t.Errorf("%s: key %q is not in the KeyMap", name, k)
					}
				}
			}
		}
	}
}

// TestHelpWarningsAndMarksGolden: the full help (?) at 80×24, scrolled to
// its end, has the W pane's keys (enter/l opens a warning in full) and the
// legend of the marks after an empty conversation's count (⚠, (hidden)).
func TestHelpWarningsAndMarksGolden(t *testing.T) {
	m := newTest(t, 80, 24)
	press(t, m, "?", "G", "k", "k")
	s := screen(m)
	for _, want := range []string{"Load warnings (W)", "enter/l  full text", "⚠         0 msgs: open it to see why", "(hidden)  0 msgs: all hidden (H shows)"} {
		if !strings.Contains(s, want) {
			t.Errorf("the help's end lacks %q", want)
		}
	}
	golden.RequireEqual(t, s)
}

// TestHelpRowOffersMovesThatMove: the full help's own row names the moves
// that still go somewhere: down at the top, up at the end (it offered
// "↓/j down • ctrl+d/pgdn page down" at "end"), none when the help fits.
func TestHelpRowOffersMovesThatMove(t *testing.T) {
	m := newTest(t, 80, 24)
	press(t, m, "?")
	if r := helpRow(m); !strings.Contains(r, "down") || strings.Contains(r, " up") {
		t.Errorf("top of the help: row %q, want down and not up", r)
	}
	press(t, m, "G")
	if r := helpRow(m); !strings.HasPrefix(r, "end") || strings.Contains(r, "down") || !strings.Contains(r, "up") {
		t.Errorf("end of the help: row %q, want up and not down", r)
	}
	press(t, m, "k")
	if r := helpRow(m); !strings.Contains(r, "down") || !strings.Contains(r, "up") {
		t.Errorf("middle of the help: row %q, want both", r)
	}
	m = newTest(t, 200, 80)
	press(t, m, "?")
	if r := helpRow(m); strings.Contains(r, "down") || strings.Contains(r, " up") || !strings.Contains(r, "close help") {
		t.Errorf("help that fits: row %q, want only close", r)
	}
}
