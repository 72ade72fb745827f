package tui

import (
	"regexp"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Glamour wraps a list item's text back to the left margin and runs the
// paragraphs of one item together ("1. **Title**\n\n   Text" shows as
// "1. TitleText"). listItem lays an item out itself: its text wrapped to
// fit, continuation lines joined by hard breaks and indented with
// no-break spaces under the item's first word (a hanging indent Glamour
// keeps), and each further paragraph of the item on a line of its own.
// The number or bullet always shares its line with the first word.

// listMarker matches a list item's first line: indent, marker, text.
var listMarker = regexp.MustCompile(`^( {0,12})([-*+]|\d{1,9}[.)]) +(\S.*)$`)

// blockStart says whether a line (without its indent) starts a block of
// its own that a list item's paragraph must not swallow.
func blockStart(t string) bool {
	if t == "" {
		return true
	}
	switch t[0] {
	case '#', '>', '|', '`', '~':
		return true
	}
	if !strings.ContainsRune("-*+0123456789", rune(t[0])) {
		return false
	}
	return listMarker.MatchString(t)
}

// listItem lays out the list item starting at lines[i] within text cells
// and returns its Markdown and the number of lines it used; n == 0 when
// lines[i] is no list item.
func listItem(lines []string, i, text int) (md string, n int, links []screenLink) {
	if t := strings.TrimLeft(lines[i], " "); t == "" || !strings.ContainsRune("-*+0123456789", rune(t[0])) {
		return "", 0, nil
	}
	m := listMarker.FindStringSubmatch(strings.TrimRight(lines[i], "\n"))
	if m == nil {
		return "", 0, nil
	}
	indent, marker := m[1], m[2]
	col := len(indent) + len(marker) + 1 // where the item's text starts
	paras := [][]string{{m[3]}}
	n = 1
	for j := i + 1; j < len(lines); j++ {
		l := strings.TrimRight(lines[j], "\n")
		t := strings.TrimLeft(l, " ")
		lead := len(l) - len(t)
		if t == "" {
			// A blank line: the item goes on when the next line is indented
			// under its text and is a paragraph.
			k := j + 1
			for k < len(lines) && strings.TrimSpace(lines[k]) == "" {
				k++
			}
			if k < len(lines) {
				nl := strings.TrimRight(lines[k], "\n")
				nt := strings.TrimLeft(nl, " ")
				if len(nl)-len(nt) >= col && !blockStart(nt) {
					paras = append(paras, nil)
					n = k - i
					j = k - 1
					continue
				}
			}
			break
		}
		if lead < col || blockStart(t) {
			break
		}
		paras[len(paras)-1] = append(paras[len(paras)-1], t)
		n = j - i + 1
	}
	// Glamour indents a nested list by up to 4 cells a level; the room
	// keeps a margin of 2 for markup that renders wider.
	room := max(text-2*len(indent)-len(marker)-1-2, 12)
	hang := indent + strings.Repeat("\u00a0", len(marker)+1)
	var out []string
	for _, p := range paras {
		s, ls := shortURLs(strings.Join(p, " "), room)
		links = append(links, ls...)
		out = append(out, wrapWords(keepCodeSpans(s), room)...)
	}
	var b strings.Builder
	b.WriteString(indent + marker + " ")
	for k, l := range out {
		if k > 0 {
			b.WriteString("\\\n" + hang)
		}
		b.WriteString(l)
	}
	b.WriteString("\n")
	return b.String(), n, links
}

// keepCodeSpans turns the spaces inside `code spans` into no-break spaces,
// so a span is never wrapped (a hard break inside one would show).
func keepCodeSpans(s string) string {
	if !strings.Contains(s, "`") {
		return s
	}
	var b strings.Builder
	in := false
	for _, r := range s {
		if r == '`' {
			in = !in
		}
		if in && r == ' ' {
			r = '\u00a0'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// wrapWords wraps s at spaces to w cells; a word longer than w is cut.
func wrapWords(s string, w int) []string {
	var out []string
	for _, l := range strings.Split(ansi.Wrap(s, w, ""), "\n") {
		if l = strings.TrimRight(l, " "); l != "" {
			out = append(out, l)
		}
	}
	if len(out) == 0 {
		out = []string{""}
	}
	return out
}
