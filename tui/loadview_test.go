package tui

import (
	"context"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/backchat/backchat/model"
)

// settleRenders runs cmd's renders and those they lead to, as the event
// loop would, but drops the load's batches (the test hands them over).
func settleRenders(t *testing.T, m *Model, cmd tea.Cmd) {
	t.Helper()
	queue := []tea.Cmd{cmd}
	for steps := 0; len(queue) > 0; steps++ {
		if steps > 1000 {
			t.Fatal("settleRenders: too many commands")
		}
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		switch msg := c().(type) {
		case tea.BatchMsg:
			queue = append(queue, msg...)
		case renderedMsg:
			_, next := m.Update(msg)
			queue = append(queue, next)
		}
	}
}

// TestLoadRendersOnlyTheViewUntilTheEnd: while the archive loads, the
// viewer renders the messages on screen only (the rest of a long
// conversation would take a core from the loader); the end of the load
// renders the rest, and scrolling meanwhile renders what comes into view.
func TestLoadRendersOnlyTheViewUntilTheEnd(t *testing.T) {
	msgs := []tm{{role: model.RoleUser, text: "Explain everything, with code."}}
	for range 6 {
		msgs = append(msgs, tm{role: model.RoleAssistant, text: longAnswer(2 << 10)}, tm{role: model.RoleUser, text: "And again?"})
	}
	long := buildConv("c-long", "Long answers", testNow.Add(-time.Hour), msgs...)
	older := buildConv("c-old", "Older", testNow.Add(-48*time.Hour), tm{role: model.RoleUser, text: "hi"})
	a := &model.Archive{Conversations: []*model.Conversation{long, older}}
	load, release := heldLoad(a, long, older)
	m := New(Options{Theme: "dark", Width: 120, Height: 30, Now: fixedNow, Load: load})
	first, ok := m.Init()().(loadBatchMsg)
	if !ok || first.finished || len(first.convs) != 1 {
		t.Fatalf("first batch: %#v", first)
	}
	_, cmd := m.Update(first)
	v := m.view
	if v.conv != long {
		t.Fatal("the newest conversation is not shown while loading")
	}
	settleRenders(t, m, cmd)
	if len(v.pending) != 0 {
		t.Fatalf("%d renders still in flight", len(v.pending))
	}
	bottom := v.offset + v.height
	below := 0
	for i, s := range v.segs {
		inView := v.starts[i]+2+s.pre < bottom
		switch {
		case s.msg == nil:
		case inView && !s.rendered && s.more == nil:
			t.Errorf("segment %d is in view but not rendered", i)
		case !inView && s.rendered:
			t.Errorf("segment %d, below the view, was rendered while loading", i)
		case !inView:
			below++
		}
	}
	if below == 0 {
		t.Fatal("the test needs messages below the view")
	}

	// Scrolling while loading renders what comes into view.
	m.setFocus(focusViewer)
	_, cmd = m.Update(keyMsg("G"))
	settleRenders(t, m, cmd)
	last := &v.segs[len(v.segs)-1]
	if !last.rendered {
		t.Error("the last message, scrolled into view, was not rendered")
	}

	// The end of the load renders everything.
	close(release)
	run(t, m, waitBatchCmd(m.stream))
	if m.loading {
		t.Fatal("still loading")
	}
	for i, s := range v.segs {
		if s.msg != nil && !s.rendered {
			t.Errorf("segment %d not rendered after the load", i)
		}
	}
}

// heldLoad is a load that streams first, then holds until release is
// closed, then streams rest and ends with a.
func heldLoad(a *model.Archive, first, rest *model.Conversation) (load LoadFunc, release chan struct{}) {
	release = make(chan struct{})
	return func(ctx context.Context, on func(*model.Conversation), progress func(int64, int64)) (*model.Archive, error) {
		on(first)
		progress(1, 2)
		<-release
		on(rest)
		progress(2, 2)
		return a, nil
	}, release
}
