package tui

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/backchat/backchat/internal/testkit/msgkit"
	"github.com/backchat/backchat/model"
)

// hiddenForkConv is a thread of pairs questions and answers where every
// question has a hidden sibling with a shown reply (an edit whose first
// message the export hides): a fork per question that [ and ] reach.
func hiddenForkConv(pairs int) *model.Conversation {
	u, a := model.RoleUser, model.RoleAssistant
	msgs := make([]tm, 0, 2*pairs)
	for i := range pairs {
		msgs = append(msgs, tm{role: u, text: fmt.Sprintf("question %d", i)}, tm{role: a, text: fmt.Sprintf("answer %d", i)})
	}
	c := buildConv("c-hidden-forks", "Hidden forks", testNow.Add(-time.Hour), msgs...)
	for q := int32(1); q < int32(2*pairs); q += 2 {
		h := addBranch(c, q, "hidden edit", -time.Second) // older: the thread shown stays
		c.Nodes[h].Msg.Visibility = model.Hidden
		r := int32(len(c.Nodes))
		c.Nodes = append(c.Nodes, model.Node{Key: fmt.Sprintf("r%d", r), Parent: h,
			Msg: msgkit.With(msgkit.With(&model.Message{ID: fmt.Sprintf("r%d", r), Blocks: []model.Block{{Kind: model.BlockText, Text: "reply"}}}, msgkit.Fields{Role: a}), msgkit.Fields{Time: c.Nodes[h].Msg.Time()})})
		c.Nodes[h].AddChild(r)
	}
	return c
}

// rebuildBytes is what one rebuild of the viewer on c (at its middle)
// allocates, averaged over a few.
func rebuildBytes(t *testing.T, c *model.Conversation) uint64 {
	m := newIndexTest(t, &model.Archive{Conversations: []*model.Conversation{c}}, 80, 24)
	press(t, m, "enter")
	v := m.view
	i := len(v.thread) / 2
	if c.Nodes[v.thread[i]].Msg.Role() != model.RoleUser {
		i++
	}
	mid := v.thread[i]
	v.rebuild(mid)
	if got := v.branchLabel(v.threadIndex(mid)); got == "" {
		t.Fatalf("question %d has no ‹k/N› mark", mid)
	}
	const runs = 5
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for range runs {
		v.rebuild(mid)
	}
	runtime.ReadMemStats(&after)
	return (after.TotalAlloc - before.TotalAlloc) / runs
}

// TestHiddenForksCostTheConversationOnce: the viewer lays out a window of
// a conversation's thread; each forked message in it counts the siblings
// [ and ] reach (a hidden one only when its branch shows a message). That
// check walks the sibling's own branch, not a path from the root (with a
// mark of the whole conversation each): a rebuild of the same window costs
// about the same in a conversation four times as long.
func TestHiddenForksCostTheConversationOnce(t *testing.T) {
	small := rebuildBytes(t, hiddenForkConv(2000))
	big := rebuildBytes(t, hiddenForkConv(8000))
	t.Logf("rebuild allocates %d bytes at 2,000 pairs, %d at 8,000", small, big)
	if big > 2*small {
		t.Errorf("a rebuild allocates %d bytes at 8,000 pairs, %d at 2,000: it grows with the conversation", big, small)
	}
}
