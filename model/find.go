package model

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Errors of Archive.Find, for errors.Is.
var (
	ErrNotFound  = errors.New("no such conversation")
	ErrAmbiguous = errors.New("ambiguous conversation id prefix")
)

// maxCandidates is how many matching ids an ambiguity error lists.
const maxCandidates = 5

// An ambiguity error names each candidate by its id and title, each cut
// to these many characters: an export's titles (and ids) can be any
// length, and the error is one line.
const (
	maxCandidateID    = 64
	maxCandidateTitle = 60
)

// clipRunes cuts s to at most n runes (n ≥ 1), the last of them "…"
// when cut.
func clipRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for at := range s {
		if i == n-1 {
			return s[:at] + "…"
		}
		i++
	}
	return s
}

// Find returns the conversation whose ID is idOrPrefix, else the only one
// whose ID starts with it. Errors wrap ErrNotFound (also for an empty
// argument) or ErrAmbiguous, which names the first few candidates.
func (a *Archive) Find(idOrPrefix string) (*Conversation, error) {
	if idOrPrefix == "" {
		return nil, fmt.Errorf("find: empty conversation id: %w", ErrNotFound)
	}
	if a == nil {
		return nil, fmt.Errorf("find: %q: %w (no archive)", idOrPrefix, ErrNotFound)
	}
	var matches []*Conversation
	for _, c := range a.Conversations {
		if c == nil {
			continue
		}
		if c.ID == idOrPrefix {
			return c, nil
		}
		if strings.HasPrefix(c.ID, idOrPrefix) {
			matches = append(matches, c)
		}
	}
	switch len(matches) {
	case 0:
		return nil, fmt.Errorf("find: %q: %w", idOrPrefix, ErrNotFound)
	case 1:
		return matches[0], nil
	}
	names := make([]string, 0, maxCandidates)
	for _, c := range matches[:min(len(matches), maxCandidates)] {
		names = append(names, clipRunes(SanitizeLine(c.ID), maxCandidateID)+" ("+clipRunes(SanitizeLine(c.DisplayTitle()), maxCandidateTitle)+")")
	}
	more := ""
	if len(matches) > maxCandidates {
		more = fmt.Sprintf(", and %d more", len(matches)-maxCandidates)
	}
	return nil, fmt.Errorf("find: %q matches %d conversations: %s%s: %w",
		idOrPrefix, len(matches), strings.Join(names, ", "), more, ErrAmbiguous)
}

// HasBranches reports whether the conversation forked anywhere (an edited
// prompt or a regenerated answer): some node has more than one child.
func (c *Conversation) HasBranches() bool {
	if l := c.lazy; l != nil && l.counted {
		return l.branches > 0
	}
	for i := range c.Tree() {
		if len(c.Tree()[i].Children()) > 1 {
			return true
		}
	}
	return false
}
