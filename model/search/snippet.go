package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"

	"github.com/backchat/backchat/model"
)

// ellipsis marks text cut off at either end of a snippet.
const ellipsis = "…"

// Snippet returns one line of text around the match text[off:off+n], at most
// width terminal cells wide, and the byte range of the match within it (for
// highlighting). Line breaks and tabs become spaces and runs of spaces
// collapse to one; other control characters show as the viewer shows them
// (model.SanitizeLine: "␛[1m"); cut ends are marked with "…". About a
// third of the spare width goes before the match, the rest after (all of it
// before when the text ends soon after the match). Wide
// (CJK, emoji) runes count two cells, combining marks none. A match wider
// than the line is cut to fit. Out-of-range or mid-rune offsets are clamped
// to rune boundaries, never a panic.
//
// NOTE: the result is built from untrusted archive text; blanking line breaks
// keeps it on one line, but callers must still pass it through
// model.Sanitize (or equivalent) before it reaches a terminal.
func Snippet(text string, off, n, width int) (string, [2]int) {
	off = min(max(off, 0), len(text))
	end := min(max(off+n, off), len(text))
	for off > 0 && off < len(text) && !utf8.RuneStart(text[off]) {
		off--
	}
	for end < len(text) && !utf8.RuneStart(text[end]) {
		end++
	}
	width = max(width, 1)
	// Cut the match when it alone is wider than the line.
	mcells := 0
	for i, r := range text[off:end] {
		w := cellWidth(r)
		if mcells+w > width {
			end = off + i
			break
		}
		mcells += w
	}
	spare := width - mcells
	if spare < 2 && (off > 0 || end < len(text)) {
		// No room for context and its ellipses: the (cut) match alone.
		var b strings.Builder
		writeLine(&b, text[off:end], true)
		out := strings.TrimRight(b.String(), " ")
		return out, [2]int{0, len(out)}
	}
	// About a third of the spare width goes before the match, more when
	// the text after it is short.
	before := spare / 3
	rest := 0
	for _, r := range text[end:] {
		if rest += cellWidth(r); rest > spare {
			break
		}
	}
	if rest < spare-before {
		before = spare - rest
	}
	// Walk back from off while the budget lasts.
	start, cells := off, 0
	for start > 0 {
		r, sz := utf8.DecodeLastRuneInString(text[:start])
		w := cellWidth(r)
		if cells+w > before {
			break
		}
		cells += w
		start -= sz
	}
	if start > 0 && cells > 0 {
		// Make room for the leading ellipsis.
		r, sz := utf8.DecodeRuneInString(text[start:])
		start += sz
		cells -= cellWidth(r)
	}
	after := spare - cells
	if start > 0 {
		after--
	}
	stop, cells := end, 0
	for stop < len(text) {
		r, sz := utf8.DecodeRuneInString(text[stop:])
		w := cellWidth(r)
		if cells+w > after {
			break
		}
		cells += w
		stop += sz
	}
	if stop < len(text) && stop > end {
		_, sz := utf8.DecodeLastRuneInString(text[:stop])
		stop -= sz // room for the trailing ellipsis
	}
	var b strings.Builder
	space := true // drop leading spaces
	if start > 0 {
		b.WriteString(ellipsis)
	}
	space = writeLine(&b, text[start:off], space)
	m0 := b.Len()
	space = writeLine(&b, text[off:end], space)
	m1 := b.Len()
	writeLine(&b, text[end:stop], space)
	out := strings.TrimRight(b.String(), " ")
	if stop < len(text) {
		out += ellipsis
	}
	m1 = min(m1, len(out))
	m0 = min(m0, m1)
	return out, [2]int{m0, m1}
}

// writeLine writes s with whitespace (line breaks, tabs) as single spaces
// and every other control as the viewer shows it: model.SanitizeLine's
// picture (ESC "␛", BEL "␇", a C1 control or invalid byte "�", a bidi
// control "⇄"), so a
// snippet of "\x1b[1mpkg" reads "␛[1mpkg" as the conversation does. space
// says whether the last written rune was a space (or nothing yet); it
// returns the new state.
func writeLine(b *strings.Builder, s string, space bool) bool {
	for i, r := range s {
		switch {
		case unicode.IsSpace(r) && r != 0x85: // NEL is a C1 control: "�"
			if !space {
				b.WriteByte(' ')
			}
			space = true
			continue
		case unicode.IsControl(r) || r == utf8.RuneError ||
			r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069: // bidi controls: "⇄"
			_, n := utf8.DecodeRuneInString(s[i:])
			b.WriteString(model.SanitizeLine(s[i : i+n]))
		default:
			b.WriteRune(r)
		}
		space = false
	}
	return space
}

// cellWidth approximates a rune's terminal width: 0 for combining marks
// and the zero-width joiner, 2 for East Asian wide and fullwidth runes
// (CJK, and the emoji shown as pictures: ✅, 🚀, ⭐ as well as 📈), else 1.
func cellWidth(r rune) int {
	if r == 0x200D || unicode.In(r, unicode.Mn, unicode.Me) {
		return 0
	}
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return 2
	}
	return 1
}
