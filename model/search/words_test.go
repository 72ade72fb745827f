package search

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/backchat/backchat/internal/testkit/msgkit"
	"github.com/backchat/backchat/model"
)

// wordsArchive has conversations whose matches the word postings must
// decide exactly: words inside words, CJK clauses, long words, roles,
// hidden messages and titles.
func wordsArchive() *model.Archive {
	conv := func(id, title string, msgs ...*model.Message) *model.Conversation {
		c := &model.Conversation{ID: id, Title: title, Nodes: []model.Node{{Parent: model.NoNode}}}
		for i, m := range msgs {
			c.Nodes[i].SetChildren([]int32{int32(i + 1)})
			c.Nodes = append(c.Nodes, model.Node{Parent: int32(i), Msg: m})
		}
		return c
	}
	msg := func(role model.Role, text string) *model.Message {
		return msgkit.With(&model.Message{Blocks: []model.Block{{Kind: model.BlockText, Text: text}}}, msgkit.Fields{Role: role})
	}
	hidden := msg(model.RoleSystem, "secret walrus instructions")
	hidden.Visibility = model.Hidden
	long := strings.Repeat("qz", 100) // 200 bytes: over maxWordLen
	return &model.Archive{Conversations: []*model.Conversation{
		conv("meta", "Notes", msg(model.RoleUser, "Where is the METADATA stored?"), msg(model.RoleAssistant, "In the database.")),
		conv("cjk", "旅行", msg(model.RoleUser, "东京到京都，新幹線で約二時間。請幫我訂票"), msg(model.RoleAssistant, "好的")),
		conv("long", "Blob", msg(model.RoleUser, "see "+long+"walrusdata"+long), msg(model.RoleAssistant, "ok")),
		conv("hidden", "Setup", hidden, msg(model.RoleUser, "hello there"), msg(model.RoleAssistant, "general kenobi")),
		conv("title", "Walrus facts", msg(model.RoleUser, "tell me more"), msg(model.RoleAssistant, "they are large")),
		conv("answer", "Zoo", msg(model.RoleUser, "animals?"), msg(model.RoleAssistant, "a walrus, a seal; kubernetes-cluster")),
		conv("phrase", "K8s", msg(model.RoleUser, "my kubernetes cluster is down"), msg(model.RoleAssistant, "check the kubelet")),
		conv("order", "Order", msg(model.RoleUser, "cluster of kubernetes nodes; then a kubernetes cluster"), msg(model.RoleAssistant, "cluster kubernetes")),
	}}
}

func TestWordPostingsDecideExactly(t *testing.T) {
	a := wordsArchive()
	ix := BuildArchive(a)
	longs := 0
	for _, sh := range ix.shards {
		longs += len(sh.words.long)
	}
	if longs != 1 {
		t.Fatalf("%d conversations with a long word, want 1", longs)
	}
	cases := []struct {
		q      string
		hidden bool
		want   []string
	}{
		{"data", false, []string{"long", "meta"}}, // inside metadata, database and a long word
		{"metadata", false, []string{"meta"}},
		{"-data walrus", false, []string{"answer", "title"}},
		{"walrus", false, []string{"answer", "long", "title"}},
		{"walrus", true, []string{"answer", "hidden", "long", "title"}},
		{"role:user walrus", false, []string{"long"}},
		{"role:assistant walrus", false, []string{"answer"}},
		{"title:walrus", false, []string{"title"}},
		{"-title:walrus walrus", false, []string{"answer", "long"}},
		{"京都", false, []string{"cjk"}},
		{"二時間", false, []string{"cjk"}},
		{"京都，新幹線", false, []string{"cjk"}}, // across CJK punctuation: verified
		{"，新", false, []string{"cjk"}},
		{"，", false, []string{"cjk"}},
		{`"kubernetes cluster"`, false, []string{"order", "phrase"}}, // after earlier "cluster … kubernetes"
		{`"cluster kubernetes"`, false, []string{"order"}},           // only in the second message
		{`"cluster of kubernetes"`, false, []string{"order"}},
		{"kubernetes-cluster", false, []string{"answer"}},
		{`"s clu"`, false, []string{"order", "phrase"}},
		{`"netes-clus"`, false, []string{"answer"}},
		{"kube -kubelet", false, []string{"answer", "order"}},
		{"qzqz", false, []string{"long"}},
		{"walrus k", false, []string{"answer", "long"}}, // a one-letter term is verified
		{"walrus -k", false, []string{"title"}},
		{"kubernetes c", false, []string{"answer", "order", "phrase"}},
		{"zebra", false, nil},
	}
	for _, c := range cases {
		q, err := Parse(c.q)
		if err != nil {
			t.Fatal(err)
		}
		opt := Options{IncludeHidden: c.hidden}
		var want []string
		for _, cv := range a.Conversations {
			if refMatch(cv, q, opt) {
				want = append(want, cv.ID)
			}
		}
		slices.Sort(want)
		if !slices.Equal(want, c.want) {
			t.Fatalf("%q: the reference gives %v, the test expects %v", c.q, want, c.want)
		}
		rk, err := ix.Rank(context.Background(), q, opt)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, n := range rk.Index {
			got = append(got, ix.Conversation(int(n)).ID)
		}
		slices.Sort(got)
		if !slices.Equal(got, c.want) {
			t.Errorf("%q (hidden %v): got %v, want %v", c.q, c.hidden, got, c.want)
		}
	}
}

