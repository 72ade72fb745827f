package tui

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// TestResizeKeepsTheCurrentHit: a terminal resize re-renders the messages
// at the new width; the current hit stays the same (the same message, the
// same rank among its hits), numbered the same and on screen, once the new
// renders have landed — for a filter's answer and for a find.
func TestResizeKeepsTheCurrentHit(t *testing.T) {
	sizes := [][2]int{{120, 40}, {60, 20}, {80, 24}, {200, 50}}
	check := func(t *testing.T, m *Model, moves int) {
		t.Helper()
		v := m.view
		for range moves {
			press(t, m, "n")
		}
		want := v.hitStatus()
		node, nth := v.curHitPlace()
		if node < 0 || nth < 0 {
			t.Fatalf("no current hit in a message before the resize: %q", want)
		}
		for _, sz := range sizes {
			_, cmd := m.Update(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
			run(t, m, cmd)
			if got := v.hitStatus(); got != want {
				t.Fatalf("%dx%d: status %q, want %q", sz[0], sz[1], got, want)
			}
			if n, k := v.curHitPlace(); n != node || k != nth {
				t.Fatalf("%dx%d: current hit %d of message %d, want %d of %d", sz[0], sz[1], k, n, nth, node)
			}
			h := v.hits[v.curHit]
			if txt := v.plain[h.line][h.start:h.end]; txt != "crumb" {
				t.Fatalf("%dx%d: current hit on %q", sz[0], sz[1], txt)
			}
			if h.line < v.offset || h.lastLine() >= v.offset+v.height {
				t.Fatalf("%dx%d: current hit on line %d, view %d–%d", sz[0], sz[1], h.line, v.offset, v.offset+v.height)
			}
		}
		// n goes on from it.
		press(t, m, "n")
		var k, total, k0, total0 int
		fmt.Sscanf(want, "hit %d/%d", &k0, &total0)
		if _, err := fmt.Sscanf(v.hitStatus(), "hit %d/%d", &k, &total); err != nil || k != k0+1 || total != total0 {
			t.Fatalf("n after the resizes: %q, want hit %d/%d", v.hitStatus(), k0+1, total0)
		}
	}
	t.Run("filter", func(t *testing.T) {
		m := filterPreview(t, 80, 24, "crumb", crumbConv("c-resize", 40))
		press(t, m, "enter")
		check(t, m, 3)
	})
	t.Run("find", func(t *testing.T) {
		m := filterPreview(t, 80, 24, "message", crumbConv("c-resize", 40))
		press(t, m, "enter", "esc", "esc")
		press(t, m, "/")
		typeText(t, m, "crumb")
		press(t, m, "enter")
		check(t, m, 11)
	})
}

// TestResizesBeforeTheRendersLand: several resizes in a row (a window
// dragged), the renders of the first not landed before the next, keep the
// current hit too; so does a windowed thread.
func TestResizesBeforeTheRendersLand(t *testing.T) {
	for _, n := range []int{40, 1000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			m := filterPreview(t, 80, 24, "crumb", crumbConv("c-drag", n))
			press(t, m, "enter")
			for range 5 {
				press(t, m, "n")
			}
			v := m.view
			want := v.hitStatus()
			node, nth := v.curHitPlace()
			var cmds []tea.Cmd
			for _, sz := range [][2]int{{100, 30}, {120, 40}, {61, 20}, {90, 33}} {
				_, cmd := m.Update(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
				cmds = append(cmds, cmd)
			}
			run(t, m, tea.Batch(cmds...))
			if got := v.hitStatus(); got != want {
				t.Fatalf("status %q, want %q", got, want)
			}
			if n, k := v.curHitPlace(); n != node || k != nth {
				t.Fatalf("current hit %d of message %d, want %d of %d", k, n, nth, node)
			}
			if h := v.hits[v.curHit]; h.line < v.offset || h.lastLine() >= v.offset+v.height {
				t.Fatalf("current hit on line %d, view %d–%d", h.line, v.offset, v.offset+v.height)
			}
		})
	}
}

// TestResizeKeepsATitleHit: a find whose current hit is the title's keeps
// it through resizes.
func TestResizeKeepsATitleHit(t *testing.T) {
	m := newTest(t, 80, 24)
	selectConv(t, m, "c-generics")
	press(t, m, "enter", "/")
	typeText(t, m, "generic")
	press(t, m, "enter")
	want := m.view.hitStatus()
	if !strings.HasPrefix(want, "hit in title") {
		t.Fatalf("find: %q", want)
	}
	for _, sz := range [][2]int{{120, 40}, {60, 20}, {80, 24}} {
		_, cmd := m.Update(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
		run(t, m, cmd)
		if got := m.view.hitStatus(); got != want {
			t.Fatalf("%dx%d: status %q, want %q", sz[0], sz[1], got, want)
		}
	}
	press(t, m, "n")
	if got := m.view.hitStatus(); !strings.HasPrefix(got, "hit 1/") {
		t.Fatalf("n after the resizes: %q", got)
	}
}

// TestScrollAfterResizeWins: a scroll after a resize, before the renders
// at the new width land, is not undone when they land: the current hit
// stays the current one (the same message and rank) but the view stays
// where the user scrolled it. It used to jump back to the hit.
func TestScrollAfterResizeWins(t *testing.T) {
	for k, times := range map[string]int{"pgdown": 3, "j": 30, "G": 1, "wheel": 10, "pgdown-windowed": 40} {
		c := crumbConv("c-scroll", 40)
		if k == "pgdown-windowed" {
			c, k = crumbConv("c-scroll-long", 1000), "pgdown"
		}
		m := filterPreview(t, 80, 24, "crumb", c)
		press(t, m, "enter")
		for range 5 {
			press(t, m, "n")
		}
		v := m.view
		want := v.hitStatus()
		node, nth := v.curHitPlace()
		_, resized := m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
		var moved tea.Cmd
		for range times {
			if k == "wheel" {
				_, moved = m.Update(tea.MouseWheelMsg{Button: tea.MouseWheelDown, X: 60, Y: 10})
			} else {
				_, moved = m.Update(keyMsg(k))
			}
		}
		top := v.offset
		h := v.hits[v.curHit]
		if h.line >= v.offset && h.lastLine() < v.offset+v.height {
			t.Fatalf("%s: the hit is still on screen after the scroll (line %d, view %d–%d)", k, h.line, v.offset, v.offset+v.height)
		}
		topNode := v.segs[v.segAt(top)].node
		run(t, m, tea.Batch(moved, resized)) // the renders land
		if got := v.hitStatus(); got != want {
			t.Errorf("%s: status %q, want %q", k, got, want)
		}
		if n, r := v.curHitPlace(); n != node || r != nth {
			t.Errorf("%s: current hit %d of message %d, want %d of %d", k, r, n, nth, node)
		}
		if h := v.hits[v.curHit]; h.line >= v.offset && h.lastLine() < v.offset+v.height {
			t.Errorf("%s: the view jumped back to the hit (line %d, view %d–%d)", k, h.line, v.offset, v.offset+v.height)
		}
		if n := v.segs[v.segAt(v.offset)].node; k != "G" && n != topNode {
			t.Errorf("%s: message %d on top, the user scrolled to %d", k, n, topNode)
		}
	}
}
