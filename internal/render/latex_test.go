package render

import (
	"strings"
	"testing"
)

func TestTexToUnicode(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`\frac{a+b}{2}`, "(a+b)/2"},
		{`\frac{1}{2}`, "1/2"},
		{`\alpha^2 + \beta_1 \leq \gamma`, "α² + β₁ ≤ γ"},
		{`x^{n+1}`, "xⁿ⁺¹"},
		{`e^{i\pi} = -1`, "e^(iπ) = −1"},
		{`\sum_{i=1}^{n} i^2`, "∑ᵢ₌₁ⁿ i²"},
		{`\sqrt{x^2 + y^2}`, "√(x² + y²)"},
		{`\sqrt[3]{8} = 2`, "³√8 = 2"},
		{`\int_0^\infty e^{-x}\,dx`, "∫₀^∞ e⁻ˣ dx"},
		{`\mathbb{R}^n \to \mathbb{R}`, "ℝⁿ → ℝ"},
		{`\text{if } x \neq 0`, "if x ≠ 0"},
		{`\forall \epsilon > 0 \, \exists \delta`, "∀ ε > 0 ∃ δ"},
		{`\left( \frac{a}{b} \right)`, "( a/b )"},
		{`a \times b \cdot c \pm d`, "a × b · c ± d"},
		{`\lim_{x \to 0} \frac{\sin x}{x} = 1`, "lim_(x → 0) (sin x)/x = 1"},
		{`\unknowncmd{y}`, "unknowncmdy"},
		{`x_{\text{max}}`, "xₘₐₓ"},
		{`\hat{x}`, "x\u0302"},
		{`{`, ""},
		{`\`, ""},
		{`x^`, "x"},
	} {
		if got := TexToUnicode(c.in); got != c.want {
			t.Errorf("TexToUnicode(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestMathText(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Area is $\\pi r^2$ here.\n", "Area is π r² here.\n"},
		{"Inline \\(\\alpha \\leq \\beta\\) ok.\n", "Inline α ≤ β ok.\n"},
		{"It costs $5 and $10 today.\n", "It costs $5 and $10 today.\n"},
		{"Price $ 5 $ no.\n", "Price $ 5 $ no.\n"},
		{"Display:\n\\[\n\\frac{a}{b}\n\\]\nafter\n", "Display:\n\n\na/b\n\n\nafter\n"},
		{"$$E = mc^2$$\n", "\n\nE = mc²\n\n\n"},
		{"Code `$x^2$` stays.\n", "Code `$x^2$` stays.\n"},
		{"```latex\n$\\alpha$\n```\n$\\alpha$\n", "```latex\n$\\alpha$\n```\nα\n"},
		{"Escaped \\$5 stays.\n", "Escaped \\$5 stays.\n"},
		{"$a*b*c$\n", "a\\*b\\*c\n"},
		{"no maths at all\n", "no maths at all\n"},
		{"1. Let\n\n   \\[\n   \\ln y\n   \\]\n", "1. Let\n\n   \n\n   ln y\n\n\n"},
		{"$unclosed maths\n", "$unclosed maths\n"},
	} {
		if got := MathText(c.in); got != c.want {
			t.Errorf("MathText(%q) =\n%q, want\n%q", c.in, got, c.want)
		}
	}
}

// FuzzMathText: never panics, and text without "$" or "\" is unchanged.
func FuzzMathText(f *testing.F) {
	for _, s := range []string{"$x^2$", `\frac{a}{`, `\(\sqrt[`, "$$\n$$", "```\n$a$", `\begin{x}`, "$a_{b^{c}}$"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := MathText(s)
		if !strings.ContainsAny(s, "$\\") && got != s {
			t.Fatalf("changed text without maths: %q → %q", s, got)
		}
		_ = TexToUnicode(s)
	})
}
