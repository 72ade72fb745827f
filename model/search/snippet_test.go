package search

import (
	"strings"
	"testing"
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

// TestSnippetWidthOfEmoji: emoji a terminal draws two cells wide (✅, 🚀,
// ⭐, not only those of U+1F300–U+1F64F) count as two, so a snippet is
// never wider than asked; CJK too, and a combining mark counts as none.
func TestSnippetWidthOfEmoji(t *testing.T) {
	for _, r := range []rune{'✅', '🚀', '⭐', '❌', '📈', '宽', '한'} {
		if w := cellWidth(r); w != 2 {
			t.Errorf("cellWidth(%q) = %d, want 2", r, w)
		}
	}
	for _, r := range []rune{'a', 'é', '→', '★'} {
		if w := cellWidth(r); w != 1 {
			t.Errorf("cellWidth(%q) = %d, want 1", r, w)
		}
	}
	if w := cellWidth('\u0301'); w != 0 {
		t.Errorf("cellWidth(combining acute) = %d, want 0", w)
	}
	text := strings.Repeat("done ✅ shipped 🚀 ", 20) + "needle " + strings.Repeat("⭐ great ✅ ", 20)
	off := strings.Index(text, "needle")
	line, _ := Snippet(text, off, len("needle"), 40)
	w := 0
	for _, r := range line {
		w++
		if r == '✅' || r == '🚀' || r == '⭐' {
			w++
		}
	}
	if w > 40 {
		t.Errorf("snippet is %d cells wide, want at most 40: %q", w, line)
	}
}
