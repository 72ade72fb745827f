package model

import (
	"slices"
	"strings"
)

// Newer orders conversations newest first, the one order every list of
// conversations uses (the loader's archive, the browser's list, `backchat
// ls`): by SortTime, latest first, so conversations without any time come
// last; equal times by ID, ascending, so the order does not depend on the
// order the conversations were read in. It returns a negative number when x
// comes before y, as slices.SortFunc expects.
func Newer(x, y *Conversation) int {
	if c := y.SortTime().Compare(x.SortTime()); c != 0 {
		return c
	}
	return strings.Compare(x.ID, y.ID)
}

// SortNewestFirst sorts cs in place by Newer. It is stable: conversations
// with the same time and ID (one conversation listed twice) keep their order.
func SortNewestFirst(cs []*Conversation) {
	slices.SortStableFunc(cs, Newer)
}
