package tui

import (
	"regexp"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/backchat/backchat/model"
)

// threeForks is a conversation whose thread passes three forked messages
// in a row (an edited question, a regenerated answer, an edited question:
// nodes 1, 2 and 3, each with one newer sibling), all on one 80×24 screen.
func threeForks() (*model.Archive, *model.Conversation, [3]int32) {
	u, a := model.RoleUser, model.RoleAssistant
	c := buildConv("c-three", "Three forks", testNow.Add(-time.Hour),
		tm{role: u, text: "first question A"}, tm{role: a, text: "second answer A"},
		tm{role: u, text: "third question A"}, tm{role: a, text: "fourth answer"},
	)
	var alt [3]int32
	for i, n := range []int32{1, 2, 3} {
		alt[i] = addBranch(c, n, []string{"first question", "second answer", "third question"}[i]+" B", 10*time.Minute)
	}
	return &model.Archive{Conversations: []*model.Conversation{c}}, c, alt
}

// forkMarks are the ‹k/N› marks on screen, top to bottom.
func forkMarks(s string) []string { return regexp.MustCompile(`‹\d/\d›`).FindAllString(s, -1) }

func TestEveryForkOnScreenCanBeSwitched(t *testing.T) {
	for fork := range 3 {
		a, c, alt := threeForks()
		m := newIndexTest(t, a, 80, 24)
		press(t, m, "enter")
		if m.view.conv != c {
			t.Fatal("not opened")
		}
		s := screen(m)
		if got := forkMarks(s); strings.Join(got, " ") != "‹1/2› ‹1/2› ‹1/2›" {
			t.Fatalf("want three forks on one screen, got %v:\n%s", got, s)
		}
		// Focus the fork's message: the first message is focused at first.
		for range fork {
			press(t, m, "}")
		}
		if got := m.view.segs[m.view.focusSeg()].node; got != []int32{1, 2, 3}[fork] {
			t.Fatalf("fork %d: focus on node %d", fork, got)
		}
		press(t, m, "]")
		s = screen(m)
		want := []string{"‹1/2›", "‹1/2›", "‹1/2›"}[:fork]
		want = append(want, "‹2/2›")
		if got := forkMarks(s); strings.Join(got, " ") != strings.Join(want, " ") {
			t.Fatalf("] on fork %d: marks %v, want %v:\n%s", fork, got, want, s)
		}
		if !strings.Contains(s, []string{"first question", "second answer", "third question"}[fork]+" B") || m.view.threadIndex(alt[fork]) < 0 {
			t.Fatalf("] on fork %d did not show its other answer:\n%s", fork, s)
		}
		if m.view.segs[m.view.focusSeg()].node != alt[fork] {
			t.Fatalf("the switched message lost the focus")
		}
		if !strings.Contains(s, "▎") {
			t.Fatalf("no focus marker:\n%s", s)
		}
	}
}

// TestBranchSwitchIsReversible: [ then ] comes back to exactly the thread
// shown, even when it is not the one through the newest leaf, and to the
// same screen.
func TestBranchSwitchIsReversible(t *testing.T) {
	a, c, alt := threeForks()
	// Show the older answer at the third fork although a newer exists: ]
	// at the first fork and back must not pick the newest leaf.
	c.Current = 4
	m := newIndexTest(t, a, 80, 24)
	press(t, m, "enter", "}")
	before, scr := append(model.Thread(nil), m.view.thread...), screen(m)
	press(t, m, "]")
	if m.view.threadIndex(alt[1]) < 0 {
		t.Fatal("] did not switch the second fork")
	}
	press(t, m, "[")
	if got := m.view.thread; !slicesEqual(got, before) {
		t.Fatalf("[ after ]: thread %v, want %v", got, before)
	}
	if s := screen(m); s != scr {
		t.Fatalf("[ after ] changed the screen:\n%s\nwas:\n%s", s, scr)
	}
	// And the other way round on the last fork.
	press(t, m, "}")
	before = append(model.Thread(nil), m.view.thread...)
	press(t, m, "]", "[")
	if !slicesEqual(m.view.thread, before) {
		t.Fatalf("] then [ on the third fork: %v, want %v", m.view.thread, before)
	}
}

