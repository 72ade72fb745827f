package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestJourneyHitsOnEveryBranch (issue 14, Searching 4): in the demo,
// "crumb" is in the first and third answers of the bakery chat, whose
// second answer is the one shown; enter opens the branch of the best hit,
// and n walks to the other branch's hit and back, counting both.
func TestJourneyHitsOnEveryBranch(t *testing.T) {
	bin := binary(t)
	s := startSession(t, 80, 24, nil, bin, "--demo", "--theme", "notty")
	s.waitText("Weeknight carbonara", journeyWait)
	s.keys("/")
	s.typeText("crumb")
	s.waitText(" 1 of 31 conversations match", journeyWait)
	s.keys("Enter")
	scr := s.waitFor("the first hit's branch", journeyWait, func(scr string) bool {
		return strings.Contains(scr, "‹1/3›") && strings.Contains(scr, "hit 1/2") && strings.Contains(scr, "names both")
	})
	if strings.Contains(scr, "no hits here") {
		t.Fatalf("enter opened a branch without the hit:\n%s", scr)
	}
	s.keys("n")
	s.waitFor("n on the third branch", journeyWait, func(scr string) bool {
		return strings.Contains(scr, "‹3/3›") && strings.Contains(scr, "hit 2/2") && strings.Contains(scr, "Good Crumb")
	})
	s.keys("n")
	s.waitFor("n wraps to the first branch", journeyWait, func(scr string) bool {
		return strings.Contains(scr, "‹1/3›") && strings.Contains(scr, "hit 1/2") && strings.Contains(scr, "names both")
	})
	s.keys("N")
	s.waitFor("N back to the third branch", journeyWait, func(scr string) bool {
		return strings.Contains(scr, "‹3/3›") && strings.Contains(scr, "hit 2/2")
	})
}

// forkExport writes a conversations.json with one conversation whose first
// three messages each have a newer sibling ("… B"), all on one screen.
func forkExport(t *testing.T) string {
	t.Helper()
	id := "conv-forks"
	c := exportConv(id, "Three forks", 1.79e9, []string{"first question A", "second answer A", "third question A", "fourth answer"})
	mapping := c["mapping"].(map[string]any)
	for i, text := range []string{"first question B", "second answer B", "third question B"} {
		of := mapping[fmt.Sprintf("%s-m%03d", id, i)].(map[string]any)
		msg := of["message"].(map[string]any)
		nid := fmt.Sprintf("%s-b%03d", id, i)
		alt := map[string]any{}
		for k, v := range msg {
			alt[k] = v
		}
		alt["id"] = nid
		alt["create_time"] = msg["create_time"].(float64) + 600
		alt["content"] = map[string]any{"content_type": "text", "parts": []string{text}}
		mapping[nid] = map[string]any{"id": nid, "message": alt, "parent": of["parent"], "children": []string{}}
		p := mapping[of["parent"].(string)].(map[string]any)
		p["children"] = append(p["children"].([]string), nid)
	}
	b, err := json.Marshal([]any{c})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "conversations.json")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestJourneyEveryForkReversibly (issue 14, Branches 8): three forks on
// one screen; { and } move the focus (marked in the gutter), [ and ] switch
// the focused message's fork, and [ after ] comes back to exactly the
// thread shown before, deeper branch included.
func TestJourneyEveryForkReversibly(t *testing.T) {
	bin := binary(t)
	s := startSession(t, 80, 24, nil, bin, "--theme", "notty", forkExport(t))
	s.waitText("Three forks", journeyWait)
	s.keys("Enter")
	marks := func(scr string) string {
		return strings.Join(regexp.MustCompile(`‹\d/\d›`).FindAllString(scr, -1), " ")
	}
	// Opened, the first message is focused: marked in the gutter.
	s.waitFor("three forks, the first message focused", journeyWait, func(scr string) bool {
		return marks(scr) == "‹1/2› ‹1/2› ‹1/2›" && strings.Contains(scr, "fourth answer") && strings.Contains(scr, "│▎You")
	})
	s.keys("}", "}", "]")
	s.waitFor("the third fork switched", journeyWait, func(scr string) bool {
		return marks(scr) == "‹1/2› ‹1/2› ‹2/2›" && strings.Contains(scr, "third question B") && !strings.Contains(scr, "fourth answer")
	})
	s.keys("{", "]")
	s.waitFor("the second fork switched", journeyWait, func(scr string) bool {
		return marks(scr) == "‹1/2› ‹2/2›" && strings.Contains(scr, "second answer B") && !strings.Contains(scr, "third question")
	})
	s.keys("[")
	s.waitFor("back to the thread with the third fork's B", journeyWait, func(scr string) bool {
		return marks(scr) == "‹1/2› ‹1/2› ‹2/2›" && strings.Contains(scr, "second answer A") && strings.Contains(scr, "third question B")
	})
	s.keys("{", "]")
	s.waitFor("the first fork switched", journeyWait, func(scr string) bool {
		return marks(scr) == "‹2/2›" && strings.Contains(scr, "first question B") && !strings.Contains(scr, "second answer")
	})
	s.keys("[")
	s.waitFor("back again", journeyWait, func(scr string) bool {
		return marks(scr) == "‹1/2› ‹1/2› ‹2/2›" && strings.Contains(scr, "first question A") && strings.Contains(scr, "third question B")
	})
}

