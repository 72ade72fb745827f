package search

import (
	"context"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/backchat/backchat/internal/testkit/msgkit"
	"github.com/backchat/backchat/model"
)

func TestPackedEnds(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 10000 {
		w := make([]byte, 1+r.IntN(16))
		for i := range w {
			w[i] = byte(1 + r.IntN(255))
		}
		var k [2]uint64
		for i, c := range w {
			k[i/8] |= uint64(c) << (8 * (i % 8))
		}
		pre, suf := packedEnds(k[0], k[1], len(w))
		if pre != prefix4(w) || suf != suffix4(w) {
			t.Fatalf("%q: packedEnds %08x %08x, want %08x %08x", w, pre, suf, prefix4(w), suffix4(w))
		}
	}
}

// phraseArchive holds phrases next to what must not match them: words
// split across fields, other separators, repeated words, CJK punctuation,
// folding, long words, hidden messages and titles.
func phraseArchive() *model.Archive {
	conv := func(id, title string, msgs ...*model.Message) *model.Conversation {
		c := &model.Conversation{ID: id, Title: title, Nodes: []model.Node{{Parent: model.NoNode}}}
		for i, m := range msgs {
			c.Nodes[i].SetChildren([]int32{int32(i + 1)})
			c.Nodes = append(c.Nodes, model.Node{Parent: int32(i), Msg: m})
		}
		return c
	}
	msg := func(role model.Role, texts ...string) *model.Message {
		m := msgkit.With(&model.Message{}, msgkit.Fields{Role: role})
		for _, s := range texts {
			m.Blocks = append(m.Blocks, model.Block{Kind: model.BlockText, Text: s})
		}
		return m
	}
	hidden := msg(model.RoleSystem, "the kubernetes cluster is secret")
	hidden.Visibility = model.Hidden
	long := strings.Repeat("qz", 100) // over maxWordLen
	return &model.Archive{Conversations: []*model.Conversation{
		conv("semi", "Spice", msg(model.RoleUser, "cardamom; memorable"), msg(model.RoleAssistant, "ok")),
		conv("space", "Spice", msg(model.RoleUser, "cardamom memorable, cardamom;memorable")),
		conv("split", "Split", msg(model.RoleUser, "about kubernetes", "cluster sizes"), msg(model.RoleAssistant, "kubernetes"), msg(model.RoleUser, "cluster")),
		conv("apart", "Apart", msg(model.RoleUser, "cluster of kubernetes nodes"), msg(model.RoleAssistant, "a cluster, kubernetes too")),
		conv("k8s", "K8s", msg(model.RoleUser, "my Kubernetes Clusters are down"), msg(model.RoleAssistant, "minikubernetes clustering")),
		conv("two", "Two", msg(model.RoleUser, "kubernetes  cluster and kubernetes\ncluster")),
		conv("title", "Kubernetes cluster notes", msg(model.RoleUser, "tell me"), msg(model.RoleAssistant, "nodes")),
		conv("hidden", "Setup", hidden, msg(model.RoleUser, "hello"), msg(model.RoleAssistant, "kubernetes is a cluster manager")),
		conv("repeat", "Rep", msg(model.RoleUser, "data data data"), msg(model.RoleAssistant, "big data, data lake")),
		conv("fox", "Fox", msg(model.RoleAssistant, "the quick brown fox jumps over the lazy dog")),
		conv("cjk", "旅行", msg(model.RoleUser, "东京到京都，新幹線で約二時間。請幫我訂票"), msg(model.RoleAssistant, "好的 京都 新幹線")),
		conv("fold", "Café", msg(model.RoleUser, "Café Crème brûlée, STRASSE Nummer"), msg(model.RoleAssistant, "cafe\u0301 noir; Straße nummer")),
		conv("long", "Blob", msg(model.RoleUser, "alpha "+long+" beta kubernetes cluster"), msg(model.RoleAssistant, long+"tail next")),
		conv("code", "Code", msg(model.RoleAssistant, "x := map[string]int{}\nfor k, v := range m {\n\tgpt-4o(k, v)\n}")),
	}}
}

