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
