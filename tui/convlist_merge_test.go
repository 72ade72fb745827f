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
