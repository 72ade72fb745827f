package tui

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/backchat/backchat/model"
)

// TestHugeTitleKeepsMessagesInView: a title of a megabyte (a pasted
// document) takes at most headerTitleLines lines above the conversation,
// ending in "…", so its first message is on the first screen.
func TestHugeTitleKeepsMessagesInView(t *testing.T) {
	u, a := model.RoleUser, model.RoleAssistant
	title := strings.Repeat("x", 1<<20)
	c := buildConv("c-huge-title", title, testNow.Add(-time.Hour),
		tm{role: u, text: "first question"}, tm{role: a, text: "first answer"})
	m := newIndexTest(t, &model.Archive{Conversations: []*model.Conversation{c}}, 80, 24)
	press(t, m, "enter")
	s := screen(m)
	if !strings.Contains(s, "first question") {
		t.Fatalf("the first message is not on the first screen:\n%s", s)
	}
	if n := strings.Count(s, strings.Repeat("x", 40)); n > headerTitleLines+1 {
		t.Fatalf("the title takes %d lines:\n%s", n, s)
	}
	if !strings.Contains(s, "x…") {
		t.Fatalf("the cut title does not end in …:\n%s", s)
	}
}

func TestHeaderTitle(t *testing.T) {
	for _, tc := range []struct {
		title string
		w     int
		want  []string
	}{
		{"Short title", 20, []string{"Short title"}},
		{"one two three four five six", 9, []string{"one two", "three", "four fiv…"}},
		{"one two three", 9, []string{"one two", "three"}},
		{strings.Repeat("ab ", 20000), 10, []string{"ab ab ab", "ab ab ab", "ab ab ab…"}},
		{"esc \x1b]52;c;QQ==\x07 title", 40, []string{"esc ␛]52;c;QQ==␇ title"}},
	} {
		got := headerTitle(tc.title, tc.w)
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("headerTitle(%.20q, %d) = %q, want %q", tc.title, tc.w, got, tc.want)
		}
		for _, l := range got {
			if ansi.StringWidth(l) > tc.w {
				t.Errorf("headerTitle(%.20q, %d): line %q wider than %d", tc.title, tc.w, l, tc.w)
			}
		}
	}
}

// TestStatusBarKeepsAGapWhenCut: on a narrow terminal the cut left part
// ("31 convers…") and the hit counter stay apart ("… no hits here", not
// "…no hits here"), and the line is exactly the width.
func TestStatusBarKeepsAGapWhenCut(t *testing.T) {
	in := statusInfo{loaded: 31, hit: "no hits here"}
	for _, w := range []int{20, 25, 30} {
		got := ansi.Strip(statusBar(NewPlainStyles(), in, w))
		if ansi.StringWidth(got) != w {
			t.Errorf("width %d: status bar %q is %d cells", w, got, ansi.StringWidth(got))
		}
		if strings.Contains(got, "…no hits") {
			t.Errorf("width %d: no gap before the hit counter: %q", w, got)
		}
	}
}
