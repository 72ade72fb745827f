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
		{"controls", "a\x1b[31mred\x07 needle", 11, 6, 40, "a [31mred [needle]"},
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
