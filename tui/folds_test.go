package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/backchat/backchat/model"
)

// t expands the first folded item in view only, t again folds it; T
// expands every item and folds them all again.
func TestFoldToggleOneAndAll(t *testing.T) {
	m := newTest(t, 120, 40)
	selectConv(t, m, "c-tool")
	press(t, m, "enter")
	if s := screen(m); strings.Count(s, "(t expands)") != 3 {
		t.Fatalf("want three folded items:\n%s", s)
	}
	press(t, m, "t")
	s := screen(m)
	if !strings.Contains(s, "print(2**100)") || strings.Count(s, "(t expands)") != 2 || strings.Contains(s, "tools expanded") {
		t.Fatalf("t expands only the first item in view:\n%s", s)
	}
	press(t, m, "t")
	if s := screen(m); strings.Contains(s, "print(2**100)") || strings.Count(s, "(t expands)") != 3 {
		t.Fatalf("t again folds it:\n%s", s)
	}
	press(t, m, "T")
	if s := screen(m); strings.Contains(s, "(t expands)") || !strings.Contains(s, "tools expanded") {
		t.Fatalf("T expands every item:\n%s", s)
	}
	press(t, m, "t") // now folds the first one back
	if s := screen(m); strings.Count(s, "(t expands)") != 1 || strings.Contains(s, "▸ Ran python") == false {
		t.Fatalf("t after T folds the item in view:\n%s", s)
	}
	press(t, m, "T")
	if s := screen(m); strings.Count(s, "(t expands)") != 3 {
		t.Fatalf("T folds them all again:\n%s", s)
	}
}

// With the focus moved onto a folded item ({ and }), t acts on that item,
// not on the first one in view.
func TestFoldToggleFocusedItem(t *testing.T) {
	m := newTest(t, 120, 40)
	selectConv(t, m, "c-tool")
	press(t, m, "enter")
	var folded []int32
	for _, s := range m.view.segs {
		if n := s.node; n >= 0 && m.view.conv.Nodes[n].Msg != nil && m.view.conv.Nodes[n].Msg.Visibility == model.Folded {
			folded = append(folded, n)
		}
	}
	if len(folded) < 2 {
		t.Fatalf("want two folded items, got %v", folded)
	}
	for range len(m.view.segs) {
		if m.view.hasFocus && m.view.focus == folded[1] {
			break
		}
		press(t, m, "}")
	}
	if !m.view.hasFocus || m.view.focus != folded[1] {
		t.Fatalf("} never focused the second folded item %d (focus %d)", folded[1], m.view.focus)
	}
	press(t, m, "t")
	if !m.view.toggled[folded[1]] || m.view.toggled[folded[0]] {
		t.Fatalf("t toggled %v, want only the focused item %d", m.view.toggled, folded[1])
	}
}

// A folded item's summary is cut with "…" so that "(t expands)" always
// shows, at every width.
func TestFoldLineCut(t *testing.T) {
	long := "▸ Searched the web: " + strings.Repeat("very long query ", 20)
	for _, w := range []int{20, 40, 80} {
		l := foldLine(long, w)
		if ansi.StringWidth(l) > w || !strings.HasSuffix(l, "…  (t expands)") {
			t.Errorf("width %d: %q (%d cells)", w, l, ansi.StringWidth(l))
		}
	}
	if l := foldLine("▸ Thought for 12s", 80); l != "▸ Thought for 12s  (t expands)" {
		t.Errorf("a short summary is whole: %q", l)
	}
}

// A fold label's line count is what expanding shows: "Ran python (3
// lines)" opens to three lines of code.
func TestFoldLabelCountsShownLines(t *testing.T) {
	code := "import math\nx = math.pi\nprint(x)"
	c := buildConv("c-fold", "Fold count", testNow,
		tm{role: model.RoleUser, text: "go"},
		tm{role: model.RoleAssistant, recip: "python", vis: model.Folded, blocks: []model.Block{model.Block{Kind: model.BlockCode, Text: code}.WithLang("python")}},
		tm{role: model.RoleAssistant, text: "done"})
	m := New(Options{Archive: &model.Archive{Conversations: []*model.Conversation{c}}, Theme: "notty", Width: 100, Height: 30, Now: fixedNow})
	run(t, m, m.Init())
	press(t, m, "enter")
	if s := screen(m); !strings.Contains(s, "Ran python (3 lines)") {
		t.Fatalf("label:\n%s", s)
	}
	press(t, m, "t")
	s := screen(m)
	for _, l := range strings.Split(code, "\n") {
		if !strings.Contains(s, l) {
			t.Errorf("expanded item lacks %q:\n%s", l, s)
		}
	}
}
