package search

// Matcher finds one term in any text exactly as Search matches it: case-
// and accent-insensitively (see Fold), reporting byte ranges of the
// ORIGINAL text, so "cafe" yields the range of "Café" (5 bytes, not 4). A
// viewer uses it to highlight what the search found.
//
// Not safe for concurrent use (it keeps folding scratch space); cheap to
// create.
type Matcher struct {
	m  matcher
	fs fieldScanner
}

// NewMatcher returns a Matcher for term (folded with Fold; a term that
// folds to "" matches nothing).
func NewMatcher(term string) *Matcher {
	return &Matcher{m: newMatcher(Fold(term))}
}

// AppendRanges appends to dst the byte ranges [start, end) in s of the
// non-overlapping matches of the term, in text order.
func (mt *Matcher) AppendRanges(dst [][2]int, s string) [][2]int {
	if mt.m.folded == "" {
		return dst
	}
	kind := uint8(0)
	if isASCII(s) {
		kind = recASCII
	}
	mt.fs.scan(s, kind, nil, []matcher{mt.m}, []int{0}, func(_, off, n int) bool {
		dst = append(dst, [2]int{off, off + n})
		return true
	})
	return dst
}
