package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// TestPasteIntoFilterAndFind: a terminal's bracketed paste (one
// tea.PasteMsg, not keys) types into the filter while it is open and into
// the viewer's find while that is, as one line without escapes; anywhere
// else it does nothing (a pasted "q" does not quit).
func TestPasteIntoFilterAndFind(t *testing.T) {
	m := newTest(t, 80, 24)
	paste := func(s string) {
		t.Helper()
		_, cmd := m.Update(tea.PasteMsg{Content: s})
		run(t, m, cmd)
	}
	paste("q")
	if m.filter.active || m.filter.on() {
		t.Fatal("a paste outside an input opened the filter")
	}
	press(t, m, "/")
	paste("gen\x1b[31merics\n")
	if got := m.filter.input.Value(); got != "generics" {
		t.Fatalf("filter input after a paste: %q, want %q", got, "generics")
	}
	if m.filter.query != "generics" || !strings.Contains(screen(m), "Go generics question") {
		t.Fatalf("the paste did not search:\n%s", screen(m))
	}
	press(t, m, "enter")
	if m.focus != focusViewer {
		t.Fatal("enter did not open the result")
	}
	press(t, m, "/")
	paste("with\tgenerics\r\n\x07constraints")
	if got := m.view.find.input.Value(); got != "with generics constraints" {
		t.Fatalf("find input after a paste: %q", got)
	}
	if m.view.find.query != "with generics constraints" || m.view.hitStatus() != "hit 1/1" {
		t.Fatalf("find after a paste: query %q, %q", m.view.find.query, m.view.hitStatus())
	}
}

func TestLineInputPaste(t *testing.T) {
	var in lineInput
	in.Update(keyMsg("a"))
	in.Update(keyMsg("b"))
	in.Update(keyMsg("left"))
	if !in.Paste("  x\x00\x1b]52;c;aGk=\x07y \u202e z\n") {
		t.Fatal("the paste changed nothing")
	}
	if got := in.Value(); got != "axy zb" {
		t.Fatalf("value %q, want %q", got, "axy zb")
	}
	for _, long := range []string{strings.Repeat("w", 2*maxPaste), strings.Repeat("w ", maxPaste) + "w"} {
		in = lineInput{}
		in.Paste(long)
		if n := len([]rune(in.Value())); n < maxPaste-1 || n > maxPaste {
			t.Fatalf("a long paste gave %d runes, want %d at most (one less to end on a word)", n, maxPaste)
		}
	}
}
