package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/backchat/backchat/model"
)

// rawFormat reports the first bidi embedding, override or isolate, or line or
// paragraph separator, in s: raw, they reorder or break the terminal's
// layout.
func rawFormat(s string) (rune, bool) {
	for _, r := range s {
		if (r >= 0x2028 && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
			return r, true
		}
	}
	return 0, false
}

// bidiArchive holds a spoofing title (U+202E makes "invoice‮gpj.exe" read
// "invoiceexe.jpg"), isolates and separators in the text, and honest
// right-to-left text with an RLM mark.
func bidiArchive() map[string][]*model.Conversation {
	spoof := conv("b-1", "invoice\u202egpj.exe", "gpt-4o", at(4, 10),
		"quarterly \u2066report\u2069 please", "line one\u2028line two\u2029para \u202bembedded\u202c done")
	rtl := conv("b-2", "שלום עולם", "gpt-4o", at(3, 10), "מה שלומך\u200f? quarterly", "بخير، شكرا")
	plain := conv("b-3", "Plain title", "gpt-4o", at(2, 10), "quarterly numbers")
	return map[string][]*model.Conversation{"bidi.json": {spoof, rtl, plain}}
}

func TestBidiControlsAreShownNotObeyed(t *testing.T) {
	for name, args := range map[string][]string{
		"ls":          {"ls", "bidi.json"},
		"show":        {"show", "bidi.json", "b-1"},
		"show rtl":    {"show", "bidi.json", "b-2"},
		"show md":     {"show", "-f", "markdown", "bidi.json", "b-1"},
		"search":      {"search", "bidi.json", "quarterly"},
		"search text": {"search", "bidi.json", "embedded"},
		"stats":       {"stats", "bidi.json"},
		"ls json":     {"ls", "--json", "bidi.json"},
		"show json":   {"show", "-f", "json", "bidi.json", "b-1"},
		"search json": {"search", "--json", "bidi.json", "quarterly"},
		"stats json":  {"stats", "--json", "bidi.json"},
	} {
		t.Run(name, func(t *testing.T) {
			r := cli(t, bidiArchive(), args...)
			if r.code != exitOK {
				t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
			}
			if c, bad := rawFormat(r.stdout + r.stderr); bad {
				t.Errorf("raw %U in output:\n%s", c, r.stdout)
			}
			if c, bad := rawControl(r.stdout); bad {
				t.Errorf("raw control %U in output", c)
			}
		})
	}

	ls := cli(t, bidiArchive(), "ls", "bidi.json").stdout
	if !strings.Contains(ls, "invoice⇄gpj.exe") || !strings.Contains(ls, "שלום עולם") {
		t.Errorf("ls lacks the placeholder or the RTL title:\n%s", ls)
	}
	lines := strings.Split(strings.TrimSuffix(ls, "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("ls lines:\n%s", ls)
	}
	// Every title starts in the same column.
	col := strings.Index(lines[0], "invoice")
	for _, l := range lines[1:] {
		if i := strings.IndexAny(l, "שP"); i != col {
			t.Errorf("title at byte %d, want %d:\n%s", i, col, ls)
		}
	}

	show := cli(t, bidiArchive(), "show", "bidi.json", "b-1").stdout
	for _, want := range []string{"invoice⇄gpj.exe", "quarterly ⇄report⇄ please", "line one␤line two␤para ⇄embedded⇄ done"} {
		if !strings.Contains(show, want) {
			t.Errorf("show lacks %q:\n%s", want, show)
		}
	}
	// Right-to-left text and its RLM mark pass unchanged.
	rtl := cli(t, bidiArchive(), "show", "bidi.json", "b-2").stdout
	for _, want := range []string{"שלום עולם", "מה שלומך\u200f? quarterly", "بخير، شكرا"} {
		if !strings.Contains(rtl, want) {
			t.Errorf("show lacks %q:\n%s", want, rtl)
		}
	}
	if s := cli(t, bidiArchive(), "search", "bidi.json", "embedded").stdout; !strings.Contains(s, "⇄»embedded«⇄") {
		t.Errorf("search snippet lacks the placeholders:\n%s", s)
	}
	if s := cli(t, bidiArchive(), "stats", "bidi.json").stdout; !strings.Contains(s, "invoice⇄gpj.exe") {
		t.Errorf("stats lacks the spoofing title with its placeholder:\n%s", s)
	}
	// JSON keeps the text exactly, escaped: a decoder gets U+202E back.
	js := cli(t, bidiArchive(), "ls", "--json", "bidi.json").stdout
	var e struct{ Title string }
	if err := json.Unmarshal([]byte(strings.SplitN(js, "\n", 2)[0]), &e); err != nil || e.Title != "invoice\u202egpj.exe" ||
		!strings.Contains(js, `invoice\u202egpj.exe`) {
		t.Errorf("ls --json: %q (%v), want the title escaped and intact", js, err)
	}
}
