package tui

import (
	"strings"
	"unicode/utf8"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/backchat/backchat/model/search"
	"github.com/backchat/backchat/model/search/live"
)

// snippetLine is a result row's second line: "  " and one line of text
// around the best hit, its Markdown markup stripped, cut at the row's
// width, the match highlighted. The text is archive text: every piece
// passes through safeLine.
func snippetLine(st Styles, base lipgloss.Style, e live.Excerpt, w int) string {
	const indent = "  "
	tw := w - len(indent) - 1
	if tw < 4 {
		return base.Render(strings.Repeat(" ", max(w, 0)))
	}
	text, off, n := snippetWindow(e.Text(), e.Off, e.Len, 4*tw)
	text, off, n = stripMarkup(text, off, n)
	line, mr := search.Snippet(text, off, n, tw)
	mr[0], mr[1] = min(max(mr[0], 0), len(line)), min(max(mr[1], mr[0]), len(line))
	s := base.Render(indent+safeLine(line[:mr[0]])) + st.Hit.Render(safeLine(line[mr[0]:mr[1]])) + base.Render(safeLine(line[mr[1]:]))
	s = ansi.Truncate(s, w, "…")
	if sw := ansi.StringWidth(s); sw < w {
		s += base.Render(strings.Repeat(" ", w-sw))
	}
	return s
}

// snippetWindow is the part of text within about span bytes of the match
// [off, off+n), cut at rune boundaries, with the match's offset in it: a
// long message is not stripped whole to quote one line of it.
func snippetWindow(text string, off, n, span int) (string, int, int) {
	off = min(max(off, 0), len(text))
	n = min(max(n, 0), len(text)-off)
	from, to := max(off-span, 0), min(off+n+span, len(text))
	for from > 0 && !utf8.RuneStart(text[from]) {
		from--
	}
	for to < len(text) && !utf8.RuneStart(text[to]) {
		to++
	}
	return text[from:to], off - from, n
}

// stripMarkup removes the Markdown markup a reader does not want in a one-
// line quote: emphasis and code marks (*, **, __, ~~, `), heading and quote
// marks and list bullets at the start of a line, and link targets ([text](url) keeps text;
// ![alt](url) keeps alt). It returns the text and the match [off, off+n)
// moved to the same characters. Markup inside the match is kept, so the
// highlighted text is what the engine matched.
func stripMarkup(text string, off, n int) (string, int, int) {
	var b strings.Builder
	b.Grow(len(text))
	newOff, newEnd := -1, -1
	end := off + n
	lineStart := true
	inMatch := func(i int) bool { return i >= off && i < end }
	for i := 0; i < len(text); {
		if i == off && newOff < 0 {
			newOff = b.Len()
		}
		if i == end && newEnd < 0 {
			newEnd = b.Len()
		}
		c := text[i]
		skip := 0
		switch {
		case inMatch(i):
		case lineStart && (c == '#' || c == '>'):
			j := i
			for j < len(text) && text[j] == c {
				j++
			}
			if j < len(text) && text[j] == ' ' {
				j++
			}
			skip = j - i
		case lineStart && (c == '-' || c == '*' || c == '+') && i+1 < len(text) && text[i+1] == ' ':
			skip = 2 // a list item's bullet
		case c == '`', c == '*' && !(i > 0 && text[i-1] == ' ' && i+1 < len(text) && text[i+1] == ' '):
			skip = 1 // a lone * between spaces is arithmetic, not emphasis
		case (c == '_' || c == '~') && i+1 < len(text) && text[i+1] == c:
			skip = 2
		case c == '!' && i+1 < len(text) && text[i+1] == '[':
			skip = 1
		case c == '[':
			if close := strings.Index(text[i:], "]("); close > 0 && !strings.Contains(text[i:i+close], "\n") {
				if rp := strings.IndexByte(text[i+close:], ')'); rp > 0 && !inMatch(i+close) {
					url := text[i+close : i+close+rp+1]
					if !strings.ContainsAny(url, " \n") && (off < i+close || off >= i+close+rp+1) {
						// Keep the text, drop "](url)" unless the match is in it.
						b.WriteString(text[i+1 : i+close])
						if off > i && off < i+close {
							newOff = b.Len() - (i + close - off)
						}
						if end > i && end <= i+close {
							newEnd = b.Len() - (i + close - end)
						}
						i += close + rp + 1
						lineStart = false
						continue
					}
				}
			}
		}
		if skip > 0 {
			i += skip
			lineStart = lineStart && c != '*' && c != '`' && c != '_' && c != '~' && c != '!'
			if lineStart && (c == '#' || c == '>' || c == '-' || c == '+' || skip == 2 && c == '*') {
				lineStart = false
			}
			continue
		}
		b.WriteByte(c)
		lineStart = c == '\n' || (lineStart && (c == ' ' || c == '\t'))
		i++
	}
	if newOff < 0 {
		newOff = b.Len()
	}
	if newEnd < 0 {
		newEnd = b.Len()
	}
	return b.String(), newOff, max(newEnd-newOff, 0)
}
