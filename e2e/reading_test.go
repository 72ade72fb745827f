package e2e

import (
	"strings"
	"testing"
)

// TestReadingHelp (issue 14, Reading 9): ? shows every key, grouped, with
// the list markers' legend, and scrolls to the end at 80×24 and 40×12; esc
// closes it.
func TestReadingHelp(t *testing.T) {
	bin := binary(t)
	for _, sz := range [][2]int{{80, 24}, {40, 12}} {
		s := startSession(t, sz[0], sz[1], nil, bin, "--demo", "--theme", "notty")
		s.waitText("Weeknight carbonara", journeyWait)
		s.keys("?")
		seen := s.waitText("Everywhere", journeyWait)
		for i := 0; i < 60 && !strings.Contains(seen, "end  esc/q"); i++ {
			s.keys("C-d")
			seen += "\n" + s.settled()
		}
		flat := strings.Join(strings.Fields(seen), " ")
		for _, want := range []string{"y copy message", "Y copy code block", "o open in $PAGER", "e open in $EDITOR",
			"w write Markdown file", "i open image", "S statistics", "W load warnings", "t expand/fold",
			"★ starred", "⌂ archived", "◆ made with a custom GPT", "⑂ has branches", "⊘ not in the newest export",
			"↗ shared by public link", "Filter input", "Viewer", "Query: word", "end esc/q close help"} {
			if !strings.Contains(flat, want) {
				t.Errorf("%dx%d: the help never showed %q:\n%s", sz[0], sz[1], want, seen)
			}
		}
		s.keys("Escape")
		s.waitText("Weeknight carbonara", journeyWait)
	}
}

// TestReadingMathsAndFolds (issue 14, Reading 11): LaTeX reads as Unicode;
// folded items say how to expand; t expands the item in view only, T all.
func TestReadingMathsAndFolds(t *testing.T) {
	bin := binary(t)
	s := startSession(t, 80, 24, nil, bin, "--demo", "--theme", "notty")
	s.waitText("Weeknight carbonara", journeyWait)
	s.keys("/")
	s.typeText("derivative")
	s.waitText(" 1 of 31 conversations match", journeyWait)
	s.keys("Enter")
	scr := s.waitText("ln y = x ln x", journeyWait)
	for _, bad := range []string{`\(`, `\frac`, `x^x\)`} {
		if strings.Contains(scr, bad) {
			t.Errorf("LaTeX source on screen (%q):\n%s", bad, scr)
		}
	}
	if !strings.Contains(scr, "y = xˣ") {
		t.Errorf("x^x should read xˣ:\n%s", scr)
	}

	s = startSession(t, 80, 24, nil, bin, "--demo", "--theme", "notty")
	s.waitText("Weeknight carbonara", journeyWait)
	s.keys("/")
	s.typeText("tour")
	s.waitText("Tour de France 2024 winner", journeyWait)
	s.keys("Enter")
	scr = s.waitText("(t expands)", journeyWait)
	folds := strings.Count(scr, "(t expands)")
	s.keys("g", "t")
	scr = s.waitFor("one item expanded", journeyWait, func(scr string) bool {
		return strings.Contains(scr, `search("2024 Tour de France winner margin")`)
	})
	if strings.Contains(scr, "tools expanded") {
		t.Errorf("t expands one item, not all:\n%s", scr)
	}
	s.keys("T")
	s.waitText("tools expanded", journeyWait)
	s.keys("T")
	s.waitFor("all folded again", journeyWait, func(scr string) bool {
		return !strings.Contains(scr, "tools expanded") && strings.Count(scr, "(t expands)") >= folds
	})
}

// TestReadingWrapping (issue 14, Reading 10) at 80×24: a URL shows on one
// line, a numbered item wraps under its text, not under its number.
func TestReadingWrapping(t *testing.T) {
	bin := binary(t)
	s := startSession(t, 80, 24, nil, bin, "--demo", "--theme", "notty")
	s.waitText("Weeknight carbonara", journeyWait)
	s.keys("/")
	s.typeText("tour")
	s.waitText("2 of 31 conversations match", journeyWait)
	s.keys("Enter", "G")
	scr := s.waitText("en.wikipedia.org/wiki/", journeyWait)
	for _, l := range strings.Split(viewerPane(scr), "\n") {
		if strings.Contains(l, "en.wikipedia.org/wiki/") && !strings.Contains(l, "Tour_de_France") {
			t.Errorf("the source's URL is split: %q\n%s", l, scr)
		}
	}

	s = startSession(t, 80, 24, nil, bin, "--demo", "--theme", "notty")
	s.waitText("Weeknight carbonara", journeyWait)
	s.keys("/")
	s.typeText("derivative")
	s.waitText(" 1 of 31 conversations match", journeyWait)
	s.keys("Enter")
	scr = s.waitText("2. Differentiate", journeyWait)
	lines := strings.Split(viewerPane(scr), "\n")
	for i := range lines {
		// The viewer's focus marker (▎, one column, three bytes) is a space here.
		lines[i] = strings.ReplaceAll(lines[i], "▎", " ")
	}
	for i, l := range lines {
		if j := strings.Index(l, "2. Differentiate"); j >= 0 && i+1 < len(lines) {
			next := strings.ReplaceAll(lines[i+1], "\u00a0", " ")
			if !strings.HasPrefix(next, strings.Repeat(" ", j+3)) || strings.TrimSpace(next) == "" {
				t.Errorf("no hanging indent under the numbered item:\n%q\n%q", l, next)
			}
		}
	}
}

// TestReadingAssetLine (issue 14, Reading 11): an audio clip is one line
// of kind, name and size at 80×24, without its path.
func TestReadingAssetLine(t *testing.T) {
	bin := binary(t)
	s := startSession(t, 80, 24, nil, bin, "--demo", "--theme", "notty")
	s.waitText("Weeknight carbonara", journeyWait)
	s.keys("/")
	s.typeText("voice chat")
	s.waitText(" 1 of 31 conversations match", journeyWait)
	s.keys("Enter")
	scr := s.waitText("[audio: ", journeyWait)
	for _, l := range strings.Split(viewerPane(scr), "\n") {
		if strings.Contains(l, "[audio: ") && (!strings.Contains(l, "KB]") || strings.Contains(l, "/")) {
			t.Errorf("the audio line is not one short line: %q\n%s", l, scr)
		}
	}
}
