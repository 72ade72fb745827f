package tui

import (
	"image/color"
	"math/rand/v2"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// fresh is m's frame drawn with nothing remembered from earlier frames.
func fresh(m *Model) string {
	m.list.drawn, m.list.frameRows, m.view.drawn = nil, nil, nil
	m.help.fitted.key, m.help.row.key = "", ""
	return m.View().Content
}

// TestRememberedRowsDrawTheSameFrame: the list rows and help row kept
// from the last frame (convList.drawn, helpPane.fitted/row) and the panes'
// last frames (convList.frame, viewer.frame) never make a
// frame differ from one drawn afresh, through random keys, resizes and a
// theme change.
func TestRememberedRowsDrawTheSameFrame(t *testing.T) {
	// The theme is not pinned: the terminal's background picks it.
	m := New(Options{Archive: testArchive(), Width: 120, Height: 40, Now: fixedNow})
	run(t, m, m.Init())
	r := rand.New(rand.NewPCG(3, 4))
	keys := []string{"j", "k", "j", "j", "g", "G", "tab", "enter", "l", "h", "/", "p", "y", "o", "backspace", "g", "e",
		"down", "up", "enter", "esc", "H", "?", "ctrl+d"}
	sizes := [][2]int{{120, 40}, {80, 24}, {40, 12}, {100, 30}}
	for step := range 400 {
		switch n := r.IntN(40); {
		case n == 0:
			s := sizes[r.IntN(len(sizes))]
			m.Update(tea.WindowSizeMsg{Width: s[0], Height: s[1]})
		case n == 1:
			c := color.Color(color.White)
			if r.IntN(2) == 0 {
				c = color.Black
			}
			m.Update(tea.BackgroundColorMsg{Color: c})
		default:
			k := keys[r.IntN(len(keys))]
			if k == "q" {
				continue
			}
			press(t, m, k)
		}
		got := m.View().Content
		if want := fresh(m); got != want {
			t.Fatalf("step %d: the frame drawn from remembered rows differs from a fresh one:\n%s\n---\n%s", step, got, want)
		}
		// And the next frame, drawn from what the fresh one remembered.
		if again := m.View().Content; again != got {
			t.Fatalf("step %d: a second frame differs", step)
		}
	}
}

// TestPaneFramesFollowTheirSize: a pane whose rows or lines are the same
// draws a frame of its new size after a resize, not the last one.
func TestPaneFramesFollowTheirSize(t *testing.T) {
	m := New(Options{Archive: testArchive(), Theme: "dark", Width: 120, Height: 40, Now: fixedNow})
	run(t, m, m.Init())
	for _, h := range []int{60, 30, 60} {
		m.Update(tea.WindowSizeMsg{Width: 120, Height: h})
		if got, want := m.View().Content, fresh(m); got != want {
			t.Fatalf("height %d: the frame differs from a fresh one:\n%s\n---\n%s", h, got, want)
		}
	}
	m.view.show(nil) // one line, the same at any size
	for _, p := range []pane{m.list, m.view} {
		p.SetSize(50, 20)
		a := p.View()
		p.SetSize(50, 25)
		if b := p.View(); strings.Count(b, "\n") != 24 || a == b {
			t.Fatalf("%T: %d lines after growing to 25", p, strings.Count(b, "\n")+1)
		}
		p.SetSize(60, 25)
		for _, l := range strings.Split(p.View(), "\n") {
			if w := ansi.StringWidth(l); w != 60 {
				t.Fatalf("%T: a line %d cells wide after widening to 60", p, w)
			}
		}
	}
}
