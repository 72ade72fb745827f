package search

import (
	"testing"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// TestFoldClassTable: the class table, built from the Unicode tables,
// holds for every rune of the BMP the class Fold's rules give it (the
// fold table's below tableSize, classOf's above).
func TestFoldClassTable(t *testing.T) {
	for r := range rune(classTableSize) {
		want := classOf(r)
		if r < tableSize {
			switch f := foldTable[r]; {
			case f == "":
				want = runeDropped
			case isASCIIFree(f):
				want = runeOpaque
			default:
				want = runeASCII
			}
		}
		if got := int(foldClass[r]); got != want {
			t.Fatalf("U+%04X: class %d, want %d", r, got, want)
		}
	}
}

// TestFoldTable: the fold table holds, for every rune below tableSize,
// what Fold's rules make of it worked out rune by rune: lower case,
// canonical decomposition, marks dropped, specialFold's letters.
func TestFoldTable(t *testing.T) {
	for r := range rune(tableSize) {
		want := ""
		if s, ok := specialFold[r]; ok {
			want = s
		} else if !unicode.Is(unicode.Mn, r) {
			for _, d := range norm.NFD.String(string(unicode.ToLower(r))) {
				if unicode.Is(unicode.Mn, d) {
					continue
				}
				if s, ok := specialFold[unicode.ToLower(d)]; ok {
					want += s
				} else {
					want += string(unicode.ToLower(d))
				}
			}
		}
		if foldTable[r] != want {
			t.Fatalf("U+%04X folds to %q, want %q", r, foldTable[r], want)
		}
	}
}
