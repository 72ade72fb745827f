package tui

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

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
// batchEvery and later ones less often, never more than maxBatchPeriod.
func TestBatchPeriodGrowsWithTheList(t *testing.T) {
	if got := batchPeriod(0); got != batchEvery {
		t.Errorf("first batch: %v, want %v", got, batchEvery)
	}
	prev := batchPeriod(0)
	for _, n := range []int64{5000, 20000, 40000, 1 << 40} {
		p := batchPeriod(n)
		if p < prev || p > maxBatchPeriod {
			t.Errorf("after %d conversations: %v (before: %v, cap %v)", n, p, prev, maxBatchPeriod)
		}
		prev = p
	}
	if batchPeriod(1<<40) != maxBatchPeriod {
		t.Errorf("a huge list: %v, want the cap %v", batchPeriod(1<<40), maxBatchPeriod)
	}
}

// TestLoadBatchesMoveTheViewerAtMostEverySecond checks the throttle of the
// viewer while a load runs: the first batch and a viewer showing nothing
// move it, later batches only once viewerEvery has passed, and the end of
// the load always.
func TestLoadBatchesMoveTheViewerAtMostEverySecond(t *testing.T) {
	s := newLoadStream()
	t0 := time.Unix(1_800_000_000, 0)
	steps := []struct {
		finished, showing bool
		at                time.Duration
		want              bool
	}{
		{false, false, 0, true},                       // nothing shown yet
		{false, true, 100 * time.Millisecond, false},  // too soon
		{false, false, 200 * time.Millisecond, true},  // the viewer is empty
		{false, true, 900 * time.Millisecond, false},  // 0.7 s after the last
		{false, true, 1200 * time.Millisecond, true},  // a second after it
		{false, true, 1300 * time.Millisecond, false}, // too soon again
		{true, true, 1400 * time.Millisecond, true},   // the load ended
	}
	for i, st := range steps {
		synced := false
		s.follow(st.finished, st.showing, t0.Add(st.at), func() tea.Cmd { synced = true; return nil })
		if synced != st.want {
			t.Errorf("step %d (at %v): synced %v, want %v", i, st.at, synced, st.want)
		}
	}
	var none *loadStream
	synced := false
	none.follow(false, true, t0, func() tea.Cmd { synced = true; return nil })
	if !synced {
		t.Error("a nil stream did not follow")
	}
}
