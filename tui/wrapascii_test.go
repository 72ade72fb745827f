package tui

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// TestWrapASCIIIsAnsiWrap: wrapASCII wraps printable ASCII as ansi.Wrap
// does, on random runs of letters, spaces and hyphens at widths 1 to 30.
func TestWrapASCIIIsAnsiWrap(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 9))
	alphabets := []string{"ab -", "abcdefgh ", "x- ", "lorem ipsum dolor sit amet--  ", "aaaaaaaaaaaaaaaaaaaaaaa b", "!~ ."}
	for n := range 20000 {
		abc := alphabets[n%len(alphabets)]
		var b strings.Builder
		for range r.IntN(90) {
			b.WriteByte(abc[r.IntN(len(abc))])
		}
		s, limit := b.String(), 1+r.IntN(30)
		if got, want := wrapASCII(s, limit), ansi.Wrap(s, limit, ""); got != want {
			t.Fatalf("wrapASCII(%q, %d) = %q, ansi.Wrap %q", s, limit, got, want)
		}
	}
	if got := wrapASCII("abc", 0); got != "abc" {
		t.Fatalf("limit 0: %q", got)
	}
}

func FuzzWrapASCII(f *testing.F) {
	f.Add("lorem ipsum-dolor  sit amet ", 7)
	f.Add("a--b c", 1)
	f.Fuzz(func(t *testing.T, s string, limit int) {
		if !printableASCII(s) || limit > 1000 {
			return
		}
		if got, want := wrapASCII(s, limit), ansi.Wrap(s, limit, ""); got != want {
			t.Fatalf("wrapASCII(%q, %d) = %q, ansi.Wrap %q", s, limit, got, want)
		}
	})
}

var lineWidthSeeds = []string{"", "  plain text ~!", "\x1b[1mbold\x1b[m", " \x1b[1;38;2;63;185;80mYou\x1b[m \x1b[38;2;139;148;158m2026-11-26 10:05\x1b[m",
	"日本語", "e\u0301", "tab\there", "\x7f", "a\x00b", "\x1b[", "\x1b[1", "\x1b[1;2", "\x1b", "x\x1b]8;;http://a\x07link\x1b]8;;\x07",
	"\x1b[?25l", "\x1b[ q", "\x1b[1\x80m", "\x1b(B", "\x1bM", "\x1b[1mé\x1b[m", "\x9b1m"}

// TestLineWidth: lineWidth is ansi.StringWidth, on ASCII and on lines it
// must leave to ansi (escapes, wide and combining characters, controls).
func TestLineWidth(t *testing.T) {
	for _, l := range lineWidthSeeds {
		if got, want := lineWidth(l), ansi.StringWidth(l); got != want {
			t.Errorf("lineWidth(%q) = %d, ansi.StringWidth %d", l, got, want)
		}
	}
}

func FuzzLineWidth(f *testing.F) {
	for _, l := range lineWidthSeeds {
		f.Add(l)
	}
	f.Fuzz(func(t *testing.T, l string) {
		if got, want := lineWidth(l), ansi.StringWidth(l); got != want {
			t.Fatalf("lineWidth(%q) = %d, ansi.StringWidth %d", l, got, want)
		}
	})
}
