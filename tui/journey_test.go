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

// manyArchive is n conversations, one a day, newest first, each mentioning
// "saffron" (conversation k k+1 times, so the ranking is not the date
// order) inside Markdown markup, with a long answer to scroll.
func manyArchive(n int) *model.Archive {
	var cs []*model.Conversation
	for k := 0; k < n; k++ {
		var long []string
		for i := 0; i < 40; i++ {
			long = append(long, fmt.Sprintf("Line %d of a long answer about bread.", i))
		}
		q := fmt.Sprintf("Question %d: is **%s** good in bread?", k, strings.Repeat("saffron ", k+1))
		cs = append(cs, buildConv(fmt.Sprintf("c-%02d", k), fmt.Sprintf("Topic %02d", k), testNow.Add(-time.Duration(k+1)*24*time.Hour),
			tm{role: model.RoleUser, text: q},
			tm{role: model.RoleAssistant, text: strings.Join(long, "\n\n")}))
	}
	model.SortNewestFirst(cs)
	return &model.Archive{Conversations: cs}
}

// resultAt is the conversation of the filter's k-th result.
func resultAt(m *Model, k int) *model.Conversation {
	return m.list.all[m.filter.res.Convs[k]]
}

// TestFilterInputMovesSelection: while typing, ↑/↓, ctrl+n/ctrl+p and
// ctrl+j/ctrl+k move the selection (the viewer follows) and enter opens the
// selected result, not the first.
func TestFilterInputMovesSelection(t *testing.T) {
	m := newIndexTest(t, manyArchive(15), 80, 24)
	press(t, m, "/")
	typeText(t, m, "saffron")
	if m.list.selected() != resultAt(m, 0) {
		t.Fatal("the best match is not selected")
	}
	for _, step := range []struct {
		key  string
		want int
	}{{"down", 1}, {"ctrl+n", 2}, {"ctrl+j", 3}, {"up", 2}, {"ctrl+p", 1}, {"ctrl+k", 0}, {"ctrl+k", 0}, {"ctrl+n", 1}} {
		press(t, m, step.key)
		if got := m.list.selected(); got != resultAt(m, step.want) || m.view.conv != got {
			t.Fatalf("%s: selected %q (viewer %q), want result %d %q", step.key, got.Title, m.view.conv.Title, step.want, resultAt(m, step.want).Title)
		}
	}
	if !m.filter.active || m.filter.input.Value() != "saffron" {
		t.Fatalf("the keys edited the input: %q", m.filter.input.Value())
	}
	press(t, m, "enter")
	if m.focus != focusViewer || m.view.conv != resultAt(m, 1) || m.filter.active {
		t.Fatalf("enter: focus %v, viewer %q", m.focus, m.view.conv.Title)
	}
}

// TestFilterEscGoesBack: esc in the input clears the filter and goes back
// to the conversation, the place in it and the pane held before /.
func TestFilterEscGoesBack(t *testing.T) {
	m := newIndexTest(t, manyArchive(15), 80, 24)
	press(t, m, "j", "j", "j", "tab", "j", "j", "j", "j", "j")
	sel, off := m.list.selected(), m.view.offset
	if sel.ID != "c-03" || off == 0 || m.focus != focusViewer {
		t.Fatalf("setup: selected %s, offset %d, focus %v", sel.ID, off, m.focus)
	}
	press(t, m, "tab", "/") // / in the viewer finds in the conversation; in the list it filters
	typeText(t, m, "saffron")
	press(t, m, "down")
	if m.view.conv == sel {
		t.Fatal("setup: the filter did not move the viewer")
	}
	press(t, m, "esc")
	if m.filter.on() || m.filter.active || m.list.count() != 15 {
		t.Fatalf("esc left the filter on (%d listed)", m.list.count())
	}
	if m.focus != focusList || m.list.selected() != sel || m.view.conv != sel || m.view.offset != off {
		t.Fatalf("esc: focus %v, selected %q, viewer %q at %d; want list, %q at %d",
			m.focus, m.list.selected().Title, m.view.conv.Title, m.view.offset, sel.Title, off)
	}
	if strings.Contains(screen(m), "saffron ") && m.view.hitStatus() != "" {
		t.Fatalf("highlighting left on: %q", m.view.hitStatus())
	}
}

