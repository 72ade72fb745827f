package search

import (
	"encoding/binary"
	"math/bits"
	"slices"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"golang.org/x/text/unicode/norm"
)

// Folding is what makes search case- and accent-insensitive. Both the index
// and the matcher compare folded bytes, so they must fold identically; this
// file is the single definition.

// tableSize bounds the precomputed fold table: runes below it fold by
// lookup, the rest by unicode.ToLower plus a Mn check.
const tableSize = 0x2000

// foldTable[r] is the folded UTF-8 of rune r (< tableSize); "" means the
// rune is dropped (a combining mark).
var foldTable = buildFoldTable()

// asciiLower maps ASCII bytes to lower case; the hot path of folding.
var asciiLower = func() (t [128]byte) {
	for i := range t {
		b := byte(i)
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		t[i] = b
	}
	return t
}()

// specialFold lists the letters NFD does not decompose but that a reader
// considers an accented or joined form of Latin/Greek letters.
var specialFold = map[rune]string{
	'ß': "ss", 'ẞ': "ss", 'æ': "ae", 'Æ': "ae", 'œ': "oe", 'Œ': "oe",
	'ø': "o", 'Ø': "o", 'đ': "d", 'Đ': "d", 'ł': "l", 'Ł': "l",
	'ħ': "h", 'Ħ': "h", 'ŧ': "t", 'Ŧ': "t", 'ı': "i", 'İ': "i", 'ς': "σ",
}

// buildFoldTable works the fold table out. Every program start pays for
// it, so it decomposes into one buffer and cuts all the strings from one
// allocation (a string per rune took ~17,000 allocations; a test checks
// the table against the rune-by-rune rules).
func buildFoldTable() []string {
	ends := make([]int, tableSize) // where t[r]'s bytes end in all
	var all, dec []byte
	var one [utf8.UTFMax]byte
	for r := rune(0); r < tableSize; r++ {
		if s, ok := specialFold[r]; ok {
			all = append(all, s...)
		} else if !unicode.Is(unicode.Mn, r) { // a mark folds to nothing
			dec = norm.NFD.Append(dec[:0], one[:utf8.EncodeRune(one[:], unicode.ToLower(r))]...)
			for _, d := range string(dec) {
				if unicode.Is(unicode.Mn, d) {
					continue
				}
				d = unicode.ToLower(d)
				if s, ok := specialFold[d]; ok {
					all = append(all, s...)
				} else {
					all = utf8.AppendRune(all, d)
				}
			}
		}
		ends[r] = len(all)
	}
	str := string(all)
	t := make([]string, tableSize)
	from := 0
	for r, end := range ends {
		t[r] = str[from:end]
		from = end
	}
	return t
}

// Fold returns s lower-cased and with accents removed, the form in which
// the index stores text and queries are compared.
//
// What it supports, explicitly:
//   - Unicode lower-casing (unicode.ToLower), so "Straße", "ΣΟΦΊΑ" and
//     "ПРИВЕТ" match their lower-case forms.
//   - Accent removal by canonical decomposition (NFD) with nonspacing marks
//     (category Mn) dropped, for every rune below U+2000 (Latin, Latin
//     Extended A/B/Additional, IPA, Greek, Cyrillic, Armenian, Hebrew,
//     Arabic…): "cafe" finds "café", "CAFÉ" and "cafe\u0301".
//   - Combining marks (Mn) anywhere are dropped, including variation
//     selectors such as U+FE0F, so "❤️" and "❤" match.
//   - Letters NFD leaves alone but readers treat as accented: ø→o, đ→d,
//     ł→l, ħ→h, ŧ→t, ı (dotless i)→i, İ→i; and the ligature-like
//     ß/ẞ→ss, æ→ae, œ→oe; Greek final ς→σ.
//
// Not supported (stated so nobody expects it): Turkish-specific casing
// (I→ı), full Unicode case folding beyond ToLower (e.g. "ﬁ"→"fi"),
// compatibility forms (fullwidth Latin, superscripts), and any folding of
// CJK, emoji or other scripts above U+2000 besides ToLower. Invalid UTF-8
// bytes are kept as they are (they can only match themselves).
func Fold(s string) string {
	return string(appendFold(nil, s, nil))
}

// appendFold appends the folded form of s to dst. When src is non-nil it
// also appends, for every folded byte, the byte offset in s of the rune that
// produced it, so a match in folded text maps back to the original.
//
// Runs of ASCII are lower-cased eight bytes at a time (most archive text
// is ASCII with a few accents, dashes or emoji sprinkled in); other runes
// below tableSize fold by table lookup.
func appendFold(dst []byte, s string, src *[]int32) []byte {
	for i := 0; i < len(s); {
		if s[i] < utf8.RuneSelf {
			j := asciiRun(s, i)
			n := len(dst)
			dst = appendLowerASCII(dst, s[i:j])
			if src != nil {
				for k := range len(dst) - n {
					*src = append(*src, int32(i+k))
				}
			}
			i = j
			continue
		}
		f, w := foldRune(s, i)
		dst = append(dst, f...)
		if src != nil {
			for range len(f) {
				*src = append(*src, int32(i))
			}
		}
		i += w
	}
	return dst
}

// appendFoldOpaque is appendFold (without offsets) that also reports
// whether every non-ASCII rune of s is of class runeOpaque, so an ASCII
// term can be matched in s without folding (recOpaque). For the builder.
func appendFoldOpaque(dst []byte, s string) ([]byte, bool) {
	opaque := true
	for i := 0; i < len(s); {
		if s[i] < utf8.RuneSelf {
			j := asciiRun(s, i)
			dst = appendLowerASCII(dst, s[i:j])
			i = j
			continue
		}
		if opaque {
			if c, _ := runeClassAt(s, i); c != runeOpaque {
				opaque = false
			}
		}
		f, w := foldRune(s, i)
		dst = append(dst, f...)
		i += w
	}
	return dst, opaque
}

