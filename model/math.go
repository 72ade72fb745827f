package model

import "strings"

// normalizeMath implements NormalizeMath (see textfix.go). ChatGPT writes
// LaTeX with \(…\) and \[…\]; Markdown renderers know $…$ and $$…$$.
//
//   - \(x\) becomes $x$ (inner spaces trimmed, as $…$ must hug its content).
//   - \[x\] becomes a $$ block on lines of its own: "$$", x, "$$", each at the
//     indentation of the line the \[ was on, so it stays inside list items.
//   - Code is left alone: fenced blocks (``` or ~~~, closed by a fence of at
//     least the same length, or running to the end) and inline code spans
//     (a backtick run closed by a run of the same length).
//   - A delimiter preceded by an odd number of backslashes is escaped ("\\[2pt]"
//     is a LaTeX line break, not display math). A pair never spans a blank
//     line, a code span, or is empty; unpaired delimiters are left as they are.
//
// Text without "\(" or "\[" is returned as is, without allocating.
func normalizeMath(text string) string {
	if !hasMathOpener(text) {
		return text
	}
	var b strings.Builder
	last := 0 // text[:last] is written to b
	for _, seg := range proseSegments(text) {
		for i := seg[0]; i+1 < seg[1]; i++ {
			if text[i] != '\\' || (text[i+1] != '(' && text[i+1] != '[') || escaped(text, i) {
				continue
			}
			closer := `\)`
			if text[i+1] == '[' {
				closer = `\]`
			}
			j := findCloser(text, i+2, seg[1], closer)
			if j < 0 {
				continue
			}
			inner := strings.Trim(text[i+2:j], " \t\r\n")
			if inner == "" {
				continue
			}
			if b.Len() == 0 {
				b.Grow(len(text) + 16)
			}
			if closer == `\)` {
				b.WriteString(text[last:i])
				b.WriteByte('$')
				b.WriteString(inner)
				b.WriteByte('$')
				last = j + 2
			} else {
				last = writeDisplay(&b, text, last, i, j+2, inner)
			}
			i = j + 1
		}
	}
	if last == 0 {
		return text
	}
	b.WriteString(text[last:])
	return b.String()
}

// hasMathOpener reports whether text holds `\(` or `\[`: one pass over it
// (two strings.Contains were two, over every assistant text of a load).
func hasMathOpener(text string) bool {
	for i := 0; ; {
		j := strings.IndexByte(text[i:], '\\')
		if j < 0 {
			return false
		}
		i += j + 1
		if i < len(text) && (text[i] == '(' || text[i] == '[') {
			return true
		}
	}
}

// writeDisplay writes text[from:open] and then the display math whose \[
// is at open and whose \] ends at end, as a $$ block on lines of its own
// (spaces that separated it from surrounding text on its line are dropped).
// It returns the offset of the text still to be written.
func writeDisplay(b *strings.Builder, text string, from, open, end int, inner string) int {
	ls := strings.LastIndexByte(text[:open], '\n') + 1
	before := text[ls:open]
	indent := before[:len(before)-len(strings.TrimLeft(before, " \t"))]
	if strings.TrimSpace(before) != "" {
		b.WriteString(strings.TrimRight(text[from:open], " \t"))
		b.WriteString("\n" + indent)
	} else {
		b.WriteString(text[from:open])
	}
	b.WriteString("$$\n" + indent + inner + "\n" + indent + "$$")
	le := strings.IndexByte(text[end:], '\n')
	if le < 0 {
		le = len(text) - end
	}
	if rest := text[end : end+le]; strings.TrimSpace(rest) != "" {
		b.WriteString("\n" + indent)
		end += len(rest) - len(strings.TrimLeft(rest, " \t"))
	}
	return end
}

// escaped reports whether the character at i is preceded by an odd number
// of backslashes.
func escaped(text string, i int) bool {
	n := 0
	for k := i - 1; k >= 0 && text[k] == '\\'; k-- {
		n++
	}
	return n%2 == 1
}

// findCloser finds the first unescaped closer in text[from:to] before any
// blank line, or returns -1.
func findCloser(text string, from, to int, closer string) int {
	if p := strings.Index(text[from:to], "\n\n"); p >= 0 {
		to = from + p
	}
	for k := from; k+1 < to; k++ {
		if text[k] == '\\' && text[k+1] == closer[1] && !escaped(text, k) {
			return k
		}
	}
	return -1
}

// proseSegments returns the byte ranges of text outside code: fenced code
// blocks and inline code spans are left out. Ranges are in order.
func proseSegments(text string) [][2]int {
	var segs [][2]int
	start := 0  // start of the current prose region
	fence := "" // the open fence, "" outside fenced code
	for ls := 0; ls < len(text); {
		le := strings.IndexByte(text[ls:], '\n')
		if le < 0 {
			le = len(text)
		} else {
			le += ls + 1
		}
		line := strings.TrimLeft(text[ls:le], " \t")
		if fence == "" {
			if f := fenceOf(line); f != "" {
				segs = appendInline(segs, text, start, ls)
				fence = f
			}
		} else if f := fenceOf(line); strings.HasPrefix(f, fence) && strings.TrimSpace(line[len(f):]) == "" {
			fence = ""
			start = le
		}
		ls = le
	}
	if fence == "" {
		segs = appendInline(segs, text, start, len(text))
	}
	return segs
}

// fenceOf returns the run of three or more backticks or tildes a line opens
// with, or "".
func fenceOf(line string) string {
	if len(line) < 3 || (line[0] != '`' && line[0] != '~') {
		return ""
	}
	n := 0
	for n < len(line) && line[n] == line[0] {
		n++
	}
	if n < 3 {
		return ""
	}
	return line[:n]
}

// appendInline appends the parts of text[from:to] outside inline code spans.
// A span opens with a run of n backticks and closes with the next run of
// exactly n before a blank line; an unclosed run is literal text.
func appendInline(segs [][2]int, text string, from, to int) [][2]int {
	start := from
	for i := from; i < to; {
		if text[i] != '`' {
			i++
			continue
		}
		n := 0
		for i+n < to && text[i+n] == '`' {
			n++
		}
		end := to
		if p := strings.Index(text[i+n:to], "\n\n"); p >= 0 {
			end = i + n + p
		}
		closeAt := -1
		for k := i + n; k < end; {
			if text[k] != '`' {
				k++
				continue
			}
			m := 0
			for k+m < end && text[k+m] == '`' {
				m++
			}
			if m == n {
				closeAt = k
				break
			}
			k += m
		}
		if closeAt < 0 {
			i += n
			continue
		}
		if i > start {
			segs = append(segs, [2]int{start, i})
		}
		i = closeAt + n
		start = i
	}
	if to > start {
		segs = append(segs, [2]int{start, to})
	}
	return segs
}
