package search

import (
	"unicode"
	"unicode/utf8"

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

func buildFoldTable() []string {
	t := make([]string, tableSize)
	var buf []byte
	for r := rune(0); r < tableSize; r++ {
		if s, ok := specialFold[r]; ok {
			t[r] = s
			continue
		}
		if unicode.Is(unicode.Mn, r) {
			continue // t[r] == "": dropped
		}
		buf = buf[:0]
		for _, d := range norm.NFD.String(string(unicode.ToLower(r))) {
			if unicode.Is(unicode.Mn, d) {
				continue
			}
			d = unicode.ToLower(d)
			if s, ok := specialFold[d]; ok {
				buf = append(buf, s...)
			} else {
				buf = utf8.AppendRune(buf, d)
			}
		}
		t[r] = string(buf)
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
func appendFold(dst []byte, s string, src *[]int32) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			dst = append(dst, asciiLower[c])
			if src != nil {
				*src = append(*src, int32(i))
			}
			i++
			continue
		}
		r, w := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && w == 1 {
			dst = append(dst, c) // invalid byte: kept verbatim
			if src != nil {
				*src = append(*src, int32(i))
			}
			i++
			continue
		}
		var f string
		switch {
		case r < tableSize:
			f = foldTable[r]
		case unicode.Is(unicode.Mn, r):
			// dropped
		default:
			if l := unicode.ToLower(r); l != r {
				f = string(l)
			} else {
				f = s[i : i+w]
			}
		}
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
