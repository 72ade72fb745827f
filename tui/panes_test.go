package tui

import (
	"errors"
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

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
	if !m.help.full || m.help.Height() <= 1 {
		t.Fatal("? shows the full help")
	}
	if m.list.height != listH-(m.help.Height()-1) {
		t.Errorf("the layout should give the full help its lines: list %d, was %d, help %d", m.list.height, listH, m.help.Height())
	}
	if s := screen(m); !strings.Contains(s, "Query: word") || !strings.Contains(s, "next pane") {
		t.Errorf("full help lacks the keys or the query language:\n%s", s)
	}
	press(t, m, "?")
	if m.help.full || m.list.height != listH {
		t.Error("? again hides it")
	}
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
		"help":     helpKeys{Toggle: km.Help}.FullHelp(),
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
