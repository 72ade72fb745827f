package tui

import (
	"strings"
	"unicode"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// lineInput is a minimal one-line editor for the filter. (bubbles' textinput
// would pull in a clipboard module this build does not carry.) It keeps the
// value as runes with a cursor.
type lineInput struct {
	value []rune
	pos   int
}

// Value is the text typed.
func (in *lineInput) Value() string { return string(in.value) }

// Update edits on a key press and reports whether the value changed.
func (in *lineInput) Update(msg tea.KeyPressMsg) bool {
	old := string(in.value)
	switch msg.String() {
	case "backspace", "ctrl+h":
		if in.pos > 0 {
			in.value = append(in.value[:in.pos-1], in.value[in.pos:]...)
			in.pos--
		}
	case "delete", "ctrl+d":
		if in.pos < len(in.value) {
			in.value = append(in.value[:in.pos], in.value[in.pos+1:]...)
		}
	case "left", "ctrl+b":
		in.pos = max(in.pos-1, 0)
	case "right", "ctrl+f":
		in.pos = min(in.pos+1, len(in.value))
	case "home", "ctrl+a":
		in.pos = 0
	case "end", "ctrl+e":
		in.pos = len(in.value)
	case "ctrl+u":
		in.value = append([]rune(nil), in.value[in.pos:]...)
		in.pos = 0
	case "ctrl+k":
		in.value = in.value[:in.pos]
	case "ctrl+w", "alt+backspace":
		i := in.pos
		for i > 0 && unicode.IsSpace(in.value[i-1]) {
			i--
		}
		for i > 0 && !unicode.IsSpace(in.value[i-1]) {
			i--
		}
		in.value = append(in.value[:i], in.value[in.pos:]...)
		in.pos = i
	default:
		if msg.Text == "" {
			return false
		}
		in.insert(msg.Text)
	}
	return string(in.value) != old
}

// maxPaste bounds the runes a paste adds: a query, not a document; only
// its first maxPasteBytes are read.
const (
	maxPaste      = 1000
	maxPasteBytes = 64 << 10
)

// Paste inserts pasted text at the cursor as one line (a terminal's
// bracketed paste, which arrives as one message, not as keys) and reports
// whether the value changed. Escape sequences are dropped, line breaks,
// tabs and other spaces become single spaces, other control characters
// are dropped; at most maxPaste runes are taken.
func (in *lineInput) Paste(s string) bool {
	old := string(in.value)
	if len(s) > maxPasteBytes {
		s = s[:maxPasteBytes] // escapes and spaces aside, far more than maxPaste runes
	}
	var words []string
	for _, w := range strings.FieldsFunc(ansi.Strip(s), unicode.IsSpace) {
		if w = strings.Map(printable, w); w != "" {
			words = append(words, w)
		}
	}
	line := []rune(strings.Join(words, " "))
	in.insert(strings.TrimRight(string(line[:min(len(line), maxPaste)]), " "))
	return string(in.value) != old
}

// printable is r when it prints, else -1 (strings.Map drops it).
func printable(r rune) rune {
	if unicode.IsPrint(r) {
		return r
	}
	return -1
}

// insert puts the printable runes of s at the cursor.
func (in *lineInput) insert(s string) {
	var ins []rune
	for _, r := range s {
		if unicode.IsPrint(r) || r == ' ' {
			ins = append(ins, r)
		}
	}
	rest := append(append([]rune(nil), ins...), in.value[in.pos:]...)
	in.value = append(in.value[:in.pos], rest...)
	in.pos += len(ins)
}

// View shows the input in w cells, with a block cursor when focused, scrolled
// so the cursor stays visible.
func (in *lineInput) View(st Styles, focused bool, w int) string {
	before := string(in.value[:in.pos])
	after := string(in.value[in.pos:])
	cur := " "
	if in.pos < len(in.value) {
		cur = string(in.value[in.pos])
		after = string(in.value[in.pos+1:])
	}
	if !focused {
		return ansi.Truncate(st.FilterText.Render(string(in.value)), w, "…")
	}
	// Keep the cursor in view: drop text on the left when too long.
	for ansi.StringWidth(before)+ansi.StringWidth(cur) > w-1 && before != "" {
		_, size := firstRune(before)
		before = before[size:]
	}
	s := st.FilterText.Render(before) + st.ItemSelected.Render(cur) + st.FilterText.Render(after)
	return ansi.Truncate(s, w, "")
}

func firstRune(s string) (rune, int) {
	for i, r := range s {
		if i == 0 {
			return r, len(string(r))
		}
	}
	return 0, len(s)
}
