package model

// TEMPORARY (h-cli branch): minimal bodies so the CLI compiles and its tests
// run. The integrator deletes this file in favour of the real model code.

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

func sanitize(s string) string {
	var b strings.Builder
	for len(s) > 0 {
		r, n := utf8.DecodeRuneInString(s)
		s = s[n:]
		switch {
		case r == utf8.RuneError && n <= 1:
			b.WriteRune('\uFFFD')
		case r == '\n' || r == '\t':
			b.WriteRune(r)
		case r < 0x20:
			b.WriteRune(0x2400 + r)
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

// SanitizeLine is Sanitize for one-line fields: newlines and tabs become spaces.
func SanitizeLine(s string) string {
	return strings.NewReplacer("\r\n", " ", "\n", " ", "\t", " ").Replace(sanitize(s))
}

func classify(m *Message, h VisibilityHints) Visibility {
	switch {
	case h.VisuallyHidden, m.Role == RoleSystem && !h.UserSystemMessage:
		return Hidden
	case m.Role == RoleTool, m.Recipient != "" && m.Recipient != "all":
		return Folded
	}
	return Shown
}

func applyCitations(text string, _ *CitationMeta) (string, []Reference) { return text, nil }

func normalizeMath(text string) string { return text }

// Find returns the conversation whose id is idOrPrefix or uniquely starts with it.
func (a *Archive) Find(idOrPrefix string) (*Conversation, error) {
	if idOrPrefix == "" {
		return nil, errors.New("empty conversation id")
	}
	var hits []*Conversation
	for _, c := range a.Conversations {
		if c.ID == idOrPrefix {
			return c, nil
		}
		if strings.HasPrefix(c.ID, idOrPrefix) {
			hits = append(hits, c)
		}
	}
	switch len(hits) {
	case 0:
		return nil, fmt.Errorf("no conversation with id %q", idOrPrefix)
	case 1:
		return hits[0], nil
	}
	return nil, fmt.Errorf("id prefix %q is ambiguous: %d conversations match", idOrPrefix, len(hits))
}
