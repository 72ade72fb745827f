package main

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/backchat/backchat/model"
	"github.com/backchat/backchat/model/search"
)

// hostileTexts are titles and message texts an archive may hold: escape
// sequences, C0 and C1 controls, bidi controls, wide CJK, emoji.
var hostileTexts = []string{
	"\x1b[31mred\x1b[0m \x1b]8;;http://x\x07link\x1b]8;;\x07 and \x1b[2J\x1b[H clear \x1b[1m\x1b[1m\x1b[1m\x1b[1m\x1b[1m\x1b[1m\x1b[1m\x1b[1m\x1b[1m\x1b[1m",
	"bell\a\a\a\a\a\a\a\a\a\a\a\a\a\a\a\a\a\a\a\a backspace\b\b\b\b\b\b\b\b\b\b\b\b del\x7f\x7f\x7f\x7f\x7f\x7f cr\r\r\r\r\r\r\r",
	"c1 \u0085\u0085\u0090\u009b31m\u009b2J\u009d0;title\u009c invalid \xff\xfe\xc0\x80\xed\xa0\x80 bytes",
	"bidi \u202etxet desrever\u202c \u2066iso\u2069 \u202a\u202b\u202d\u2067\u2068 mixed \u200f\u200e marks",
	"漢字の長いタイトルと本文がここにあります。検索語はここ：漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字",
	"emoji 🚀🚀🚀 ✅✅ ⭐ 📈 👩‍👩‍👧‍👦 family 🇫🇷🇯🇵 flags ☺️ ❤️ ✌️ ☝️ keycap 1️⃣ 2️⃣ skin 👍🏽👍🏽",
	"tabs\t\t\tand\nnew\nlines\r\nand\u2028separators\u2029and\u00a0nbsp \u200b\u200b\u200b zero width \ufeff bom",
	"mixed \x1b[1m漢字\u009b🚀\u202e☺️\x07 " + strings.Repeat("\x1b", 40) + " end",
}

// hostileResults builds, for each hostile text and each hit position in
// it, a result whose hit is in the message and one whose hit is in the
// title (the snippet then quotes the message).
func hostileResults(t *testing.T) []search.Result {
	t.Helper()
	var rs []search.Result
	for i, text := range hostileTexts {
		title := text + " " + text
		body := strings.Repeat(text+" ", 3)
		for _, frac := range []int{0, 1, 2, 3, 4} {
			off := len(text) * frac / 4
			n := min(5, len(text)-off)
			c := conv("hostile-"+string(rune('a'+i)), title, "gpt-4o", at(3, 9), body, "ok")
			bodyHit := search.Hit{Node: 1, Field: search.FieldText, Off: int32(off), Len: int32(n)}
			snip, m := search.Snippet(body, off, n, searchSnippetWidth)
			rs = append(rs, search.Result{Conv: c, Best: bodyHit, Hits: []search.Hit{bodyHit}, Snippet: snip, SnippetMatch: m})
			titleHit := search.Hit{Node: model.NoNode, Field: search.FieldConvTitle, Off: int32(len(text) + 1 + off), Len: int32(n)}
			rs = append(rs, search.Result{Conv: c, Best: titleHit, Hits: []search.Hit{titleHit, bodyHit}, Snippet: snip, SnippetMatch: m})
			// A title hit and no message to quote.
			rs = append(rs, search.Result{Conv: c, Best: titleHit, Hits: []search.Hit{titleHit}})
		}
	}
	return rs
}

