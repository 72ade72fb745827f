package tui

import (
	"strings"
	"testing"
)

func TestStripMarkup(t *testing.T) {
	for _, c := range []struct{ in, match, want string }{
		{"Try **Crumb & Cardamom** first", "Crumb", "Try Crumb & Cardamom first"},
		{"## Heading\n> a quote with `code` and __strong__ ~~gone~~", "code", "Heading\na quote with code and strong gone"},
		{"see [the docs](https://example.com/x) and ![a cat](cat.png) here", "docs", "see the docs and a cat here"},
		{"see [the docs](https://example.com/x) here", "here", "see the docs here"},
		{"keep snake_case and 2 * 3 ", "snake_case", "keep snake_case and 2 * 3 "},
		{"the match **is**", "**is**", "the match **is**"},
		{"Options:\n- **Crumb & Cardamom** — a bakery\n  * nested item\n+ plus", "Cardamom", "Options:\nCrumb & Cardamom — a bakery\n  nested item\nplus"},
		{"a - b and 3 - 2", "b", "a - b and 3 - 2"},
	} {
		off := strings.Index(c.in, c.match)
		got, o, n := stripMarkup(c.in, off, len(c.match))
		if got != c.want {
			t.Errorf("stripMarkup(%q) = %q, want %q", c.in, got, c.want)
			continue
		}
		if got[o:o+n] != c.match {
			t.Errorf("stripMarkup(%q): match %q, want %q", c.in, got[o:o+n], c.match)
		}
	}
}

func TestSnippetWindowKeepsTheMatch(t *testing.T) {
	text := strings.Repeat("é", 500) + "needle" + strings.Repeat("ü", 500)
	w, off, n := snippetWindow(text, 1000, 6, 41)
	if w[off:off+n] != "needle" || len(w) > 6+2*42 {
		t.Fatalf("window %q, match %q", w, w[off:off+n])
	}
}