func TestPhrasesMatchBruteForce(t *testing.T) {
	a := phraseArchive()
	queries := []string{
		`"cardamom; memorable"`, `"cardamom memorable"`, `"cardamom;memorable"`, `"cardamom, memorable"`,
		`"kubernetes cluster"`, `"kubernetes  cluster"`, `"kubernetes cluster sizes"`, `"about kubernetes cluster"`,
		`"ubernetes cluste"`, `"kubernetes clusters are"`, `"clusters are down"`, `"my kubernetes clusters are down"`,
		`"data data"`, `"data data data"`, `"data data data data"`, `"big data data"`, `"data, data"`,
		`"quick brown fox"`, `"brown fox jumps"`, `"quick fox"`, `"uick brown fo"`, `"the lazy"`, `"over the lazy dog"`,
		`"京都，新幹線"`, `"二時間。請幫"`, `"京都 新幹線"`, `"東京 京都"`,
		`"cafe creme"`, `"CAFÉ crème brulee"`, `"café noir"`, `"strasse nummer"`, `"creme brulee, strasse"`,
		`"beta kubernetes"`, `"tail next"`, `"qzqz tail"`, `"alpha qzqz"`,
		`role:user "kubernetes cluster"`, `role:assistant "kubernetes cluster"`, `title:"kubernetes cluster"`,
		`"is a cluster"`, `"a cluster"`, `"cluster manager"`, `kubernetes -"kubernetes cluster"`, `cluster -"cluster of"`,
		`"gpt-4o"`, `"range m"`, `"k, v"`, `"int{}"`, `"map[string]int"`, `"for k"`, `"kubernetes cluster" "data data"`,
	}
	for _, ix := range []*Index{BuildArchive(a), buildSmallShards(a)} {
		for _, qs := range queries {
			q, err := Parse(qs)
			if err != nil {
				t.Fatalf("Parse(%q): %v", qs, err)
			}
			for _, hidden := range []bool{false, true} {
				opt := Options{IncludeHidden: hidden}
				var want []string
				for _, c := range a.Conversations {
					if refMatch(c, q, opt) {
						want = append(want, c.ID)
					}
				}
				res, err := ix.Search(context.Background(), q, opt)
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, r := range res.Results {
					got = append(got, r.Conv.ID)
				}
				slices.Sort(got)
				slices.Sort(want)
				if !slices.Equal(got, want) {
					t.Errorf("%s (hidden %v): got %v, want %v", qs, hidden, got, want)
				}
				checkHits(t, qs, q, res)
				checkBrief(t, ix, qs, q, opt, res)
			}
		}
	}
}

// The pair filters rule out conversations that hold a phrase's words but
// not the phrase, before any text is read.
func TestPairFiltersRuleOut(t *testing.T) {
	a := phraseArchive()
	ix := BuildArchive(a)
	q, _ := Parse(`"kubernetes cluster"`)
	p := newPlan(ix, q, Options{})
	p.word = newWordPlan(p)
	if len(p.word.pairs) != 1 {
		t.Fatalf("%d pairs, want 1", len(p.word.pairs))
	}
	sh := ix.shards[0]
	acc := make([]wordAcc, sh.n)
	firsts := make([]int32, p.word.nfirst*int(sh.n))
	var ps pairScratch
	p.word.eval(sh, acc, firsts, &ps)
	admitted := map[string]bool{}
	for lc := range sh.n {
		admitted[ix.convs[sh.first+lc].ID] = acc[lc].pairs != 0
	}
	for _, id := range []string{"k8s", "title", "hidden", "long"} {
		if !admitted[id] {
			t.Errorf("%s: the pair filter lacks kubernetes·cluster", id)
		}
	}
	for _, id := range []string{"split", "apart", "two"} {
		if admitted[id] {
			t.Errorf("%s: the pair filter admits kubernetes·cluster (the words are not adjacent)", id)
		}
	}
}
