package model

import (
	"encoding/binary"
	"math/bits"
	"unicode"
	"unicode/utf8"
)

// Byte classes of the word counter's ASCII table.
const (
	wcSpace = 0 // separator
	wcWord  = 1 // letter or digit
	wcJoin  = 2 // apostrophe: part of a word only inside one ("don't")
	wcHigh  = 3 // first byte of a multi-byte rune: decode it
)

// wcClass classifies every byte for CountWords.
var wcClass = func() (t [256]uint8) {
	for c := range 256 {
		switch {
		case c >= 0x80:
			t[c] = wcHigh
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
			t[c] = wcWord
		case c == '\'':
			t[c] = wcJoin
		}
	}
	return t
}()

// CountWords counts the words of s the way a reader would: runs of letters
// and digits (an apostrophe inside a run joins it, so "don't" is one word),
// with every Han, Hiragana and Katakana character counted as a word of its
// own, since those scripts put no spaces between words. Combining marks
// continue the word they follow. Invalid UTF-8 separates words.
//
// Stats counts every text of an archive with it, so it allocates nothing
// and tests eight ASCII bytes per step (SWAR); a chunk holding a non-ASCII
// byte or an apostrophe goes through the byte-by-byte path.
func CountWords(s string) int {
	n, i := 0, 0
	var in uint64 // 1 when the byte before i is part of a word
	for i+8 <= len(s) {
		w := binary.LittleEndian.Uint64([]byte(s[i : i+8]))
		if w&hi8 != 0 || hasByte(w, '\'') {
			var k int
			k, i, in = countBytes(s, i, i+8, in)
			n += k
			continue
		}
		// High bit of each byte: digit, or letter once folded to lower case.
		// No byte is >= 0x80 here, so the additions never carry across bytes.
		d := (w + 0x50*lo7) &^ (w + 0x46*lo7)   // '0'..'9'
		y := w | 0x20*lo7                       // fold 'A'..'Z' to 'a'..'z'
		l := (y + 0x1f*lo7) &^ (y + 0x05*lo7)   // 'a'..'z'
		b := ((d | l) & hi8) >> 7               // bit 0 of each word byte
		n += bits.OnesCount64(b &^ (b<<8 | in)) // bytes that start a word
		in = b >> 56
		i += 8
	}
	k, _, _ := countBytes(s, i, len(s), in)
	return n + k
}

// hasByte reports whether one of w's bytes (all < 0x80) equals c.
func hasByte(w uint64, c byte) bool {
	x := w ^ (lo7 * uint64(c))
	return (x-lo7)&^x&hi8 != 0
}

// countBytes counts the words starting in s[i:end] byte by byte (runes for
// non-ASCII), given whether the byte before i is in a word. It may stop a
// few bytes past end to finish a rune; it returns the count, where it
// stopped and whether that last byte is in a word.
func countBytes(s string, i, end int, inWord uint64) (n, next int, in uint64) {
	in = inWord
	for i < end {
		c := wcClass[s[i]]
		if c != wcHigh {
			switch c {
			case wcWord:
				n += int(1 &^ in)
				in = 1
			case wcSpace:
				in = 0
			case wcJoin:
				if in == 0 || i+1 >= len(s) || wcClass[s[i+1]] != wcWord {
					in = 0
				}
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == utf8.RuneError && size == 1:
			in = 0
		case isCJK(r):
			n++
			in = 0
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			n += int(1 &^ in)
			in = 1
		case unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r):
			// A combining mark continues the current word (or starts none).
		case r == '\u2019': // right single quotation mark used as apostrophe
			if in == 0 || i >= len(s) || wcClass[s[i]] != wcWord {
				in = 0
			}
		default:
			in = 0
		}
	}
	return n, i, in
}

// isCJK reports whether r belongs to a script written without spaces between
// words, whose characters are counted one word each.
func isCJK(r rune) bool {
	if r < 0x3040 {
		return false
	}
	return unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r)
}
