package tui

import "strings"

// compactSGR shortens a rendered line without changing a cell of it: where
// a reset (ESC[m or ESC[0m) is followed by the very SGR sequence that set
// the style it ends, and nothing else was set since the reset before, both
// go, so the two runs become one. Glamour styles every word and every
// padding space on its own (ESC[38;5;252m ESC[m, 15 bytes a cell), and
// each frame `backchat serve` draws is parsed cell by cell again by Bubble
// Tea: lines a third as long make every frame cheaper to draw, diff and
// hold in the render cache.
//
// The state is tracked only from a reset inside the line on, so a line
// that inherits a style from before it is never merged across it.
func compactSGR(l string) string {
	if !strings.Contains(l, "m\x1b[") {
		return l
	}
	var b strings.Builder
	b.Grow(len(l))
	open := ""     // the one SGR set since the last reset, if exactly one
	fresh := false // a reset seen in this line and nothing set since
	for i := 0; i < len(l); {
		if l[i] != 0x1b || i+1 >= len(l) || l[i+1] != '[' {
			// Text, or another escape (OSC 8 links): copied as it is.
			j := strings.IndexByte(l[i+1:], 0x1b)
			if j < 0 {
				b.WriteString(l[i:])
				break
			}
			b.WriteString(l[i : i+1+j])
			i += 1 + j
			continue
		}
		// A CSI sequence: parameters, intermediates, then its final byte.
		j := i + 2
		for j < len(l) && (l[j] < 0x40 || l[j] > 0x7e) {
			j++
		}
		if j >= len(l) {
			b.WriteString(l[i:])
			break
		}
		seq := l[i : j+1]
		i = j + 1
		switch {
		case l[j] != 'm':
			open, fresh = "", false
		case seq == "\x1b[m" || seq == "\x1b[0m":
			if open != "" && strings.HasPrefix(l[i:], open) {
				i += len(open) // the same style again: one run
				continue
			}
			open, fresh = "", true
		case fresh:
			open, fresh = seq, false
		default:
			open = "" // a second SGR since the reset: not tracked
		}
		b.WriteString(seq)
	}
	return b.String()
}
