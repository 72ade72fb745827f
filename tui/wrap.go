package tui

import (
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// Glamour wraps text at the width, but it breaks a URL anywhere, wraps code
// to the left margin and joins the paragraphs of a list item. layoutMarkdown
// prepares a message's Markdown for the screen at a width so that it does
// not have to (code lines wrapped under their own indent, URLs shown short
// enough to fit and never broken); linkLines then turns the shown URLs into
// OSC 8 hyperlinks to their full target. Copy, show and export never see
// any of this.

// glamourMargin is the left margin Glamour's document style adds; a code
// block indents its lines by codeMargin more.
const (
	glamourMargin = 2
	codeMargin    = 2
)

// screenLink is one URL as the screen shows it: text stands for target.
type screenLink struct {
	text, target string
}

var urlPattern = regexp.MustCompile(`https?://[A-Za-z0-9\-._~:/?#@!$&*+,;=%]*[A-Za-z0-9\-_~/#@$&*+=%]`)

// layoutMarkdown prepares md for Glamour at width (see above) and returns
// the links linkLines needs.
func layoutMarkdown(md string, width int) (string, []screenLink) {
	var b strings.Builder
	var links []screenLink
	text := max(width-2*glamourMargin, 10) // Glamour keeps a margin on the right too
	var fence string
	lines := strings.SplitAfter(tablesAsLists(md, text), "\n")
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		t := strings.TrimLeft(l, " ")
		if fence == "" && (strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~")) {
			n := 0
			for n < len(t) && t[n] == t[0] {
				n++
			}
			fence = t[:n]
			b.WriteString(l)
			continue
		}
		if fence != "" {
			body := strings.TrimRight(t, "\n ")
			if strings.HasPrefix(body, fence) && strings.Trim(body, fence[:1]) == "" {
				fence = ""
				b.WriteString(l)
				continue
			}
			b.WriteString(wrapCode(l, text-codeMargin-1))
			continue
		}
		if item, n, ls := listItem(lines, i, text); n > 0 {
			b.WriteString(item)
			links = append(links, ls...)
			i += n - 1
			continue
		}
		out, ls := shortURLs(l, text)
		links = append(links, ls...)
		b.WriteString(out)
	}
	return b.String(), links
}

// wrapCode wraps one code line (with its newline) at w cells; a wrapped
// line's rest goes on lines indented like the line plus two spaces, so the
// code's shape stays readable.
func wrapCode(l string, w int) string {
	body := strings.TrimRight(l, "\n")
	if ansi.StringWidth(body) <= w {
		return l
	}
	indent := body[:len(body)-len(strings.TrimLeft(body, " "))]
	if len(indent) > w/2 {
		indent = indent[:w/2]
	}
	rest := strings.TrimLeft(body, " ")
	var out []string
	first := true
	for rest != "" {
		lead := indent
		if !first {
			lead += "  "
		}
		room := max(w-len(lead), 8)
		// Truncate reads all it is given: give it a bounded head of the
		// line (4 bytes a cell; a line of longer clusters breaks earlier),
		// else a line of a megabyte costs its length squared.
		head := rest
		if cut := 4*room + 16; len(head) > cut {
			for cut > 0 && !utf8.RuneStart(head[cut]) {
				cut--
			}
			head = head[:cut]
		}
		piece := ansi.Truncate(head, room, "")
		if len(piece) < len(rest) {
			// Break after the last space in the piece's second half, if any.
			if i := strings.LastIndexByte(piece, ' '); i > len(piece)/2 {
				piece = piece[:i+1]
			}
		}
		if piece == "" { // a character wider than the room
			_, n := utf8.DecodeRuneInString(rest)
			piece = rest[:n]
		}
		out = append(out, lead+strings.TrimRight(piece, " "))
		rest = strings.TrimLeft(rest[len(piece):], " ")
		first = false
	}
	return strings.Join(out, "\n") + l[len(body):]
}

// shortURLs replaces each URL of a Markdown text line (not inside a link's
// parentheses or a code span) by its screen form: without the scheme, its
// hyphens non-breaking, cut in the middle with "…" when longer than w. The
// screen form is one word Glamour cannot break, and, without its scheme,
// one it does not turn into a link of its own.
func shortURLs(l string, w int) (string, []screenLink) {
	if !strings.Contains(l, "http") {
		return l, nil
	}
	locs := urlPattern.FindAllStringIndex(l, -1)
	if locs == nil {
		return l, nil
	}
	var b strings.Builder
	var links []screenLink
	last := 0
	for _, loc := range locs {
		s, e := loc[0], loc[1]
		if s > 0 && (l[s-1] == '(' || l[s-1] == '<') || inCodeSpan(l, s) {
			continue // a Markdown link's target or autolink: Glamour links it
		}
		target, ok := safeTarget(l[s:e])
		if !ok {
			continue
		}
		text := screenURL(l[s:e], w)
		b.WriteString(l[last:s])
		b.WriteString(text)
		links = append(links, screenLink{text: text, target: target})
		last = e
	}
	b.WriteString(l[last:])
	return b.String(), links
}

