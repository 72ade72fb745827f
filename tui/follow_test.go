package tui

import (
	"math/rand/v2"
	"testing"
)

// followSlow is convList.follow as it was: the offset moved down a row at a
// time, the rows down to the cursor summed again each time.
func followSlow(rows []row, offset, cursor, height int) int {
	if cursor < offset {
		offset = cursor
	}
	if offset == cursor && offset > 0 && rows[offset-1].label != "" {
		offset--
	}
	for offset < cursor {
		h := 0
		for i := offset; i <= cursor && i < len(rows); i++ {
			h += rows[i].height()
		}
		if h <= height {
			break
		}
		offset++
	}
	return max(min(offset, len(rows)-1), 0)
}

// TestFollowKeepsTheCursorInViewInOneWalk: follow puts the offset where
// the row-by-row walk did, for labels and items in any order, any cursor,
// offset and height.
func TestFollowKeepsTheCursorInViewInOneWalk(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for range 2000 {
		n := 1 + r.IntN(60)
		rows := make([]row, n)
		for i := range rows {
			if r.IntN(4) == 0 {
				rows[i].label = "Today"
			}
		}
		l := &convList{rows: rows, height: 1 + r.IntN(20), offset: r.IntN(n), cursor: r.IntN(n)}
		want := followSlow(rows, l.offset, l.cursor, l.height)
		from := l.offset
		l.follow()
		if l.offset != want {
			t.Fatalf("rows %d, height %d, offset %d, cursor %d: offset %d, want %d", n, l.height, from, l.cursor, l.offset, want)
		}
	}
	// A cursor deep in a long list with the offset at the top (a filter
	// cleared with the selection pinned): the cursor's screen, at once.
	rows := make([]row, 200_000)
	l := &convList{rows: rows, height: 40, cursor: len(rows) - 1}
	l.follow()
	if l.offset != len(rows)-20 {
		t.Fatalf("offset %d, want %d", l.offset, len(rows)-20)
	}
}
