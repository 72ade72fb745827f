package tui

import (
	"context"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// cells is what a terminal shows of line l: each printed rune with the SGR
// sequences in force for it (those since the line's last reset; before
// the first reset, "?" for a style inherited from before the line) and the
// OSC sequence last seen (links).
func cells(l string) []string {
	var out []string
	state, osc := "?", ""
	for i := 0; i < len(l); {
		switch {
		case strings.HasPrefix(l[i:], "\x1b["):
			j := i + 2
			for j < len(l) && (l[j] < 0x40 || l[j] > 0x7e) {
				j++
			}
			if j >= len(l) {
				return append(out, "cut:"+l[i:])
			}
			seq := l[i : j+1]
			switch {
			case seq == "\x1b[m" || seq == "\x1b[0m":
				state = ""
			case l[j] == 'm':
				state += seq
			default:
				out = append(out, "csi:"+seq)
			}
			i = j + 1
		case strings.HasPrefix(l[i:], "\x1b]"):
			j := strings.Index(l[i:], "\x1b\\")
			if k := strings.IndexByte(l[i:], 0x07); k >= 0 && (j < 0 || k < j) {
				osc, i = l[i:i+k], i+k+1
				continue
			}
			if j < 0 {
				return append(out, "cut:"+l[i:])
			}
			osc, i = l[i:i+j], i+j+2
		default:
			r := []rune(l[i:min(i+4, len(l))])[0]
			n := len(string(r))
			out = append(out, string(r)+"|"+state+"|"+osc)
			i += n
		}
	}
	return out
}

func sameCells(t *testing.T, l string) string {
	t.Helper()
	c := compactSGR(l)
	a, b := cells(l), cells(c)
	if len(a) != len(b) {
		t.Fatalf("compactSGR(%q) = %q: %d cells, want %d", l, c, len(b), len(a))
	}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("compactSGR(%q) = %q: cell %d is %q, want %q", l, c, i, b[i], a[i])
		}
	}
	return c
}

// TestCompactSGRKeepsEveryCell: compacted lines show the same runes with the
// same styles and links, and are shorter where Glamour repeats a style.
func TestCompactSGRKeepsEveryCell(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain", "plain"},
		{"\x1b[1ma\x1b[m\x1b[1mb\x1b[m", "\x1b[1ma\x1b[m\x1b[1mb\x1b[m"}, // the first style may add to an inherited one
		{"\x1b[m\x1b[1ma\x1b[m\x1b[1mb\x1b[m\x1b[1mc\x1b[m", "\x1b[m\x1b[1mabc\x1b[m"},
		{"\x1b[m\x1b[1ma\x1b[0m\x1b[1mb\x1b[m", "\x1b[m\x1b[1mab\x1b[m"},
		{"\x1b[m\x1b[1m\x1b[3ma\x1b[m\x1b[1m\x1b[3mb\x1b[m", "\x1b[m\x1b[1m\x1b[3ma\x1b[m\x1b[1m\x1b[3mb\x1b[m"}, // two SGRs: left alone
		{"\x1b[m\x1b[1ma\x1b[m\x1b[1;3mb\x1b[m", "\x1b[m\x1b[1ma\x1b[m\x1b[1;3mb\x1b[m"},
		{"\x1b[m\x1b[1ma\x1b[m\x1b]8;;http://x\x1b\\\x1b[1mb\x1b[m\x1b]8;;\x1b\\", "\x1b[m\x1b[1ma\x1b[m\x1b]8;;http://x\x1b\\\x1b[1mb\x1b[m\x1b]8;;\x1b\\"},
		{"\x1b[m\x1b[1ma\x1b[2Kb\x1b[m\x1b[1mc", "\x1b[m\x1b[1ma\x1b[2Kb\x1b[m\x1b[1mc"},
		{"\x1b[m\x1b[1ma\x1b[m\x1b[1", "\x1b[m\x1b[1ma\x1b[m\x1b[1"},
	} {
		if got := sameCells(t, tc.in); got != tc.want {
			t.Errorf("compactSGR(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	// Glamour's own output, of every kind of block.
	md := "# Title\n\nSome *words* here and `code` and **bold** and a [link](https://example.com).\n\n" +
		"- item one\n- item **two**\n  1. nested\n\n> a quote with _emphasis_\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n" +
		"```go\nfunc main() {\n\tfmt.Println(\"hi\") // comment\n}\n```\n\n---\n\nThe end.\n"
	before, after := 0, 0
	for _, style := range []string{"dark", "light", "notty"} {
		for _, w := range []int{40, 80, 119} {
			lines, err := newRenderPool().render(context.Background(), style, w, md)
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range lines {
				c := sameCells(t, l)
				if ansi.Strip(c) != ansi.Strip(l) {
					t.Fatalf("the text changed: %q → %q", l, c)
				}
				before, after = before+len(l), after+len(c)
			}
		}
	}
	if after*2 > before {
		t.Errorf("Glamour's lines compacted from %d to %d bytes, want less than half", before, after)
	}
	// Random mixes of styles, resets, text and links.
	tokens := []string{"\x1b[m", "\x1b[0m", "\x1b[1m", "\x1b[38;5;252m", "\x1b[38;5;252;3m", "\x1b[48;5;236m", "a", " ", "é",
		"\x1b]8;;http://x\x1b\\", "\x1b]8;;\x1b\\", "\x1b[K", "\x1b["}
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		var b strings.Builder
		for range r.IntN(24) {
			b.WriteString(tokens[r.IntN(len(tokens))])
		}
		sameCells(t, b.String())
	}
}
