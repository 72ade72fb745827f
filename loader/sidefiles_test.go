package loader

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/backchat/backchat/model"
)

// sideConv is a small ChatGPT conversation whose answer has message id ans.
func sideConv(id, ans string) string {
	return `{"id":"` + id + `","title":"` + id + `","create_time":1700000000,"current_node":"` + ans + `","mapping":{
	 "r":{"id":"r","children":["q"]},
	 "q":{"id":"q","parent":"r","children":["` + ans + `"],"message":{"id":"q","author":{"role":"user"},"content":{"content_type":"text","parts":["question"]}}},
	 "` + ans + `":{"id":"` + ans + `","parent":"q","message":{"id":"` + ans + `","author":{"role":"assistant"},"recipient":"all","content":{"content_type":"text","parts":["answer"]}}}}}`
}

// The side files of a ChatGPT export are read into the model: the account,
// ratings (both spellings, the 2023 comment as a JSON string), shared
// links, answer comparisons (both shapes); an unknown data file is named
// once, bookkeeping files and media are not.
func TestSideFiles(t *testing.T) {
	files := map[string]string{
		"conversations.json": "[" + sideConv("c-1", "a-1") + "," + sideConv("c-2", "a-2") + "]",
		"user.json":          `{"id":"user-abc","email":"me@example.com","chatgpt_plus_user":true,"phone_number":"+1"}`,
		"message_feedback.json": `[{"id":"a-1","conversation_id":"c-1","rating":"thumbsUp","create_time":"2023-08-10T20:26:46.387313+00:00","content":"{\"text\": \"great\", \"tags\": [\"helpful\"]}"},
		  {"id":"a-2","conversation_id":"c2","rating":"thumbs_down","create_time":"2024-12-05T03:43:30.438745Z","content":{}},
		  {"id":"gone","conversation_id":"c-9","rating":"thumbsUp","content":"{}"}]`,
		"shared_conversations.json": `[{"id":"share-1","conversation_id":"c-2","title":"c-2","is_anonymous":true}]`,
		"model_comparisons.json": `[{"id":"x","input":{"prompt_convo":{"messages":[]},"conversation_id":"c-1"},"output":{"feedback_step_2":{"original_turn":[{"id":"o1"}],"new_turn":[{"id":"n1"}],"completion_comparison_rating":"new"}},"create_time":"2023-05-23T05:59:25.802926+00:00"},
		  {"message_id":"m","conversation_id":"c-1","original_message_id":"o0","new_message_id":"n0","rating":"original","create_time":"2023-01-12T16:58:51.090020Z"}]`,
		"shopping.json":           `[]`,
		"export_manifest.json":    `{}`,
		"c-1/audio/file_1.wav":    "RIFF",
		"dalle-generations/x.png": "png",
	}
	check := func(t *testing.T, root string, a *model.Archive) {
		t.Helper()
		// The rating of conversation c-9 (not in the export) is counted.
		if len(a.Warnings) != 2 || a.Warnings[0].File != root+"message_feedback.json" || a.Warnings[0].Reason != "1 rating for conversations not in this export (or not loaded); not shown" ||
			a.Warnings[1].File != root+"shopping.json" || a.Warnings[1].Reason != "not read: shopping.json (backchat does not use this file of the export)" {
			t.Errorf("warnings: %v", a.Warnings)
		}
		want := model.Account{Service: model.ServiceChatGPT, ID: "user-abc", Email: "me@example.com", Plan: "Plus", Source: root + "user.json"}
		if len(a.Accounts) != 1 || a.Accounts[0] != want {
			t.Errorf("accounts = %+v", a.Accounts)
		}
		c1, c2 := find(a, "c-1"), find(a, "c-2")
		ans1 := thread(c1)[1]
		if f := ans1.Feedback(); f == nil || f.Rating != model.FeedbackUp || f.Text != "great" || !slices.Equal(f.Tags, []string{"helpful"}) ||
			!f.Time.Equal(time.Date(2023, 8, 10, 20, 26, 46, 387313000, time.UTC)) {
			t.Errorf("c-1 feedback = %+v", ans1.Feedback())
		}
		if thread(c1)[0].Feedback() != nil {
			t.Error("the question got a rating")
		}
		// The conversation id without dashes (as some 2023 files write it) matches too.
		if f := thread(c2)[1].Feedback(); f == nil || f.Rating != model.FeedbackDown || f.Text != "" {
			t.Errorf("c-2 feedback = %+v", f)
		}
		if c1.Shared || !c2.Shared || c2.ShareID != "share-1" {
			t.Errorf("shared: c-1 %v, c-2 %v %q", c1.Shared, c2.Shared, c2.ShareID)
		}
		if len(c1.Comparisons) != 2 || c1.Comparisons[0].Preferred != "original" || c1.Comparisons[0].Original != "o0" ||
			c1.Comparisons[1].Preferred != "new" || c1.Comparisons[1].New != "n1" || c1.Comparisons[1].Time.Year() != 2023 || len(c2.Comparisons) != 0 {
			t.Errorf("comparisons: %+v / %+v", c1.Comparisons, c2.Comparisons)
		}
	}
	t.Run("folder", func(t *testing.T) {
		dir := t.TempDir()
		for n, s := range files {
			writeFile(t, dir, n, s)
		}
		check(t, dir+string(filepath.Separator), mustOpen(t, dir))
	})
	t.Run("zip", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "export.zip")
		writeZip(t, p, files)
		check(t, p+":", mustOpen(t, p))
	})
	t.Run("file", func(t *testing.T) {
		// A conversations.json given on its own: its neighbours' side files
		// are read, nothing else is named.
		dir := t.TempDir()
		for n, s := range files {
			writeFile(t, dir, n, s)
		}
		a := mustOpen(t, filepath.Join(dir, "conversations.json"))
		if len(a.Warnings) != 1 || !strings.HasPrefix(a.Warnings[0].Reason, "1 rating for conversations not in this export") || len(a.Accounts) != 1 || !find(a, "c-2").Shared {
			t.Errorf("warnings %v, accounts %v", a.Warnings, a.Accounts)
		}
	})
}

