package model

import (
	"strings"
	"testing"
)

func TestNormalizeMath(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"empty", "", ""},
		{"no math", "just (text) [here]", "just (text) [here]"},
		{"inline", `Euler: \(e^{i\pi} + 1 = 0\).`, `Euler: $e^{i\pi} + 1 = 0$.`},
		{"inline trimmed", `a \( x \) b`, `a $x$ b`},
		{"two inline", `\(a\) and \(b\)`, `$a$ and $b$`},
		{"display own line", "Then\n\\[\nx^2\n\\]\ndone", "Then\n$$\nx^2\n$$\ndone"},
		{"display mid-line", `so \[x = 1\] holds`, "so\n$$\nx = 1\n$$\nholds"},
		{"display mid-line indented", "  - so \\[x\\]. Next", "  - so\n  $$\n  x\n  $$\n  . Next"},
		{"display in list keeps indent", "- item\n  \\[ a+b \\]\n", "- item\n  $$\n  a+b\n  $$\n"},
		{"display with latex line break", `\[ a \\[2pt] b \]`, "$$\na \\\\[2pt] b\n$$"},
		{"escaped opener", `a \\(not math\\) b`, `a \\(not math\\) b`},
		{"unclosed", `an \(unclosed one`, `an \(unclosed one`},
		{"empty pair", `\(\) and \[ \]`, `\(\) and \[ \]`},
		{"no pair across blank line", "\\(a\n\nb\\)", "\\(a\n\nb\\)"},
		{"inline code untouched", "use `\\(x\\)` or \\(y\\)", "use `\\(x\\)` or $y$"},
		{"double backtick code", "``a ` \\(x\\) ``, \\(z\\)", "``a ` \\(x\\) ``, $z$"},
		{"unclosed backtick is literal", "a ` then \\(x\\)", "a ` then $x$"},
		{"fenced code untouched", "```latex\n\\[x\\]\n```\n\\(y\\)", "```latex\n\\[x\\]\n```\n$y$"},
		{"indented fence", "1. step\n   ```py\n   s = r'\\(x\\)'\n   ```\nand \\(z\\)", "1. step\n   ```py\n   s = r'\\(x\\)'\n   ```\nand $z$"},
		{"tilde fence", "~~~\n\\(x\\)\n~~~\n\\(y\\)", "~~~\n\\(x\\)\n~~~\n$y$"},
		{"longer closing fence", "````\n```\n\\(x\\)\n````\n\\(y\\)", "````\n```\n\\(x\\)\n````\n$y$"},
		{"unclosed fence runs to end", "```\n\\(x\\)", "```\n\\(x\\)"},
		{"pair does not span code", "\\(a `b` c\\)", "\\(a `b` c\\)"},
		{"unicode around", "ε: \\(\\varepsilon\\) — ok 日本", "ε: $\\varepsilon$ — ok 日本"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NormalizeMath(tt.in); got != tt.want {
				t.Errorf("NormalizeMath(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestNormalizeMathFastPathDoesNotAllocate(t *testing.T) {
	s := strings.Repeat("No math here, only (parens) and [brackets] and a \\n. ", 100)
	if n := testing.AllocsPerRun(100, func() { _ = NormalizeMath(s) }); n != 0 {
		t.Errorf("allocates %v times without delimiters", n)
	}
}

func FuzzNormalizeMath(f *testing.F) {
	for _, s := range []string{`\(x\)`, "```\n\\[x\\]\n```", "`\\(`\\)`", `\\\(a\\\)`, "- \\[\n  x\n\\]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := NormalizeMath(s)
		if !strings.Contains(s, `\(`) && !strings.Contains(s, `\[`) && got != s {
			t.Fatalf("changed text without delimiters: %q -> %q", s, got)
		}
		// Only delimiters and whitespace change: the rest survives in order.
		if a, b := skeleton(s), skeleton(got); a != b {
			t.Fatalf("text changed beyond delimiters: %q -> %q (%q vs %q)", s, got, a, b)
		}
	})
}

// skeleton drops what NormalizeMath may add, move or remove.
func skeleton(s string) string {
	return strings.Map(func(r rune) rune {
		if strings.ContainsRune(" \t\r\n$\\()[]", r) {
			return -1
		}
		return r
	}, s)
}

// TestHasMathOpener agrees with looking for each opener in turn.
func TestHasMathOpener(t *testing.T) {
	for _, s := range []string{"", `\`, `\(`, `\[`, `a\`, `a\b\(`, `\\[`, `x \) y \]`, `\\\\`, `a\nb`, `(\`, `[\`, "\\\u00e9(", `\)\(`} {
		want := strings.Contains(s, `\(`) || strings.Contains(s, `\[`)
		if got := hasMathOpener(s); got != want {
			t.Errorf("hasMathOpener(%q) = %v, want %v", s, got, want)
		}
	}
}
