package tui

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/backchat/backchat/model"
)

// TestDateGrouperRemembersSpans: a grouper that reuses the last month or
// year it labelled labels every time as a fresh one does, in order newest
// first (how lists ask) and in any order, in zones with daylight saving
// (midnights that do not exist or happen twice).
func TestDateGrouperRemembersSpans(t *testing.T) {
	zones := []*time.Location{time.UTC, time.FixedZone("", -9*3600-1800)}
	for _, name := range []string{"America/Sao_Paulo", "Europe/Berlin", "America/Havana", "Australia/Lord_Howe"} {
		if loc, err := time.LoadLocation(name); err == nil {
			zones = append(zones, loc)
		} else {
			t.Logf("%s: %v", name, err)
		}
	}
	rng := rand.New(rand.NewPCG(4, 2))
	for _, loc := range zones {
		for _, now := range []time.Time{
			time.Date(2026, 12, 3, 18, 0, 0, 0, loc), time.Date(2026, 1, 2, 0, 30, 0, 0, loc),
			time.Date(2018, 11, 4, 12, 0, 0, 0, loc), time.Date(2026, 3, 29, 2, 30, 0, 0, loc),
		} {
			var ts []time.Time
			for range 3000 {
				ts = append(ts, now.Add(-time.Duration(rng.Int64N(int64(4*365*24*time.Hour)))).Round(time.Minute))
			}
			// Around midnights of month starts, where spans begin.
			for m := range 40 {
				first := time.Date(now.Year()-2, time.Month(1+m), 1, 0, 0, 0, 0, loc)
				for _, d := range []time.Duration{-time.Hour - time.Nanosecond, -time.Nanosecond, 0, time.Nanosecond, time.Hour} {
					ts = append(ts, first.Add(d))
				}
			}
			ts = append(ts, time.Time{}, now, now.Add(time.Hour))
			sorted := slices.Clone(ts)
			slices.SortFunc(sorted, func(a, b time.Time) int { return b.Compare(a) })
			for _, order := range [][]time.Time{sorted, ts} {
				g := newDateGrouper(now)
				for _, tm := range order {
					if got, want := g.group(tm), newDateGrouper(now).group(tm); got != want {
						t.Fatalf("%s, now %v: %v labelled %q, want %q", loc, now, tm, got, want)
					}
				}
			}
		}
	}
}

// TestListCountsWhenShown: the list of a complete archive counts a
// conversation's messages when its row is first drawn, not before, and
// shows the count a walk of its thread gives.
func TestListCountsWhenShown(t *testing.T) {
	a := &model.Archive{}
	when := testNow.Add(-time.Hour)
	for i := range 200 {
		var msgs []tm
		for k := range 1 + i%5 {
			msgs = append(msgs, tm{role: model.RoleUser, text: fmt.Sprint("message ", k)})
		}
		a.Conversations = append(a.Conversations, buildConv(fmt.Sprint("c", i), fmt.Sprint("title ", i), when.Add(-time.Duration(i)*time.Minute), msgs...))
	}
	m := New(Options{Archive: a, Width: 120, Height: 40, Now: fixedNow})
	m.View()
	if n := len(m.list.counts); n == 0 || n > 40 {
		t.Fatalf("%d conversations counted for one screen of rows", n)
	}
	for c, n := range m.list.counts {
		if n != c.VisibleCount() {
			t.Fatalf("%s: counted %d, has %d", c.ID, n, c.VisibleCount())
		}
	}
	m.list.bottom()
	m.View()
	last := m.list.all[len(m.list.all)-1]
	if n, ok := m.list.counts[last]; !ok || n != last.VisibleCount() {
		t.Fatalf("the last conversation, drawn, counted %d (%v), has %d", n, ok, last.VisibleCount())
	}
}
