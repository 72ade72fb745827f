package tui

import (
	"strings"
	"testing"
	"time"

	"github.com/backchat/backchat/model"
)

// The help row offers [ ] only where they switch something: a fork on the
// focused message or in view below it (forkSeg), not one laid out above
// the view, where ] says "no fork in view".
func TestShortHelpOffersBranchesOnlyWhereTheySwitch(t *testing.T) {
	c := crumbConv("c-forktop", 12)
	addBranch(c, 2, "an early regenerated answer", time.Minute)
	m := New(Options{Archive: &model.Archive{Conversations: []*model.Conversation{c}}, Theme: "dark", Width: 80, Height: 16, Now: fixedNow})
	run(t, m, m.Init())
	press(t, m, "enter")
	if row := lastLine(screen(m)); !strings.Contains(row, "next branch") {
		t.Fatalf("at the top, with the fork in view: %q", row)
	}
	press(t, m, "G")
	row := lastLine(screen(m))
	if v := m.view; v.branch(+1) != "no fork in view" {
		t.Fatalf("at the end the fork is still reachable; the test needs a longer conversation")
	}
	if strings.Contains(row, "next branch") {
		t.Errorf("at the end, the fork far above: the help row offers ]: %q", row)
	}
}
