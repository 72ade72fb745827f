package e2e

import (
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
	s.waitText("1 of 31 conversations match", journeyWait)
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
