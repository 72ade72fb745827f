package tui

import (
	"strings"
	"testing"
	"time"

	"github.com/backchat/backchat/model"
	"github.com/charmbracelet/x/ansi"
)

// A title holding bidi controls or separators is drawn with placeholders:
// raw, U+202E reverses the rest of the row on the terminal (and whatever
// follows it, the pane border included) while our layout counts it as zero
// cells.
func TestBidiTitleDoesNotShiftListColumns(t *testing.T) {
	a := testArchive()
	a.Conversations = append(a.Conversations,
		buildConv("c-spoof", "invoice\u202egpj.exe \u2066x\u2069\u2028y", time.Date(2026, 11, 19, 9, 0, 0, 0, time.UTC),
			tm{role: model.RoleUser, text: "body \u202eevil\u202c and \u2029 end, שלום\u200f!"}),
		buildConv("c-plain", "Plain title here", time.Date(2026, 11, 19, 8, 0, 0, 0, time.UTC),
			tm{role: model.RoleUser, text: "plain"}))
	m := New(Options{Archive: a, Theme: "dark", Width: 100, Height: 30, Now: fixedNow})
	run(t, m, m.Init())
	selectConv(t, m, "c-spoof")
	for _, keys := range [][]string{nil, {"enter"}} {
		press(t, m, keys...)
		raw := m.View().Content
		for _, r := range raw {
			if (r >= 0x2028 && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
				t.Errorf("raw view holds %U", r)
			}
		}
		s := screen(m)
		if !strings.Contains(s, "invoice⇄gpj.exe ⇄x⇄␤y") {
			t.Errorf("the title's placeholders are not on screen:\n%s", s)
		}
		// The list's right border is in the same column on every row.
		border := -1
		for i, line := range strings.Split(s, "\n") {
			if w := ansi.StringWidth(line); w > 100 {
				t.Errorf("line %d is %d wide", i, w)
			}
			j := strings.Index(line, "│")
			if j < 0 {
				continue
			}
			col := ansi.StringWidth(line[:j])
			if border < 0 {
				border = col
			} else if col != border {
				t.Errorf("line %d: border at column %d, want %d:\n%s", i, col, border, s)
			}
		}
	}
	s := screen(m)
	if !strings.Contains(s, "body ⇄evil⇄ and ␤ end") || !strings.Contains(s, "שלום\u200f!") {
		t.Errorf("the viewer should show placeholders and keep RTL text and its RLM:\n%s", s)
	}
}
