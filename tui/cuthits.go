// Hits across cut words: a word longer than the line (a hex string, a
// long identifier, a run of one letter) is cut by the wrap at the line's
// end (ansi.Wrap in a placeholder, Glamour in a rendered message, wrapCode
// in a code block) and goes on at the start of the next line. The viewer
// finds terms in the word across the cut, as it finds a phrase across the
// lines of a paragraph, so "hit k/N" does not depend on the width and n
// lands on such a hit, both of its halves highlighted.

package tui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// mayCut reports whether line (of a message laid out at body width w) may
// end in a word the wrap cut: its last word takes at least about half of
// the width. The wrappers cut only a word longer than the room they have:
// ansi.Wrap and Glamour start it on a line of its own and fill that line,
// wrapCode cuts a line without a space in its second half. A shorter last
// word was moved whole, so the next line starts a new word. Whether the
// word was cut is known only from the text the lines were made of
// (wordAcross), looked at when a match crosses the line's end.
func mayCut(line string, w int) bool {
	end := len(line)
	for end > 0 && (line[end-1] == ' ' || line[end-1] == '\t') {
		end-- // Glamour's padding
	}
	start := end
	for start > 0 {
		if c := line[start-1]; c == ' ' || c == '\t' || c == 0xa0 && start >= 2 && line[start-2] == 0xc2 {
			break // a space, a tab, a no-break space (U+00A0)
		}
		start--
	}
	tail, need := line[start:end], w-12
	if len(tail) < 4 || 2*len(tail) < need { // bytes ≥ cells
		return false
	}
	return 2*ansi.StringWidth(tail) >= need
}

// wordSep are the characters a line's words are told apart by: spaces,
// tabs and the no-break spaces of a list item's indent.
const wordSep = " \t\u00a0"

// lastWord is t after its last space.
func lastWord(t string) string {
	i := strings.LastIndexAny(t, wordSep)
	if i < 0 {
		return t
	}
	if t[i] == ' ' || t[i] == '\t' {
		return t[i+1:]
	}
	return t[i+len("\u00a0"):]
}

// firstWord is t up to its first space.
func firstWord(t string) string {
	if i := strings.IndexAny(t, wordSep); i >= 0 {
		return t[:i]
	}
	return t
}

// trimIndent is a line's text after its indent, a list item's no-break
// spaces included.
func trimIndent(p string) string { return strings.TrimLeft(p, " \t\u00a0") }

// falseCut returns the first glued line end (an index into glue) that the
// hits in v.ranges cross and the text the lines were made of (md) does not
// hold as one word, or -1. ok remembers the line ends found to be cuts.
func (v *viewer) falseCut(lines []string, parts []runLine, glue, ok []bool, md func() string) int {
	if len(glue) == 0 {
		return -1
	}
	for _, r := range v.ranges {
		for i, g := range glue {
			if !g || ok[i] {
				continue
			}
			at := parts[i+1].at
			if r[0] >= at || r[1] <= at {
				continue
			}
			if !wordAcross(lines, parts[i], parts[i+1], md()) {
				return i
			}
			ok[i] = true
		}
	}
	return -1
}

// wordAcross reports whether md holds the last word of part a's text
// followed at once by the first word of b's: a word the wrap cut between
// the two lines (not two words the wrap broke at a space).
func wordAcross(lines []string, a, b runLine, md string) bool {
	if md == "" {
		return false
	}
	ta := lastWord(lines[a.line][a.from : a.from+a.n])
	tb := firstWord(lines[b.line][b.from : b.from+b.n])
	return ta != "" && tb != "" && strings.Contains(md, ta+tb)
}

// segMarkdown is the Markdown segment s's message is shown from ("" for
// the header: its lines are never glued).
func (v *viewer) segMarkdown(s int) string {
	seg := &v.segs[s]
	if seg.msg == nil {
		return ""
	}
	if seg.mdSet {
		return seg.md
	}
	return v.pool.md.markdown(seg.msg)
}
