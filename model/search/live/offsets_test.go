package live

import (
	"context"
	"testing"

	"github.com/backchat/backchat/internal/testkit/searchcorpus"
	"github.com/backchat/backchat/internal/testkit/treesrc"
)

// TestOffsetsSurviveRebuild: a searcher made by NewOffsets keeps offsets
// in every index it builds, the one Loaded rebuilds for several exports
// and Reindex's included: no decoded tree of a compacted conversation
// stays held by it (one keeping pointers held them all: the browser's
// memory over two exports was their whole decoded text again).
func TestOffsetsSurviveRebuild(t *testing.T) {
	a := searchcorpus.Generate(searchcorpus.Options{TextBytes: 60 << 10, Seed: 8, ConvBytes: 2000})
	a.Sources = []string{"a.zip", "b.zip"}
	lazy, srcs := treesrc.Lazy(a)
	want := NewArchive(a)
	check := func(step string, s *Searcher) {
		s.Index()
		if k := treesrc.Held(srcs); k > 0 {
			t.Errorf("%s: %d decoded trees held", step, k)
		}
		for _, q := range []string{"the", `"data table"`, "value"} {
			g, gerr := s.Search(context.Background(), lazy.Conversations, q, Options{})
			w, werr := want.Search(context.Background(), a.Conversations, q, Options{})
			if gerr != nil || werr != nil || len(g.Convs) != len(w.Convs) || (q == "the" && len(g.Convs) == 0) {
				t.Errorf("%s: %q: %d results (%v), want %d (%v)", step, q, len(g.Convs), gerr, len(w.Convs), werr)
			}
		}
	}
	s := NewOffsets()
	for _, c := range lazy.Conversations {
		s.Add(c)
	}
	s.Loaded(lazy) // two sources: rebuilt
	check("Loaded", s)
	s.Reindex(lazy.Conversations)
	check("Reindex", s)
}
