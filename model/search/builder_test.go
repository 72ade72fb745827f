package search

import (
	"context"
	"slices"
	"sync"
	"testing"

	"github.com/backchat/backchat/internal/testkit/searchcorpus"
)

// TestBuilderConcurrent adds conversations from several goroutines while
// taking snapshots, then checks the final index answers like one built
// sequentially, and that a snapshot only covers what it claims.
func TestBuilderConcurrent(t *testing.T) {
	a := searchcorpus.Generate(searchcorpus.Options{TextBytes: 200 << 10, Seed: 9, ConvBytes: 2000})
	b := NewBuilder()
	b.shardText = 16 << 10
	var wg sync.WaitGroup
	const workers = 4
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(a.Conversations); i += workers {
				b.Add(a.Conversations[i])
			}
		}()
	}
	q, _ := Parse("the")
	for range 5 { // snapshots while adding
		snap := b.Build()
		r, err := snap.Search(context.Background(), q, Options{})
		if err != nil || r.Total > snap.Len() {
			t.Fatalf("snapshot: %v, %d results of %d conversations", err, r.Total, snap.Len())
		}
	}
	wg.Wait()
	ix := b.Build()
	if ix.Len() != len(a.Conversations) {
		t.Fatalf("indexed %d of %d", ix.Len(), len(a.Conversations))
	}
	ref := BuildArchive(a)
	for _, qs := range []string{"the", `"data table"`, "needle000007zq", "-the", "role:user value"} {
		q, _ := Parse(qs)
		ids := func(ix *Index) []string {
			r, err := ix.Search(context.Background(), q, Options{})
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, x := range r.Results {
				out = append(out, x.Conv.ID)
			}
			slices.Sort(out)
			return out
		}
		if got, want := ids(ix), ids(ref); !slices.Equal(got, want) {
			t.Errorf("%q: concurrent build finds %d, sequential %d", qs, len(got), len(want))
		}
	}
}

// TestFirstShardsGrow: the first shard is sealed at firstShardText, each
// next one at twice the one before, up to the shard size, so the first
// partial answer after a load needs little indexing; the index answers as
// one built in one piece.
func TestFirstShardsGrow(t *testing.T) {
	a := searchcorpus.Generate(searchcorpus.Options{TextBytes: 40 << 20, Seed: 3, ConvBytes: 64 << 10})
	b := NewBuilder()
	b.Hold(true) // only sealing is looked at
	var sizes []int64
	var text int64
	for _, c := range a.Conversations {
		b.Add(c)
		text += textSize(c)
		if len(b.queue) > len(sizes) {
			sizes = append(sizes, text)
			text = 0
		}
	}
	if len(sizes) < 5 {
		t.Fatalf("%d shards sealed: the test is too weak", len(sizes))
	}
	for i, n := range sizes {
		want := min(int64(defaultShardText), int64(firstShardText)<<i)
		if n < want || n > want+256<<10 {
			t.Errorf("shard %d: %d bytes of text, want %d (and at most one conversation more)", i, n, want)
		}
	}
	b.Hold(false)
	got := b.Build()
	want := BuildArchive(a)
	q, _ := Parse("the data")
	r1, err1 := got.Search(context.Background(), q, Options{})
	r2, err2 := want.Search(context.Background(), q, Options{})
	if err1 != nil || err2 != nil || r1.Total != r2.Total || r1.Total == 0 {
		t.Fatalf("grown shards answer %d (%v), one build %d (%v)", r1.Total, err1, r2.Total, err2)
	}
}
