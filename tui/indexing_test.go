package tui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/backchat/backchat/model"
	"github.com/backchat/backchat/model/search"
	"github.com/backchat/backchat/model/search/live"
)

// runHoldingTicks is run, but an index tick is kept, not delivered (while
// indexing, each answer asks for another): it returns the last one.
func runHoldingTicks(t *testing.T, m *Model, cmd tea.Cmd) (tick *indexTickMsg) {
	t.Helper()
	queue := []tea.Cmd{cmd}
	for steps := 0; len(queue) > 0; steps++ {
		if steps > 1000 {
			t.Fatal("too many commands")
		}
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		switch msg := c().(type) {
		case nil, themeTimeoutMsg, tea.QuitMsg:
		case tea.BatchMsg:
			queue = append(queue, msg...)
		case indexTickMsg:
			tick = &msg
		default:
			if fmt.Sprintf("%T", msg) == "tea.backgroundColorMsg" {
				continue
			}
			_, next := m.Update(msg)
			queue = append(queue, next)
		}
	}
	return tick
}

// TestQueryWhileIndexing: once loaded, while the index is still being
// built, a query answers at once with the conversations indexed so far,
// the status bar says "indexing N%", and the filter searches again until
// the index is complete, when the list shows every match and the
// indicator goes.
func TestQueryWhileIndexing(t *testing.T) {
	var cs []*model.Conversation
	for i := range 10 {
		cs = append(cs, buildConv(fmt.Sprint("c", i), fmt.Sprint("Chat ", i), testNow.Add(-time.Duration(i)*time.Hour),
			tm{role: model.RoleUser, text: "tell me about the quokka"}, tm{role: model.RoleAssistant, text: fmt.Sprint("quokka fact ", i)}))
	}
	a := &model.Archive{Conversations: cs}
	s := live.New()
	s.SetShardText(1) // one conversation per shard: built one by one, in order
	half := len(cs) / 2
	for _, c := range cs[:half] {
		s.Add(c)
	}
	// A search during the load starts the indexing of what has arrived.
	if _, err := s.Search(context.Background(), cs[:half], "quokka", live.Options{}); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
		if n, _ := s.Progress(); n == half {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the first half was never indexed")
		}
	}
	s.Pause(true) // the rest waits
	for _, c := range cs[half:] {
		s.Add(c)
	}
	s.Loaded(nil)

	m := New(Options{Archive: a, Theme: "dark", Width: 100, Height: 30, Now: fixedNow, Searcher: s})
	run(t, m, m.Init())
	m.filter.tickEvery = time.Millisecond
	tick := typeHoldingTicks(t, m, "/quokka")
	if n := m.list.count(); n != half {
		t.Fatalf("while indexing: %d matches listed, want the %d indexed", n, half)
	}
	if sc := screen(m); !strings.Contains(sc, "indexing 50%") {
		t.Fatalf("while indexing the status bar does not say so:\n%s", sc)
	}
	if tick == nil {
		t.Fatal("no search again was scheduled while indexing")
	}
	// A tick while still indexing searches again (and schedules another).
	_, cmd := m.Update(*tick)
	if tick = runHoldingTicks(t, m, cmd); tick == nil || m.list.count() != half {
		t.Fatalf("a tick while indexing: next tick %v, %d matches", tick != nil, m.list.count())
	}

	s.Pause(false)
	s.Index() // the index is complete
	_, cmd = m.Update(*tick)
	if tick = runHoldingTicks(t, m, cmd); tick != nil {
		t.Error("the filter still searches again once the index is complete")
	}
	if n := m.list.count(); n != len(cs) {
		t.Fatalf("after indexing: %d matches listed, want %d", n, len(cs))
	}
	if sc := screen(m); strings.Contains(sc, "indexing") {
		t.Fatalf("the indicator stays once indexed:\n%s", sc)
	}
}

