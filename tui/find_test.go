package tui

import (
	"strings"
	"testing"

	"github.com/backchat/backchat/internal/render"
	"github.com/backchat/backchat/model"
)

func TestFindInConversation(t *testing.T) {
	m := newTest(t, 80, 24)
	selectConv(t, m, "c-generics")
	press(t, m, "enter")
	count, sel := m.list.count(), m.list.selected()
	press(t, m, "/")
	if !m.view.finding() || m.filter.active {
		t.Fatal("/ in the viewer should open the find input, not the filter")
	}
	typeText(t, m, "generic")
	s := screen(m)
	if !strings.Contains(strings.SplitN(s, "\n", 2)[0], "/ generic") {
		t.Fatalf("the title row should show the find input:\n%s", s)
	}
	// The first hit is the title's, which the counter does not number.
	total := len(m.view.hits) - 1
	if total < 2 || m.view.hitNode(m.view.curHit) != model.NoNode || m.view.hitStatus() != "hit in title, "+render.FormatCount(total)+" hits below" {
		t.Fatalf("find: %d hits, status %q", total, m.view.hitStatus())
	}
	if m.filter.on() || m.list.count() != count || m.list.selected() != sel {
		t.Fatal("find touched the list")
	}
	press(t, m, "enter")
	if m.view.finding() || m.focus != focusViewer {
		t.Fatal("enter should keep the find and give the keys back to the viewer")
	}
	press(t, m, "n")
	if got := m.view.hitStatus(); got != "hit 1/"+render.FormatCount(total) {
		t.Fatalf("n after find: %q", got)
	}
	if s := screen(m); !strings.Contains(strings.SplitN(s, "\n", 2)[0], "/generic") {
		t.Fatalf("the title should name the phrase kept:\n%s", s)
	}
	// The phrase is one literal phrase, matched across the words.
	press(t, m, "/")
	typeText(t, m, "generic map")
	if got := m.view.hitStatus(); got != "hit 1/1" {
		t.Fatalf("phrase find: %q", got)
	}
	// esc cancels: no highlighting, back where / was pressed.
	press(t, m, "esc")
	if m.view.finding() || len(m.view.terms) != 0 || m.view.hitStatus() != "" || m.focus != focusViewer {
		t.Fatalf("esc left the find on: terms %v status %q", m.view.terms, m.view.hitStatus())
	}
	// In the list, / still filters.
	press(t, m, "esc", "/")
	if !m.filter.active || m.view.finding() {
		t.Fatal("/ in the list should open the filter")
	}
}

func TestFindKeepsTheFilter(t *testing.T) {
	a, c := forkedArchive()
	m := newIndexTest(t, a, 80, 24)
	press(t, m, "/")
	typeText(t, m, "crumb")
	press(t, m, "enter")
	if m.view.conv != c {
		t.Fatal("not opened")
	}
	status, count := m.view.hitStatus(), m.list.count()
	press(t, m, "/")
	typeText(t, m, "please")
	if got := m.view.hitStatus(); got != "hit 1/1" || m.view.terms[0] != "please" {
		t.Fatalf("find over a filter: status %q, terms %v", got, m.view.terms)
	}
	if !m.filter.on() || m.list.count() != count {
		t.Fatal("find changed the filtered list")
	}
	press(t, m, "esc")
	if got := m.view.hitStatus(); m.view.terms[0] != "crumb" || !strings.HasSuffix(got, "/3") && got != "3 hits" {
		t.Fatalf("after esc: status %q (was %q), terms %v", got, status, m.view.terms)
	}
	press(t, m, "n")
	if got := m.view.hitStatus(); !strings.HasSuffix(got, "/3") {
		t.Fatalf("n after the find: %q", got)
	}
}

// TestNewFilterQueryEndsTheFind: a find kept for n/N on a conversation
// ends when the user searches the list for something else and opens that
// conversation's result: the viewer shows the filter's hits (and lands on
// one, "hit 1/N"), not the find's phrase and hits.
func TestNewFilterQueryEndsTheFind(t *testing.T) {
	m := newIndexTest(t, testArchive(), 80, 24)
	selectConv(t, m, "c-generics")
	press(t, m, "enter", "/")
	typeText(t, m, "constraint")
	press(t, m, "enter")
	if m.view.find.query != "constraint" {
		t.Fatalf("find not kept: %q", m.view.find.query)
	}
	press(t, m, "h", "/")
	typeText(t, m, "generics")
	press(t, m, "enter")
	if m.view.conv == nil || m.view.conv.ID != "c-generics" {
		t.Fatalf("opened %v", m.view.conv)
	}
	if m.view.find.query != "" {
		t.Fatalf("the find %q outlived a new filter query", m.view.find.query)
	}
	if st := m.view.hitStatus(); !strings.HasPrefix(st, "hit 1/") {
		t.Fatalf("status %q, want the filter's first hit", st)
	}
	if top := strings.SplitN(screen(m), "\n", 2)[0]; strings.Contains(top, "/constraint") {
		t.Fatalf("title row still shows the find: %q", top)
	}
}
