package main

import (
	"bytes"
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