// inCodeSpan says whether byte i of l lies inside a `code span`.
func inCodeSpan(l string, i int) bool { return strings.Count(l[:i], "`")%2 == 1 }

// screenURL is how a URL shows: no scheme, hyphens non-breaking (U+2011),
// at most w cells, cut in the middle.
func screenURL(u string, w int) string {
	u = strings.TrimPrefix(strings.TrimPrefix(u, "https://"), "http://")
	u = strings.ReplaceAll(u, "-", "\u2011")
	if ansi.StringWidth(u) <= w {
		return u
	}
	r := []rune(u)
	keep := max(w-1, 2)
	head := keep * 2 / 3
	tail := keep - head
	return string(r[:head]) + "…" + string(r[len(r)-tail:])
}

// safeTarget is the hyperlink target for a URL from the archive: only
// http and https, re-encoded by net/url so that it holds no control
// character, space or OSC terminator; ok is false otherwise.
func safeTarget(raw string) (string, bool) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", false
	}
	s := u.String()
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] >= 0x7f {
			return "", false
		}
	}
	return s, true
}

// hyperlink opens an OSC 8 hyperlink to target ("" closes it), ended by
// ST rather than BEL, which some terminals would ring outside OSC.
func hyperlink(target string) string { return "\x1b]8;;" + target + "\x1b\\" }

// osc8 matches an OSC 8 hyperlink sequence (BEL or ST terminated).
var osc8 = regexp.MustCompile("\x1b\\]8;([^;\x07\x1b]*);([^\x07\x1b]*)(\x07|\x1b\\\\)")

// linkLines makes each screen form of a URL in Glamour's lines a
// hyperlink to its target (OSC 8, which terminals without support
// ignore), and drops the hyperlinks Glamour made itself to targets that
// are not http(s): link targets come from the archive.
func linkLines(lines []string, links []screenLink) []string {
	for i, l := range lines {
		if strings.Contains(l, "\x1b]8;") {
			l = osc8.ReplaceAllStringFunc(l, func(seq string) string {
				m := osc8.FindStringSubmatch(seq)
				if m[2] == "" {
					return seq // the closing sequence
				}
				if t, ok := safeTarget(m[2]); ok && t == m[2] {
					return seq
				}
				return ""
			})
		}
		lines[i] = linkLine(l, links)
	}
	return lines
}

// escapeRanges lists where l's escape sequences are (start, end), as
// x/ansi's parser reads them.
func escapeRanges(l string) [][2]int {
	out := [][2]int{}
	var state byte
	for i := 0; i < len(l); {
		seq, _, n, st := ansi.DecodeSequence(l[i:], state, nil)
		if n <= 0 {
			break
		}
		if seq[0] == ansi.ESC {
			out = append(out, [2]int{i, i + n})
		}
		i, state = i+n, st
	}
	return out
}

// linkLine makes the first place each link's text shows in l a hyperlink
// to its target. A place inside an escape sequence (a hyperlink's target
// among them) or inside a place already linked is skipped: the same URL
// twice on a line, or a screen form inside another URL, is linked where
// it shows, not inside the sequence made for the other.
func linkLine(l string, links []screenLink) string {
	type place struct {
		at, end int
		k       *screenLink
	}
	var places []place
	var escapes [][2]int // found when a text first shows in l
	for j := range links {
		k := &links[j]
		if k.text == "" || !strings.Contains(l, k.text) {
			continue
		}
		if escapes == nil {
			escapes = escapeRanges(l)
		}
	next:
		for from := 0; from < len(l); {
			i := strings.Index(l[from:], k.text)
			if i < 0 {
				break
			}
			at, end := from+i, from+i+len(k.text)
			from = at + 1
			for _, e := range escapes {
				if at < e[1] && end > e[0] {
					continue next
				}
			}
			for _, p := range places {
				if at < p.end && end > p.at {
					continue next
				}
			}
			places = append(places, place{at, end, k})
			break
		}
	}
	if len(places) == 0 {
		return l
	}
	slices.SortFunc(places, func(a, b place) int { return a.at - b.at })
	var b strings.Builder
	last := 0
	for _, p := range places {
		b.WriteString(l[last:p.at])
		b.WriteString(hyperlink(p.k.target) + p.k.text + hyperlink(""))
		last = p.end
	}
	b.WriteString(l[last:])
	return b.String()
}