func slicesEqual(a, b model.Thread) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestFocusMovesAndScrolls(t *testing.T) {
	a, _ := bigArchive()
	m := New(Options{Archive: a, Theme: "dark", Width: 80, Height: 24, Now: fixedNow})
	run(t, m, m.Init())
	press(t, m, "j", "enter")
	first := m.view.segs[m.view.focusSeg()].node
	press(t, m, "}")
	second := m.view.segs[m.view.focusSeg()].node
	if second == first {
		t.Fatal("} did not move the focus")
	}
	// The focused message's role line is in view.
	i := m.view.focusSeg()
	if r := m.view.starts[i] + 1; r < m.view.offset || r >= m.view.offset+m.view.height {
		t.Fatalf("focused role line %d out of view at %d", r, m.view.offset)
	}
	press(t, m, "{")
	if got := m.view.segs[m.view.focusSeg()].node; got != first {
		t.Fatalf("{ went to node %d, want %d", got, first)
	}
	// Scrolling the focused message out of view moves the focus with the view.
	for range 30 {
		press(t, m, "ctrl+d")
	}
	if i := m.view.focusSeg(); m.view.starts[i] >= m.view.offset+m.view.height || m.view.segEnd(i) <= m.view.offset {
		t.Fatal("the focus stayed off screen")
	}
}

// TestClickFocusesAMessage: a click on a message in the viewer focuses it,
// and ] then switches that message's fork.
func TestClickFocusesAMessage(t *testing.T) {
	a, _, alt := threeForks()
	m := newIndexTest(t, a, 80, 24)
	// The viewer starts at x = list width + rule; its rows under the title.
	row := -1
	for i := m.view.offset; i < len(m.view.plain); i++ {
		if strings.Contains(m.view.plain[i], "third question A") {
			row = i - m.view.offset
		}
	}
	if row < 0 {
		t.Fatal("third question not on screen")
	}
	_, cmd := m.Update(tea.MouseClickMsg{X: 60, Y: row + 1, Button: tea.MouseLeft})
	run(t, m, cmd)
	if m.focus != focusViewer || m.view.segs[m.view.focusSeg()].node != 3 {
		t.Fatalf("click focused node %d", m.view.segs[m.view.focusSeg()].node)
	}
	press(t, m, "]")
	if m.view.threadIndex(alt[2]) < 0 || !strings.Contains(screen(m), "third question B") {
		t.Fatalf("] after the click did not switch the clicked fork:\n%s", screen(m))
	}
}

// TestBranchSkipsASiblingThatShowsNothing: a fork whose other child is a
// hidden message (ChatGPT stores an empty hidden assistant message beside
// the next question) is not switched to without H: the thread would end
// above the fork, with no marked message left to switch back from. A third,
// visible sibling past it is reached; with H the hidden one is.
func TestBranchSkipsASiblingThatShowsNothing(t *testing.T) {
	u, a := model.RoleUser, model.RoleAssistant
	c := buildConv("c-hidden-fork", "Hidden fork", testNow.Add(-time.Hour),
		tm{role: u, text: "first question"}, tm{role: a, text: "first answer"},
		tm{role: u, text: "second question A"}, tm{role: a, text: "second answer"},
	)
	hidden := addBranch(c, 3, "hidden context", time.Minute)
	c.Nodes[hidden].Msg.SetRole(model.RoleAssistant)
	c.Nodes[hidden].Msg.Visibility = model.Hidden
	m := newIndexTest(t, &model.Archive{Conversations: []*model.Conversation{c}}, 80, 24)
	press(t, m, "enter", "}", "}")
	if got := m.view.segs[m.view.focusSeg()].node; got != 3 {
		t.Fatalf("focus on node %d, want 3", got)
	}
	before := append(model.Thread(nil), m.view.thread...)
	press(t, m, "]")
	if !slicesEqual(m.view.thread, before) {
		t.Fatalf("] switched to a branch that shows nothing: thread %v", m.view.thread)
	}
	if got := m.view.segs[m.view.focusSeg()].node; got != 3 {
		t.Fatalf("] moved the focus to node %d", got)
	}

	third := addBranch(c, 3, "second question C", 2*time.Minute)
	press(t, m, "]")
	if m.view.threadIndex(third) < 0 || !strings.Contains(screen(m), "second question C") {
		t.Fatalf("] did not reach the visible sibling past the hidden one:\n%s", screen(m))
	}
	press(t, m, "[")
	if !slicesEqual(m.view.thread, before) {
		t.Fatalf("[ did not come back past the hidden sibling: thread %v", m.view.thread)
	}

	press(t, m, "H", "]")
	if m.view.threadIndex(hidden) < 0 || !strings.Contains(screen(m), "hidden context") {
		t.Fatalf("with H, ] did not show the hidden sibling:\n%s", screen(m))
	}
}
