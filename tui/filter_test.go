package tui

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/backchat/backchat/model"
	"github.com/backchat/backchat/model/search/live"
)

// newIndexTest builds a browser over a with the model/search engine.
func newIndexTest(t *testing.T, a *model.Archive, w, h int) *Model {
	t.Helper()
	m := New(Options{Archive: a, Theme: "dark", Width: w, Height: h, Now: fixedNow, Searcher: live.NewArchive(a)})
	run(t, m, m.Init())
	return m
}

// deepArchive is the test archive plus an 80-message conversation whose
// unique word occurs only in message 60.
func deepArchive() *model.Archive {
	a := testArchive()
	var msgs []tm
	for i := 0; i < 80; i++ {
		role := model.RoleUser
		if i%2 == 1 {
			role = model.RoleAssistant
		}
		text := fmt.Sprintf("Message %d talks about nothing in particular, filler text.", i)
		if i == 60 {
			text = "Deep inside: the answer is quokkaword, as promised."
		}
		msgs = append(msgs, tm{role: role, text: text})
	}
	deep := buildConv("c-deep", "Long chat", testNow.Add(-2*24*time.Hour), msgs...)
	deep.Model = "o3"
	a.Conversations = append(a.Conversations, deep)
	model.SortNewestFirst(a.Conversations)
	return a
}

func TestSearchLandsOnDeepHit(t *testing.T) {
	m := newIndexTest(t, deepArchive(), 100, 30)
	press(t, m, "/")
	typeText(t, m, "quokkaword")
	if n := m.list.count(); n != 1 || m.list.selected().ID != "c-deep" {
		t.Fatalf("want only c-deep, got %d", m.list.count())
	}
	scr := screen(m)
	if !strings.Contains(scr, "answer is quokkaword") {
		t.Errorf("list row lacks the snippet:\n%s", scr)
	}
	press(t, m, "enter")
	if m.focus != focusViewer || m.view.hitStatus() != "hit 1/1" {
		t.Fatalf("focus %v, status %q", m.focus, m.view.hitStatus())
	}
	h := m.view.hits[m.view.curHit]
	if h.line < m.view.offset || h.line >= m.view.offset+m.view.height {
		t.Fatal("the hit is not on screen")
	}
	press(t, m, "n")
	if m.view.hitStatus() != "hit 1/1" || !strings.Contains(screen(m), "hit 1/1") {
		t.Fatalf("n: %q", m.view.hitStatus())
	}
}

func TestSearchQueryErrorInStatusBar(t *testing.T) {
	m := newIndexTest(t, deepArchive(), 120, 30)
	press(t, m, "/")
	typeText(t, m, "colour:red")
	if m.filter.err == nil || !strings.Contains(screen(m), "query error") || !strings.Contains(screen(m), "colour") {
		t.Fatalf("want the query error in the list and a word of it in the status bar:\n%s", screen(m))
	}
}

func TestSearchFiltersCombineWithText(t *testing.T) {
	m := newIndexTest(t, deepArchive(), 120, 30)
	press(t, m, "/")
	typeText(t, m, "model:o3 after:2025 message")
	if n := m.list.count(); n != 1 || m.list.selected().ID != "c-deep" {
		t.Fatalf("model:o3 after:2025 message: %d matches", n)
	}
	press(t, m, "ctrl+u")
	typeText(t, m, "-model:o3 before:2026 title")
	if n := m.list.count(); n != 1 || m.list.selected().ID != "c-untitled" {
		t.Fatalf("-model:o3 before:2026 title: %d matches", n)
	}
}

func TestSearchHiddenOnlyWhenShown(t *testing.T) {
	m := newIndexTest(t, deepArchive(), 120, 30)
	press(t, m, "/")
	typeText(t, m, "hidden system prompt")
	if n := m.list.count(); n != 0 {
		t.Fatalf("hidden text matched while hidden: %d", n)
	}
	press(t, m, "enter") // leave the input, keep the query
	press(t, m, "H")
	if !m.view.showHidden || m.list.count() != 1 || m.list.selected().ID != "c-tool" {
		t.Fatalf("after H: %d matches", m.list.count())
	}
}

func TestHelpDocumentsQueryLanguage(t *testing.T) {
	m := newIndexTest(t, deepArchive(), 120, 40)
	press(t, m, "?")
	scr := screen(m)
	for _, want := range []string{"Query: word", "after:2025-03", "is:archived|starred|deleted", "-field:value", "hidden messages"} {
		if !strings.Contains(scr, want) {
			t.Errorf("full help lacks %q:\n%s", want, scr)
		}
	}
}

