package search

import (
	"math"
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

// rank orders matches by score, then recency, then index order, and
// returns the first limit of them (all when limit ≤ 0). With a small limit
// it selects through a bounded heap instead of sorting every match.
func rank(ms []match, ix *Index, limit int) []match {
	cmp := func(a, b match) int {
		switch {
		case a.score > b.score:
			return -1
		case a.score < b.score:
			return 1
		}
		ta, tb := ix.meta[a.ci].time, ix.meta[b.ci].time
		switch {
		case ta > tb:
			return -1
		case ta < tb:
			return 1
		}
		return int(a.ci - b.ci)
	}
	if limit <= 0 || len(ms) <= 4*limit {
		slices.SortFunc(ms, cmp)
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
