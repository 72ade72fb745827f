package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/backchat/backchat/model"
)

// cutZIPArchive is the test archive with the warnings of a cut ZIP (the
// loader's text for `head -c` of an export) and one short warning after it.
func cutZIPArchive() *model.Archive {
	a := testArchive()
	a.Warnings = []model.Warning{
		{Kind: model.WarnSkipped, File: "cut.zip:conversations.json", Index: 33, Offset: 331498,
			Reason: "the ZIP ends at byte 68658, inside this conversation (everything before it was kept)"},
		{Kind: model.WarnData, File: "cut.zip:conversations.json", Index: 2, Offset: -1, Reason: "odd"},
	}
	return a
}

// TestCutZIPWarningIsCompact: at 80×24 a cut ZIP's warning is one line of
// the W pane, ending in "…"; enter shows its full text, wrapped, and
// enter again folds it back to one line.
func TestCutZIPWarningIsCompact(t *testing.T) {
	m := New(Options{Archive: cutZIPArchive(), Theme: "dark", Width: 80, Height: 24, Now: fixedNow})
	run(t, m, m.Init())
	press(t, m, "W")
	s := screen(m)
	if !strings.Contains(s, "1. skipped: the ZIP ends at byte 68658") || strings.Contains(s, "everything before") {
		t.Fatalf("the cut ZIP's warning is not one cut line, its reason first:\n%s", s)
	}
	if !strings.Contains(s, "2. data: odd — cut.zip") {
		t.Fatalf("the second warning is not on the line after the first:\n%s", s)
	}
	golden.RequireEqual(t, s)
	press(t, m, "enter")
	if s := screen(m); !strings.Contains(s, "(everything before it was kept)") || !strings.Contains(s, "1. skipped: cut.zip:conversations.json") {
		t.Fatalf("enter does not show the full warning:\n%s", s)
	}
	press(t, m, "enter")
	if s2 := screen(m); s2 != s {
		t.Fatalf("enter again does not fold the warning back:\n%s", s2)
	}
	// j selects the second warning; l opens it, the first stays one line.
	press(t, m, "j", "l")
	if s := screen(m); strings.Contains(s, "everything before") || !strings.Contains(s, "conversation 2: odd") {
		t.Fatalf("l opened the wrong warning:\n%s", s)
	}
}

// TestHitCounterLeavesWithTheViewer: the status bar's "hit k/N" counts the
// viewer's hits while the viewer is on screen; with the W pane in its
// place (or the list alone on a narrow screen) it is gone, and it comes
// back with the viewer.
func TestHitCounterLeavesWithTheViewer(t *testing.T) {
	status := func(m *Model) string {
		lines := strings.Split(screen(m), "\n")
		return lines[len(lines)-2]
	}
	// atSecondHit opens the cut ZIP's "generics" match at w×h and steps to
	// its second hit.
	atSecondHit := func(w, h int) *Model {
		m := newIndexTest(t, cutZIPArchive(), w, h)
		press(t, m, "/")
		typeText(t, m, "generics")
		press(t, m, "enter", "n")
		if s := status(m); !strings.Contains(s, "hit 2/") {
			t.Fatalf("%d×%d: no hit counter in the viewer: %q", w, h, s)
		}
		return m
	}
	m := atSecondHit(120, 40)
	press(t, m, "W")
	if s := status(m); strings.Contains(s, "hit") {
		t.Errorf("the W pane in the viewer's place, the status bar still says %q", s)
	}
	press(t, m, "W", "tab")
	if s := status(m); !strings.Contains(s, "hit 2/") {
		t.Errorf("back in the viewer, no hit counter: %q", s)
	}
	m = atSecondHit(60, 20) // narrow: one pane at a time
	press(t, m, "h")
	if s := status(m); strings.Contains(s, "hit") {
		t.Errorf("the list alone on screen, the status bar still says %q", s)
	}
}

// TestWarningsKeepTheirPlaceOnResize: warnings opened in full on a narrow
// screen take many lines; scrolled to the last one and then widened, the
// W pane still shows it (its offset was kept past the end of the fewer,
// wider lines: a blank pane).
func TestWarningsKeepTheirPlaceOnResize(t *testing.T) {
	a := testArchive()
	for i := range 6 {
		a.Warnings = append(a.Warnings, model.Warning{Kind: model.WarnData, File: "export.zip:conversations.json", Index: i, Offset: int64(1000 * i),
			Reason: "a long reason that wraps over several lines of a narrow pane " + strings.Repeat("and more ", 8) + "end" + string(rune('A'+i))})
	}
	m := New(Options{Archive: a, Theme: "dark", Width: 40, Height: 12, Now: fixedNow})
	run(t, m, m.Init())
	press(t, m, "W")
	for range a.Warnings {
		press(t, m, "enter", "j")
	}
	if s := screen(m); !strings.Contains(s, "endF") {
		t.Fatalf("the last warning is not in view at 40×12:\n%s", s)
	}
	_, cmd := m.Update(tea.WindowSizeMsg{Width: 200, Height: 24})
	run(t, m, cmd)
	if s := screen(m); !strings.Contains(s, "endF") || !strings.Contains(s, "6. data") {
		t.Fatalf("widened, the W pane lost the selected warning:\n%s", s)
	}
}

// TestNoWarningsHelpOffersNoMoves: with no load warnings the W pane's help
// bar names no key that does nothing there (it offered "↓/j down • ↑/k up
// • enter/l full text" over "No load warnings."), only the way back; with
// warnings it offers them.
func TestNoWarningsHelpOffersNoMoves(t *testing.T) {
	a := testArchive()
	a.Warnings = nil
	m := New(Options{Archive: a, Theme: "dark", Width: 80, Height: 24, Now: fixedNow})
	run(t, m, m.Init())
	press(t, m, "W")
	s := screen(m)
	if !strings.Contains(s, "No load warnings.") {
		t.Fatalf("the W pane is not shown:\n%s", s)
	}
	help := s[strings.LastIndex(s, "\n")+1:]
	for _, dead := range []string{"full text", "down", "up"} {
		if strings.Contains(help, dead) {
			t.Errorf("help bar offers %q with no warnings: %q", dead, help)
		}
	}
	if !strings.Contains(help, "back to list") {
		t.Errorf("help bar does not say how to go back: %q", help)
	}
	m = New(Options{Archive: cutZIPArchive(), Theme: "dark", Width: 80, Height: 24, Now: fixedNow})
	run(t, m, m.Init())
	press(t, m, "W")
	s = screen(m)
	if help := s[strings.LastIndex(s, "\n")+1:]; !strings.Contains(help, "full text") {
		t.Errorf("help bar does not offer enter with warnings: %q", help)
	}
}