// Ratings whose conversation is not in the export, or whose message is not
// in its conversation, are counted and reported once per export.
func TestRatingsUnmatched(t *testing.T) {
	rating := func(msg, conv string) string {
		return `{"id":"` + msg + `","conversation_id":"` + conv + `","rating":"thumbsUp","content":{}}`
	}
	dir := t.TempDir()
	writeFile(t, dir, "conversations.json", "["+sideConv("c-1", "a-1")+","+sideConv("c-2", "a-2")+"]")
	writeFile(t, dir, "message_feedback.json", "["+strings.Join([]string{
		rating("a-1", "c-1"),                                             // shown
		rating("x-1", "c-7"), rating("x-2", "c-7"), rating("x-3", "c-8"), // no such conversation
		rating("nope", "c-2"), rating("a-1", "c-2"), // no such message in c-2
	}, ",")+"]")
	a := mustOpen(t, dir)
	if f := thread(find(a, "c-1"))[1].Feedback(); f == nil || f.Rating != model.FeedbackUp {
		t.Errorf("c-1 feedback = %+v", f)
	}
	if thread(find(a, "c-2"))[1].Feedback() != nil {
		t.Error("c-2 got a rating of c-1's message")
	}
	want := model.Warning{Kind: model.WarnData, File: filepath.Join(dir, "message_feedback.json"), Index: -1, Offset: -1,
		Reason: "3 ratings for conversations not in this export (or not loaded); 2 ratings for messages not in their conversation; not shown"}
	if len(a.Warnings) != 1 || a.Warnings[0] != want {
		t.Errorf("warnings: %v", a.Warnings)
	}
}

// A side file that is not what it should be is named with the reason; the
// conversations load.
func TestSideFileUnreadable(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "conversations.json", "["+sideConv("c-1", "a-1")+"]")
	writeFile(t, dir, "message_feedback.json", `{"oops":`)
	a := mustOpen(t, dir)
	if len(a.Conversations) != 1 || len(a.Warnings) != 1 || !strings.HasPrefix(a.Warnings[0].Reason, "not read: message_feedback.json: ") {
		t.Errorf("conversations %v, warnings %v", ids(a), a.Warnings)
	}
}

// The committed real 2023 side files (moralesresearch/chat-data, MIT):
// thumbsDown ratings with a comment written as a JSON string, and shared
// links, applied to conversations of those ids.
func TestSideFilesReal2023(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"message_feedback.json", "shared_conversations.json"} {
		b, err := os.ReadFile(filepath.Join("..", "testdata", "real", "moralesresearch-chat-data", n))
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, dir, n, string(b))
	}
	writeFile(t, dir, "conversations.json", "["+sideConv("deba1031-de6f-48bf-b5c0-64ad81ca6c44", "4997a000-80d2-4ce0-a2f0-76220bb53cd9")+","+
		sideConv("d9cd6599-8732-4a21-80aa-5deaec1fb62a", "5f72759e-1fca-4d78-91b3-8fa5aee214b6")+"]")
	a := mustOpen(t, dir)
	// The file rates two more messages of d9cd6599 than sideConv holds.
	if len(a.Warnings) != 1 || a.Warnings[0].Reason != "2 ratings for messages not in their conversation; not shown" {
		t.Errorf("warnings: %v", a.Warnings)
	}
	c := find(a, "deba1031-de6f-48bf-b5c0-64ad81ca6c44")
	if f := thread(c)[1].Feedback(); f == nil || f.Rating != model.FeedbackDown || !strings.HasPrefix(f.Text, "Somehow it can retrace") || !slices.Equal(f.Tags, []string{"not-helpful"}) {
		t.Errorf("feedback = %+v", f)
	}
	s := find(a, "d9cd6599-8732-4a21-80aa-5deaec1fb62a")
	if !s.Shared || s.ShareID != "458f67f6-eb7e-4652-a3c5-9857c80809df" || thread(s)[1].Feedback() == nil {
		t.Errorf("shared %v %q, feedback %+v", s.Shared, s.ShareID, thread(s)[1].Feedback())
	}
}

// FuzzSideFiles: no side file content makes the readers panic, and every
// rating read is attached only through apply.
func FuzzSideFiles(f *testing.F) {
	f.Add([]byte(`[{"id":"a","conversation_id":"c","rating":"thumbsUp","content":"{\"text\":\"x\",\"tags\":[\"t\"]}"}]`))
	f.Add([]byte(`{"users":[{"uuid":"u","full_name":"n"}]}`))
	f.Add([]byte(`[{"input":{"conversation_id":"c"},"output":{"feedback_step_2":{"new_turn":[{"id":"n"}]}}}]`))
	f.Add([]byte(`{"id":"user-1","chatgpt_plus_user":false}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		sd := &sideData{}
		_ = sd.account("f", b)
		_ = sd.feedbackFile("f", b)
		_ = sd.sharedFile("f", b)
		_ = sd.comparisonsFile("f", b)
		c := &model.Conversation{ID: "c", Nodes: []model.Node{{Key: "a", Parent: model.NoNode, Msg: &model.Message{ID: "a"}}}}
		sd.apply(c)
	})
}