// TestFilterFlatRankedList: while a query is on, the list is one ranked list
// without date groups, each result two lines (title and date; the hit's
// line, Markdown stripped), so at least ten results fit at 80×24.
func TestFilterFlatRankedList(t *testing.T) {
	m := newIndexTest(t, manyArchive(15), 80, 24)
	press(t, m, "/")
	typeText(t, m, "saffron")
	for _, r := range m.list.rows {
		if r.label != "" || r.height() > 2 {
			t.Fatalf("row %+v: a date group or a tall row in a ranked list", r)
		}
	}
	var list []string // the list pane's lines, between the title and the status bar
	for _, l := range strings.Split(screen(m), "\n")[1:22] {
		left, _, _ := strings.Cut(l, "│")
		list = append(list, left)
	}
	shown := 0
	for k := range m.filter.res.Convs {
		c := resultAt(m, k)
		for i, l := range list {
			if strings.Contains(l, c.Title+" ") && strings.Contains(l, shortDate(c.SortTime(), testNow)) && i+1 < len(list) {
				shown++
				if !strings.Contains(list[i+1], "saffron") || strings.Contains(list[i+1], "**") {
					t.Errorf("result %d %q: snippet line %q", k, c.Title, list[i+1])
				}
			}
		}
	}
	if shown < 10 {
		t.Fatalf("%d results on an 80×24 screen, want ≥ 10:\n%s", shown, screen(m))
	}
	for _, g := range []string{"Previous 7 days", "Previous 30 days", "Yesterday"} {
		if strings.Contains(screen(m), g) {
			t.Fatalf("date group %q in the ranked list:\n%s", g, screen(m))
		}
	}
	// The ranking is not the date order: the best match is not the newest.
	if resultAt(m, 0).ID == "c-00" {
		t.Fatalf("results are in date order, not ranked")
	}
	press(t, m, "esc")
	if !strings.Contains(screen(m), "Yesterday") {
		t.Fatalf("the date groups did not come back:\n%s", screen(m))
	}
}

// TestFlatListGolden: the ranked list at 80×24, 120×40 and 40×12.
func TestFlatListGolden(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {120, 40}, {40, 12}} {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			m := newIndexTest(t, manyArchive(15), sz[0], sz[1])
			press(t, m, "/")
			typeText(t, m, "saffron")
			golden.RequireEqual(t, screen(m))
		})
	}
}

// settle is run without the loader: batches are fed by hand (feed), so the
// commands waiting for the next batch are dropped.
func settle(t *testing.T, m *Model, cmd tea.Cmd) {
	t.Helper()
	queue := []tea.Cmd{cmd}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		switch msg := c().(type) {
		case nil, loadBatchMsg, themeTimeoutMsg, tea.QuitMsg:
		case tea.BatchMsg:
			queue = append(queue, msg...)
		default:
			_, next := m.Update(msg)
			queue = append(queue, next)
		}
	}
}

// streaming is a browser loading an archive whose batches the test feeds.
func streaming(t *testing.T, w, h int) (*Model, *live.Searcher) {
	s := live.New()
	m := New(Options{Theme: "dark", Width: w, Height: h, Now: fixedNow, Searcher: s,
		Load: func(context.Context, func(*model.Conversation), func(int64, int64)) (*model.Archive, error) {
			panic("not started: the test feeds batches")
		}})
	return m, s
}

// feed gives the browser one load batch (the last when final is set).
func feed(t *testing.T, m *Model, s *live.Searcher, convs []*model.Conversation, final *model.Archive) {
	t.Helper()
	for _, c := range convs {
		s.Add(c)
	}
	msg := loadBatchMsg{convs: convs}
	if final != nil {
		s.Loaded(final)
		msg.finished, msg.archive = true, final
	}
	_, cmd := m.Update(msg)
	settle(t, m, cmd)
}

// TestNewestSelectedWhateverTheFileOrder: an export listing conversations
// oldest first still opens on the newest one, batch after batch, until the
// user moves; then the selection stays on their pick.
func TestNewestSelectedWhateverTheFileOrder(t *testing.T) {
	a := manyArchive(12)
	oldestFirst := slices.Clone(a.Conversations)
	slices.Reverse(oldestFirst)
	m, s := streaming(t, 80, 24)
	// The viewer follows the selection at most every viewerEvery while
	// loading (load.go): batches a second apart each move it.
	now := testNow
	m.now = func() time.Time { return now }
	for i := 0; i < 12; i += 4 {
		feed(t, m, s, oldestFirst[i:i+4], nil)
		if newest := oldestFirst[i+3]; m.list.selected() != newest || m.view.conv != newest {
			t.Fatalf("after batch %d: selected %q, want the newest, %q", i/4, m.list.selected().Title, newest.Title)
		}
		now = now.Add(viewerEvery)
	}
	feed(t, m, s, nil, a)
	if m.list.selected() != a.Conversations[0] || m.view.conv != a.Conversations[0] {
		t.Fatalf("loaded: selected %q, want %q", m.list.selected().Title, a.Conversations[0].Title)
	}

	// Batches in quick succession move the list's selection but leave the
	// viewer where the first put it until the load ends.
	m, s = streaming(t, 80, 24)
	for i := 0; i < 12; i += 4 {
		feed(t, m, s, oldestFirst[i:i+4], nil)
		if newest := oldestFirst[i+3]; m.list.selected() != newest || m.view.conv != oldestFirst[3] {
			t.Fatalf("quick batch %d: selected %q, viewer on %q; want %q and %q", i/4,
				m.list.selected().Title, m.view.conv.Title, newest.Title, oldestFirst[3].Title)
		}
	}
	feed(t, m, s, nil, a)
	if m.list.selected() != a.Conversations[0] || m.view.conv != a.Conversations[0] {
		t.Fatalf("loaded after quick batches: viewer on %q, want %q", m.view.conv.Title, a.Conversations[0].Title)
	}

	m, s = streaming(t, 80, 24)
	feed(t, m, s, oldestFirst[:6], nil)
	press(t, m, "j")
	pick := m.list.selected()
	feed(t, m, s, oldestFirst[6:], nil)
	if m.list.selected() != pick {
		t.Fatalf("the user's pick %q moved to %q", pick.Title, m.list.selected().Title)
	}
}

