package search

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

func TestSnippet(t *testing.T) {
	long := strings.Repeat("alpha beta gamma ", 10)
	cases := []struct {
		name      string
		text      string
		off, n, w int
		want      string // with the match in [brackets]
	}{
		{"whole", "find the needle here", 9, 6, 40, "find the [needle] here"},
		{"newlines", "line one\n\nneedle\tthere\r\nend", 10, 6, 40, "line one [needle] there end"},
		{"cut both", long + "NEEDLE " + long, len(long), 6, 30, "…gamma [NEEDLE] alpha beta gam…"},
		{"at start", "needle " + long, 0, 6, 20, "[needle] alpha beta g…"},
		{"at end", long + "needle", len(long), 6, 20, "…a beta gamma [needle]"},
		{"too wide", "xx " + strings.Repeat("n", 50) + " yy", 3, 50, 10, "[nnnnnnnnnn]"},
		{"cjk", "今日は東京タワーに行きました。とても高かったです。", len("今日は"), len("東京"), 16, "…は[東京]タワー…"},
		{"controls", "a\x1b[31mred\x07 needle", 11, 6, 40, "a␛[31mred␇ [needle]"}, // as the viewer shows them
		{"c1 and bad bytes", "x\u009b1m\xff needle", 7, 6, 40, "x�1m� [needle]"},
		{"bidi", "a \u202eevil\u2066 needle", 13, 6, 40, "a ⇄evil⇄ [needle]"},
		{"clamped", "abc", 5, 9, 10, "abc[]"},
	}
	for _, c := range cases {
		s, m := Snippet(c.text, c.off, c.n, c.w)
		got := s[:m[0]] + "[" + s[m[0]:m[1]] + "]" + s[m[1]:]
		if got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
}

// TestSnippetWidthOfBidiControls: a bidi control (U+202A–U+202E,
// U+2066–U+2069) has no width of its own, but the snippet shows it as the
// viewer does, "⇄", one cell: it counts one, or a text full of them made
// a snippet of twice the width asked for. Likewise a cut UTF-8 sequence
// at the end of the text, which the grapheme segmenter glues to the cluster
// before it: each of its bytes prints "�".
func TestSnippetWidthOfBidiControls(t *testing.T) {
	for _, c := range []string{"\u202a", "\u202e", "\u2066", "\u2069"} {
		if n, w := firstCluster(c + "x"); n != len(c) || w != 1 {
			t.Errorf("firstCluster(%q) = %d bytes, %d cells, want %d, 1", c, n, w, len(c))
		}
		if n, w := lastCluster("x" + c); n != len(c) || w != 1 {
			t.Errorf("lastCluster(%q) = %d bytes, %d cells, want %d, 1", c, n, w, len(c))
		}
	}
	for _, c := range []string{"0\xc7", "\xc7\xc7", "0\xe2\x80"} {
		if n, w := firstCluster(c); n != 1 || w != 1 {
			t.Errorf("firstCluster(%q) = %d bytes, %d cells, want 1, 1 (a bad byte prints \"�\")", c, n, w)
		}
	}
	text := strings.Repeat("a\u202e", 30) + "needle" + strings.Repeat("b\u2066", 30)
	off := strings.Index(text, "needle")
	for _, width := range []int{12, 20, 41} {
		line, m := Snippet(text, off, len("needle"), width)
		if w := ansi.StringWidth(line); w > width {
			t.Errorf("snippet is %d cells wide, want at most %d: %q", w, width, line)
		}
		if line[m[0]:m[1]] != "needle" {
			t.Errorf("width %d: match %q in %q", width, line[m[0]:m[1]], line)
		}
	}
}

// TestSnippetWidthOfEmoji: emoji a terminal draws two cells wide (✅, 🚀,
// ⭐, not only those of U+1F300–U+1F64F, and those made wide by a
// variation selector: ☺️, 1️⃣) count as two, so a snippet is never wider
// than asked as the screen measures it (ansi.StringWidth); CJK too, and a
// combining mark counts as none. ☺️ and 1️⃣ counted one cell, a rune at a
// time, and printed two.
func TestSnippetWidthOfEmoji(t *testing.T) {
	for _, c := range []string{"✅", "🚀", "⭐", "❌", "📈", "宽", "한", "☺️", "1️⃣", "👍🏽", "🇫🇷", "👨‍👩‍👧"} {
		if n, w := firstCluster(c + "x"); n != len(c) || w != 2 {
			t.Errorf("firstCluster(%q) = %d bytes, %d cells, want %d, 2", c, n, w, len(c))
		}
		if n, w := lastCluster("x" + c); n != len(c) || w != 2 {
			t.Errorf("lastCluster(%q) = %d bytes, %d cells, want %d, 2", c, n, w, len(c))
		}
	}
	for _, c := range []string{"a", "é", "e\u0301", "→", "★", "\x1b", "\xff", "\t"} {
		if n, w := firstCluster(c + "x"); n != len(c) || w != 1 {
			t.Errorf("firstCluster(%q) = %d bytes, %d cells, want %d, 1", c, n, w, len(c))
		}
		if n, w := lastCluster("x" + c); n != len(c) || w != 1 {
			t.Errorf("lastCluster(%q) = %d bytes, %d cells, want %d, 1", c, n, w, len(c))
		}
	}
	for _, text := range []string{
		strings.Repeat("done ✅ shipped 🚀 ", 20) + "needle " + strings.Repeat("⭐ great ✅ ", 20),
		strings.Repeat("smile ☺️ key 1️⃣ ", 20) + "needle " + strings.Repeat("☺️☺️ 1️⃣ ok ", 20),
		strings.Repeat("☺️", 30) + "needle" + strings.Repeat("1️⃣", 30),
		strings.Repeat("🇫🇷👍🏽 ", 30) + "needle" + strings.Repeat(" e\u0301👨‍👩‍👧", 30),
	} {
		off := strings.Index(text, "needle")
		for _, width := range []int{12, 25, 40, 41, 80} {
			line, m := Snippet(text, off, len("needle"), width)
			if w := ansi.StringWidth(line); w > width {
				t.Errorf("snippet is %d cells wide, want at most %d: %q", w, width, line)
			}
			if line[m[0]:m[1]] != "needle" {
				t.Errorf("width %d: match %q in %q", width, line[m[0]:m[1]], line)
			}
		}
	}
}

// BenchmarkSnippet: one snippet of 80 cells around a match in ASCII, CJK
// and emoji text (the browser draws one per result row in view).
func BenchmarkSnippet(b *testing.B) {
	for _, c := range []struct{ name, text string }{
		{"ascii", strings.Repeat("alpha beta gamma delta ", 40)},
		{"cjk", strings.Repeat("今日は東京タワーに行きました。", 40)},
		{"emoji", strings.Repeat("done ✅ shipped 🚀 ok ☺️ key 1️⃣ ", 40)},
	} {
		text := c.text[:len(c.text)/2] + "needle" + c.text[len(c.text)/2:]
		off := strings.Index(text, "needle")
		b.Run(c.name, func(b *testing.B) {
			for range b.N {
				Snippet(text, off, len("needle"), 80)
			}
		})
	}
}

// TestSnippetWidthOfZeroWidthClusters: a cluster of no width (a combining
// mark after a control or a bad byte, where it starts a cluster of its
// own) at the place an ellipsis takes frees no cell for it; the snippet
// must still fit, also when the match starts or ends inside a cluster
// (TestSnippetMatchInsideACluster). Random texts over an alphabet of such
// pieces, random offsets, every width from 1 to 30.
func TestSnippetWidthOfZeroWidthClusters(t *testing.T) {
	pieces := []string{"0", "0", "0", " ", "\u0315", "\u0301", "\x8e", "\x1b", "宽", "\u202e", "☺️", "❤️", "🇫🇷"}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 3000 {
		var b strings.Builder
		for range rng.IntN(40) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		text := b.String()
		off, n := rng.IntN(len(text)+1), rng.IntN(8)
		for width := 1; width <= 30; width++ {
			s, _ := Snippet(text, off, n, width)
			if w := ansi.StringWidth(s); w > width {
				t.Fatalf("Snippet(%q, %d, %d, %d) = %q: %d cells", text, off, n, width, s, w)
			}
		}
	}
}

// TestSnippetMatchInsideACluster: a match of ❤ in ❤️ (or of one letter of
// a flag) takes the whole cluster: ❤ measured one cell and its variation
// selector none, and the snippet printed a cell wider than asked.
func TestSnippetMatchInsideACluster(t *testing.T) {
	for _, c := range []struct{ text, term, want string }{
		{strings.Repeat("love ❤️ ", 10) + "0123456789", "❤", "❤️"},
		{strings.Repeat("0", 40) + "☺️" + strings.Repeat("1", 40), "\ufe0f", "☺️"},
		{strings.Repeat("x", 40) + "🇫🇷" + strings.Repeat("y", 40), "🇷", "🇫🇷"},
	} {
		off := strings.LastIndex(c.text, c.term)
		for width := 3; width <= 30; width++ {
			line, m := Snippet(c.text, off, len(c.term), width)
			if w := ansi.StringWidth(line); w > width {
				t.Errorf("%q in %q: snippet %q is %d cells, want at most %d", c.term, c.want, line, w, width)
			}
			if line[m[0]:m[1]] != c.want {
				t.Errorf("%q, width %d: match %q in %q, want %q", c.term, width, line[m[0]:m[1]], line, c.want)
			}
		}
	}
}

// TestSnippetFillsWidthAcrossSpaceRuns: a run of spaces or line breaks
// prints as one space, so it counts one cell, and a snippet cut at both
// ends fills its width (a table's padding or a blank line between
// paragraphs left result rows a few cells short, ragged on screen).
func TestSnippetFillsWidthAcrossSpaceRuns(t *testing.T) {
	para := "alpha beta gamma delta\n\n\n\n| cell |      | cell |\t\t\tepsilon "
	text := strings.Repeat(para, 6) + "needle " + strings.Repeat(para, 6)
	off := strings.Index(text, "needle")
	for _, width := range []int{12, 25, 40, 41, 80} {
		line, m := Snippet(text, off, len("needle"), width)
		if w := ansi.StringWidth(line); w < width-1 || w > width {
			t.Errorf("width %d: snippet is %d cells wide: %q", width, w, line)
		}
		if line[m[0]:m[1]] != "needle" {
			t.Errorf("width %d: match %q in %q", width, line[m[0]:m[1]], line)
		}
	}
}

// TestSnippetReadableMarkers: a 2023 browsing result's markers read in a
// snippet as the viewer draws them, the match on the same characters.
func TestSnippetReadableMarkers(t *testing.T) {
	text := "# 【1†Rust Backup Kubernetes Copy†docs.python.org】\nSee 【2:0†source】."
	off := strings.Index(text, "Kubernetes")
	s, m := Snippet(text, off, len("Kubernetes"), 80)
	if want := "# Rust Backup Kubernetes Copy (docs.python.org) See."; s != want {
		t.Errorf("snippet %q, want %q", s, want)
	}
	if s[m[0]:m[1]] != "Kubernetes" {
		t.Errorf("match %v reads %q", m, s[m[0]:m[1]])
	}
}
