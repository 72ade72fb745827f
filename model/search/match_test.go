package search

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestMatcherASCII checks the ASCII matchers against strings.Index on
// lower-cased text, at every offset and near both ends of the text.
func TestMatcherASCII(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	const alphabet = "aAbB \n[{@`zZ"
	rnd := func(n int) string {
		var b strings.Builder
		for range n {
			b.WriteByte(alphabet[r.IntN(len(alphabet))])
		}
		return b.String()
	}
	for range 3000 {
		s := rnd(r.IntN(40))
		needle := Fold(rnd(1 + r.IntN(4)))
		if r.IntN(3) == 0 && len(s) > 2 { // make sure it occurs
			i := r.IntN(len(s) - 1)
			needle = Fold(s[i : i+1+r.IntN(len(s)-i-1)])
		}
		if needle == "" {
			continue
		}
		m := newMatcher(needle)
		lower := strings.ToLower(s)
		for from := 0; from <= len(s); from++ {
			want := strings.Index(lower[from:], needle)
			if want >= 0 {
				want += from
			}
			var got int
			if len(needle) >= 2 {
				got = m.indexPair(s, from)
			} else {
				up := -1
				got = m.indexASCII(s, from, &up)
			}
			if got != want {
				t.Fatalf("find %q in %q from %d: got %d, want %d", needle, s, from, got, want)
			}
		}
	}
}
