package tui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/backchat/backchat/model"
)

// TestEmptyConversationSaysSo: a conversation listed with no message opens
// to a line saying so and the reason of the load's warning about it, not a
// blank body; one whose messages are all hidden says H shows them.
func TestEmptyConversationSaysSo(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {200, 50}} {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			empty := &model.Conversation{ID: "conv-empty", Title: "Nothing here", Created: testNow.Add(-time.Hour),
				Updated: testNow.Add(-time.Hour), Current: model.NoNode, Service: model.ServiceChatGPT}
			a := &model.Archive{Conversations: []*model.Conversation{empty}, Warnings: []model.Warning{
				{Kind: model.WarnData, File: "conversations.json", Index: 0, Offset: 1, ID: "conv-other", Reason: "not this one"},
				{Kind: model.WarnData, File: "conversations.json", Index: 1, Offset: 1, ID: "conv-empty", Reason: "no message found in it (read as ChatGPT)"},
			}}
			m := newIndexTest(t, a, sz[0], sz[1])
			if s := screen(m); !strings.Contains(s, "0 msgs ⚠") {
				t.Fatalf("the list does not mark the empty conversation:\n%s", s)
			}
			press(t, m, "enter")
			s := screen(m)
			if !strings.Contains(s, "This conversation has no messages.") || !strings.Contains(s, "Load warning: no message found in it") {
				t.Fatalf("an empty conversation does not say why it is empty:\n%s", s)
			}
			if strings.Contains(s, "not this one") {
				t.Fatalf("another conversation's warning shown:\n%s", s)
			}
			golden.RequireEqual(t, s)
		})
	}
	c := buildConv("c-all-hidden", "All hidden", testNow.Add(-time.Hour), tm{role: model.RoleSystem, text: "system prompt", vis: model.Hidden})
	m := newIndexTest(t, &model.Archive{Conversations: []*model.Conversation{c}}, 80, 24)
	if s := screen(m); !strings.Contains(s, "0 msgs (hidden)") {
		t.Fatalf("the list does not mark the conversation of hidden messages:\n%s", s)
	}
	press(t, m, "enter")
	if s := screen(m); !strings.Contains(s, "Its messages are all hidden: H shows them.") {
		t.Fatalf("a conversation of hidden messages does not say so:\n%s", s)
	}
	press(t, m, "H")
	if s := screen(m); strings.Contains(s, "all hidden") || !strings.Contains(s, "system prompt") {
		t.Fatalf("with H the note stays or the message does not show:\n%s", s)
	}
}

// TestEmptyConversationGetsItsReasonWhenTheLoadEnds: an empty conversation
// previewed while the archive streams in says it has no messages; the
// warnings come with the end of the load, and its note then gives their
// reason without another key.
func TestEmptyConversationGetsItsReasonWhenTheLoadEnds(t *testing.T) {
	empty := &model.Conversation{ID: "conv-empty", Title: "Nothing here", Created: testNow.Add(-time.Hour),
		Updated: testNow.Add(-time.Hour), Current: model.NoNode, Service: model.ServiceChatGPT}
	older := buildConv("c-old", "Older", testNow.Add(-48*time.Hour), tm{role: model.RoleUser, text: "hi"})
	a := &model.Archive{Conversations: []*model.Conversation{empty, older}, Warnings: []model.Warning{
		{Kind: model.WarnData, File: "conversations.json", Index: 0, Offset: 1, ID: "conv-empty", Reason: "no message found in it (read as ChatGPT)"},
	}}
	load, release := heldLoad(a, empty, older)
	m := New(Options{Theme: "dark", Width: 80, Height: 24, Now: fixedNow, Load: load})
	first, ok := m.Init()().(loadBatchMsg)
	if !ok || first.finished {
		t.Fatalf("first batch: %#v", first)
	}
	_, cmd := m.Update(first)
	settleRenders(t, m, cmd)
	if m.view.conv != empty {
		t.Fatal("the empty conversation is not previewed while loading")
	}
	if s := screen(m); !strings.Contains(s, "This conversation has no messages.") || strings.Contains(s, "Load warning") {
		t.Fatalf("while loading:\n%s", s)
	}
	close(release)
	run(t, m, waitBatchCmd(m.stream))
	if m.loading {
		t.Fatal("still loading")
	}
	if s := screen(m); !strings.Contains(s, "Load warning: no message found in it") {
		t.Fatalf("the end of the load did not give the empty conversation its reason:\n%s", s)
	}
}
