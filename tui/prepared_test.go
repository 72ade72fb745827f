package tui

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/backchat/backchat/model"
	"github.com/backchat/backchat/model/search/live"
)

// mixedArchive is the test archive with one Claude conversation added, so
// rows name their service.
func mixedArchive() *model.Archive {
	a := testArchive()
	for _, c := range a.Conversations {
		c.Service = model.ServiceChatGPT
	}
	claude := buildConv("c-claude", "From Claude", testNow.Add(-time.Hour),
		tm{role: model.RoleUser, text: "hi"}, tm{role: model.RoleAssistant, text: "hello"})
	claude.Service = model.ServiceClaude
	a.Conversations = append(a.Conversations, claude)
	return a
}

func TestPreparedShowsTheSameScreens(t *testing.T) {
	a := mixedArchive()
	p := Prepare(a)
	without := New(Options{Archive: a, Theme: "dark", Width: 120, Height: 40, Now: fixedNow})
	with := New(Options{Archive: a, Prepared: p, Theme: "dark", Width: 120, Height: 40, Now: fixedNow})
	run(t, without, without.Init())
	run(t, with, with.Init())
	if with.list.base != p {
		t.Fatal("New did not use the Prepared built from its archive")
	}
	for _, keys := range [][]string{nil, {"j", "j"}, {"enter", "ctrl+d", "h"}, {"G"}} {
		press(t, without, keys...)
		press(t, with, keys...)
		if got, want := screen(with), screen(without); got != want {
			t.Fatalf("after %v the screen differs with Prepared:\n%s\nwant:\n%s", keys, got, want)
		}
	}
	if s := screen(with); !strings.Contains(s, "· claude") || !strings.Contains(s, "msgs") {
		t.Errorf("rows lack counts or services:\n%s", s)
	}
	// Filtering works over the shared list.
	for _, m := range []*Model{without, with} {
		press(t, m, "/")
		typeText(t, m, "hello")
	}
	if got, want := screen(with), screen(without); got != want {
		t.Fatalf("filtered screen differs with Prepared:\n%s\nwant:\n%s", got, want)
	}
}

func TestPreparedCountsAndOrder(t *testing.T) {
	a := mixedArchive()
	before := append([]*model.Conversation(nil), a.Conversations...)
	p := Prepare(a)
	for i, c := range a.Conversations {
		if before[i] != c {
			t.Fatal("Prepare reordered the archive")
		}
		if n, ok := p.count(c); !ok || n != c.VisibleCount() {
			t.Errorf("%s: count %d, %v; want %d", c.ID, n, ok, c.VisibleCount())
		}
	}
	for i := 1; i < len(p.sorted); i++ {
		if p.sorted[i].SortTime().After(p.sorted[i-1].SortTime()) {
			t.Errorf("not newest first at %d", i)
		}
	}
	if p.services[model.ServiceClaude] != 1 || p.services[model.ServiceChatGPT] != len(a.Conversations)-1 {
		t.Errorf("services = %v", p.services)
	}
	if !p.For(a) || p.For(testArchive()) || p.For(nil) || (*Prepared)(nil).For(a) {
		t.Error("For answers wrongly")
	}
	if e := Prepare(nil); e.For(nil) || len(e.sorted) != 0 {
		t.Error("Prepare(nil) should be empty and match nothing")
	}
}

func TestPreparedOfAnotherArchiveIsIgnored(t *testing.T) {
	a := testArchive()
	m := New(Options{Archive: a, Prepared: Prepare(testArchive()), Theme: "dark", Width: 80, Height: 24, Now: fixedNow})
	run(t, m, m.Init())
	if m.list.base != nil {
		t.Fatal("a Prepared of another archive was used")
	}
	want := newTest(t, 80, 24)
	if screen(m) != screen(want) {
		t.Errorf("screen differs:\n%s\nwant:\n%s", screen(m), screen(want))
	}
}

// TestPreparedSharedBySessions runs many browsers over one Prepared at once,
// as `backchat serve` does; with -race it proves the sharing is read-only.
func TestPreparedSharedBySessions(t *testing.T) {
	a := mixedArchive()
	p := Prepare(a)
	searcher := live.NewArchive(a)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := range 8 {
		wg.Go(func() {
			m := New(Options{Archive: a, Prepared: p, Searcher: searcher, Theme: "dark", Width: 80, Height: 24, Now: fixedNow})
			run(t, m, m.Init())
			press(t, m, "j", "enter", "ctrl+d", "h", "/")
			typeText(t, m, "hello"[:1+i%5])
			press(t, m, "esc")
			if !strings.Contains(screen(m), "Conversations") {
				errs <- fmt.Errorf("session %d: list title missing:\n%s", i, screen(m))
			}
			m.Close()
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
