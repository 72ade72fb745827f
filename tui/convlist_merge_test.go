package tui

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/backchat/backchat/model"
)

// TestMergeNewestIsTheSort checks that merging a sorted batch into the
// sorted list (what takeBatch does) gives the order sorting the whole list
// again gave, ties (equal times, equal ids, one conversation twice)
// included.
func TestMergeNewestIsTheSort(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	conv := func() *model.Conversation {
		c := &model.Conversation{ID: strconv.Itoa(r.IntN(5))}
		if r.IntN(4) > 0 {
			c.Updated = base.Add(time.Duration(r.IntN(6)) * time.Hour)
		}
		return c
	}
	for round := range 200 {
		var list []*model.Conversation
		for range r.IntN(40) {
			list = append(list, conv())
		}
		if len(list) > 0 && r.IntN(3) == 0 {
			list = append(list, list[r.IntN(len(list))]) // listed twice
		}
		model.SortNewestFirst(list)
		var batch []*model.Conversation
		for range r.IntN(20) {
			batch = append(batch, conv())
		}
		want := append(slices.Clone(list), batch...)
		model.SortNewestFirst(want)
		sorted := slices.Clone(batch)
		model.SortNewestFirst(sorted)
		if got := mergeNewest(list, sorted); !slices.Equal(got, want) {
			t.Fatalf("round %d: merge differs from the sort", round)
		}
	}
}

// TestBatchPeriodGrowsWithTheList checks that the first batches come every
// batchEvery and later ones less often, never more than 5× slower.
func TestBatchPeriodGrowsWithTheList(t *testing.T) {
	if got := batchPeriod(0); got != batchEvery {
		t.Errorf("first batch: %v, want %v", got, batchEvery)
	}
	prev := batchPeriod(0)
	for _, n := range []int64{5000, 20000, 40000, 1 << 40} {
		p := batchPeriod(n)
		if p < prev || p > 5*batchEvery {
			t.Errorf("after %d conversations: %v (before: %v, cap %v)", n, p, prev, 5*batchEvery)
		}
		prev = p
	}
	if batchPeriod(1<<40) != 5*batchEvery {
		t.Errorf("a huge list: %v, want the cap %v", batchPeriod(1<<40), 5*batchEvery)
	}
}
