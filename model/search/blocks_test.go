package search

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestScanBlocksMatchesScanASCII checks that scanning only the blocks whose
// filter admits a term finds exactly the matches of a whole scan, from any
// start, including matches that straddle block boundaries.
func TestScanBlocksMatchesScanASCII(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 9))
	words := []string{"data", "Data", "DATA", "kube", "kubernetes", "cluster", "the", "a", "zebra", "onion", "x", "  ", "\n"}
	collect := func(f func(hit func(t, off, n int) bool) bool) [][2]int {
		var out [][2]int
		f(func(_, off, n int) bool { out = append(out, [2]int{off, n}); return true })
		return out
	}
	for iter := range 300 {
		var b strings.Builder
		size := minBlockField + r.IntN(6*blockBytes)
		for b.Len() < size {
			if r.IntN(50) == 0 { // a long run without any word: blocks to skip
				b.WriteString(strings.Repeat("q", r.IntN(2*blockBytes)))
			}
			b.WriteString(words[r.IntN(len(words))])
			b.WriteByte(" .-"[r.IntN(3)])
		}
		s := b.String()
		nb := blockCount(len(s))
		blocks := addBlockFilters(nil, s, nb)
		if len(blocks) != nb*blockWords {
			t.Fatalf("%d block words, want %d", len(blocks), nb*blockWords)
		}
		var term string
		switch iter % 3 {
		case 0:
			term = Fold(words[r.IntN(len(words))] + " " + words[r.IntN(len(words))])
		case 1:
			i := r.IntN(len(s) - maxBlockTerm)
			term = Fold(s[i : i+3+r.IntN(maxBlockTerm-2)]) // occurs, any length up to the limit
		default:
			term = Fold(words[r.IntN(len(words))])
		}
		if len(term) < 3 || len(term) > maxBlockTerm {
			continue
		}
		m := newMatcher(term)
		from := 0
		if r.IntN(2) == 0 {
			from = r.IntN(len(s))
		}
		want := collect(func(hit func(t, off, n int) bool) bool { return scanASCII(s[from:], from, &m, 0, hit) })
		got := collect(func(hit func(t, off, n int) bool) bool { return scanBlocks(s, from, blocks, &m, 0, hit) })
		if !slices.Equal(got, want) {
			t.Fatalf("term %q from %d in %d bytes: blocks found %v, whole scan %v", term, from, len(s), got, want)
		}
	}
}

// TestScanBlocksSkips checks that a term absent from most blocks is looked
// for in few of them (the filters are not all-ones).
func TestScanBlocksSkips(t *testing.T) {
	s := strings.Repeat("lorem ipsum dolor sit amet, consectetur adipiscing elit. ", 200) + "kubernetes cluster"
	blocks := addBlockFilters(nil, s, blockCount(len(s)))
	m := newMatcher("kubernetes cluster")
	admitted := 0
	for b := range len(blocks) / blockWords {
		if blockMay(blocks, b, m.keys) {
			admitted++
		}
	}
	if admitted != 1 {
		t.Errorf("%d of %d blocks admit the phrase, want only the last", admitted, len(blocks)/blockWords)
	}
}

// TestBlockFiltersExact checks, on random long fields of ASCII letters
// mixed with runes of every folding class, that a scan with the field's
// block filters finds exactly what a scan without them finds, for terms
// taken across block boundaries.
func TestBlockFiltersExact(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	pieces := []string{"é", "É", "ß", "\u0301", "’", "—", "中文", "😀", "\xff", "K", "İ"}
	for iter := range 1500 {
		var b strings.Builder
		size := minBlockField + r.IntN(4*blockBytes)
		mix := iter % 4 // 0: ASCII only; otherwise some runes
		for b.Len() < size {
			switch c := r.IntN(40); {
			case mix > 0 && r.IntN(300*mix) == 0: // some blocks with, some without
				b.WriteString(pieces[r.IntN(len(pieces))])
			case c < 8:
				b.WriteByte(' ')
			default:
				b.WriteByte("abcdefghijklmnopqrstuvwxyzABCDE"[r.IntN(31)])
			}
		}
		s := b.String()
		kind := uint8(0)
		if isASCII(s) {
			kind = recASCII
		} else if _, opaque := appendFoldOpaque(nil, s); opaque {
			kind = recOpaque
		}
		nb := blockCount(len(s))
		blocks := addBlockFilters(nil, s, nb)
		if kind == 0 {
			markFoldBlocks(blocks, s)
		}
		// A term around a block boundary, or anywhere, folded.
		i := r.IntN(len(s))
		if r.IntN(2) == 0 {
			i = max(r.IntN(nb)*blockBytes-r.IntN(maxBlockTerm), 0)
		}
		j := min(i+3+r.IntN(maxBlockTerm), len(s))
		term := Fold(strings.ToValidUTF8(s[i:j], ""))
		if len(term) < 3 || len(term) > maxBlockTerm {
			continue
		}
		if r.IntN(4) == 0 {
			term = term[:len(term)-1] + "q" // likely absent
		}
		m := newMatcher(term)
		var fs fieldScanner
		run := func(bl []uint64) (out [][2]int) {
			fs.scan(s, kind, bl, []matcher{m}, []int{0}, func(_, off, n int) bool {
				out = append(out, [2]int{off, n})
				return true
			})
			return out
		}
		want, got := run(nil), run(blocks)
		if !slices.Equal(got, want) {
			t.Fatalf("term %q (kind %d, %d bytes): with block filters %v, without %v", term, kind, len(s), got, want)
		}
	}
}

// TestSegmentBlocksStraddle: a match that starts at the last byte of the
// last admitting block of a run and ends in a block that admits nothing is
// found in a field with runes that fold to ASCII.
func TestSegmentBlocksStraddle(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 13))
	var b strings.Builder
	b.WriteString("café ")
	for b.Len() < 4*blockBytes {
		b.WriteByte("fghijmopqvwxyz "[r.IntN(15)])
	}
	s := []byte(b.String())
	at := 2*blockBytes - 1
	copy(s[at:], "Kubernetes")
	blocks := addBlockFilters(nil, string(s), blockCount(len(s)))
	markFoldBlocks(blocks, string(s))
	m := newMatcher("kubernetes")
	if blockMay(blocks, 2, m.keys) || !blockMay(blocks, 1, m.keys) {
		t.Fatal("test text does not set up the straddling case")
	}
	var fs fieldScanner
	var got []int
	fs.scan(string(s), 0, blocks, []matcher{m}, []int{0}, func(_, off, _ int) bool { got = append(got, off); return true })
	if !slices.Equal(got, []int{at}) {
		t.Errorf("matches at %v, want [%d]", got, at)
	}
}