// TestJourneyFindInConversation (issue 14, Searching 5): / in the viewer
// finds inside the open conversation (highlighted, n/N, the list
// untouched); esc cancels; / in the list still filters the archive.
func TestJourneyFindInConversation(t *testing.T) {
	bin := binary(t)
	s := startSession(t, 80, 24, nil, bin, "--demo", "--theme", "notty")
	s.waitText("Weeknight carbonara", journeyWait)
	s.keys("/")
	s.typeText("bakery")
	s.waitText("2 of 31 conversations match", journeyWait)
	s.keys("Enter")
	s.waitTitle("Name ideas for a small bakery")
	s.keys("/")
	s.typeText("sourdough")
	s.waitFor("the find input and its first hit", journeyWait, func(scr string) bool {
		first, _, _ := strings.Cut(scr, "\n")
		return strings.Contains(first, "│ / sourdough") && strings.Contains(scr, "2 of 31 conversations match") &&
			strings.Contains(scr, "hit 1/4") && strings.Contains(scr, "esc cancel find")
	})
	s.keys("Enter", "n")
	s.waitFor("n walks the found text", journeyWait, func(scr string) bool {
		first, _, _ := strings.Cut(scr, "\n")
		return strings.Contains(first, "/sourdough") && strings.Contains(scr, "hit 2/4") && strings.Contains(scr, "2 of 31 conversations match")
	})
	s.keys("/")
	s.waitText("esc cancel find", journeyWait) // an esc right after / would read as alt+/
	s.keys("Escape")
	// The hits in messages: the title's "bakery" is not numbered.
	s.waitFor("esc goes back to the filter's hits", journeyWait, func(scr string) bool {
		first, _, _ := strings.Cut(scr, "\n")
		return !strings.Contains(first, "sourdough") && strings.Contains(scr, "2 hits") && strings.Contains(scr, "2 of 31 conversations match")
	})
	s.keys("Escape") // to the list, clear the filter, then / filters again
	s.waitFor("the list focused", journeyWait, func(scr string) bool { return strings.Contains(scr, "enter/l open") })
	s.keys("Escape")
	s.waitFor("the filter cleared", journeyWait, func(scr string) bool { return !strings.Contains(scr, "conversations match") })
	s.keys("/")
	s.waitText("esc clear filter", journeyWait)
	s.typeText("lisbon")
	s.waitText(" 1 of 31 conversations match", journeyWait)
}

// TestJourneyWrappedPhrase (issue 14, Searching 4): a phrase the viewer
// wraps across two lines at 80 columns is still found and counted.
func TestJourneyWrappedPhrase(t *testing.T) {
	bin := binary(t)
	s := startSession(t, 80, 24, nil, bin, "--demo", "--theme", "notty")
	s.waitText("Weeknight carbonara", journeyWait)
	s.keys("/")
	s.typeText(`"sourdough and cardamom"`)
	s.waitText(" 1 of 31 conversations match", journeyWait)
	s.keys("Enter")
	scr := s.waitFor("the wrapped phrase counted", journeyWait, func(scr string) bool {
		return strings.Contains(scr, "hit 1/1") && strings.Contains(scr, "specialising in sourdough\n")
	})
	if strings.Contains(scr, "no hits here") {
		t.Fatalf("wrapped phrase not found:\n%s", scr)
	}
}
