package tui

import (
	"strings"
	"testing"

	"github.com/backchat/backchat/model"
)

// TestLongModelHeadingKeepsBranchMark: a message heading wider than the
// viewer shortens its model name with "…" so the branch mark ‹k/N› (what
// [ and ] switch) stays on screen; it was cut at the pane's edge without a
// mark ("· text-davinci-002-render" for text-davinci-002-render-sha, the
// ‹k/N› gone).
func TestLongModelHeadingKeepsBranchMark(t *testing.T) {
	u, a := model.RoleUser, model.RoleAssistant
	c := buildConv("c-davinci", "Old model", testNow.Add(-2*24*3600e9),
		tm{role: u, text: "Is an index on 10 rows useful?"},
		tm{role: a, text: "Hardly.", model: "text-davinci-002-render-sha"},
	)
	addBranch(c, 2, "Not really.", 0)
	m := New(Options{Archive: &model.Archive{Conversations: []*model.Conversation{c}}, Theme: "dark", Width: 80, Height: 24, Now: fixedNow})
	run(t, m, m.Init())
	press(t, m, "enter")
	s := screen(m)
	var head string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, "ChatGPT ") {
			head = l
		}
	}
	if head == "" {
		t.Fatalf("no ChatGPT heading:\n%s", s)
	}
	if !strings.Contains(head, "‹1/2›") || !strings.Contains(head, "text-davinci-0") || !strings.Contains(head, "…") {
		t.Fatalf("heading %q: want the model cut with … and the branch mark ‹1/2› kept\n%s", head, s)
	}
	// Wide enough: the whole model name, no cut.
	m = New(Options{Archive: &model.Archive{Conversations: []*model.Conversation{c}}, Theme: "dark", Width: 160, Height: 24, Now: fixedNow})
	run(t, m, m.Init())
	press(t, m, "enter")
	if s := screen(m); !strings.Contains(s, "text-davinci-002-render-sha ‹1/2›") {
		t.Fatalf("a heading that fits is changed:\n%s", s)
	}
}

// helpRow is the screen's last row: the help bar.
func helpRow(m *Model) string {
	s := screen(m)
	return s[strings.LastIndex(s, "\n")+1:]
}

// TestViewerHelpOffersScrollOnlyWhenItScrolls: a conversation that fits
// on one screen has no "↓/j down • ctrl+d/pgdn page down" in the help row
// (they did nothing there); one longer than the screen keeps them.
func TestViewerHelpOffersScrollOnlyWhenItScrolls(t *testing.T) {
	m := newTest(t, 200, 50)
	press(t, m, "enter")
	if m.view.scrollPercent() != -1 {
		t.Fatalf("the first conversation does not fit at 200×50")
	}
	if r := helpRow(m); strings.Contains(r, "down") || !strings.Contains(r, "back to list") {
		t.Errorf("fits: help row %q, want no down", r)
	}
	m = newTest(t, 80, 12)
	press(t, m, "enter")
	if m.view.scrollPercent() == -1 {
		t.Fatalf("the first conversation fits at 80×12")
	}
	if r := helpRow(m); !strings.Contains(r, "down") && !strings.Contains(r, "…") {
		t.Errorf("scrolls: help row %q, want down", r)
	}
}

// TestHiddenKeySaysWhatItWillDo: the help row's H says "show hidden"
// while hidden messages are hidden and "hide hidden" once they show (it
// kept offering "H show hidden" over the shown system message).
func TestHiddenKeySaysWhatItWillDo(t *testing.T) {
	m := newTest(t, 200, 50)
	press(t, m, "/")
	for _, r := range "Tool use" {
		press(t, m, string(r))
	}
	press(t, m, "enter")
	if r := helpRow(m); !strings.Contains(r, "H show hidden") {
		t.Fatalf("help row %q, want H show hidden\n%s", r, screen(m))
	}
	press(t, m, "H")
	if r := helpRow(m); !strings.Contains(r, "H hide hidden") || strings.Contains(r, "show hidden") {
		t.Fatalf("hidden shown: help row %q, want H hide hidden", r)
	}
	press(t, m, "H")
	if r := helpRow(m); !strings.Contains(r, "H show hidden") {
		t.Fatalf("hidden again: help row %q, want H show hidden", r)
	}
}
