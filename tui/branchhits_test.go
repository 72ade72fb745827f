package tui

import (
	"strings"
	"testing"
	"time"

	"github.com/backchat/backchat/model"
)

// forkedArchive holds one conversation whose first answer was regenerated
// twice: the thread shown (through the first answer) has "crumb" once, in
// its last message; the second answer holds "crumb" twice and "cardamom";
// the third none.
func forkedArchive() (*model.Archive, *model.Conversation) {
	u, a := model.RoleUser, model.RoleAssistant
	c := buildConv("c-forks", "Bakery names", testNow.Add(-time.Hour),
		tm{role: u, text: "Name a bakery please"},
		tm{role: a, text: "Levain and Lagom"},
		tm{role: u, text: "More like that"},
		tm{role: a, text: "Wild Yeast Crumb"},
	)
	addBranch(c, 2, "Crumb and Cardamom, or simply The Crumb Shop", time.Minute)
	addBranch(c, 2, "No ideas today", 2*time.Minute)
	c.Current = 4
	other := buildConv("c-other", "Other chat", testNow.Add(-2*time.Hour), tm{role: u, text: "hello there"})
	return &model.Archive{Conversations: []*model.Conversation{c, other}}, c
}

func TestEnterOpensTheBranchOfTheHit(t *testing.T) {
	a, c := forkedArchive()
	m := newIndexTest(t, a, 80, 24)
	press(t, m, "/")
	typeText(t, m, "cardamom")
	press(t, m, "enter")
	if m.view.conv != c {
		t.Fatalf("opened %v", m.view.conv)
	}
	if got := m.view.hitStatus(); got != "hit 1/1" {
		t.Errorf("status %q, want hit 1/1", got)
	}
	s := screen(m)
	if !strings.Contains(s, "‹2/3›") || !strings.Contains(s, "Crumb and Cardamom") || strings.Contains(s, "no hits here") {
		t.Fatalf("enter should open the branch holding the hit:\n%s", s)
	}
}

func TestNextHitWalksEveryBranch(t *testing.T) {
	a, c := forkedArchive()
	m := newIndexTest(t, a, 80, 24)
	press(t, m, "/")
	typeText(t, m, "crumb")
	press(t, m, "enter")
	if m.view.conv != c {
		t.Fatal("not opened")
	}
	type stop struct {
		status string
		node   int32
	}
	var seen []stop
	for range 4 {
		seen = append(seen, stop{m.view.hitStatus(), m.view.hitNode(m.view.curHit)})
		press(t, m, "n")
	}
	// Tree order: the first thread's last answer (node 4), then the second
	// answer (node 5) twice; then around again.
	want := map[string]int32{"hit 1/3": 4, "hit 2/3": 5, "hit 3/3": 5}
	statuses := map[string]bool{}
	for _, s := range seen {
		if n, ok := want[s.status]; !ok || n != s.node {
			t.Fatalf("walk %v: %q on node %d", seen, s.status, s.node)
		}
		statuses[s.status] = true
	}
	if len(statuses) != 3 || seen[3] != seen[0] {
		t.Fatalf("n should visit all three hits and wrap: %v", seen)
	}
	// N walks back the same way.
	for range 3 {
		before := m.view.hitStatus()
		press(t, m, "N")
		after := m.view.hitStatus()
		if before == after {
			t.Fatalf("N stuck at %q", before)
		}
	}
	// Each stop shows its hit: on the second answer's thread it reads ‹2/3›.
	for m.view.hitNode(m.view.curHit) != 5 {
		press(t, m, "n")
	}
	if s := screen(m); !strings.Contains(s, "‹2/3›") || !strings.Contains(s, "Crumb Shop") {
		t.Fatalf("hit on the second branch not shown:\n%s", s)
	}
}

func TestWrappedPhraseIsOneHit(t *testing.T) {
	u, a := model.RoleUser, model.RoleAssistant
	text := strings.Repeat("word ", 7) + "the crumb and cardamom bakery " + strings.Repeat("filler ", 9) +
		"again crumb and cardamom here " + strings.Repeat("tail ", 5)
	c := buildConv("c-wrap", "Wrapped", testNow.Add(-time.Hour), tm{role: u, text: "names?"}, tm{role: a, text: text})
	wrapped := 0
	for w := 40; w <= 90; w += 3 {
		m := newIndexTest(t, &model.Archive{Conversations: []*model.Conversation{c}}, w, 30)
		press(t, m, "/")
		typeText(t, m, `"crumb and cardamom"`)
		press(t, m, "enter")
		if got := m.view.hitStatus(); got != "hit 1/2" {
			t.Fatalf("width %d: status %q, want hit 1/2", w, got)
		}
		for _, h := range m.view.hits {
			var parts []string
			for _, p := range append([]hitPos{h}, h.more...) {
				parts = append(parts, m.view.plain[p.line][p.start:p.end])
			}
			if got := strings.Join(parts, " "); got != "crumb and cardamom" {
				t.Fatalf("width %d: hit reads %q", w, got)
			}
			if len(h.more) > 0 {
				wrapped++
			}
		}
	}
	if wrapped == 0 {
		t.Fatal("no width wrapped the phrase: the test proves nothing")
	}
}

// TestFoldedHitsOnOtherBranches: hits in a folded item on another branch
// count as the engine found them, and n reaches them by opening the item
// (as t does) without stalling; T changes nothing in the count. (They
// were left out while folded, and a folded item on view counted what its
// summary line had room for: a count that changed with the width.)
func TestFoldedHitsOnOtherBranches(t *testing.T) {
	a, c := forkedArchive()
	f := addBranch(c, 4, "crumb crumb crumb in a folded item", time.Minute)
	c.Nodes[f].Msg.Visibility = model.Folded
	m := newIndexTest(t, a, 80, 24)
	press(t, m, "/")
	typeText(t, m, "crumb")
	press(t, m, "enter")
	if got := m.view.hitStatus(); !strings.HasSuffix(got, "/6") {
		t.Fatalf("status %q, want …/6 (folded hits counted)", got)
	}
	start := m.view.hitStatus()
	opened := false
	for range 6 {
		press(t, m, "n")
		if n := m.view.hitNode(m.view.curHit); n == f {
			opened = m.view.itemOpen(f)
		}
	}
	if got := m.view.hitStatus(); got != start || !opened {
		t.Fatalf("six n from %q end at %q (the folded item opened: %v)", start, got, opened)
	}
	press(t, m, "T")
	if got := m.view.hitStatus(); !strings.HasSuffix(got, "/6") && got != "6 hits" {
		t.Fatalf("expanded: status %q, want …/6", got)
	}
}
