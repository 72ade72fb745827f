package live

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/backchat/backchat/internal/testkit/searchcorpus"
	"github.com/backchat/backchat/model"
	"github.com/backchat/backchat/model/search"
)

// TestNewIndexedLater: a search started while the index loads waits for
// it and answers as NewIndexed's searcher does; Progress, Index and Add
// wait too (run with -race).
func TestNewIndexedLater(t *testing.T) {
	a := searchcorpus.Generate(searchcorpus.Options{TextBytes: 40 << 10, Seed: 7, ConvBytes: 1500})
	list := newestFirst(a.Conversations)
	ix := savedIndex(t, a)
	release := make(chan struct{})
	loaded := false
	later := NewIndexedLater(func() *search.Index {
		<-release
		loaded = true
		return ix
	})
	now := NewIndexed(ix)
	ctx := context.Background()
	type answer struct {
		res Results
		err error
	}
	answers := make(chan answer, 1)
	go func() {
		r, err := later.Search(ctx, list, "data", Options{})
		answers <- answer{r, err}
	}()
	select {
	case <-answers:
		t.Fatal("a search answered before the index was loaded")
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	got := <-answers
	if !loaded || got.err != nil {
		t.Fatalf("loaded %v, err %v", loaded, got.err)
	}
	for _, q := range []string{"data", `"the data"`, "role:user the", "x"} {
		want, err := now.Search(ctx, list, q, Options{})
		res, err2 := later.Search(ctx, list, q, Options{})
		if err != nil || err2 != nil || !slices.Equal(want.Convs, res.Convs) || want.Indexing != res.Indexing {
			t.Fatalf("%q: later %v (%v), at once %v (%v)", q, res.Convs, err2, want.Convs, err)
		}
	}
	if n, added := later.Progress(); n != ix.Len() || added != ix.Len() || later.Index() != ix {
		t.Fatalf("Progress %d/%d, want %d", n, added, ix.Len())
	}
	// A conversation added afterwards is searched with the loaded ones.
	extra := &model.Conversation{ID: "extra", Title: "zyzzyva", Nodes: []model.Node{{Parent: model.NoNode}}}
	later.Add(extra)
	later.Done()
	res, err := later.Search(ctx, append(slices.Clone(list), extra), "zyzzyva", Options{})
	if err != nil || len(res.Convs) != 1 {
		t.Fatalf("added conversation: %v %v", res.Convs, err)
	}
	if res, _ := later.Search(ctx, append(slices.Clone(list), extra), "data", Options{}); len(res.Convs) == 0 {
		t.Fatal("the loaded conversations were lost by the Add")
	}
}
