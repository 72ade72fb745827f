package render

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MathText rewrites the LaTeX maths in Markdown text as readable Unicode,
// for the screen: $…$, $$…$$, \(…\) and \[…\] outside code spans and fenced
// code become "α² + β₁ ≤ (a+b)/2"-like text. The common constructs are
// covered (Greek letters, operators and relations, arrows, \frac, \sqrt,
// sub- and superscripts, \text and font commands, \mathbb letters); an
// unknown command keeps its name without the backslash. Display maths gets
// its own paragraph. A "$" that does not open maths (a price: "$5 and $10")
// is left alone, by pandoc's rule: the opening "$" is followed by a
// non-space, the closing one follows a non-space and is not followed by a
// digit. Copy, show and export keep the source (Body); only the browser's
// screen uses this.
func MathText(md string) string {
	// Two IndexByte scans (vectorised) instead of ContainsAny, which
	// tests byte by byte: most messages hold neither, and this runs on
	// every message a preview counts hits in (tui/lazyhits.go).
	if strings.IndexByte(md, '$') < 0 && strings.IndexByte(md, '\\') < 0 {
		return md
	}
	var b strings.Builder
	lines := strings.SplitAfter(md, "\n")
	var fence string // the open fence's marker, "" outside code
	var para []string
	flush := func() {
		if len(para) > 0 {
			b.WriteString(mathInText(strings.Join(para, "")))
			para = para[:0]
		}
	}
	for _, l := range lines {
		t := strings.TrimLeft(l, " ")
		if fence != "" {
			b.WriteString(l)
			if strings.HasPrefix(strings.TrimRight(t, "\n "), fence) && strings.Trim(strings.TrimRight(t, "\n "), fence[:1]) == "" {
				fence = ""
			}
			continue
		}
		if strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			flush()
			n := 0
			for n < len(t) && t[n] == t[0] {
				n++
			}
			fence = t[:n]
			b.WriteString(l)
			continue
		}
		para = append(para, l)
	}
	flush()
	return b.String()
}

// mathInText converts the maths of text that holds no fenced code,
// skipping inline code spans.
func mathInText(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '`':
			n := 0
			for i+n < len(s) && s[i+n] == '`' {
				n++
			}
			tick := s[i : i+n]
			if j := strings.Index(s[i+n:], tick); j >= 0 {
				b.WriteString(s[i : i+n+j+n])
				i += n + j + n
				continue
			}
			b.WriteString(tick)
			i += n
			continue
		case c == '\\' && i+1 < len(s) && (s[i+1] == '(' || s[i+1] == '['):
			closer := `\)`
			if s[i+1] == '[' {
				closer = `\]`
			}
			if j := strings.Index(s[i+2:], closer); j >= 0 {
				writeMath(&b, s[i+2:i+2+j], s[i+1] == '[', indentAt(s, i))
				i += 2 + j + 2
				continue
			}
		case c == '\\' && i+1 < len(s) && s[i+1] == '$':
			b.WriteString(`\$`)
			i += 2
			continue
		case c == '$' && strings.HasPrefix(s[i:], "$$"):
			if j := strings.Index(s[i+2:], "$$"); j >= 0 {
				writeMath(&b, s[i+2:i+2+j], true, indentAt(s, i))
				i += 2 + j + 2
				continue
			}
		case c == '$':
			if j := inlineEnd(s, i); j > 0 {
				writeMath(&b, s[i+1:j], false, "")
				i = j + 1
				continue
			}
		}
		b.WriteByte(c)
		i++
	}
	return b.String()
}

// inlineEnd is the index of the "$" closing the inline maths opened at
// s[i], or -1.
func inlineEnd(s string, i int) int {
	if i+1 >= len(s) || s[i+1] == ' ' || s[i+1] == '\n' || s[i+1] == '\t' {
		return -1
	}
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\n':
			if j+1 < len(s) && s[j+1] == '\n' { // a paragraph ends
				return -1
			}
		case '\\':
			j++
		case '$':
			if p := s[j-1]; p == ' ' || p == '\t' || p == '\n' {
				continue
			}
			if j+1 < len(s) && s[j+1] >= '0' && s[j+1] <= '9' {
				continue
			}
			return j
		}
	}
	return -1
}

// indentAt is the run of spaces before s[i] when nothing else precedes it
// on its line: display maths inside a list item keeps the item's indent.
func indentAt(s string, i int) string {
	start := strings.LastIndexByte(s[:i], '\n') + 1
	if strings.Trim(s[start:i], " ") == "" {
		return s[start:i]
	}
	return ""
}

