package tui

import (
	"context"
	"slices"
	"testing"

	"github.com/backchat/backchat/internal/testkit/searchcorpus"
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
		got, err := s.SearchWithin(ctx, convs, pr, next, SearchOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got.Convs, full.Convs) {
			t.Errorf("%q within %q: %d results, whole search %d", next, prev, len(got.Convs), len(full.Convs))
			continue
		}
		for k := range full.Convs {
			e, ok := full.excerpt(k)
			if g, gok := got.excerpt(k); gok != ok || g.Off != e.Off || g.at != e.at {
				t.Errorf("%q within %q: excerpt of result %d differs", next, prev, k)
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

func (s *subsetSpy) SearchWithin(ctx context.Context, convs []*model.Conversation, prev Results, q string, opt SearchOptions) (Results, error) {
	s.within++
	return s.IndexSearcher.SearchWithin(ctx, convs, prev, q, opt)
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

// TestMapResultsKeepsExcerptPositions: dropping a result keeps every other
// result's excerpt with it.
func TestMapResultsKeepsExcerptPositions(t *testing.T) {
	c := &model.Conversation{ID: "c"}
	// Located already (the locator's cache), so no index is needed.
	loc := &locator{got: map[int32]Excerpt{7: {Off: 3, conv: c}, 9: {Off: 2, conv: c}}}
	res := Results{Convs: []int{3, 1, 2}, at: []int32{7, -1, 9}, loc: loc}
	out := mapResults(res, func(i int) (int, bool) { return i * 10, i != 1 })
	if !slices.Equal(out.Convs, []int{30, 20}) {
		t.Fatalf("Convs %v", out.Convs)
	}
	if e, ok := out.excerpt(0); !ok || e.Off != 3 {
		t.Errorf("result 0: %+v %v", e, ok)
	}
	if e, ok := out.excerpt(1); !ok || e.Off != 2 {
		t.Errorf("result 1: %+v %v", e, ok)
	}
	if _, ok := res.excerpt(1); ok {
		t.Error("an empty entry is no excerpt")
	}
}