// TestSearchHostileTextFits: on a terminal of 40, 80 or 200 columns each
// line of hostile text (escape sequences, C1 and bidi controls, wide CJK,
// emoji) fits the width, shows no raw control, and keeps its hit marks
// balanced (»…« without colour, bold on and off with it), however the
// title and snippet are cut.
func TestSearchHostileTextFits(t *testing.T) {
	rs := hostileResults(t)
	// The same with a wide id: a head of 30 cells leaves a 40-column
	// line 10 for the title and no snippet.
	wide := hostileResults(t)
	for i := range wide {
		c := *wide[i].Conv
		c.ID = "漢字\x1b漢字漢字漢字"
		wide[i].Conv = &c
	}
	rs = append(rs, wide...)
	for _, bold := range []bool{false, true} {
		open, closing := "»", "«"
		if bold {
			open, closing = "\x1b[1m", "\x1b[22m"
		}
		for _, width := range []int{40, 80, 200} {
			var out bytes.Buffer
			searchText(&out, rs, time.UTC, bold, width)
			lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
			if len(lines) != len(rs) {
				t.Fatalf("bold %v width %d: %d lines for %d results", bold, width, len(lines), len(rs))
			}
			for _, line := range lines {
				if w := ansi.StringWidth(line); w > width {
					t.Errorf("bold %v width %d: a line is %d cells wide: %q", bold, width, w, line)
				}
				plain := strings.ReplaceAll(strings.ReplaceAll(line, "\x1b[1m", ""), "\x1b[22m", "")
				if strings.ContainsFunc(plain, func(r rune) bool { return r < 0x20 || r >= 0x7f && r <= 0x9f }) {
					t.Errorf("bold %v width %d: a raw control in %q", bold, width, line)
				}
				if !balanced(line, open, closing) {
					t.Errorf("bold %v width %d: unbalanced hit marks in %q", bold, width, line)
				}
			}
		}
	}
}

// balanced reports whether open and closing alternate in s, starting with
// open and ending with closing.
func balanced(s, open, closing string) bool {
	in := false
	for s != "" {
		i, j := strings.Index(s, open), strings.Index(s, closing)
		switch {
		case i < 0 && j < 0:
			return !in
		case j < 0 || i >= 0 && i < j:
			if in {
				return false
			}
			in, s = true, s[i+len(open):]
		default:
			if !in {
				return false
			}
			in, s = false, s[j+len(closing):]
		}
	}
	return !in
}

// TestCutMarked: a marked title cut at every width keeps its marks
// balanced, fits, and keeps as much of the hit as fits.
func TestCutMarked(t *testing.T) {
	pre, hit, post := "A title about a ", "windy漢字", " balcony 🚀 in town"
	for _, m := range [][2]string{{"»", "«"}, {"\x1b[1m", "\x1b[22m"}} {
		full := pre + m[0] + hit + m[1] + post
		for w := 1; w <= ansi.StringWidth(full)+2; w++ {
			got := cutMarked(pre, hit, post, m[0], m[1], w)
			if gw := ansi.StringWidth(got); gw > w {
				t.Errorf("width %d: %q is %d cells", w, got, gw)
			}
			if !balanced(got, m[0], m[1]) {
				t.Errorf("width %d: unbalanced marks in %q", w, got)
			}
			if w >= ansi.StringWidth(full) && got != full {
				t.Errorf("width %d: %q was cut (want %q)", w, got, full)
			}
			if w >= ansi.StringWidth(pre+m[0]+"w…"+m[1]) && !strings.Contains(got, m[0]+"w") {
				t.Errorf("width %d: the hit's start is lost: %q", w, got)
			}
		}
	}
}

// TestSearchTitleCutWithoutColour: with NO_COLOR, a title hit that the
// terminal's width cuts in half keeps its closing « (it was lost), and a
// message full of escape sequences still fits the line.
func TestSearchTitleCutWithoutColour(t *testing.T) {
	files := archive()
	title := "About windyweatherforecastsforthewholeweekahead and after" // cut at 24 cells: inside the hit
	c := conv("esc-1", title, "gpt-4o", at(3, 9), strings.Repeat("\x1b[31m\x1b[0m\x07", 20)+" windyweatherforecastsforthewholeweekahead "+strings.Repeat("\x1b]0;x\x07", 20), "ok")
	files["esc.json"] = []*model.Conversation{c}
	t.Setenv("NO_COLOR", "1")
	var out, errOut strings.Builder
	a := newApp(strings.NewReader(""), &out, &errOut)
	a.isTerminal = func(w io.Writer) bool { return w == io.Writer(&out) }
	a.open = fakeOpen(files)
	if code := execute(t.Context(), a, []string{"search", "esc.json", "windyweatherforecastsforthewholeweekahead"}); code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	line := strings.TrimSuffix(out.String(), "\n")
	if w := ansi.StringWidth(line); w > 80 {
		t.Errorf("a terminal line is %d cells wide: %q", w, line)
	}
	if !strings.Contains(line, "»windy") || !balanced(line, "»", "«") {
		t.Errorf("the title's hit lost a mark: %q", line)
	}
}
