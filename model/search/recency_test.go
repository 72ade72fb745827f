package search

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/backchat/backchat/model"
)

// TestByRecencyIsTheListOrder: the index's recency order is
// model.SortNewestFirst's, ties (broken by ID), unknown and pre-1970 times
// included, whatever order conversations were added in.
func TestByRecencyIsTheListOrder(t *testing.T) {
	base := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	var cs []*model.Conversation
	for i, when := range []time.Time{base, base, base.Add(time.Hour), {}, time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC), base.Add(-time.Hour), {}, base} {
		cs = append(cs, &model.Conversation{ID: fmt.Sprintf("c-%d", (i*5)%8), Created: when})
	}
	b := NewBuilder()
	for _, c := range cs {
		b.Add(c)
	}
	ix := b.Build()
	var got []*model.Conversation
	for _, i := range ix.byRecency {
		got = append(got, ix.convs[i])
	}
	want := slices.Clone(cs)
	model.SortNewestFirst(want)
	if !slices.Equal(got, want) {
		for k := range got {
			t.Logf("%d: got %s %v, want %s %v", k, got[k].ID, got[k].SortTime(), want[k].ID, want[k].SortTime())
		}
		t.Fatal("byRecency is not the newest-first order")
	}
}