// TestFilterDuringLoadEndsOnBestMatch: a query typed while the archive
// streams in ends on its best match at the top once better matches arrive;
// a result the user moved to stays selected.
func TestFilterDuringLoadEndsOnBestMatch(t *testing.T) {
	a := manyArchive(15) // c-14, the oldest, is the best match for saffron
	oldestFirst := slices.Clone(a.Conversations)
	slices.Reverse(oldestFirst)
	for _, moved := range []bool{false, true} {
		m, s := streaming(t, 80, 24)
		newestFirst := a.Conversations
		feed(t, m, s, newestFirst[:5], nil) // the weakest matches first
		press(t, m, "/")
		typeText(t, m, "saffron")
		if m.list.count() != 5 {
			t.Fatalf("mid-load: %d results, want 5", m.list.count())
		}
		if moved {
			press(t, m, "ctrl+n", "ctrl+n")
		}
		pick := m.list.selected()
		for i := 5; i < 15; i += 5 {
			feed(t, m, s, newestFirst[i:i+5], nil)
		}
		feed(t, m, s, nil, a)
		if m.list.count() != 15 {
			t.Fatalf("loaded: %d results, want 15", m.list.count())
		}
		want := resultAt(m, 0)
		if moved {
			want = pick
		}
		if got := m.list.selected(); got != want || m.view.conv != want {
			t.Fatalf("moved=%v: selected %q, want %q", moved, got.Title, want.Title)
		}
		if !moved && (want.ID != "c-14" || m.list.offset != 0 || !strings.Contains(screen(m), "Topic 14")) {
			t.Fatalf("the best match is not at the top in view:\n%s", screen(m))
		}
	}
}

// listLines is the list pane's part of each screen line: all of a narrow
// screen, the left of the rule on a wide one.
func listLines(scr string) []string {
	var out []string
	for _, l := range strings.Split(scr, "\n") {
		left, _, _ := strings.Cut(l, "│")
		out = append(out, left)
	}
	return out
}

// TestQueryErrorShownWhole: a query error is shown whole, wrapped, at 80
// and at 40 columns, with the bad token marked under the query, and the
// results of the last good query are cleared.
func TestQueryErrorShownWhole(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {40, 12}} {
		for _, c := range []struct{ q, bad string }{
			{"saffron colour:red", "colour:red"},
			{`saffron "bread is`, `"bread is`},
			{"saffron role:robot", "role:robot"},
			{"saffron after:2024-13", "after:2024-13"},
		} {
			m := newIndexTest(t, manyArchive(15), sz[0], sz[1])
			press(t, m, "/")
			typeText(t, m, "saffron")
			if m.list.count() != 15 {
				t.Fatalf("setup: %d results", m.list.count())
			}
			typeText(t, m, strings.TrimPrefix(c.q, "saffron"))
			if m.filter.err == nil {
				t.Fatalf("%q: no error", c.q)
			}
			if m.list.count() != 0 || m.list.selected() != nil || m.view.conv != nil || m.view.hitStatus() != "" {
				t.Errorf("%dx%d %q: stale results left: %d listed", sz[0], sz[1], c.q, m.list.count())
			}
			scr := screen(m)
			lines := listLines(scr)
			// Whole: every character in order, however it wrapped.
			joined := strings.Join(strings.Fields(strings.Join(lines[1:len(lines)-2], "")), "")
			msg := strings.TrimPrefix(m.filter.err.Error(), "search: ")
			if !strings.Contains(joined, strings.Join(strings.Fields(msg), "")) {
				t.Errorf("%dx%d %q: the error is not shown whole:\n%s", sz[0], sz[1], c.q, scr)
			}
			marked := false
			for i, l := range lines[:len(lines)-1] {
				if j := strings.Index(l, " "+c.q); j >= 0 && i > 0 {
					col := ansiWidth(l[:j+1+strings.Index(c.q, c.bad)])
					marked = strings.TrimSpace(lines[i+1]) == strings.Repeat("^", ansiWidth(c.bad)) &&
						ansiWidth(lines[i+1][:strings.Index(lines[i+1], "^")]) == col
				}
			}
			if !marked {
				t.Errorf("%dx%d %q: %q is not marked:\n%s", sz[0], sz[1], c.q, c.bad, scr)
			}
		}
	}
}

