package render

import (
	"testing"

	"github.com/backchat/backchat/internal/testkit/msgkit"
	"github.com/backchat/backchat/model"
)

func TestEmptyReason(t *testing.T) {
	msg := func(v model.Visibility) *model.Message {
		return msgkit.With(&model.Message{Visibility: v}, msgkit.Fields{Role: model.RoleUser})
	}
	conv := func(id string, ms ...*model.Message) *model.Conversation {
		c := &model.Conversation{ID: id, Current: model.NoNode}
		c.Nodes = append(c.Nodes, model.Node{Parent: model.NoNode})
		for i, m := range ms {
			c.Nodes[i].SetChildren([]int32{int32(i + 1)})
			c.Nodes = append(c.Nodes, model.Node{Parent: int32(i), Msg: m})
			c.Current = int32(i + 1)
		}
		return c
	}
	reasons := WarningReasons([]model.Warning{{ID: "warned", Reason: "no message found in it\x1b[1m"}, {ID: "warned", Reason: "second"}})
	for _, tc := range []struct {
		c    *model.Conversation
		want string
	}{
		{conv("shown", msg(model.Shown)), ""},
		{conv("folded", msg(model.Hidden), msg(model.Folded)), ""},
		{conv("hidden", msg(model.Hidden), msg(model.Hidden)), "all messages hidden"},
		{conv("none"), "no messages"},
		{conv("warned"), "no message found in it␛[1m"},
	} {
		if got := EmptyReason(tc.c, reasons); got != tc.want {
			t.Errorf("EmptyReason(%s) = %q, want %q", tc.c.ID, got, tc.want)
		}
	}
}
