package model

// TEMPORARY (h-tui branch only): minimal bodies so the tui package compiles
// before the model helpers land. The integrator deletes this file.

import (
	"strings"
	"unicode/utf8"
)

func sanitize(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		switch {
		case r == utf8.RuneError && n <= 1:
			b.WriteRune('\uFFFD')
		case r == '\n' || r == '\t':
			b.WriteRune(r)
		case r < 0x20:
			b.WriteRune(0x2400 + r) // control pictures
		case r == 0x7f:
			b.WriteRune('\u2421')
		case r >= 0x80 && r < 0xa0:
			b.WriteRune('\uFFFD')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// SanitizeLine is Sanitize for one-line contexts (titles): newlines and tabs
// become spaces as well.
func SanitizeLine(s string) string {
	s = sanitize(s)
	return strings.NewReplacer("\n", " ", "\t", " ", "\r", " ").Replace(s)
}

func classify(m *Message, h VisibilityHints) Visibility { return Shown }

func applyCitations(text string, meta *CitationMeta) (string, []Reference) { return text, nil }

func normalizeMath(text string) string { return text }
