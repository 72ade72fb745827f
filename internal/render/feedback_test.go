package render

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/backchat/backchat/internal/testkit/msgkit"
	"github.com/backchat/backchat/model"
)

// feedbackConv: a question, a rated answer, and a merged continuation part.
func feedbackConv() *model.Conversation {
	at := time.Date(2023, 8, 10, 20, 26, 0, 0, time.UTC)
	return &model.Conversation{ID: "c", Title: "t", Service: model.ServiceChatGPT, Shared: true, ShareID: "s1", Current: 3, Nodes: []model.Node{
		model.Node{Key: "r", Parent: model.NoNode}.WithChildren([]int32{1}),
		model.Node{Key: "q", Parent: 0, Msg: msgkit.With(msgkit.With(&model.Message{ID: "q", Blocks: []model.Block{{Kind: model.BlockText, Text: "question"}}}, msgkit.Fields{Role: model.RoleUser}), msgkit.Fields{Time: at})}.WithChildren([]int32{2}),
		model.Node{Key: "a", Parent: 1, Msg: msgkit.With(msgkit.With(&model.Message{ID: "a", Blocks: []model.Block{{Kind: model.BlockText, Text: "answer, continued"}},
			Extra: &model.MessageExtra{Feedback: &model.Feedback{Rating: model.FeedbackDown, Text: "too\nlong", Tags: []string{"not-helpful"}, Time: at}}}, msgkit.Fields{Role: model.RoleAssistant}), msgkit.Fields{Recipient: "all", Time: at})}.WithChildren([]int32{3}),
		{Key: "a2", Parent: 2, Msg: msgkit.With(msgkit.With(&model.Message{ID: "a2", Visibility: model.Hidden, Continuation: true,
			Blocks: []model.Block{{Kind: model.BlockText, Text: ", continued"}}}, msgkit.Fields{Role: model.RoleAssistant}), msgkit.Fields{Recipient: "all", Time: at})},
	}}
}

// A rated message carries its rating in the text, Markdown and on screen
// (Body); JSON has the rating, the share and the continuation mark.
func TestFeedbackShown(t *testing.T) {
	c := feedbackConv()
	const want = "👎 You rated this answer down: “too long” (not-helpful)"
	var text bytes.Buffer
	if err := Text(&text, c, Options{Location: time.UTC}); err != nil {
		t.Fatal(err)
	}
	if strings.Count(text.String(), want) != 1 {
		t.Errorf("text lacks the rating once:\n%s", text.String())
	}
	if !strings.Contains(Body(c.Nodes[2].Msg), want) || strings.Contains(Body(c.Nodes[1].Msg), "rated") {
		t.Errorf("body: %q / %q", Body(c.Nodes[2].Msg), Body(c.Nodes[1].Msg))
	}
	if got := FeedbackLine(&model.Feedback{Rating: model.FeedbackUp}); got != "👍 You rated this answer up" {
		t.Errorf("up = %q", got)
	}
	var js bytes.Buffer
	if err := JSON(&js, c, Options{All: true}); err != nil {
		t.Fatal(err)
	}
	var out ConversationJSON
	if err := json.Unmarshal(js.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	if !out.Shared || out.ShareID != "s1" || len(out.Messages) != 3 {
		t.Fatalf("json: %s", js.String())
	}
	if f := out.Messages[1].Feedback; f == nil || f.Rating != "down" || f.Text != "too\nlong" || f.Time == nil || out.Messages[1].Continuation {
		t.Errorf("answer json = %+v", out.Messages[1])
	}
	if !out.Messages[2].Continuation || out.Messages[2].Feedback != nil {
		t.Errorf("continuation json = %+v", out.Messages[2])
	}
}