// TestNoMatchesYetWhileIndexing: a query answered before any of its
// matches is indexed says so (and the percentage), without the advice for
// a query that matches nothing; the complete answer lists the matches.
func TestNoMatchesYetWhileIndexing(t *testing.T) {
	var cs []*model.Conversation
	for i := range 4 {
		cs = append(cs, buildConv(fmt.Sprint("c", i), fmt.Sprint("Chat ", i), testNow.Add(-time.Duration(i)*time.Hour),
			tm{role: model.RoleUser, text: "tell me about the quokka"}))
	}
	s := live.New()
	s.SetShardText(1)
	s.Pause(true) // nothing is indexed until the test says so
	for _, c := range cs {
		s.Add(c)
	}
	s.Loaded(nil)
	m := New(Options{Archive: &model.Archive{Conversations: cs}, Theme: "dark", Width: 100, Height: 30, Now: fixedNow, Searcher: s})
	run(t, m, m.Init())
	m.filter.tickEvery = time.Millisecond
	tick := typeHoldingTicks(t, m, "/quokka")
	sc := screen(m)
	if m.list.count() != 0 || !strings.Contains(sc, "indexing 0%") {
		t.Fatalf("nothing indexed: %d matches listed, screen:\n%s", m.list.count(), sc)
	}
	if !strings.Contains(sc, "indexed so far (0%)") || strings.Contains(sc, "Try:") {
		t.Fatalf("the empty answer while indexing gives the no-match advice:\n%s", sc)
	}
	if tick == nil {
		t.Fatal("no search again was scheduled while indexing")
	}
	s.Pause(false)
	s.Index()
	_, cmd := m.Update(*tick)
	runHoldingTicks(t, m, cmd)
	if n := m.list.count(); n != len(cs) {
		t.Fatalf("after indexing: %d matches listed, want %d\n%s", n, len(cs), screen(m))
	}
}

// typeHoldingTicks types keys into m, running their commands
// (runHoldingTicks), and returns the last search-again tick scheduled.
func typeHoldingTicks(t *testing.T, m *Model, keys string) (tick *indexTickMsg) {
	t.Helper()
	for _, r := range keys {
		_, cmd := m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
		if tk := runHoldingTicks(t, m, cmd); tk != nil {
			tick = tk
		}
	}
	return tick
}

// TestFilterFollowsReindex: a filter answered from an index later found
// damaged (a library snapshot's, whose checksum is read after the browser
// opened it: live.Searcher.Reindex) searches again when the searcher
// indexes the archive again, and shows the new index's answer without a
// keystroke.
func TestFilterFollowsReindex(t *testing.T) {
	var cs []*model.Conversation
	for i := range 6 {
		cs = append(cs, buildConv(fmt.Sprint("c", i), fmt.Sprint("Chat ", i), testNow.Add(-time.Duration(i)*time.Hour),
			tm{role: model.RoleUser, text: "tell me about the quokka"}))
	}
	// The damaged index knows only two of the six.
	s := live.NewIndexed(search.BuildArchive(&model.Archive{Conversations: cs[:2]}))
	m := New(Options{Archive: &model.Archive{Conversations: cs}, Theme: "dark", Width: 100, Height: 30, Now: fixedNow, Searcher: s})
	run(t, m, m.Init())
	m.filter.tickEvery = time.Millisecond
	typeText(t, m, "/quokka")
	press(t, m, "enter")
	if n := m.list.count(); n != 2 {
		t.Fatalf("the damaged index's answer: %d matches, want 2", n)
	}
	msgs := make(chan tea.Msg, 1)
	stop := m.filter.watchReindex(func(msg tea.Msg) { msgs <- msg })
	defer stop()
	s.Reindex(cs)
	var msg tea.Msg
	select {
	case msg = <-msgs:
	case <-time.After(10 * time.Second):
		t.Fatal("no message after the reindex")
	}
	s.Index() // the reindex is complete
	run(t, m, func() tea.Msg { return msg })
	if n := m.list.count(); n != len(cs) {
		t.Fatalf("after the reindex: %d matches listed, want %d", n, len(cs))
	}
	if sc := screen(m); strings.Contains(sc, "indexing") {
		t.Fatalf("the indicator stays once indexed again:\n%s", sc)
	}
}