func TestWordCountsRank(t *testing.T) {
	ix := BuildArchive(wordsArchive())
	q, _ := Parse("walrus")
	res, err := ix.Search(context.Background(), q, Options{Brief: true})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range res.Results {
		ids = append(ids, r.Conv.ID)
	}
	// Title hit first, then the user's message (the long word's
	// conversation, read from its text), then the answer.
	if !slices.Equal(ids, []string{"title", "long", "answer"}) {
		t.Fatalf("ranking %v", ids)
	}
	if r := res.Results[0]; r.HitCount != 1 || r.BodyHits != 0 || r.Located {
		t.Errorf("title: %d hits, %d in the body, located %v", r.HitCount, r.BodyHits, r.Located)
	}
	if r := res.Results[2]; r.HitCount != 1 || r.BodyHits != 1 || r.Capped {
		t.Errorf("answer: %d hits, %d in the body, capped %v", r.HitCount, r.BodyHits, r.Capped)
	}
	l, ok, err := ix.Locate(context.Background(), res.Results[2].Index, q, Options{})
	if err != nil || !ok || Text(l.Conv, l.Best)[l.Best.Off:l.Best.Off+l.Best.Len] != "walrus" {
		t.Fatalf("Locate: %+v %v %v", l.Best, ok, err)
	}
	if _, ok, _ := ix.Locate(context.Background(), 0, q, Options{}); ok {
		t.Error("Locate of a conversation that does not match")
	}
}

func TestSplitPieces(t *testing.T) {
	type piece struct {
		w           string
		left, right bool
	}
	for _, c := range []struct {
		in   string
		want []piece
	}{
		{"data", []piece{{"data", false, false}}},
		{"kubernetes cluster", []piece{{"kubernetes", false, true}, {"cluster", true, false}}},
		{" x.y ", []piece{{"x", true, true}, {"y", true, true}}},
		{"c++", []piece{{"c", false, true}}},
		{"->", nil},
		{"京都，新幹線", []piece{{"京都", false, true}, {"新幹線", true, false}}},
		{"ｆｕｌｌ１２３", []piece{{"ｆｕｌｌ１２３", false, false}}},
	} {
		var got []piece
		splitPieces(c.in, func(w string, l, r bool) { got = append(got, piece{w, l, r}) })
		if !slices.Equal(got, c.want) {
			t.Errorf("%q: %v, want %v", c.in, got, c.want)
		}
	}
}

// A phrase ranks in the title tier only when the phrase itself, not just
// its longest word, is in the title.
func TestPhraseTitleTier(t *testing.T) {
	conv := func(id, title, text string) *model.Conversation {
		return &model.Conversation{ID: id, Title: title, Nodes: []model.Node{model.Node{Parent: model.NoNode}.WithChildren([]int32{1}),
			{Parent: 0, Msg: msgkit.With(&model.Message{Blocks: []model.Block{{Kind: model.BlockText, Text: text}}}, msgkit.Fields{Role: model.RoleAssistant})}}}
	}
	ix := BuildArchive(&model.Archive{Conversations: []*model.Conversation{
		conv("word", "Kubernetes notes", "your kubernetes cluster is fine"),
		conv("phrase", "Kubernetes cluster setup", "it is fine"),
	}})
	q, _ := Parse(`"kubernetes cluster"`)
	rk, err := ix.Search(context.Background(), q, Options{Brief: true})
	if err != nil || len(rk.Results) != 2 {
		t.Fatalf("%d results, err %v", len(rk.Results), err)
	}
	if r := rk.Results[0]; r.Conv.ID != "phrase" || r.Score < titleTier {
		t.Errorf("first %s (score %.0f), want the title match in the title tier", r.Conv.ID, r.Score)
	}
	if r := rk.Results[1]; r.Score >= titleTier {
		t.Errorf("%s: title tier (score %.0f) without the phrase in its title", r.Conv.ID, r.Score)
	}
}
