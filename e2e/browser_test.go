package e2e

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestBrowserFilterOpenBranchQuit is the walk a new user takes: open the
// demo archive, filter for a word that occurs only inside one message body,
// open the match, step through hits, switch branches, quit.
func TestBrowserFilterOpenBranchQuit(t *testing.T) {
	bin := binary(t)
	s := startSession(t, 100, 30, nil, bin, "--demo", "--theme", "notty")
	const wait = 10 * time.Second

	scr := s.waitText("Weeknight carbonara", wait)
	if !strings.Contains(scr, "Go worker pool with errgroup") {
		t.Fatalf("list does not show the newest titles:\n%s", scr)
	}

	// "levain" appears in no title, only inside one answer.
	s.keys("/")
	s.typeText("levain")
	// \b: "31 of 31 conversations match" (after the first letter) must not count.
	oneMatch := regexp.MustCompile(`\b1 of 31 conversations match`)
	scr = s.waitFor("1 of 31 conversations match", wait, oneMatch.MatchString)
	if count(scr, "Name ideas for a small bakery") < 1 {
		t.Fatalf("the matching conversation is not listed:\n%s", scr)
	}
	for _, other := range []string{"Weeknight carbonara", "Go worker pool", "Lisbon in 4 days"} {
		if strings.Contains(listPane(scr), other) {
			t.Fatalf("filter left %q in the list:\n%s", other, scr)
		}
	}

	s.keys("Enter")
	hitRe := regexp.MustCompile(`hit 1/(\d+)`)
	scr = s.waitFor("hit 1/N in the status bar", wait, hitRe.MatchString)
	if !strings.Contains(strings.ToLower(viewerPane(scr)), "levain") {
		t.Fatalf("the first hit is not in view:\n%s", scr)
	}
	if total := hitRe.FindStringSubmatch(scr)[1]; total != "1" {
		s.keys("n")
		s.waitText("hit 2/"+total, wait)
	}

	// The answer with the hit is the 2nd of 3 regenerations.
	s.waitText("‹2/3›", wait)
	s.keys("]")
	s.waitText("‹3/3›", wait)
	s.keys("[")
	s.keys("[")
	s.waitText("‹1/3›", wait)

	s.keys("q")
	scr = s.waitText("[exit 0]", wait)
	if strings.Contains(scr, "Name ideas for a small bakery") {
		t.Fatalf("the terminal was not restored after quitting:\n%s", scr)
	}
}

// TestBrowserSmallAndLarge checks that the first screen is usable at the
// smallest supported size and at a large one.
func TestBrowserSmallAndLarge(t *testing.T) {
	bin := binary(t)
	for _, size := range [][2]int{{60, 15}, {80, 24}, {200, 50}} {
		s := startSession(t, size[0], size[1], nil, bin, "--demo", "--theme", "notty")
		scr := s.waitText("Weeknight carbonara", 10*time.Second)
		for i, line := range strings.Split(strings.TrimRight(scr, "\n"), "\n") {
			if w := len([]rune(line)); w > size[0] {
				t.Errorf("%dx%d: line %d is %d runes wide: %q", size[0], size[1], i, w, line)
			}
		}
		s.keys("q")
		s.waitText("[exit 0]", 10*time.Second)
	}
}

// listPane and viewerPane split a two-pane screen at the first column rule.
func listPane(screen string) string   { return pane(screen, true) }
func viewerPane(screen string) string { return pane(screen, false) }

func pane(screen string, left bool) string {
	var b strings.Builder
	for _, line := range strings.Split(screen, "\n") {
		l, r, ok := strings.Cut(line, "│")
		if !ok {
			continue
		}
		if left {
			b.WriteString(l)
		} else {
			b.WriteString(r)
		}
		b.WriteByte('\n')
	}
	return b.String()
}
