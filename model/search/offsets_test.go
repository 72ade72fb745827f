package search

import (
	"context"
	"reflect"
	"testing"

	"github.com/backchat/backchat/internal/testkit/searchcorpus"
	"github.com/backchat/backchat/internal/testkit/treesrc"
)

// TestOffsetsHoldNoTree: a builder keeping offsets (SetTextOffsets) over
// conversations whose trees are decoded on demand lets each tree go as
// soon as its conversation is indexed, not when its shard is done (the
// browser's compacted load: two shards of 16 MB of decoded trees held at
// once were 1.10× a 250 MB export's peak RSS), and answers as an index
// over the trees themselves does.
func TestOffsetsHoldNoTree(t *testing.T) {
	a := searchcorpus.Generate(searchcorpus.Options{TextBytes: 120 << 10, Seed: 4, ConvBytes: 3000})
	lazy, srcs := treesrc.Lazy(a)
	for i := 1; i < len(srcs); i++ {
		// Indexing a conversation starts with its Load: by then the
		// previous one's tree must be collectable.
		prev := srcs[i-1 : i]
		srcs[i].Before = func() {
			if k := treesrc.Held(prev); k > 0 {
				t.Errorf("conversation %d: %d decoded trees of the one indexed before still held", i, k)
			}
		}
	}
	b := NewBuilder()
	b.SetTextOffsets(true)
	b.shardText = 1 << 30 // one shard: the trees must go before it is done
	for _, c := range lazy.Conversations {
		b.Add(c)
	}
	ix := b.Build()
	if held := treesrc.Held(srcs); held > 0 {
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