// writeMath writes converted maths; display maths is its own paragraph at
// indent (its line's indent, already written), its lines kept apart by
// hard breaks.
func writeMath(b *strings.Builder, tex string, display bool, indent string) {
	u := mdEscapeMath(TexToUnicode(tex))
	if !display {
		b.WriteString(u)
		return
	}
	var lines []string
	for _, l := range strings.Split(u, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	b.WriteString("\n\n" + indent + strings.Join(lines, "  \n"+indent) + "\n\n")
}

// mdEscapeMath escapes what Markdown would read as emphasis or code in
// converted maths.
func mdEscapeMath(s string) string {
	return strings.NewReplacer(`*`, `\*`, `_`, `\_`, "`", "\\`", `<`, `\<`).Replace(s)
}

// TexToUnicode converts one LaTeX maths expression (without delimiters) to
// readable Unicode text.
func TexToUnicode(tex string) string {
	p := &texParser{s: tex}
	return strings.TrimSpace(collapseSpaces(p.until(0)))
}

type texParser struct {
	s string
	i int
}

// until converts up to the closing brace (end == '}') or the end (0).
func (p *texParser) until(end byte) string {
	var b strings.Builder
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case end != 0 && c == end:
			p.i++
			return b.String()
		case c == '{':
			p.i++
			b.WriteString(p.until('}'))
		case c == '\\':
			b.WriteString(p.command())
		case c == '^' || c == '_':
			p.i++
			arg := p.arg()
			b.WriteString(script(arg, c == '^'))
		case c == '&':
			p.i++
		case c == '~':
			p.i++
			b.WriteByte(' ')
		case c == '-': // a minus sign, which no line breaks after
			p.i++
			b.WriteString("−")
		default:
			r, n := utf8.DecodeRuneInString(p.s[p.i:])
			p.i += n
			b.WriteRune(r)
		}
	}
	return b.String()
}

// arg reads one argument: a braced group, a command or one character.
func (p *texParser) arg() string {
	for p.i < len(p.s) && p.s[p.i] == ' ' {
		p.i++
	}
	if p.i >= len(p.s) {
		return ""
	}
	switch p.s[p.i] {
	case '{':
		p.i++
		return p.until('}')
	case '\\':
		return p.command()
	}
	r, n := utf8.DecodeRuneInString(p.s[p.i:])
	p.i += n
	return string(r)
}

// optArg reads an optional [argument], "" when there is none.
func (p *texParser) optArg() string {
	if p.i < len(p.s) && p.s[p.i] == '[' {
		if j := strings.IndexByte(p.s[p.i:], ']'); j > 0 {
			a := p.s[p.i+1 : p.i+j]
			p.i += j + 1
			return TexToUnicode(a)
		}
	}
	return ""
}

// command converts the command at p.i (a backslash).
func (p *texParser) command() string {
	p.i++ // the backslash
	if p.i >= len(p.s) {
		return ""
	}
	start := p.i
	for p.i < len(p.s) && isLetter(p.s[p.i]) {
		p.i++
	}
	if p.i == start { // a symbol: \{ \, \\ …
		c := p.s[p.i]
		p.i++
		switch c {
		case ',', ':', ';', ' ':
			return " "
		case '!':
			return ""
		case '\\':
			return "\n"
		}
		return string(c)
	}
	name := p.s[start:p.i]
	if s, ok := texSymbols[name]; ok {
		return s
	}
	switch name {
	case "frac", "dfrac", "tfrac", "cfrac":
		num, den := p.arg(), p.arg()
		return group(num) + "/" + group(den)
	case "sqrt":
		n := p.optArg()
		return supOrCaret(n) + "√" + group(p.arg())
	case "binom":
		n, k := p.arg(), p.arg()
		return "C(" + n + ", " + k + ")"
	case "text", "textrm", "textbf", "textit", "mathrm", "mathbf", "mathit", "mathsf", "mathtt", "operatorname", "boldsymbol", "mbox", "bm", "emph":
		return p.arg()
	case "mathbb":
		a := p.arg()
		if s, ok := blackboard[a]; ok {
			return s
		}
		return a
	case "mathcal", "mathscr":
		return p.arg()
	case "hat", "bar", "vec", "tilde", "dot", "ddot", "overline", "widehat", "widetilde", "underline":
		a := p.arg()
		if mark, ok := accents[name]; ok && utf8.RuneCountInString(a) == 1 {
			return a + mark
		}
		return a
	case "left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "displaystyle", "textstyle", "limits", "nolimits":
		return ""
	case "begin", "end":
		p.arg() // the environment's name
		if name == "end" {
			return "\n"
		}
		return ""
	case "quad", "qquad":
		return "  "
	}
	return name
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// group puts parentheses around a fraction's part unless it is one
// number, one word or one symbol.
func group(s string) string {
	s = strings.TrimSpace(s)
	simple := true
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '.' && !isScriptRune(r) {
			simple = false
			break
		}
	}
	if simple && s != "" {
		return s
	}
	return "(" + s + ")"
}

// script is a superscript or subscript: in Unicode's small characters when
// each character has one, else ^(…) or _(…).
func script(s string, sup bool) string {
	table := subscripts
	mark := "_"
	if sup {
		table, mark = superscripts, "^"
	}
	var b strings.Builder
	for _, r := range s {
		m, ok := table[r]
		if !ok {
			if utf8.RuneCountInString(s) == 1 {
				return mark + s
			}
			return mark + "(" + s + ")"
		}
		b.WriteString(m)
	}
	return b.String()
}

func supOrCaret(s string) string {
	if s == "" {
		return ""
	}
	return script(s, true)
}

func isScriptRune(r rune) bool {
	for _, t := range []map[rune]string{superscripts, subscripts} {
		for _, v := range t {
			if v == string(r) {
				return true
			}
		}
	}
	return false
}

// collapseSpaces turns runs of spaces into one, keeping newlines.
func collapseSpaces(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		if r == ' ' || r == '\t' {
			if !space {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}
