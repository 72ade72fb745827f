package tui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/backchat/backchat/internal/testkit/msgkit"
	"github.com/backchat/backchat/model"
)

// hiddenForkWithReply is a conversation whose second question (node 3) has
// a newer sibling that is a hidden message with a visible reply: ] from the
// question shows the reply, the fork itself (the hidden message) not.
func hiddenForkWithReply() (*model.Archive, int32, int32) {
	u, a := model.RoleUser, model.RoleAssistant
	c := buildConv("c-hidden-reply", "Hidden fork with a reply", testNow.Add(-time.Hour),
		tm{role: u, text: "first question"}, tm{role: a, text: "first answer"},
		tm{role: u, text: "second question A"}, tm{role: a, text: "second answer A"},
	)
	hidden := addBranch(c, 3, "hidden context", time.Minute)
	c.Nodes[hidden].Msg.Visibility = model.Hidden
	reply := int32(len(c.Nodes))
	m := msgkit.With(msgkit.With(&model.Message{ID: "c-hidden-reply-r", Blocks: []model.Block{{Kind: model.BlockText, Text: "answer to the hidden context"}}}, msgkit.Fields{Role: a, Model: "gpt-4o"}), msgkit.Fields{Time: c.Nodes[hidden].Msg.Time().Add(time.Minute)})
	c.Nodes = append(c.Nodes, model.Node{Key: m.ID, Parent: hidden, Msg: m})
	c.Nodes[hidden].AddChild(reply)
	return &model.Archive{Conversations: []*model.Conversation{c}}, hidden, reply
}

// TestBranchOntoAHiddenSiblingComesBack: ] onto a hidden sibling lands on
// its first shown reply, which carries the fork's mark (‹2/2›), and [ from
// there comes back to exactly the thread and screen that were shown.
func TestBranchOntoAHiddenSiblingComesBack(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {200, 50}} {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			a, hidden, reply := hiddenForkWithReply()
			m := newIndexTest(t, a, sz[0], sz[1])
			press(t, m, "enter", "}", "}")
			if got := m.view.segs[m.view.focusSeg()].node; got != 3 {
				t.Fatalf("focus on node %d, want 3", got)
			}
			before, scr := append(model.Thread(nil), m.view.thread...), screen(m)
			if got := forkMarks(scr); strings.Join(got, " ") != "‹1/2›" {
				t.Fatalf("marks %v, want ‹1/2›:\n%s", got, scr)
			}
			press(t, m, "]")
			s := screen(m)
			if m.view.threadIndex(hidden) < 0 || !strings.Contains(s, "answer to the hidden context") {
				t.Fatalf("] did not show the hidden sibling's reply:\n%s", s)
			}
			if got := m.view.segs[m.view.focusSeg()].node; got != reply {
				t.Fatalf("focus on node %d, want the reply %d", got, reply)
			}
			if got := forkMarks(s); strings.Join(got, " ") != "‹2/2›" {
				t.Fatalf("the reply does not carry the fork's mark: %v:\n%s", got, s)
			}
			golden.RequireEqual(t, s)
			press(t, m, "[")
			if !slicesEqual(m.view.thread, before) {
				t.Fatalf("[ from the reply: thread %v, want %v", m.view.thread, before)
			}
			if s := screen(m); s != scr {
				t.Fatalf("[ after ] changed the screen:\n%s\nwas:\n%s", s, scr)
			}
		})
	}
}

