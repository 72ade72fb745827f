package tui

import (
	"slices"
	"strings"
	"testing"
)

// TestLandingOnHitFocusesItsMessage: enter on a result, n and N focus the
// message of the hit they land on, across messages and branches, so y
// copies that message (not the top one, where the whole thread fits on
// the screen) and the focus bar marks it.
func TestLandingOnHitFocusesItsMessage(t *testing.T) {
	a, c := forkedArchive()
	m := newIndexTest(t, a, 200, 50)
	press(t, m, "/")
	typeText(t, m, "crumb")
	press(t, m, "enter")
	if m.view.conv != c || m.focus != focusViewer {
		t.Fatal("enter did not open the conversation")
	}
	check := func(step string) int32 {
		t.Helper()
		v := m.view
		n := v.hitNode(v.curHit)
		if n <= 1 {
			t.Fatalf("%s: hit on node %d, want one past the first message", step, n)
		}
		if top := v.messagesInView()[0]; top == n {
			t.Fatalf("%s: the hit's message is the top one: the test proves nothing", step)
		}
		_, cmd := m.Update(keyMsg("y"))
		if got, want := clipboardOf(t, cmd), messageMD(t, c, n); got != want {
			t.Fatalf("%s (%s): y copied\n%q\nwant the hit's message (node %d):\n%q", step, v.hitStatus(), got, n, want)
		}
		h := v.hits[v.curHit]
		if fl := v.focusLines(); h.line < fl[0] || h.line >= fl[1] {
			t.Fatalf("%s: focus bar on lines %v, the hit is on line %d", step, fl, h.line)
		}
		return n
	}
	// Tree order: node 4 on the thread shown, then node 5 (another
	// branch, two hits), then around.
	var walk []int32
	walk = append(walk, check("enter"))
	for i := range 3 {
		press(t, m, "n")
		walk = append(walk, check("n #"+string(rune('1'+i))))
	}
	press(t, m, "N")
	walk = append(walk, check("N"))
	if want := []int32{4, 5, 5, 4, 5}; !slices.Equal(walk, want) {
		t.Fatalf("walk over nodes %v, want %v", walk, want)
	}
	// [ and ] act on the focused message's fork: from the hit on the
	// second answer, ] goes to the third.
	press(t, m, "]")
	if s := screen(m); !strings.Contains(s, "‹3/3›") || !strings.Contains(s, "No ideas today") {
		t.Fatalf("] after landing on the second answer:\n%s", s)
	}
}

// TestCopyFollowsTheFocus: } moves the focus bar to the next message and y
// copies the message it marks.
func TestCopyFollowsTheFocus(t *testing.T) {
	a, c := forkedArchive()
	m := newActionTest(t, a, Actions{})
	if m.view.conv != c {
		t.Fatalf("viewer shows %s", m.view.conv.ID)
	}
	press(t, m, "tab", "}", "}")
	s := m.view.focusSeg()
	n := m.view.segs[s].node
	if top := m.view.messagesInView()[0]; n == top {
		t.Fatalf("focus on the top message (node %d): the test proves nothing", n)
	}
	_, cmd := m.Update(keyMsg("y"))
	if got, want := clipboardOf(t, cmd), messageMD(t, c, n); got != want {
		t.Fatalf("y copied\n%q\nwant the focused message (node %d):\n%q", got, n, want)
	}
}

// TestEngineHitsKeepTheUsersFocus: the engine's hits arriving after a
// landing (they come from a command) keep the current hit and do not take
// back the focus the user moved meanwhile.
func TestEngineHitsKeepTheUsersFocus(t *testing.T) {
	a, _ := forkedArchive()
	m := newIndexTest(t, a, 200, 50)
	press(t, m, "/")
	typeText(t, m, "crumb")
	press(t, m, "enter")
	v := m.view
	hit := v.hitNode(v.curHit)
	press(t, m, "{")
	s := v.focusSeg()
	moved := v.segs[s].node
	if moved == hit {
		t.Fatal("{ did not move the focus off the hit's message")
	}
	if len(v.find.listHits) == 0 {
		t.Fatal("no engine hits to deliver again")
	}
	v.setEngineHits(v.find.listHits)
	if v.hitNode(v.curHit) != hit {
		t.Fatalf("the current hit moved to node %d", v.hitNode(v.curHit))
	}
	if got := v.segs[v.focusSeg()].node; got != moved {
		t.Fatalf("focus on node %d after the engine's hits, want node %d (moved there by {)", got, moved)
	}
}
