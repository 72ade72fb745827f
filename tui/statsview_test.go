package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/backchat/backchat/model"
)

func TestStatsView(t *testing.T) {
	for _, sz := range [][2]int{{120, 40}, {80, 24}, {40, 12}} {
		m := newTest(t, sz[0], sz[1])
		press(t, m, "S")
		if m.stats == nil || !m.stats.have {
			t.Fatalf("%v: S should open the stats view and count", sz)
		}
		s := screen(m)
		lines := strings.Split(s, "\n")
		if len(lines) != sz[1] {
			t.Errorf("%v: %d lines", sz, len(lines))
		}
		for i, l := range lines {
			if w := ansi.StringWidth(l); w != sz[0] {
				t.Errorf("%v: line %d is %d wide: %q", sz, i, w, l)
			}
		}
		want := model.ComputeStats(testArchive(), time.UTC)
		report := strings.Split(ansi.Strip(RenderStats(want, nil, sz[0], true, false)), "\n")
		if !strings.HasPrefix(lines[0], " Statistics · 7 conversations") || !strings.HasPrefix(lines[1], report[0]) || !strings.HasPrefix(lines[2], report[1]) {
			t.Errorf("%v: screen does not show the report:\n%s\nwant it to start with:\n%s", sz, s, strings.Join(report[:3], "\n"))
		}
		if sz[1] < 30 {
			press(t, m, "j", "j")
			if m.stats.offset != 2 || !strings.HasPrefix(strings.Split(screen(m), "\n")[1], report[2]) {
				t.Errorf("%v: j should scroll (offset %d)", sz, m.stats.offset)
			}
			press(t, m, "G")
			if got := strings.Split(screen(m), "\n"); strings.TrimSpace(got[len(got)-2]) != strings.TrimSpace(report[len(report)-2]) {
				t.Errorf("%v: G should show the report's end, got %q want %q", sz, got[len(got)-2], report[len(report)-2])
			}
			press(t, m, "k", "g")
			if m.stats.offset != 0 {
				t.Errorf("%v: g should go to the top", sz)
			}
		}
		// The width follows the window.
		_, cmd := m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
		run(t, m, cmd)
		if l := strings.Split(screen(m), "\n"); len(l) != 30 || ansi.StringWidth(l[1]) != 100 {
			t.Errorf("%v: after resizing: %d lines", sz, len(l))
		}
		_, cmd = m.Update(keyMsg("q"))
		if cmd != nil || m.stats != nil {
			t.Errorf("%v: q should close the stats view, not quit", sz)
		}
		if !strings.Contains(screen(m), "Conversations") {
			t.Errorf("%v: the browser should be back", sz)
		}
		press(t, m, "S", "esc")
		press(t, m, "S", "S")
		if m.stats != nil {
			t.Errorf("%v: esc and S should close the stats view", sz)
		}
	}
}

func TestStatsViewDropsStaleCounts(t *testing.T) {
	m := newTest(t, 80, 24)
	_, cmd := m.Update(keyMsg("S"))
	press(t, m, "esc") // closed before the count came back
	_, next := m.Update(cmd())
	if next != nil || m.stats != nil {
		t.Fatal("a count for a closed view should be dropped")
	}
	_, first := m.Update(keyMsg("S"))
	press(t, m, "esc")
	_, second := m.Update(keyMsg("S"))
	m.Update(first())
	if m.stats.have {
		t.Fatal("an older count should be dropped")
	}
	m.Update(second())
	if !m.stats.have {
		t.Fatal("the latest count should be shown")
	}
	if !strings.Contains(screen(m), "backchat stats") {
		t.Errorf("report missing:\n%s", screen(m))
	}
}

func TestStatsViewWhileLoading(t *testing.T) {
	a := testArchive()
	load := func(context.Context, func(*model.Conversation), func(done, total int64)) (*model.Archive, error) {
		t.Error("Init is not called: the load never starts")
		return nil, nil
	}
	m := New(Options{Load: load, Theme: "dark", Width: 100, Height: 30, Now: fixedNow})
	defer m.Close()
	// One conversation has arrived; the load goes on.
	m.Update(loadBatchMsg{convs: a.Conversations[:1], done: 1, total: 7})
	press(t, m, "S")
	if s := screen(m); !strings.Contains(s, "Statistics · 1 conversation loaded so far") {
		t.Fatalf("want a partial count:\n%s", s)
	}
	// The last batch recounts everything.
	_, cmd := m.Update(loadBatchMsg{finished: true, archive: a, done: 7, total: 7})
	run(t, m, cmd)
	if s := screen(m); !strings.Contains(s, "Statistics · 7 conversations") || strings.Contains(s, "so far") {
		t.Fatalf("want the full count after loading:\n%s", s)
	}
	press(t, m, "esc")
	if m.list.count() != 7 {
		t.Errorf("the list should hold the whole archive, has %d", m.list.count())
	}
}

func TestStatsViewTinyScreens(t *testing.T) {
	for _, sz := range [][2]int{{0, 0}, {1, 1}, {30, 2}, {20, 3}} {
		m := newTest(t, sz[0], sz[1])
		press(t, m, "S", "G", "j")
		s := screen(m)
		if sz[0] == 0 {
			if s != "" {
				t.Errorf("0×0: want an empty view, got %q", s)
			}
			continue
		}
		lines := strings.Split(s, "\n")
		if len(lines) != sz[1] {
			t.Errorf("%v: %d lines", sz, len(lines))
		}
		for _, l := range lines {
			if w := ansi.StringWidth(l); w != sz[0] {
				t.Errorf("%v: line %q is %d wide", sz, l, w)
			}
		}
	}
}

// TestStatsHelpSaysCloseStats: the stats view's help row names what its
// close key closes ("close stats", as the full help's row says "close
// help"), not the key map's shared "close stats or picker".
func TestStatsHelpSaysCloseStats(t *testing.T) {
	m := newTest(t, 80, 24)
	press(t, m, "S")
	s := screen(m)
	row := s[strings.LastIndex(s, "\n")+1:]
	if !strings.Contains(row, "esc/q close stats") || strings.Contains(row, "picker") {
		t.Fatalf("stats help row %q, want esc/q close stats", row)
	}
}

// TestStatsHelpOffersMovesThatMove: the stats view's help row offers down
// at the top, up at the end (it offered "↓/j down • ctrl+d/pgdn page down"
// there too) and no move when the report fits.
func TestStatsHelpOffersMovesThatMove(t *testing.T) {
	m := newTest(t, 80, 12)
	press(t, m, "S")
	if r := helpRow(m); !strings.Contains(r, "down") || strings.Contains(r, " up") {
		t.Errorf("top: row %q, want down, not up", r)
	}
	press(t, m, "G")
	if r := helpRow(m); strings.Contains(r, "down") || !strings.Contains(r, "up") {
		t.Errorf("end: row %q, want up, not down", r)
	}
	m = newTest(t, 120, 200)
	press(t, m, "S")
	if r := helpRow(m); strings.Contains(r, "down") || strings.Contains(r, "up") || !strings.Contains(r, "close stats") {
		t.Errorf("fits: row %q, want only close", r)
	}
}