// TestBranchCounterCountsWhatBracketsReach: a sibling that shows nothing
// (an empty hidden message) is neither counted by the ‹k/N› mark nor
// reached by [ and ], and when they have nowhere to go the status line
// says so.
func TestBranchCounterCountsWhatBracketsReach(t *testing.T) {
	u, a := model.RoleUser, model.RoleAssistant
	c := buildConv("c-hidden-fork", "Hidden fork", testNow.Add(-time.Hour),
		tm{role: u, text: "first question"}, tm{role: a, text: "first answer"},
		tm{role: u, text: "second question A"}, tm{role: a, text: "second answer"},
	)
	hidden := addBranch(c, 3, "hidden context", time.Minute)
	c.Nodes[hidden].Msg.Visibility = model.Hidden
	m := newIndexTest(t, &model.Archive{Conversations: []*model.Conversation{c}}, 80, 24)
	press(t, m, "enter", "}", "}")
	if got := forkMarks(screen(m)); len(got) != 0 {
		t.Fatalf("a fork whose other side shows nothing is marked %v:\n%s", got, screen(m))
	}
	press(t, m, "[")
	if s := screen(m); !strings.Contains(s, "no fork in view") {
		t.Fatalf("[ with no fork in view said nothing:\n%s", s)
	}
	press(t, m, "j")
	if s := screen(m); strings.Contains(s, "no fork in view") {
		t.Fatalf("the note outlived the next key:\n%s", s)
	}

	third := addBranch(c, 3, "second question C", 2*time.Minute)
	m = newIndexTest(t, &model.Archive{Conversations: []*model.Conversation{c}}, 80, 24)
	press(t, m, "enter", "}", "}")
	if got := forkMarks(screen(m)); strings.Join(got, " ") != "‹1/2›" {
		t.Fatalf("marks %v, want ‹1/2› (the hidden sibling not counted):\n%s", got, screen(m))
	}
	press(t, m, "[")
	if s := screen(m); !strings.Contains(s, "‹1/2›: no earlier branch") {
		t.Fatalf("[ on the first branch said nothing:\n%s", s)
	}
	press(t, m, "]")
	if m.view.threadIndex(third) < 0 || strings.Join(forkMarks(screen(m)), " ") != "‹2/2›" {
		t.Fatalf("] did not reach the third sibling as ‹2/2›:\n%s", screen(m))
	}
	// The note is on the screen as the key's Update returns (not in a
	// Cmd that could run after the next key), and the next key clears it.
	_, cmd := m.Update(keyMsg("]"))
	s := screen(m)
	if !strings.Contains(s, "‹2/2›: no later branch") {
		t.Fatalf("] on the last branch said nothing:\n%s", s)
	}
	golden.RequireEqual(t, s)
	_, cmd2 := m.Update(keyMsg("k"))
	run(t, m, cmd)
	run(t, m, cmd2)
	if s := screen(m); strings.Contains(s, "no later branch") {
		t.Fatalf("the note outlived the next key:\n%s", s)
	}
	press(t, m, "]")

	press(t, m, "H")
	if got := forkMarks(screen(m)); strings.Join(got, " ") != "‹3/3›" {
		t.Fatalf("with H the hidden sibling counts: marks %v:\n%s", got, screen(m))
	}
}

// TestSnippetShowsControlsAsTheViewerDoes: a filter result's snippet shows
// a control sequence as the viewer shows it ("␛[1m"), not with its ESC
// dropped ("[1m").
func TestSnippetShowsControlsAsTheViewerDoes(t *testing.T) {
	c := buildConv("c-ctl", "Colours", testNow.Add(-time.Hour),
		tm{role: model.RoleUser, text: "what does \x1b[1mpkg/api\x1b[0m handle? routing"})
	m := newIndexTest(t, &model.Archive{Conversations: []*model.Conversation{c}}, 80, 24)
	press(t, m, "/")
	typeText(t, m, "routing")
	press(t, m, "enter")
	s := screen(m)
	row := strings.Split(s, "\n")[2] // the result's snippet, left of the viewer
	if snip, _, _ := strings.Cut(row, "│"); !strings.Contains(snip, "/api␛[0m handle") {
		t.Fatalf("the snippet does not show the sequence as the viewer does:\n%s", s)
	}
	golden.RequireEqual(t, s)
	press(t, m, "enter")
	if s := screen(m); !strings.Contains(s, "␛[1mpkg/api␛[0m") {
		t.Fatalf("the viewer shows it otherwise:\n%s", s)
	}
}

// TestOwnForkBeforeHiddenFork: a shown reply under a hidden fork that has
// regenerations of its own switches its own fork with [ and ] (as it did
// before hidden forks were reachable); the hidden fork is theirs only for
// a reply without siblings.
func TestOwnForkBeforeHiddenFork(t *testing.T) {
	a, hidden, reply := hiddenForkWithReply()
	addBranch(a.Conversations[0], reply, "another answer to the hidden context", time.Minute)
	m := newIndexTest(t, a, 80, 24)
	press(t, m, "enter", "}", "}", "]")
	i := m.view.threadIndex(hidden)
	if i < 0 || i+1 >= len(m.view.thread) {
		t.Fatalf("] did not show the hidden sibling's branch: %v", m.view.thread)
	}
	shown := m.view.thread[i+1]
	if f, sib := m.view.forkOf(shown); f != shown || len(sib) != 2 {
		t.Fatalf("fork of the shown reply %d: %d %v, want its own with 2 siblings", shown, f, sib)
	}
}
