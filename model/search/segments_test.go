package search

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestScanSegmentsMatchesFolding checks that searching an ASCII term
// segment by segment (scanSegments) reports exactly the matches, in the
// same order and with the same ranges, as folding the whole text does.
func TestScanSegmentsMatchesFolding(t *testing.T) {
	pieces := []string{"data", "Data", "DATA", "da", "ta", "a", "t", " ", "—", "🙂", "⚠️", "\u0301",
		"é", "É", "café", "ß", "Straße", "ss", "\u212a", "k", "K", "\xff", "中文", "Σ", "æ", "ae", "d\u0301ata",
		"kubernetes", "cluster", "Kubernetes Cluster", "ø", "o", " ", "  ", "é d", " é"}
	terms := []string{"data", "a", "ta", "ss", "k", "ae", "cafe", "kubernetes cluster", "o", "es", "s", "a d", "e c", "t "}
	r := rand.New(rand.NewPCG(1, 2))
	var fs fieldScanner
	opaqueSeen := 0
	defer func() {
		if opaqueSeen < 100 {
			t.Errorf("only %d opaque texts generated", opaqueSeen)
		}
	}()
	for range 20000 {
		var b strings.Builder
		for range 1 + r.IntN(12) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		s := b.String()
		m := newMatcher(terms[r.IntN(len(terms))])
		type hit struct{ off, n int }
		var got, want []hit
		fs.scanSegments(s, &m, 0, func(_, off, n int) bool { got = append(got, hit{off, n}); return true })
		var ref fieldScanner
		ref.fold = appendFold(nil, s, &ref.src)
		ref.src = append(ref.src, int32(len(s)))
		ref.scanFolded(0, &m, 0, func(_, off, n int) bool { want = append(want, hit{off, n}); return true })
		if !slices.Equal(got, want) {
			t.Fatalf("%q in %q: segments %v, folding %v", m.folded, s, got, want)
		}
		f, opaque := appendFoldOpaque(nil, s)
		if string(f) != Fold(s) {
			t.Fatalf("appendFoldOpaque(%q) = %q, Fold %q", s, f, Fold(s))
		}
		if opaque {
			opaqueSeen++
			var raw []hit
			scanASCII(s, 0, &m, 0, func(_, off, n int) bool { raw = append(raw, hit{off, n}); return true })
			if !slices.Equal(raw, want) {
				t.Fatalf("%q in opaque %q: in place %v, folding %v", m.folded, s, raw, want)
			}
		}
	}
}

// TestLower8 checks the eight-bytes-at-a-time lower-casing on every ASCII byte.
func TestLower8(t *testing.T) {
	for c := range 128 {
		x := uint64(c) * lanes
		want := uint64(asciiLower[c]) * lanes
		if got := lower8(x); got != want {
			t.Fatalf("lower8(%#x) = %#x, want %#x", c, got, want)
		}
	}
	if got, want := Fold("Hello, WORLD — Ça Va? ABCXYZ@[`{"), "hello, world — ca va? abcxyz@[`{"; got != want {
		t.Fatalf("Fold = %q, want %q", got, want)
	}
}

// TestMatcherRanges checks that Matcher reports original-text ranges with
// Search's folding.
func TestMatcherRanges(t *testing.T) {
	for _, c := range []struct {
		term, text string
		want       [][2]int
	}{
		{"cafe", "Un CAFÉ, un café, une cafetière", [][2]int{{3, 8}, {13, 18}, {24, 28}}},
		{"Straße", "die strasse und die STRASSE", [][2]int{{4, 11}, {20, 27}}},
		{"data", "DATA — data🙂data", [][2]int{{0, 4}, {9, 13}, {17, 21}}},
		{"привет", "Привет, ПРИВЕТ", [][2]int{{0, 12}, {14, 26}}},
		{"x", "no match here", nil},
		{"\u0301", "anything", nil},
	} {
		got := NewMatcher(c.term).AppendRanges(nil, c.text)
		if !slices.Equal(got, c.want) {
			t.Errorf("%q in %q: %v, want %v", c.term, c.text, got, c.want)
		}
	}
}