// TestSearchDuringLoad: the index is fed while the archive streams
// in; a query typed mid-load answers from a snapshot, and once loaded a
// conversation the loader replaced by a newer duplicate is not listed.
func TestSearchDuringLoad(t *testing.T) {
	a := deepArchive()
	old := buildConv("c-deep", "Stale copy", testNow.Add(-30*24*time.Hour), tm{role: model.RoleUser, text: "quokkaword stale"})
	s := live.New()
	release := make(chan struct{})
	m := New(Options{Theme: "dark", Width: 100, Height: 30, Now: fixedNow, Searcher: s,
		Load: func(ctx context.Context, on func(*model.Conversation), progress func(int64, int64)) (*model.Archive, error) {
			defer s.Done()
			feed := func(c *model.Conversation) { s.Add(c); on(c) }
			feed(old) // a duplicate the newer copy below replaces
			for i, c := range a.Conversations {
				feed(c)
				if i == 1 {
					<-release
				}
			}
			return a, nil
		}})
	first := m.Init()().(loadBatchMsg)
	_, cmd := m.Update(first)
	press(t, m, "/")
	typeText(t, m, "quokkaword")
	if n := m.list.count(); n != 1 || m.list.selected().Title != "Stale copy" {
		t.Fatalf("mid-load: want the only copy loaded so far, got %d", n)
	}
	close(release)
	run(t, m, cmd)
	if m.loading || m.list.count() != 1 || m.list.selected() != a.Conversations[indexOf(a, "c-deep")] {
		t.Fatalf("after load: loading=%v, %d matches, selected %q", m.loading, m.list.count(), m.list.selected().Title)
	}
}

func indexOf(a *model.Archive, id string) int {
	for i, c := range a.Conversations {
		if c.ID == id {
			return i
		}
	}
	return -1
}

// TestSearchGolden: list rows quote the hit under the title; the
// preview opens on the hit deep in the conversation.
func TestSearchGolden(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {120, 40}, {40, 12}} {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			m := newIndexTest(t, deepArchive(), sz[0], sz[1])
			press(t, m, "/")
			typeText(t, m, "filler")
			golden.RequireEqual(t, screen(m))
		})
	}
}

// TestHighlightFollowsSearchFolding: the engine finds "CAFÉ" for "cafe";
// the viewer highlights all of it, accent included.
func TestHighlightFollowsSearchFolding(t *testing.T) {
	c := buildConv("c-cafe", "Breakfast", testNow.Add(-time.Hour),
		tm{role: model.RoleUser, text: "Un CAFÉ noir, merci"})
	m := newIndexTest(t, &model.Archive{Conversations: []*model.Conversation{c}}, 100, 30)
	press(t, m, "/")
	typeText(t, m, "cafe")
	press(t, m, "enter")
	if m.focus != focusViewer || m.view.hitStatus() != "hit 1/1" {
		t.Fatalf("focus %v, status %q", m.focus, m.view.hitStatus())
	}
	h := m.view.hits[0]
	if got := m.view.plain[h.line][h.start:h.end]; got != "CAFÉ" {
		t.Fatalf("highlighted %q, want %q", got, "CAFÉ")
	}
}

// Opening a result whose hit lies in a folded tool item expands tool items,
// so the viewer lands on the hit and n/N count it; so does its preview.
func TestOpenResultExpandsFoldedHit(t *testing.T) {
	a := &model.Archive{Conversations: []*model.Conversation{buildConv("c-fold", "Tools", testNow,
		tm{role: model.RoleUser, text: "look it up"},
		tm{role: model.RoleTool, text: "result: the quokka lives on Rottnest", vis: model.Folded},
		tm{role: model.RoleAssistant, text: "done"})}}
	m := newIndexTest(t, a, 100, 30)
	press(t, m, "/")
	typeText(t, m, "quokka")
	// The preview lands as opening does (one count for both:
	// TestPreviewCountIsTheOpenedCount).
	if m.list.count() != 1 || !m.view.expanded || m.view.hitStatus() != "hit 1/1" {
		t.Fatalf("%d matches, preview expanded %v, status %q", m.list.count(), m.view.expanded, m.view.hitStatus())
	}
	press(t, m, "enter")
	if !m.view.expanded || m.view.hitStatus() != "hit 1/1" {
		t.Fatalf("after enter: expanded %v, status %q", m.view.expanded, m.view.hitStatus())
	}
}

