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
