package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"

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
// before when the text ends soon after the match). Widths are the
// screen's (ansi.StringWidth, by grapheme cluster): wide (CJK, emoji,
// an emoji with a variation selector: ☺️, 1️⃣) count two cells, combining
// marks none. A match wider
// than the line is cut to fit. Out-of-range or mid-rune offsets are clamped
// to rune boundaries, never a panic.
//
// NOTE: the result is built from untrusted archive text; blanking line breaks
// keeps it on one line, but callers must still pass it through
// model.Sanitize (or equivalent) before it reaches a terminal.
func Snippet(text string, off, n, width int) (string, [2]int) {
	text, off, n = model.ReadableMarkersAt(text, off, n)
	off = min(max(off, 0), len(text))
	end := min(max(off+n, off), len(text))
	for off > 0 && off < len(text) && !utf8.RuneStart(text[off]) {
		off--
	}
	for end < len(text) && !utf8.RuneStart(text[end]) {
		end++
	}
	// A match that starts or ends inside a grapheme cluster (❤ in ❤️, a
	// letter of a flag) takes the whole cluster: measured apart, ❤ and its
	// variation selector take one cell and none, printed together two.
	if off > 0 && off < len(text) {
		if p, _ := clusterAt(text, off); p < off {
			off = p
		}
	}
	if end > off && end < len(text) {
		if p, n := clusterAt(text, end); p < end {
			end = p + n
		}
	}
	width = max(width, 1)
	// Cut the match when it alone is wider than the line.
	mcells := 0
	for i := off; i < end; {
		n, w := firstCluster(text[i:])
		if mcells+w > width {
			end = i
			break
		}
		mcells += w
		i += n
	}
	end = min(end, len(text))
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
	for i := end; i < len(text) && rest <= spare; {
		n, w := firstCluster(text[i:])
		rest += runWidth(text, i, w)
		i += n
	}
	if rest < spare-before {
		before = spare - rest
	}
	// Walk back from off while the budget lasts.
	start, cells := off, 0
	for start > 0 {
		sz, w := lastCluster(text[:start])
		w = runWidth(text, start-sz, w)
		if cells+w > before {
			break
		}
		cells += w
		start -= sz
	}
	if start > 0 && cells > 0 {
		// Make room for the leading ellipsis: a cell at least (a cluster
		// of no width, a mark after a control, or a space after a space
		// frees none).
		for freed := 0; freed < 1 && start < off; {
			sz, w := firstCluster(text[start:])
			w = runWidth(text, start, w)
			start = min(start+sz, off) // a cluster may run into the match
			cells -= w
			freed += w
		}
	}
	after := spare - cells
	if start > 0 {
		after--
	}
	stop, cells := end, 0
	for stop < len(text) {
		sz, w := firstCluster(text[stop:])
		w = runWidth(text, stop, w)
		if cells+w > after {
			break
		}
		cells += w
		stop += sz
	}
	// Room for the trailing ellipsis: a cell at least.
	for freed := 0; freed < 1 && stop < len(text) && stop > end; {
		sz, w := lastCluster(text[:stop])
		w = runWidth(text, stop-sz, w)
		stop -= max(min(sz, stop-end), 0)
		freed += w
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

// runWidth is w, the cells of the cluster at text[i:], or 0 when that
// cluster is whitespace after whitespace: writeLine prints a run of
// spaces, tabs and line breaks as one space, so only the run's first
// counts (a table's padding or a blank line left a row short).
func runWidth(text string, i, w int) int {
	if i <= 0 || i >= len(text) || !isBlank(text[i:]) {
		return w
	}
	if r, _ := utf8.DecodeLastRuneInString(text[:i]); unicode.IsSpace(r) && r != 0x85 {
		return 0
	}
	return w
}

// isBlank reports whether s starts with a rune writeLine prints as a space.
func isBlank(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsSpace(r) && r != 0x85
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
		case unicode.IsControl(r) || r == utf8.RuneError || bidiControl(r): // bidi controls: "⇄"
			_, n := utf8.DecodeRuneInString(s[i:])
			b.WriteString(model.SanitizeLine(s[i : i+n]))
		default:
			b.WriteRune(r)
		}
		space = false
	}
	return space
}

