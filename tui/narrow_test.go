package tui

import (
	"context"
	"slices"
	"testing"

	"github.com/backchat/backchat/internal/searchcorpus"
	"github.com/backchat/backchat/model"
)

// TestIndexSearcherNarrowedEqualsFull types queries on, letter by letter
// and word by word, and checks that searching within the last answer (as
// the filter does when Narrows holds) gives exactly the whole search.
func TestIndexSearcherNarrowedEqualsFull(t *testing.T) {
	a := searchcorpus.Generate(searchcorpus.Options{TextBytes: 200 << 10, Seed: 5, Unicode: true, ConvBytes: 1500})
	s := NewArchiveSearcher(a)
	convs := slices.Clone(a.Conversations)
	sortNewest(convs)
	ctx := context.Background()
	typed := []string{"dat", "data", "data b", "data ba", "data -x", "data -x model:gpt", "data -x model:gpt-4o",
		"the", "the role:user", "the role:user after:2024"}
	narrowed := 0
	for i := 1; i < len(typed); i++ {
		prev, next := typed[i-1], typed[i]
		pr, err := s.SearchWith(ctx, convs, prev, SearchOptions{})
		if err != nil {
			t.Fatal(err)
		}
		full, err := s.SearchWith(ctx, convs, next, SearchOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if !s.Narrows(prev, next) {
			continue
		}
		narrowed++
		got, err := s.SearchWithin(ctx, convs, pr.Convs, next, SearchOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got.Convs, full.Convs) || len(got.Excerpts) != len(full.Excerpts) {
			t.Errorf("%q within %q: %d results, whole search %d", next, prev, len(got.Convs), len(full.Convs))
		}
		for j, e := range full.Excerpts {
			if g := got.Excerpts[j]; g.Off != e.Off || g.at != e.at {
				t.Errorf("%q within %q: excerpt of %d differs", next, prev, j)
			}
		}
	}
	if narrowed < 6 {
		t.Errorf("only %d of the typed steps narrowed", narrowed)
	}
	if s.Narrows("data -x", "data") || s.Narrows(`"unclosed`, "data") || s.Narrows("data", "data role:user") {
		t.Error("Narrows holds where the match set can grow")
	}
}

// subsetSpy records whether the filter used SearchWithin.
type subsetSpy struct {
	*IndexSearcher
	within int
}

func (s *subsetSpy) SearchWithin(ctx context.Context, convs []*model.Conversation, within []int, q string, opt SearchOptions) (Results, error) {
	s.within++
	return s.IndexSearcher.SearchWithin(ctx, convs, within, q, opt)
}

// TestFilterSearchesWithinLastAnswer: a query typed on from the last
// answered one is searched within that answer.
func TestFilterSearchesWithinLastAnswer(t *testing.T) {
	a := searchcorpus.Generate(searchcorpus.Options{TextBytes: 60 << 10, Seed: 2, ConvBytes: 1500})
	spy := &subsetSpy{IndexSearcher: NewArchiveSearcher(a)}
	convs := slices.Clone(a.Conversations)
	var f filter
	apply := func(q string) {
		f.query = q
		msg := f.run(spy, convs, SearchOptions{})().(searchMsg)
		if msg.err != nil {
			t.Fatal(msg.err)
		}
		f.res, f.resConvs = &msg.res, convs
	}
	apply("the")
	if spy.within != 0 {
		t.Fatal("first query searched within nothing")
	}
	apply("ther")
	if spy.within != 1 {
		t.Fatalf("narrowing query: SearchWithin called %d times, want 1", spy.within)
	}
	apply("the")
	if spy.within != 1 {
		t.Fatal("a wider query was searched within the last answer")
	}
}