// foldRune returns the folded form of the non-ASCII rune at s[i] and its
// width in s. An invalid byte folds to itself (width 1).
func foldRune(s string, i int) (string, int) {
	r, w := utf8.DecodeRuneInString(s[i:])
	switch {
	case r == utf8.RuneError && w == 1:
		return s[i : i+1], 1 // invalid byte: kept verbatim
	case r < tableSize:
		return foldTable[r], w
	case unicode.Is(unicode.Mn, r):
		return "", w // dropped
	}
	if l := unicode.ToLower(r); l != r {
		return string(l), w
	}
	return s[i : i+w], w
}

// Rune classes for matching ASCII terms in text with non-ASCII runes (see
// fieldScanner.scanSegments).
const (
	runeOpaque  = iota // folds to non-ASCII bytes only: no ASCII term can match across it
	runeDropped        // folds to nothing (a combining mark)
	runeASCII          // folds to bytes some of which are ASCII (é→e, ß→ss, K→k)
)

// runeClassAt classifies the non-ASCII rune at s[i] and returns its width.
func runeClassAt(s string, i int) (int, int) {
	r, w := utf8.DecodeRuneInString(s[i:])
	if r == utf8.RuneError && w == 1 {
		return runeOpaque, 1
	}
	if r < classTableSize {
		return int(foldClass[r]), w
	}
	if 0x1F000 <= r && r < 0x1FB00 {
		return runeOpaque, w // emoji and pictographs: no marks, no case
	}
	return classOf(r), w
}

// classTableSize bounds foldClass: the BMP, where nearly all text lies.
const classTableSize = 0x10000

// classOf computes the rune class of r (≥ tableSize) from Fold's rules.
func classOf(r rune) int {
	if unicode.Is(unicode.Mn, r) {
		return runeDropped
	}
	if l := unicode.ToLower(r); l < utf8.RuneSelf {
		return runeASCII // e.g. KELVIN SIGN → k
	}
	return runeOpaque
}

// foldClass[r] is the rune class of r < classTableSize (64 KB). Above
// the fold table it is classOf(r), worked out from the Unicode tables
// rather than rune by rune: every program start pays for this table
// (~5 ms rune by rune, before the browser's first screen; a test checks
// both agree).
var foldClass = func() []uint8 {
	t := make([]uint8, classTableSize)
	for r := range tableSize {
		f := foldTable[r]
		switch {
		case f == "":
			t[r] = runeDropped
		case isASCIIFree(f):
			t[r] = runeOpaque
		default:
			t[r] = runeASCII
		}
	}
	for r := tableSize; r < classTableSize; r++ {
		t[r] = runeOpaque
	}
	// Runes whose lower case is ASCII (the Kelvin sign): only runes in a
	// case range lower to another rune.
	for _, cr := range unicode.CaseRanges {
		for r := max(rune(cr.Lo), tableSize); r <= rune(cr.Hi) && r < classTableSize; r++ {
			if unicode.ToLower(r) < utf8.RuneSelf {
				t[r] = runeASCII
			}
		}
	}
	// Combining marks, dropped (classOf tests them first).
	for _, rg := range unicode.Mn.R16 {
		for r := rune(rg.Lo); r <= rune(rg.Hi); r += rune(rg.Stride) {
			if r >= tableSize && r < classTableSize {
				t[r] = runeDropped
			}
		}
	}
	for _, rg := range unicode.Mn.R32 {
		for r := rune(rg.Lo); r <= rune(rg.Hi) && r < classTableSize; r += rune(rg.Stride) {
			if r >= tableSize {
				t[r] = runeDropped
			}
		}
	}
	return t
}()

// isASCIIFree reports whether s has no ASCII byte.
func isASCIIFree(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < utf8.RuneSelf {
			return false
		}
	}
	return true
}

// asciiRun returns the end of the run of ASCII bytes starting at s[i].
func asciiRun(s string, i int) int {
	for ; i+8 <= len(s); i += 8 {
		if x := load64(s, i) & highs; x != 0 {
			return i + bits.TrailingZeros64(x)/8
		}
	}
	for i < len(s) && s[i] < utf8.RuneSelf {
		i++
	}
	return i
}

// load64 reads 8 bytes of s at i, little-endian (i+8 ≤ len(s)).
func load64(s string, i int) uint64 {
	return binary.LittleEndian.Uint64(unsafe.Slice(unsafe.StringData(s[i:]), 8))
}

// appendLowerASCII appends ASCII s lower-cased, eight bytes at a time.
func appendLowerASCII(dst []byte, s string) []byte {
	n := len(dst)
	dst = slices.Grow(dst, len(s))[:n+len(s)]
	d := dst[n:]
	i := 0
	for ; i+8 <= len(s); i += 8 {
		binary.LittleEndian.PutUint64(d[i:], lower8(load64(s, i)))
	}
	for ; i < len(s); i++ {
		d[i] = asciiLower[s[i]&0x7f]
	}
	return dst
}

// lower8 lower-cases 8 ASCII bytes (each < 0x80) at once: a byte gets 0x20
// when it is ≥ 'A' and ≤ 'Z'; the additions cannot carry between bytes.
func lower8(x uint64) uint64 {
	ge := x + lanes*(0x80-'A')
	gt := x + lanes*(0x80-'Z'-1)
	return x | ((ge&^gt)&highs)>>2
}

// isASCII reports whether s has no byte ≥ 0x80, eight bytes at a time.
func isASCII(s string) bool {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		v := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		if v&0x8080808080808080 != 0 {
			return false
		}
	}
	for ; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
