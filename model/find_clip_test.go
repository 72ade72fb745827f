package model

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// An ambiguity error is one line however long the candidates' ids and
// titles are: each is cut, with "…".
func TestArchiveFindCutsLongCandidates(t *testing.T) {
	long := strings.Repeat("ü", 100_000)
	a := &Archive{Conversations: []*Conversation{
		{ID: "q1" + strings.Repeat("i", 5000), Title: long},
		{ID: "q2", Title: "short"},
	}}
	_, err := a.Find("q")
	if !errors.Is(err, ErrAmbiguous) {
		t.Fatalf("error = %v", err)
	}
	msg := err.Error()
	if n := utf8.RuneCountInString(msg); n > 400 {
		t.Errorf("error is %d runes long", n)
	}
	if !strings.Contains(msg, "q2 (short)") || !strings.Contains(msg, "ü…)") || !strings.Contains(msg, "i… (") {
		t.Errorf("error = %q", msg)
	}
}

func TestClipRunes(t *testing.T) {
	for _, tt := range []struct {
		in   string
		n    int
		want string
	}{
		{"", 3, ""},
		{"abc", 3, "abc"},
		{"abcd", 3, "ab…"},
		{"ééé", 3, "ééé"},
		{"éééé", 3, "éé…"},
		{"ab", 1, "…"},
	} {
		if got := clipRunes(tt.in, tt.n); got != tt.want {
			t.Errorf("clipRunes(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}
