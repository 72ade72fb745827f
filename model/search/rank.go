package search

import (
	"math"
	"math/bits"
	"slices"
)

// The ranking rule is documented in the package comment (doc.go).

// hitStats counts a conversation's hits by where they lie.
type hitStats struct {
	title, user, other int
}

// Ranking weights (see the rule above).
const (
	titleTier  = 2_000_000
	userTier   = 1_000_000
	maxDensity = 999_999
	userWeight = 3
)

// score computes a Result's Score from its hit counts.
func score(st hitStats, textBytes int64) float64 {
	s := 0.0
	if st.title > 0 {
		s += titleTier
	}
	if st.user > 0 {
		s += userTier
	}
	kb := math.Max(float64(textBytes)/1024, 1)
	d := float64(userWeight*(st.title+st.user)+st.other) / kb
	return s + math.Min(d, maxDensity)
}

// compareMatches orders matches best first: by score, then recency, then
// index order (a total order, so any sort or merge gives the same ranking).
func compareMatches(a, b match) int {
	switch {
	case a.score > b.score:
		return -1
	case a.score < b.score:
		return 1
	case a.time > b.time:
		return -1
	case a.time < b.time:
		return 1
	}
	return int(a.ci - b.ci)
}

// rank orders matches by compareMatches and returns the first limit of
// them (all when limit ≤ 0). With a small limit it selects through a
// bounded heap instead of sorting every match.
func rank(ms []match, limit int) []match {
	cmp := compareMatches
	if limit <= 0 || len(ms) <= 4*limit {
		sortMatches(ms)
		if limit > 0 && len(ms) > limit {
			ms = ms[:limit]
		}
		return ms
	}
	// h is a heap of the best limit matches seen, worst at the root.
	worse := func(a, b match) bool { return cmp(a, b) > 0 }
	h := slices.Clone(ms[:limit])
	for i := len(h)/2 - 1; i >= 0; i-- {
		siftDown(h, i, worse)
	}
	for _, m := range ms[limit:] {
		if cmp(m, h[0]) < 0 {
			h[0] = m
			siftDown(h, 0, worse)
		}
	}
	slices.SortFunc(h, cmp)
	return h
}

// siftDown restores the heap property below i (root = "most worse").
func siftDown(h []match, i int, worse func(a, b match) bool) {
	for {
		l := 2*i + 1
		if l >= len(h) {
			return
		}
		c := l
		if r := l + 1; r < len(h) && worse(h[r], h[l]) {
			c = r
		}
		if !worse(h[c], h[i]) {
			return
		}
		h[i], h[c] = h[c], h[i]
		i = c
	}
}

// mergeRanked merges lists each ranked by compareMatches into one, keeping
// the first limit (all when limit ≤ 0), written over out[:0] (grown when
// it is too small). One list is returned as it is (cut to limit), not copied.
func mergeRanked(lists [][]match, limit int, out []match) []match {
	n := 0
	for _, l := range lists {
		n += len(l)
	}
	if limit > 0 {
		n = min(n, limit)
	}
	if len(lists) == 1 {
		return lists[0][:n]
	}
	out = slices.Grow(out[:0], n)
	for len(out) < n {
		best := -1
		for i, l := range lists {
			if len(l) > 0 && (best < 0 || compareMatches(l[0], lists[best][0]) < 0) {
				best = i
			}
		}
		out = append(out, lists[best][0])
		lists[best] = lists[best][1:]
	}
	return out
}

// before reports whether a ranks strictly before b (compareMatches < 0),
// small enough to inline in sortMatches.
func before(a, b *match) bool {
	if a.score != b.score {
		return a.score > b.score
	}
	if a.time != b.time {
		return a.time > b.time
	}
	return a.ci < b.ci
}

// sortMatches sorts ms by compareMatches. A common word ranks tens of
// thousands of matches per keystroke; a quicksort with the comparison
// inlined takes about half the time of slices.SortFunc. It recurses only
// into the smaller part (depth ≤ log2 n) and falls back to slices.SortFunc
// when partitions keep coming out lopsided.
func sortMatches(ms []match) {
	budget := 2 * bits.Len(uint(len(ms)))
	for len(ms) > 16 {
		if budget == 0 {
			slices.SortFunc(ms, compareMatches)
			return
		}
		budget--
		// Median of three as the pivot, moved to the end.
		a, b, c := 0, len(ms)/2, len(ms)-1
		if before(&ms[b], &ms[a]) {
			a, b = b, a
		}
		if before(&ms[c], &ms[b]) {
			b = c
			if before(&ms[b], &ms[a]) {
				b = a
			}
		}
		last := len(ms) - 1
		ms[b], ms[last] = ms[last], ms[b]
		p := ms[last]
		i := 0
		for j := range last {
			if before(&ms[j], &p) {
				ms[i], ms[j] = ms[j], ms[i]
				i++
			}
		}
		ms[i], ms[last] = ms[last], ms[i]
		if i < len(ms)-1-i {
			sortMatches(ms[:i])
			ms = ms[i+1:]
		} else {
			sortMatches(ms[i+1:])
			ms = ms[:i]
		}
	}
	for i := 1; i < len(ms); i++ { // insertion sort
		for j := i; j > 0 && before(&ms[j], &ms[j-1]); j-- {
			ms[j], ms[j-1] = ms[j-1], ms[j]
		}
	}
}
