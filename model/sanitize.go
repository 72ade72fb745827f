package model

import (
	"strings"
	"unicode/utf8"
)

// The sanitiser's placeholders. Every control character gets a visible,
// single-cell stand-in, so an escape sequence shows up as its own text:
// "\x1b[2J" becomes "␛[2J" and an OSC 52 clipboard write
// "\x1b]52;c;QUJD\x07" becomes "␛]52;c;QUJD␇". With the introducer (ESC or a
// C1 control) and the terminator (BEL, ESC \) replaced, what is left of a
// CSI, OSC, DCS, SOS, PM or APC sequence is inert printable text, so no
// sequence can be acted on however it is cut or nested.
const (
	escPicture = '\u241b' // ␛ for ESC (0x1B); other C0 controls map to U+2400+c
	delPicture = '\u2421' // ␡ for DEL (0x7F)
	crPicture  = '\u240d' // ␍ for a carriage return not followed by a newline
	c1Picture  = '\ufffd' // � for C1 controls U+0080–U+009F (8-bit CSI, OSC, ST, NEL…)
	// bidiPicture stands for the bidi embeddings, overrides and isolates
	// (U+202A–U+202E, U+2066–U+2069). Raw, they reorder the text around
	// them on the terminal: a title holding U+202E shows its tail reversed
	// and can pass for another ("Trojan Source" spoofing), and the
	// terminal's idea of the layout no longer matches ours.
	bidiPicture = '\u21c4' // ⇄
	// sepPicture stands for U+2028 LINE SEPARATOR and U+2029 PARAGRAPH
	// SEPARATOR, which some terminals treat as a line break and others
	// draw as nothing: either way the layout breaks.
	sepPicture = '\u2424' // ␤
)

// formatPicture returns the placeholder for a bidi control or line/paragraph
// separator, or 0 for any other rune. The zero-width marks LRM and RLM
// (U+200E, U+200F) and ALM (U+061C) are not here: right-to-left writers use
// them, they reorder nothing beyond a neutral character's direction, and the
// terminal draws them as nothing.
func formatPicture(r rune) rune {
	switch {
	case r == 0x2028 || r == 0x2029:
		return sepPicture
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return bidiPicture
	}
	return 0
}

// sanitize implements Sanitize (see textfix.go). Rules, in order:
//   - "\n" and "\t" are kept; "\r\n" becomes "\n"; a lone "\r" becomes "␍".
//   - Other C0 controls (0x00–0x1F) become their Control Pictures glyph
//     U+2400+c (ESC → "␛", BEL → "␇", NUL → "␀"); DEL becomes "␡".
//   - C1 controls U+0080–U+009F (valid UTF-8 encodings of 8-bit CSI, OSC,
//     DCS, ST, NEL) become U+FFFD, as does every invalid UTF-8 byte.
//   - The bidi embeddings, overrides and isolates U+202A–U+202E and
//     U+2066–U+2069 become "⇄"; U+2028 and U+2029 (line and paragraph
//     separators) become "␤".
//   - Everything else, including wide characters, emoji, combining marks,
//     right-to-left text and the LRM/RLM/ALM marks, is kept byte for byte.
//
// Clean input (the common case) is returned as is, without allocating.
func sanitize(s string) string {
	if clean(s, false) {
		return s
	}
	return sanitizeSlow(s, false)
}

// SanitizeLine is Sanitize for one-line fields (titles, names, ids): on top of
// Sanitize's rules, newlines and tabs become single spaces ("\r\n" counts as
// one newline), so the value can never break a row of the terminal layout.
func SanitizeLine(s string) string {
	if clean(s, true) {
		return s
	}
	return sanitizeSlow(s, true)
}

const (
	lo7  = 0x0101010101010101
	hi8  = 0x8080808080808080
	sp8  = 0x2020202020202020 // eight spaces: bytes below it are controls
	del8 = 0x7f7f7f7f7f7f7f7f
)

// clean reports whether s needs no change: valid UTF-8, no C1 rune, no DEL,
// no control byte other than "\n" and "\t" (and not even those when line),
// no bidi control or separator that formatPicture replaces.
// It tests eight ASCII bytes per step; a word holding a non-ASCII or control
// byte (a newline, usually) is checked byte by byte.
func clean(s string, line bool) bool {
	i := 0
	for i < len(s) {
		if i+8 <= len(s) {
			w := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
				uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
			// All bytes ASCII, none below 0x20, none equal to 0x7F.
			d := w ^ del8
			if (w|((w-sp8)&^w)|((d-lo7)&^d))&hi8 == 0 {
				i += 8
				continue
			}
		}
		c := s[i]
		switch {
		case c < utf8.RuneSelf:
			if c == 0x7f || (c < 0x20 && (line || (c != '\n' && c != '\t'))) {
				return false
			}
			i++
		case c >= 0xc3 && c <= 0xdf && i+1 < len(s) && s[i+1]&0xc0 == 0x80:
			i += 2 // two-byte letters (Latin, Greek, Cyrillic, Hebrew, Arabic); no C1 here
		case (c >= 0xe1 && c <= 0xec || c >= 0xee) && c <= 0xef && i+2 < len(s) &&
			s[i+1]&0xc0 == 0x80 && s[i+2]&0xc0 == 0x80:
			// Three-byte characters (CJK, kana, punctuation) outside the
			// tricky lead bytes. U+2028–U+202E is E2 80 A8–AE and
			// U+2066–U+2069 is E2 81 A6–A9.
			if c == 0xe2 && (s[i+1] == 0x80 && s[i+2] >= 0xa8 && s[i+2] <= 0xae ||
				s[i+1] == 0x81 && s[i+2] >= 0xa6 && s[i+2] <= 0xa9) {
				return false
			}
			i += 3
		default:
			r, n := utf8.DecodeRuneInString(s[i:])
			if (r == utf8.RuneError && n == 1) || (r >= 0x80 && r <= 0x9f) {
				return false
			}
			i += n
		}
	}
	return true
}

// sanitizeSlow rewrites s rune by rune following sanitize's rules.
func sanitizeSlow(s string, line bool) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/8 + 8)
	// Copy runs of clean bytes in one go; start marks the run's first byte.
	start := 0
	flush := func(end int) {
		if end > start {
			b.WriteString(s[start:end])
		}
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x7f {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, n := utf8.DecodeRuneInString(s[i:])
			if (r == utf8.RuneError && n == 1) || (r >= 0x80 && r <= 0x9f) {
				flush(i)
				b.WriteRune(c1Picture)
				start = i + n
			} else if p := formatPicture(r); p != 0 {
				flush(i)
				b.WriteRune(p)
				start = i + n
			}
			i += n
			continue
		}
		// c is a C0 control or DEL.
		switch {
		case c == '\n' || c == '\t':
			if line {
				flush(i)
				b.WriteByte(' ')
				start = i + 1
			}
			i++
			continue
		case c == '\r' && i+1 < len(s) && s[i+1] == '\n':
			flush(i)
			if line {
				b.WriteByte(' ')
			} else {
				b.WriteByte('\n')
			}
			i += 2
			start = i
			continue
		}
		flush(i)
		switch c {
		case 0x7f:
			b.WriteRune(delPicture)
		case '\r':
			b.WriteRune(crPicture)
		default: // includes ESC → U+241B, BEL → U+2407
			b.WriteRune(rune(0x2400 + int(c)))
		}
		i++
		start = i
	}
	flush(len(s))
	return b.String()
}
