package search

import (
	"maps"
	"math/bits"
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
		"kubernetes", "cluster", "Kubernetes Cluster", "ø", "o", " ", "  ", "é d", " é",
		".", "\n", "x", "kubernetes é cluster", "clusté"}
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
		fs.scanSegments(s, 0, &m, 0, func(_, off, n int) bool { got = append(got, hit{off, n}); return true })
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

// TestAddFieldTrigramsMatchFolding checks the builder's one-pass indexing
// of mixed text against the definition: the trigrams of Fold(s), in the
// conversation bitset and in the field's Bloom filter, and the field's
// ASCII and opaque bits.
func TestAddFieldTrigramsMatchFolding(t *testing.T) {
	pieces := []string{"data", "Data", " ", "—", "🙂", "⚠️", "\u0301", "é", "É", "ß", "\u212a", "\xff", "中文",
		"Σ", "æ", "```", "x", "Kubernetes"}
	r := rand.New(rand.NewPCG(3, 4))
	for range 5000 {
		var b strings.Builder
		for range r.IntN(10) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		s := b.String()
		sb := newShardBuilder()
		sb.beginConv(int64(len(s)))
		sb.addField(s, fieldRec{})
		rec := *sb.recs.at(0)
		wantBloom := make([]uint64, bloomBits(len(s))/64)
		logm := bits.Len(uint(len(wantBloom)*64)) - 1
		f := Fold(s)
		for i := 2; i < len(f); i++ {
			hv := hash64(uint32(f[i-2])<<16 | uint32(f[i-1])<<8 | uint32(f[i]))
			if len(wantBloom) > 0 {
				g := bloomBit(hv, logm)
				wantBloom[g>>6] |= 1 << (g & 63)
			}
		}
		var scratch []byte
		if got := fieldFilter(s, &scratch); !slices.Equal(got, wantBloom) && (len(got) > 0 || len(wantBloom) > 0) {
			t.Fatalf("%q: trigram bits differ from those of Fold", s)
		}
		// The words recorded are those of Fold(s), counted.
		wantWords := map[string]uint32{}
		long := false
		splitPieces(f, func(w string, _, _ bool) {
			if len(w) > maxWordLen {
				long = true
			} else {
				wantWords[w]++
			}
		})
		gotWords := map[string]uint32{}
		for _, id := range sb.wb.words {
			for _, n := range sb.wb.cur[id].counts {
				gotWords[string(sb.wb.word(id))] += uint32(n)
			}
		}
		if !maps.Equal(gotWords, wantWords) || sb.wb.long != long {
			t.Fatalf("%q: words %v (long %v), want %v (long %v)", s, gotWords, sb.wb.long, wantWords, long)
		}
		if got := rec.flags&recASCII != 0; got != isASCII(s) {
			t.Fatalf("%q: ASCII bit %v", s, got)
		}
		if _, opaque := appendFoldOpaque(nil, s); rec.flags&recOpaque != 0 != (opaque && !isASCII(s)) {
			t.Fatalf("%q: opaque bit %v, want %v", s, rec.flags&recOpaque != 0, opaque)
		}
		if sb.fence != strings.Contains(f, "```") {
			t.Fatalf("%q: fence %v", s, sb.fence)
		}
	}
}

// TestSortMatches checks the hand-written sort against slices.SortFunc,
// with many ties (equal scores and times) and sorted inputs.
func TestSortMatches(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{0, 1, 2, 17, 100, 1000, 20000} {
		for kind := range 4 {
			ms := make([]match, n)
			for i := range ms {
				ms[i] = match{ci: int32(i), score: float64(r.IntN(5)), time: int64(r.IntN(3))}
				if kind == 1 {
					ms[i].score = float64(n - i)
				}
				if kind == 2 {
					ms[i].score, ms[i].time = 1, 1
				}
			}
			if kind == 3 {
				r.Shuffle(n, func(i, j int) { ms[i], ms[j] = ms[j], ms[i] })
			}
			want := slices.Clone(ms)
			slices.SortFunc(want, compareMatches)
			sortMatches(ms)
			if !slices.Equal(ms, want) {
				t.Fatalf("n=%d kind=%d: order differs from slices.SortFunc", n, kind)
			}
		}
	}
}
