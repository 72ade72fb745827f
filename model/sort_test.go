package model

import (
	"slices"
	"testing"
	"time"
)

func TestSortNewestFirst(t *testing.T) {
	day := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	conv := func(id string, created, updated time.Time) *Conversation {
		return &Conversation{ID: id, Created: created, Updated: updated}
	}
	undatedB := conv("b", time.Time{}, time.Time{})
	undatedA := conv("a", time.Time{}, time.Time{})
	createdOnly := conv("created", day.Add(time.Hour), time.Time{})
	tieZ := conv("z", day.Add(-time.Hour), day)
	tieM := conv("m", day.Add(-2*time.Hour), day)
	newest := conv("n", day, day.Add(48*time.Hour))
	// Read in an order that is none of the answers, twice over (a tie-break
	// by input order would give two different results).
	for _, in := range [][]*Conversation{
		{undatedB, tieZ, createdOnly, undatedA, newest, tieM},
		{tieM, undatedA, newest, tieZ, undatedB, createdOnly},
	} {
		got := slices.Clone(in)
		SortNewestFirst(got)
		var ids []string
		for _, c := range got {
			ids = append(ids, c.ID)
		}
		want := []string{"n", "created", "m", "z", "a", "b"}
		if !slices.Equal(ids, want) {
			t.Errorf("SortNewestFirst(%v) = %v, want %v", idsOf(in), ids, want)
		}
	}
	if Newer(tieM, tieM) != 0 {
		t.Error("Newer(c, c) != 0")
	}
}

func idsOf(cs []*Conversation) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.ID)
	}
	return out
}
