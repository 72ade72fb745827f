package search

import (
	"context"
	"testing"

	"github.com/backchat/backchat/internal/testkit/searchcorpus"
	"github.com/backchat/backchat/model"
)

// lazyCopies returns copies of convs whose trees come from a lazy
// source (as a snapshot's do), counting each decode in *decoded.
func lazyCopies(convs []*model.Conversation, decoded *int) []*model.Conversation {
	lazy := make([]*model.Conversation, len(convs))
	for i, c := range convs {
		l := *c
		nodes := c.Nodes
		l.Nodes = nil
		l.SetLazyTree(func() ([]model.Node, error) { *decoded++; return nodes, nil })
		lazy[i] = &l
	}
	return lazy
}

// loadedLazily builds a's index, saves it and loads it again over lazy
// copies of a's conversations (lazyCopies), which count their decodes in
// *decoded.
func loadedLazily(t *testing.T, a *model.Archive) (built, loaded *Index, decoded *int) {
	t.Helper()
	built = BuildArchive(a)
	data, ar := saveIndex(t, built)
	decoded = new(int)
	loaded, err := LoadIndex(data, lazyCopies(a.Conversations, decoded), ar.at)
	if err != nil {
		t.Fatal(err)
	}
	return built, loaded, decoded
}

// TestHitTextIsText: for every hit of a few queries, HitText gives what
// Text gives, on a built index and on a loaded one, and the loaded one
// decodes no tree to give it.
func TestHitTextIsText(t *testing.T) {
	a := searchcorpus.Generate(searchcorpus.Options{TextBytes: 60 << 10, Seed: 3, Unicode: true, ConvBytes: 1500})
	ix, lx, decoded := loadedLazily(t, a)
	checked := 0
	for _, qs := range []string{"data", "the", "kube", "café", "role:user the", `"the data"`} {
		q, err := Parse(qs)
		if err != nil {
			t.Fatal(err)
		}
		res, err := ix.Search(context.Background(), q, Options{MaxHits: 20})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range res.Results {
			c := a.Conversations[r.Index]
			for _, h := range append(r.Hits, r.Best, r.Excerpt) {
				if h.Node == noHit {
					continue
				}
				want := Text(c, h)
				for name, x := range map[string]*Index{"built": ix, "loaded": lx} {
					got, ok := x.HitText(r.Index, h)
					if !ok || got != want {
						t.Fatalf("%q, %s index, conversation %d, hit %+v: HitText %q, %v; Text %q", qs, name, r.Index, h, got, ok, want)
					}
				}
				checked++
			}
		}
	}
	if checked < 50 {
		t.Fatalf("%d hits checked: the test covers little", checked)
	}
	if *decoded != 0 {
		t.Fatalf("the loaded index decoded %d trees for HitText", *decoded)
	}
	if _, ok := lx.HitText(0, Hit{Node: 1 << 20, Field: FieldText}); ok {
		t.Fatal("a field the conversation does not have has a text")
	}
	if _, ok := lx.HitText(len(a.Conversations), Hit{}); ok {
		t.Fatal("a conversation out of range has a text")
	}
}