func ansiWidth(s string) int { return lipglossWidth(s) }

// TestNoMatchesSuggests: a query matching nothing says so and what to try.
func TestNoMatchesSuggests(t *testing.T) {
	m := newIndexTest(t, manyArchive(15), 80, 24)
	press(t, m, "/")
	typeText(t, m, `"saffron bread" role:user zzz`)
	scr := screen(m)
	for _, want := range []string{`No matches for “"saffron bread" role:user zzz”`, "Try:", "dropping the quotes", "dropping a filter such as role:user", "fewer words", "a shorter piece of", "H, to search hidden"} {
		if !strings.Contains(strings.Join(strings.Fields(strings.Join(listLines(scr), " ")), " "), want) {
			t.Errorf("no %q:\n%s", want, scr)
		}
	}
}

func TestBadToken(t *testing.T) {
	for _, c := range []struct{ q, msg, want string }{
		{"a Colour:red b", `unknown field "Colour:" (known fields: title:)`, "Colour:red"},
		{"a role: b", "role: needs a value (only messages by this role)", "role:"},
		{"a -ROLE:robot", "role:robot: unknown value; use one of user", "ROLE:robot"},
		{`a "b" "c d`, `unclosed quote: close the phrase with "`, `"c d`},
		{"a b", "something else", ""},
	} {
		from, to := badToken(c.q, c.msg)
		got := ""
		if from >= 0 {
			got = c.q[from:to]
		}
		if got != c.want {
			t.Errorf("badToken(%q, %q) = %q, want %q", c.q, c.msg, got, c.want)
		}
	}
}

// TestQueryErrorGolden: the error and no-match screens at 80×24 and 40×12.
func TestQueryErrorGolden(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {40, 12}} {
		for name, q := range map[string]string{"error": "saffron colour:red", "nomatch": "saffron zzz"} {
			t.Run(fmt.Sprintf("%dx%d/%s", sz[0], sz[1], name), func(t *testing.T) {
				m := newIndexTest(t, manyArchive(15), sz[0], sz[1])
				press(t, m, "/")
				typeText(t, m, q)
				golden.RequireEqual(t, screen(m))
			})
		}
	}
}

// TestCountsReadRight: one of a thing is singular, and every count has
// thousands separators.
func TestCountsReadRight(t *testing.T) {
	if got := plural(1, "conversation"); got != "1 conversation" {
		t.Errorf("plural(1) = %q", got)
	}
	if got := plural(12345, "msg"); got != "12,345 msgs" {
		t.Errorf("plural(12345) = %q", got)
	}
	c := buildConv("c-one", "Only one", testNow.Add(-time.Hour), tm{role: model.RoleUser, text: "a lonely quokka"})
	m := newIndexTest(t, &model.Archive{Conversations: []*model.Conversation{c}}, 80, 24)
	if scr := screen(m); !strings.Contains(scr, " 1 conversation ") || strings.Contains(scr, "1 conversations") {
		t.Errorf("status bar:\n%s", scr)
	}
	press(t, m, "/")
	typeText(t, m, "quokka")
	if got := m.view.hitStatus(); got != "hit 1/1" && got != "1 hit" {
		t.Errorf("hit status %q", got)
	}
	m.view.curHit = -1
	if got := m.view.hitStatus(); got != "1 hit" {
		t.Errorf("hit status without a current hit: %q, want 1 hit", got)
	}
	m.view.hitOrder = nil // count the thread's hits, faked below (in the last message)
	m.view.hits = make([]hitPos, 1234)
	for i := range m.view.hits {
		m.view.hits[i].line = m.view.starts[len(m.view.starts)-1]
	}
	m.view.segs[len(m.view.segs)-1].hitc = segHits{gen: m.view.hitGen, hits: m.view.hits} // counted per segment
	m.view.curHit = 1000
	if got := m.view.hitStatus(); got != "hit 1,001/1,234" {
		t.Errorf("hit status %q", got)
	}
	in := statusInfo{loaded: 12345, shown: 1234, filtering: true}
	if got := statusBar(NewPlainStyles(), in, 80); !strings.Contains(got, "1,234 of 12,345 conversations match") {
		t.Errorf("status bar %q", got)
	}
}