// firstCluster is the byte length of the grapheme cluster s starts with
// and the cells it takes as the snippet prints it: its width as the
// screen measures it (ansi.StringWidth: ☺️ and 1️⃣ take two cells, a
// combining mark none), one for a space, a control, a bidi control or a bad byte
// (writeLine prints a space or a one-cell picture). s is not empty.
func firstCluster(s string) (n, w int) {
	if s[0] < utf8.RuneSelf && (len(s) == 1 || s[1] < utf8.RuneSelf) {
		return 1, 1 // ASCII not followed by a mark: the common case, cheap
	}
	if r, n := utf8.DecodeRuneInString(s); wideCJK(r) {
		if len(s) == n || s[n] < utf8.RuneSelf {
			return n, 2 // a CJK character before ASCII
		}
		if r2, _ := utf8.DecodeRuneInString(s[n:]); wideCJK(r2) {
			return n, 2 // in a run of them: the cheap common case
		}
	}
	c, w := ansi.FirstGraphemeCluster(s, ansi.GraphemeWidth)
	if len(c) == 0 {
		return 1, 1
	}
	if !utf8.ValidString(c) {
		// A cut sequence at the end of s comes glued to the cluster
		// before it ("0\xc7", "\xc7\xc7" as one cluster of one cell), but
		// writeLine prints each bad byte as "�": one cell each.
		for i, r := range c {
			if r == utf8.RuneError {
				if i == 0 {
					return 1, 1
				}
				return firstCluster(c[:i])
			}
		}
	}
	if r, _ := utf8.DecodeRuneInString(c); r < ' ' || r == utf8.RuneError || unicode.IsSpace(r) || unicode.IsControl(r) || bidiControl(r) {
		w = max(w, 1) // a bidi control has no width but prints "⇄" (writeLine)
	}
	return len(c), w
}

// lastCluster is firstCluster for the cluster s ends with: the clusters
// are found forwards from a rune that starts one (not a mark, a variation
// selector or a joiner, nor after a joiner or between flag letters).
func lastCluster(s string) (n, w int) {
	if c := s[len(s)-1]; c < utf8.RuneSelf && (len(s) == 1 || s[len(s)-2] < utf8.RuneSelf) {
		return 1, 1
	}
	i := len(s)
	for i > 0 {
		r, sz := utf8.DecodeLastRuneInString(s[:i])
		i -= sz
		if i == 0 || len(s)-i > 256 {
			break
		}
		if extendsCluster(r) {
			continue
		}
		p, _ := utf8.DecodeLastRuneInString(s[:i])
		if p == 0x200D || regionalIndicator(r) && regionalIndicator(p) {
			continue
		}
		break
	}
	for {
		n, w := firstCluster(s[i:])
		if i+n >= len(s) {
			return len(s) - i, w
		}
		i += n
	}
}

// clusterAt returns the start and byte length of the grapheme cluster of
// text holding byte i (0 < i < len(text), at a rune's start): the
// clusters are walked forwards from the start lastCluster finds for the
// text before i.
func clusterAt(text string, i int) (p, n int) {
	sz, _ := lastCluster(text[:i])
	for p = i - sz; ; p += n {
		n, _ = firstCluster(text[p:])
		if p+n > i {
			return p, n
		}
	}
}

// extendsCluster reports whether r joins the cluster before it: a mark,
// a variation selector, the zero-width joiner, an emoji modifier or tag.
func extendsCluster(r rune) bool {
	return r == 0x200D || r >= 0xFE00 && r <= 0xFE0F || r >= 0x1F3FB && r <= 0x1F3FF ||
		r >= 0xE0020 && r <= 0xE007F || r >= 0xE0100 && r <= 0xE01EF ||
		r >= 0x300 && unicode.In(r, unicode.Mn, unicode.Me, unicode.Mc)
}

// wideCJK reports whether r is in a block of characters every terminal
// draws two cells wide whatever its East Asian ambiguous setting, none of
// which joins a cluster: kana, CJK ideographs, Hangul syllables, fullwidth
// forms and CJK punctuation.
func wideCJK(r rune) bool {
	return r >= 0x3000 && r <= 0x303E || r >= 0x3041 && r <= 0x3096 || r >= 0x30A1 && r <= 0x30FA ||
		r >= 0x3400 && r <= 0x4DBF || r >= 0x4E00 && r <= 0x9FFF || r >= 0xAC00 && r <= 0xD7A3 ||
		r >= 0xFF01 && r <= 0xFF60
}

// bidiControl reports whether r is a bidi embedding, override or isolate
// control, which writeLine shows as "⇄" (model.SanitizeLine).
func bidiControl(r rune) bool { return r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 }

func regionalIndicator(r rune) bool { return r >= 0x1F1E6 && r <= 0x1F1FF }
