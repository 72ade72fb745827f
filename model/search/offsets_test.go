package search

import (
	"context"
	"reflect"
	"runtime"
	"testing"

	"github.com/backchat/backchat/internal/testkit/searchcorpus"
	"github.com/backchat/backchat/internal/testkit/treesrc"
	"github.com/backchat/backchat/model"
)

// TestOffsetsHoldNoTree: a builder keeping offsets (SetTextOffsets) over
// conversations whose trees are decoded on demand lets each tree go as
// soon as its conversation is indexed, not when its shard is done (the
// browser's compacted load: two shards of 16 MB of decoded trees held at
// once were 1.10× a 250 MB export's peak RSS), and answers as an index
// over the trees themselves does.
func TestOffsetsHoldNoTree(t *testing.T) {
	a := searchcorpus.Generate(searchcorpus.Options{TextBytes: 120 << 10, Seed: 4, ConvBytes: 3000})
	lazy := &model.Archive{}
	var srcs []*treesrc.Decoded
	for i, c := range a.Conversations {
		src := treesrc.New(c.Tree())
		if i > 0 {
			// Indexing this conversation starts with its Load: by then
			// the previous one's tree must be collectable.
			prev := srcs[i-1]
			src.Before = func() {
				runtime.GC()
				runtime.GC()
				if k := prev.Held(); k > 0 {
					t.Errorf("conversation %d: %d decoded trees of the one indexed before still held", i, k)
				}
			}
		}
		srcs = append(srcs, src)
		lc := &model.Conversation{ID: c.ID, Title: c.Title, Created: c.Created, Updated: c.Updated, Current: c.Current}
		lc.SetTreeSource(src)
		lc.SetTreeCounts(c.VisibleCount(), c.BranchPoints())
		lc.ReleaseTreeWhenUnused()
		lazy.Conversations = append(lazy.Conversations, lc)
	}
	b := NewBuilder()
	b.SetTextOffsets(true)
	b.shardText = 1 << 30 // one shard: the trees must go before it is done
	for _, c := range lazy.Conversations {
		b.Add(c)
	}
	ix := b.Build()
	runtime.GC()
	held := 0
	for _, s := range srcs {
		held += s.Held()
	}
	if held > 0 {
		t.Errorf("%d decoded trees held by the built index", held)
	}
	ref := BuildArchive(a)
	for _, qs := range []string{"the", `"data table"`, "needle000007zq", "role:user value"} {
		q, _ := Parse(qs)
		opt := Options{SnippetWidth: 60}
		got, gerr := ix.Search(context.Background(), q, opt)
		want, werr := ref.Search(context.Background(), q, opt)
		if gerr != nil || werr != nil || got.Total != want.Total || len(got.Results) != len(want.Results) {
			t.Fatalf("%q: %d results (%v), want %d (%v)", qs, got.Total, gerr, want.Total, werr)
		}
		for k := range want.Results {
			g, w := got.Results[k], want.Results[k]
			if g.Conv.ID != w.Conv.ID || g.Snippet != w.Snippet || !reflect.DeepEqual(g.Hits, w.Hits) {
				t.Errorf("%q: result %d: %s %q, want %s %q", qs, k, g.Conv.ID, g.Snippet, w.Conv.ID, w.Snippet)
			}
		}
	}
}
