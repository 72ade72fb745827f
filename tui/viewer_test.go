package tui

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/backchat/backchat/model"
	"github.com/backchat/backchat/model/search/live"
)

// bigArchive holds a small conversation and a ~1 MB one whose last message
// has a unique word.
func bigArchive() (*model.Archive, *model.Conversation) {
	var msgs []tm
	para := strings.Repeat("lorem ipsum dolor sit amet consectetur ", 40) + "\n\n"
	for i := 0; i < 200; i++ {
		role := model.RoleUser
		if i%2 == 1 {
			role = model.RoleAssistant
		}
		msgs = append(msgs, tm{role: role, text: strings.Repeat(para, 3)})
	}
	msgs = append(msgs, tm{role: model.RoleAssistant, text: "the very last answer mentions xylophone once"})
	big := buildConv("c-big", "Big one", testNow.Add(-2*time.Hour), msgs...)
	small := buildConv("c-small", "Small one", testNow.Add(-time.Hour), tm{role: model.RoleUser, text: "hi"})
	return &model.Archive{Conversations: []*model.Conversation{small, big}}, big
}

func TestBigConversationFirstScreenWithoutRenders(t *testing.T) {
	a, big := bigArchive()
	m := New(Options{Archive: a, Theme: "dark", Width: 100, Height: 30, Now: fixedNow})
	run(t, m, m.Init())
	m.Update(keyMsg("j")) // do not run the render commands
	if m.view.conv != big {
		t.Fatal("big conversation not shown")
	}
	if s := screen(m); !strings.Contains(s, "lorem ipsum dolor") {
		t.Fatalf("placeholder text missing on the first screen:\n%s", s)
	}
	m.Update(keyMsg("enter"))
	m.Update(keyMsg("G"))
	if s := screen(m); !strings.Contains(s, "xylophone") {
		t.Fatalf("bottom of an unrendered conversation is blank:\n%s", s)
	}
}

func TestRenderKeepsTopLineInPlace(t *testing.T) {
	a, _ := bigArchive()
	m := New(Options{Archive: a, Theme: "dark", Width: 100, Height: 30, Now: fixedNow})
	run(t, m, m.Init())
	_, cmd := m.Update(keyMsg("j"))
	m.Update(keyMsg("enter"))
	for i := 0; i < 40; i++ {
		m.Update(keyMsg("ctrl+d"))
	}
	top := m.view.plain[m.view.offset]
	node := m.view.topNode()
	// Renders of the first messages (above the view) arrive now.
	for _, msg := range runBatch(cmd) {
		m.Update(msg)
	}
	if m.view.topNode() != node || m.view.plain[m.view.offset] != top {
		t.Fatalf("top line moved: %q → %q", top, m.view.plain[m.view.offset])
	}
}

func TestHitsInUnrenderedMessages(t *testing.T) {
	a, _ := bigArchive()
	m := New(Options{Archive: a, Theme: "dark", Width: 100, Height: 30, Now: fixedNow})
	run(t, m, m.Init())
	press(t, m, "/")
	typeText(t, m, "xylophone")
	_, _ = m.Update(keyMsg("enter")) // renders not run
	if m.view.conv.ID != "c-big" || m.view.hitStatus() != "hit 1/1" {
		t.Fatalf("status %q", m.view.hitStatus())
	}
	if s := screen(m); !strings.Contains(s, "xylophone") {
		t.Fatalf("hit not in view:\n%s", s)
	}
}

func TestFilterRefreshDuringLoadKeepsCursor(t *testing.T) {
	m := newTest(t, 120, 40)
	press(t, m, "/")
	typeText(t, m, "o") // matches many
	press(t, m, "enter", "esc", "j")
	sel := m.list.selected()
	m.filter.stale = true
	run(t, m, m.filter.search())
	if m.list.selected() != sel {
		t.Fatal("a refresh of the same query moved the cursor")
	}
}

func TestHighlightKeepsText(t *testing.T) {
	m := newTest(t, 100, 40)
	press(t, m, "/")
	typeText(t, m, "generic")
	press(t, m, "enter")
	if len(m.view.hits) == 0 {
		t.Fatal("no hits")
	}
	for i := m.view.offset; i < len(m.view.lines) && i < m.view.offset+m.view.height; i++ {
		lh := m.view.visiblePieces(i, i+1)[i]
		if len(lh) == 0 {
			continue
		}
		got := ansi.Strip(m.view.highlight(m.view.lines[i], m.view.plain[i], lh))
		if got != m.view.plain[i] {
			t.Errorf("highlight changed line %d:\n%q\n%q", i, got, m.view.plain[i])
		}
	}
}

func TestEveryConversationFitsTheScreen(t *testing.T) {
	for _, sz := range [][2]int{{40, 12}, {60, 15}, {80, 24}, {200, 60}} {
		m := newTest(t, sz[0], sz[1])
		for i := 0; i < len(m.list.all); i++ {
			for _, keys := range [][]string{{"enter"}, {"t"}, {"H"}, {"G"}, {"esc"}, {"j"}} {
				press(t, m, keys...)
				for n, l := range strings.Split(screen(m), "\n") {
					if w := ansi.StringWidth(l); w > sz[0] {
						t.Fatalf("%v %s: line %d is %d cells: %q", sz, m.view.conv.ID, n, w, l)
					}
				}
			}
		}
	}
}

func TestFilterNarrowsAndSeesNewConversations(t *testing.T) {
	a := testArchive()
	s := live.NewArchive(a)
	m := New(Options{Archive: a, Searcher: s, Theme: "dark", Width: 120, Height: 40, Now: fixedNow})
	run(t, m, m.Init())
	press(t, m, "/")
	typeText(t, m, "gen")
	n1 := m.list.count()
	typeText(t, m, "erics") // narrows the previous answer
	if m.list.count() != 1 || m.list.count() > n1 {
		t.Fatalf("generics: %d matches (gen: %d)", m.list.count(), n1)
	}
	// A conversation arrives while the filter is on: it must be searched.
	// The loader hands it to the searcher first (see cmd/backchat's
	// indexingLoad), then to the list.
	extra := buildConv("c-new", "More generics", testNow.Add(-time.Minute), tm{role: model.RoleUser, text: "late"})
	s.Add(extra)
	s.Done()
	_, cmd := m.Update(loadBatchMsg{convs: []*model.Conversation{extra}, finished: true})
	run(t, m, cmd)
	if m.list.count() != 2 {
		t.Fatalf("after a new conversation: %d matches, want 2", m.list.count())
	}
	// And the next keystroke narrows from the complete answer.
	typeText(t, m, " more")
	if m.list.count() != 1 || m.list.selected().ID != "c-new" {
		t.Fatalf("generics more: %d matches", m.list.count())
	}
}