// TestFilterDropsStaleAnswers: searches run as commands; an answer that
// arrives after a newer keystroke (or after esc) changes nothing.
func TestFilterDropsStaleAnswers(t *testing.T) {
	m := newTest(t, 120, 40)
	press(t, m, "/")
	_, first := m.Update(keyMsg("g")) // "g": many matches; not run yet
	typeText(t, m, "enerics")         // "generics", run to the end
	n := m.list.count()
	if n != 1 || !m.filter.on() || m.filter.searching {
		t.Fatalf("generics: %d matches, searching %v", n, m.filter.searching)
	}
	run(t, m, first) // the answer to "g" arrives late
	if m.list.count() != n || m.filter.res.Query != "generics" {
		t.Fatalf("a stale answer replaced the list: %d matches for %q", m.list.count(), m.filter.res.Query)
	}
	_, pending := m.Update(keyMsg("s")) // "genericss"
	press(t, m, "esc")
	run(t, m, pending)
	if m.filter.on() || m.list.count() != 7 {
		t.Fatalf("an answer after esc filtered the list: %d shown", m.list.count())
	}
}

// A query error is the last query's: the next keystroke that makes the
// query valid clears it at once, before that search answers (right after
// a load it may wait for the index), rather than leave it on screen.
func TestQueryErrorClearedWhenTheQueryIsFixed(t *testing.T) {
	m := newIndexTest(t, deepArchive(), 120, 30)
	press(t, m, "/")
	typeText(t, m, `"generics`)
	if m.filter.err == nil {
		t.Fatal("an unclosed quote is an error")
	}
	_, cmd := m.Update(tea.KeyPressMsg{Code: '"', Text: `"`}) // the search is not run yet
	if m.filter.err != nil || strings.Contains(screen(m), "query has an error") {
		t.Fatalf("the fixed query still shows the old error:\n%s", screen(m))
	}
	run(t, m, cmd)
	if m.filter.err != nil {
		t.Fatalf("after the search: %v", m.filter.err)
	}
}

// TestTitleOnlyHitCounter: a result that matches in its title alone says
// so rather than numbering the title's hit like a message's.
func TestTitleOnlyHitCounter(t *testing.T) {
	c := buildConv("c-title", "Quokka plans", testNow.Add(-time.Hour), tm{role: model.RoleUser, text: "nothing to see"})
	m := newIndexTest(t, &model.Archive{Conversations: []*model.Conversation{c}}, 80, 24)
	press(t, m, "/")
	typeText(t, m, "quokka")
	press(t, m, "enter")
	if got := m.view.hitStatus(); got != "hit in title" {
		t.Fatalf("status %q, want hit in title", got)
	}
	if !strings.Contains(screen(m), "hit in title") {
		t.Errorf("status bar lacks it:\n%s", screen(m))
	}
}

// TestNoMatchHintSaysTermsAreSubstrings: the no-match advice says terms
// match inside words (the engine's substring semantics: "enerics" finds
// "generics"; the advice used to say words match from their start) and
// names the query's last plain word.
func TestNoMatchHintSaysTermsAreSubstrings(t *testing.T) {
	for _, tc := range []struct{ words, want string }{
		{"zzarden", "a shorter piece of “zzarden”, or another spelling: terms match anywhere inside words (arden finds garden)"},
		{"zzarden -pasta role:user", "a shorter piece of “zzarden”"},
		{`"a phrase" -x y`, "a shorter word or another spelling: terms match anywhere inside words"},
	} {
		if got := startHint(strings.Fields(tc.words)); !strings.HasPrefix(got, tc.want) {
			t.Errorf("startHint(%q) = %q, want %q…", tc.words, got, tc.want)
		}
	}
	m := newIndexTest(t, testArchive(), 80, 24)
	press(t, m, "/")
	typeText(t, m, "enerics")
	if s := screen(m); !strings.Contains(s, "match") || strings.Contains(s, "No matches") {
		t.Fatalf("a piece inside a word finds nothing: the advice is wrong:\n%s", s)
	}
	press(t, m, "esc", "/")
	typeText(t, m, "enericsx")
	left := strings.Join(slices.DeleteFunc(strings.Fields(screen(m)), func(f string) bool { return f == "│" }), " ")
	if !strings.Contains(left, "a shorter piece of “enericsx”") || strings.Contains(left, "from their start") {
		t.Fatalf("the no-match advice:\n%s", screen(m))
	}
}
