package tui

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/backchat/backchat/internal/render"
	"github.com/backchat/backchat/loader"
	"github.com/backchat/backchat/model"
	"github.com/backchat/backchat/model/search/live"
)

// crumbConv is a conversation of n messages, message i holding "crumb"
// i%7+1 times among enough words to take several lines each.
func crumbConv(id string, n int) *model.Conversation {
	var msgs []tm
	for i := range n {
		role := model.RoleUser
		if i%2 == 1 {
			role = model.RoleAssistant
		}
		var b strings.Builder
		fmt.Fprintf(&b, "Message %d.\n\n", i)
		for k := range i%7 + 1 {
			fmt.Fprintf(&b, "%s a crumb %d. ", strings.Repeat("Some *words* here. ", 6), k)
		}
		msgs = append(msgs, tm{role: role, text: b.String()})
	}
	return buildConv(id, "Bits everywhere", testNow.Add(-time.Hour), msgs...)
}

// plainHits counts term's occurrences in c's messages on every branch (the
// test texts hold it in lower case only).
func plainHits(c *model.Conversation, term string) int {
	n := 0
	for _, nd := range c.Nodes {
		if nd.Msg == nil {
			continue
		}
		for _, b := range nd.Msg.Blocks {
			n += strings.Count(b.Text, term)
		}
	}
	return n
}

// filterPreview opens a browser on cs under RenderAhead (as `backchat
// serve` runs it) and types query into the filter: the viewer previews the
// first result with the list focused.
func filterPreview(t *testing.T, w, h int, query string, cs ...*model.Conversation) *Model {
	t.Helper()
	a := &model.Archive{Conversations: cs}
	m := New(Options{Archive: a, Theme: "dark", Width: w, Height: h, Now: fixedNow,
		Searcher: live.NewArchive(a), RenderAhead: h})
	run(t, m, m.Init())
	press(t, m, "/")
	typeText(t, m, query)
	return m
}

// hitTotal is the N of the status bar's "hit k/N" (or "N hits").
func hitTotal(t *testing.T, v *viewer) int {
	t.Helper()
	st := strings.ReplaceAll(v.hitStatus(), ",", "")
	var k, n int
	if _, err := fmt.Sscanf(st, "hit %d/%d", &k, &n); err == nil {
		return n
	}
	if _, err := fmt.Sscanf(st, "%d hit", &n); err == nil {
		return n
	}
	if _, err := fmt.Sscanf(st, "hit in title %d hit", &n); err == nil {
		return n
	}
	t.Fatalf("status %q holds no count", st)
	return 0
}

// TestPreviewCountsEveryHit: the preview of a result counts every hit of
// the conversation, those in messages below the view (not rendered under
// RenderAhead, only given placeholders) included. A segment realised
// after the hits were found kept its blank lines' (empty) hit cache, so a
// conversation with 180 hits read "hit 1/3".
func TestPreviewCountsEveryHit(t *testing.T) {
	for _, n := range []int{6, 40, 120} {
		c := crumbConv(fmt.Sprintf("c-crumbs-%d", n), n)
		want := plainHits(c, "crumb")
		for _, size := range [][2]int{{80, 24}, {120, 40}} {
			m := filterPreview(t, size[0], size[1], "crumb", c)
			if m.view.conv != c {
				t.Fatalf("%d messages: the preview shows %v", n, m.view.conv)
			}
			if got := hitTotal(t, m.view); got != want {
				t.Errorf("%d messages at %dx%d: preview counts %d hits, want %d (%q)", n, size[0], size[1], got, want, m.view.hitStatus())
			}
			press(t, m, "enter")
			if got := hitTotal(t, m.view); got != want {
				t.Errorf("%d messages at %dx%d, opened: %d hits, want %d", n, size[0], size[1], got, want)
			}
		}
	}
}

// bigCrumbConv is a short conversation whose answer is long (n
// paragraphs, each holding "crumb" once or twice): Glamour renders its
// top first (renderCmd's need) and the rest waits as placeholder text.
func bigCrumbConv(id string, n int) *model.Conversation {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "Paragraph %d: %s a crumb", i, strings.Repeat("more *words* here ", 8))
		if i%3 == 0 {
			b.WriteString(" and another crumb")
		}
		b.WriteString(".\n\n")
	}
	return buildConv(id, "One long answer", testNow.Add(-time.Hour),
		tm{role: model.RoleUser, text: "Tell me about crumbs"},
		tm{role: model.RoleAssistant, text: b.String()},
		tm{role: model.RoleUser, text: "thanks, one last crumb"})
}

// TestPreviewCountsHitsOfALongMessage: a long message rendered only at its
// top counts the hits in its placeholder rest too.
func TestPreviewCountsHitsOfALongMessage(t *testing.T) {
	for _, n := range []int{50, 400, 2000} {
		c := bigCrumbConv(fmt.Sprintf("c-big-%d", n), n)
		want := plainHits(c, "crumb")
		m := filterPreview(t, 80, 24, "crumb", c)
		if got := hitTotal(t, m.view); got != want {
			t.Errorf("%d paragraphs: preview counts %d hits, want %d (%q)", n, got, want, m.view.hitStatus())
		}
		press(t, m, "enter")
		if got := hitTotal(t, m.view); got != want {
			t.Errorf("%d paragraphs, opened: %d hits, want %d", n, got, want)
		}
	}
}

// TestTermsCountEveryHitBeforeTheEngine: before the engine's hits come
// (setTerms alone, as a filter's answer lands), the count is every hit of
// the thread, not only those of the messages realised first.
func TestTermsCountEveryHitBeforeTheEngine(t *testing.T) {
	for _, c := range []*model.Conversation{crumbConv("c-crumbs", 60), bigCrumbConv("c-big", 500)} {
		a := &model.Archive{Conversations: []*model.Conversation{c}}
		m := New(Options{Archive: a, Theme: "dark", Width: 80, Height: 24, Now: fixedNow, RenderAhead: 24})
		run(t, m, m.Init())
		press(t, m, "enter")
		m.view.setTerms([]string{"crumb"})
		if got, want := hitTotal(t, m.view), plainHits(c, "crumb"); got != want {
			t.Errorf("%s: %d hits counted, want %d (%q)", c.ID, got, want, m.view.hitStatus())
		}
	}
}

// realiseAll realises every segment and finds the hits again: the count a
// viewer realising every matching message gives.
func realiseAll(v *viewer) {
	for i := range v.segs {
		v.realiseSegment(i, -1)
	}
	v.findHits()
}

// TestLazyCountIsTheRealisedCount: the count of a preview that realised
// only what is in view equals the count once every message is realised, on
// several conversations (the fixtures, many hits, a long message, hits on
// several branches), and the preview realised few of the messages holding
// hits.
func TestLazyCountIsTheRealisedCount(t *testing.T) {
	_, forked := forkedArchive()
	branchy := crumbConv("c-branchy", 30)
	for _, at := range []int32{4, 9, 20} {
		addBranch(branchy, at, "a crumb on a branch, crumb again", time.Minute)
	}
	cases := []struct {
		query string
		conv  *model.Conversation
	}{
		{"crumb", crumbConv("c-crumbs", 120)},
		{"crumb", bigCrumbConv("c-big", 300)},
		{"crumb", forked},
		{"crumb", branchy},
		{"crumb words", crumbConv("c-two", 50)},
		{"generic", testArchive().Conversations[0]},
	}
	for _, tc := range cases {
		for _, size := range [][2]int{{80, 24}, {120, 40}} {
			m := filterPreview(t, size[0], size[1], tc.query, tc.conv)
			v := m.view
			if v.conv != tc.conv {
				t.Fatalf("%s: the preview shows %v", tc.conv.ID, v.conv)
			}
			lazy := hitTotal(t, v)
			realiseAll(v)
			if full := hitTotal(t, v); lazy != full || lazy == 0 {
				t.Errorf("%s %q at %dx%d: lazy count %d, realised %d", tc.conv.ID, tc.query, size[0], size[1], lazy, full)
			}
		}
	}
	// Laziness itself: a preview of 120 messages with hits realises those
	// near the view only.
	m := filterPreview(t, 80, 24, "crumb", crumbConv("c-crumbs", 120))
	realised := 0
	for _, s := range m.view.segs {
		if s.msg != nil && s.realised {
			realised++
		}
	}
	if realised > 10 {
		t.Errorf("the preview realised %d of 120 messages", realised)
	}
}

// TestNextWalksEveryHitInOrder: n from a preview's first hit stops on every
// hit of the thread once, in order, numbered 1…N, then wraps; N walks back.
func TestNextWalksEveryHitInOrder(t *testing.T) {
	c := crumbConv("c-crumbs", 40)
	want := plainHits(c, "crumb")
	m := filterPreview(t, 80, 24, "crumb", c)
	press(t, m, "enter")
	v := m.view
	type at struct{ node, line, start int }
	where := func() at {
		h := v.hits[v.curHit]
		s := v.segAt(h.line)
		return at{int(v.segs[s].node), h.line - v.starts[s], h.start}
	}
	after := func(a, b at) bool {
		return a.node > b.node || a.node == b.node && (a.line > b.line || a.line == b.line && a.start > b.start)
	}
	var stops []at
	for i := 1; i <= want; i++ {
		if got, w := v.hitStatus(), fmt.Sprintf("hit %s/%s", fmtCount(i), fmtCount(want)); got != w {
			t.Fatalf("stop %d: status %q, want %q", i, got, w)
		}
		h := v.hits[v.curHit]
		if txt := v.plain[h.line][h.start:h.end]; txt != "crumb" {
			t.Fatalf("stop %d on %q", i, txt)
		}
		if w := where(); len(stops) > 0 && !after(w, stops[len(stops)-1]) {
			t.Fatalf("stop %d at %v, not after %v", i, w, stops[len(stops)-1])
		}
		stops = append(stops, where())
		press(t, m, "n")
	}
	if got := v.hitStatus(); got != "hit 1/"+fmtCount(want) || where() != stops[0] {
		t.Fatalf("after %d n: %q at %v, want the first hit again", want, got, where())
	}
	for i := len(stops) - 1; i >= len(stops)-5; i-- {
		press(t, m, "N")
		if where() != stops[i] {
			t.Fatalf("N: at %v, want %v", where(), stops[i])
		}
	}
}

func fmtCount(n int) string { return strings.ReplaceAll(fmt.Sprint(n), ",", "") }

// TestCountBeyondTheWindow: a thread long enough to be windowed counts the
// hits of every message, not only the window's, when the engine's hits are
// not known (a find in the viewer, or a filter's answer before them); n
// still walks past the window.
func TestCountBeyondTheWindow(t *testing.T) {
	c := crumbConv("c-window", 1000)
	want := plainHits(c, "crumb")
	a := &model.Archive{Conversations: []*model.Conversation{c}}
	m := New(Options{Archive: a, Theme: "dark", Width: 80, Height: 24, Now: fixedNow, RenderAhead: 24})
	run(t, m, m.Init())
	press(t, m, "enter")
	v := m.view
	if !v.windowed() {
		t.Fatal("the thread is not windowed: the test proves nothing")
	}
	press(t, m, "/")
	typeText(t, m, "crumb")
	press(t, m, "enter")
	counted := func(after string) {
		t.Helper()
		if !v.offWin.ok || v.offWin.gen != v.hitGen {
			t.Fatalf("after %s: the hits off the window are left for View to count", after)
		}
	}
	counted("the find")
	if got := hitTotal(t, v); got != want {
		t.Fatalf("find: %d hits counted, want %d (%q)", got, want, v.hitStatus())
	}
	// At the window's end and back at its top, each stop's number counts
	// the hits of the messages above it, in and off the window.
	for _, k := range []string{"G", "N", "N", "g", "n", "n"} {
		press(t, m, k)
		counted(k)
		if k == "g" || k == "G" {
			continue
		}
		node := v.hitNode(v.curHit)
		rank := 1
		for i := v.curHit - 1; i >= 0 && v.hitNode(i) == node; i-- {
			rank++
		}
		for n := int32(1); n < node; n++ {
			for _, b := range c.Nodes[n].Msg.Blocks {
				rank += strings.Count(b.Text, "crumb")
			}
		}
		if got, w := v.hitStatus(), "hit "+fmtCountComma(rank)+"/"+fmtCountComma(want); got != w {
			t.Fatalf("after %s: %q, want %q", k, got, w)
		}
	}
}

func fmtCountComma(n int) string { return render.FormatCount(n) }

// TestLazyCountRandomConversations: on random conversations (words with
// Markdown marks, code, tabs, accents, branches) the lazy count equals the
// count with every message realised, and n from the first hit comes back
// to it after exactly that many stops.
func TestLazyCountRandomConversations(t *testing.T) {
	words := []string{"crumb", "Crumb", "CRUMBS", "crümb", "**crumb**", "`crumb`", "crumbcrumb", "bread", "\tcrumb", "# crumb", "- crumb", "[crumb](http://x/crumb)", "loaf", "_crumb_"}
	rng := rand.New(rand.NewPCG(7, 11))
	for iter := range 20 {
		var msgs []tm
		for i := range 5 + rng.IntN(30) {
			role := model.RoleUser
			if i%2 == 1 {
				role = model.RoleAssistant
			}
			var b strings.Builder
			for range rng.IntN(200) {
				b.WriteString(words[rng.IntN(len(words))])
				if rng.IntN(12) == 0 {
					b.WriteString("\n\n")
				} else {
					b.WriteByte(' ')
				}
			}
			msgs = append(msgs, tm{role: role, text: b.String()})
		}
		c := buildConv(fmt.Sprintf("c-rand-%d", iter), "Random", testNow.Add(-time.Hour), msgs...)
		for range rng.IntN(3) {
			addBranch(c, int32(2+rng.IntN(len(msgs)-1)), "a crumb, two crumbs", time.Minute)
		}
		m := filterPreview(t, 80, 24, "crumb", c)
		v := m.view
		if v.hitStatus() == "no hits here" {
			continue
		}
		lazy := hitTotal(t, v)
		press(t, m, "enter")
		start := v.hitStatus()
		for range lazy {
			press(t, m, "n")
		}
		if got := v.hitStatus(); got != start {
			t.Errorf("iteration %d: %d n from %q end at %q", iter, lazy, start, got)
		}
		realiseAll(v)
		if full := hitTotal(t, v); full != lazy {
			t.Errorf("iteration %d: lazy count %d, realised %d", iter, lazy, full)
		}
	}
}

// TestLazyCountOnRealExports: on the exports of ../shared/fixtures/external
// (citations and their sources list, images, code, thinking, feedback) and
// the mixed test archive, the lazy count of a preview equals the count
// with every message realised: it counts the Markdown the placeholder is
// made of, not the blocks' raw text (a source's URL holds hits too).
func TestLazyCountOnRealExports(t *testing.T) {
	archives := []*model.Archive{mixedArchive()}
	for _, f := range []string{
		"anthropic-data/conversations.json",
		"pionxzh-chatgpt-exporter/thinking-summaries.json",
		"pionxzh-chatgpt-exporter/image-generation.json",
		"pkuppens-2023/conversations.excerpt.json",
		"echomine/002_with_images/raw.json",
		"echomine/003_with_code/raw.json",
		"chatgpt2graph/conversations.json",
	} {
		a, err := loader.Open("../../shared/fixtures/external/" + f)
		if err != nil {
			t.Logf("%s: %v (skipped)", f, err)
			continue
		}
		archives = append(archives, a)
	}
	checked := 0
	for _, a := range archives {
		for _, c := range a.Conversations {
			for _, q := range []string{"the", "https", "code image", "a"} {
				m := filterPreview(t, 100, 30, q, c)
				v := m.view
				if v.conv != c {
					continue
				}
				if st := v.hitStatus(); st == "" || st == "no hits here" || st == "hit in title" {
					continue
				}
				lazy := hitTotal(t, v)
				realiseAll(v)
				if full := hitTotal(t, v); full != lazy {
					t.Errorf("%s %q: lazy count %d, realised %d", c.ID, q, lazy, full)
				}
				checked++
			}
		}
	}
	if checked < 20 {
		t.Fatalf("only %d previews with hits checked", checked)
	}
}

// TestHighlightMemoDrawsTheSame: the frames drawn with highlighted lines
// kept from earlier frames (hlMemo) are those drawn afresh, as n moves the
// current hit over lines shown before.
func TestHighlightMemoDrawsTheSame(t *testing.T) {
	m := filterPreview(t, 80, 24, "crumb", crumbConv("c-crumbs", 12))
	press(t, m, "enter")
	v := m.view
	for i, k := range []string{"n", "n", "n", "N", "N", "j", "n", "N", "k"} {
		press(t, m, k)
		kept := m.View().Content
		v.hlMemo, v.drawn = nil, nil
		if fresh := m.View().Content; fresh != kept {
			t.Fatalf("key %d (%s): the frame with kept highlights differs from a fresh one", i, k)
		}
	}
}

// TestLazyCountWhereTheWrapCutsAHit: a hit the placeholder's wrap cuts
// (a hyphenated term at a line's end, a hit inside a word longer than the
// line) is not found in the realised lines, so the lazy count must not
// count it either: "e-mail" read "hit 1/75" where n walked 40 hits, "zz"
// in runs of z 1,237 where there were 1,200.
func TestLazyCountWhereTheWrapCutsAHit(t *testing.T) {
	for _, q := range []string{"e-mail", "zz", "crumb"} {
		for pad := 60; pad < 90; pad += 9 {
			var msgs []tm
			for i := range 40 {
				role := model.RoleUser
				if i%2 == 1 {
					role = model.RoleAssistant
				}
				msgs = append(msgs, tm{role: role, text: fmt.Sprintf("Message %d, a crumb. %scrumbtail and an e-mail: aaaa-%se-mail zz%s",
					i, strings.Repeat("x", pad), strings.Repeat("y", pad%7+pad-50), strings.Repeat("z", pad))})
			}
			c := buildConv(fmt.Sprintf("c-cut-%d", pad), "Cut", testNow.Add(-time.Hour), msgs...)
			for _, size := range [][2]int{{80, 24}, {120, 40}, {30, 20}} {
				m := filterPreview(t, size[0], size[1], q, c)
				v := m.view
				if v.conv != c {
					t.Fatalf("%q: the preview shows %v", q, v.conv)
				}
				lazy := hitTotal(t, v)
				realiseAll(v)
				if full := hitTotal(t, v); lazy != full {
					t.Errorf("%q, words of %d at %dx%d: lazy count %d, realised %d", q, pad, size[0], size[1], lazy, full)
				}
			}
		}
	}
}

// TestLazyCountRandomCuts: random messages of hyphenated words, long runs,
// wide characters and ideographic spaces around "crumb": the lazy count
// is the realised count at widths where the wrap cuts words (the viewer's
// own count: setTerms, as a find or a filter answer before the engine's
// hits).
func TestLazyCountRandomCuts(t *testing.T) {
	words := []string{"crumb", "e-crumb", "crumb-e", "a", "bb", "crumb\u3000crumb", "日本crumb語", "x-x-x-crumb-x",
		strings.Repeat("k", 23) + "crumb" + strings.Repeat("q", 30), "x" + strings.Repeat("crumb", 9), "日本" + strings.Repeat("crumb", 12), "\tcrumb", "--crumb--"}
	rng := rand.New(rand.NewPCG(3, 5))
	for iter := range 12 {
		var msgs []tm
		for i := range 30 + rng.IntN(20) {
			var b strings.Builder
			for range rng.IntN(120) {
				b.WriteString(words[rng.IntN(len(words))])
				if rng.IntN(15) == 0 {
					b.WriteString("\n\n")
				} else {
					b.WriteString(strings.Repeat(" ", 1+rng.IntN(2)))
				}
			}
			msgs = append(msgs, tm{role: []model.Role{model.RoleUser, model.RoleAssistant}[i%2], text: b.String() + " crumb"})
		}
		c := buildConv(fmt.Sprintf("c-cuts-%d", iter), "Cuts", testNow.Add(-time.Hour), msgs...)
		for _, size := range [][2]int{{30, 20}, {37, 20}, {80, 24}, {200, 50}} {
			a := &model.Archive{Conversations: []*model.Conversation{c}}
			m := New(Options{Archive: a, Theme: "dark", Width: size[0], Height: size[1], Now: fixedNow, RenderAhead: size[1]})
			run(t, m, m.Init())
			press(t, m, "enter")
			v := m.view
			v.setTerms([]string{"crumb"}) // the viewer's own count, not the engine's
			if v.conv != c {
				t.Fatalf("iteration %d: the viewer shows %v", iter, v.conv)
			}
			lazy := hitTotal(t, v)
			realiseAll(v)
			if full := hitTotal(t, v); lazy != full {
				t.Errorf("iteration %d at %dx%d: lazy count %d, realised %d", iter, size[0], size[1], lazy, full)
			}
		}
	}
}

// TestPreviewCountIsTheOpenedCount: a result's preview and the opened
// result read the same "hit k/N", and n walks N hits. A best hit in a
// folded item used to expand the items on opening only: the
// thinking-summaries fixture's "summary" read 1/4 previewed, 1/8 opened
// (long1g's first `has:branch kubernetes` row 1/12 and 1/23). The
// expansion is the conversation's: the next one previewed is folded. A
// folded item counts the engine's hits (n opens it), not those its
// summary line has room for: the same N at every width.
func TestPreviewCountIsTheOpenedCount(t *testing.T) {
	u, a := model.RoleUser, model.RoleAssistant
	folded := buildConv("c-folded", "Folded", testNow.Add(-time.Hour),
		tm{role: u, text: "look up a crumb"},
		tm{role: a, text: "crumb crumb crumb, crumb and crumb", vis: model.Folded},
		tm{role: model.RoleTool, text: "crumb crumb crumb crumb crumb crumb", vis: model.Folded},
		tm{role: a, text: "found one crumb"})
	plainConv := buildConv("c-plain", "Plain", testNow.Add(-2*time.Hour),
		tm{role: u, text: "a crumb"},
		tm{role: a, text: "crumb?", vis: model.Folded},
		tm{role: a, text: "two crumbs"})
	type tc struct {
		q     string
		convs []*model.Conversation
	}
	onlyFolded := buildConv("c-only-folded", "Only folded", testNow.Add(-time.Hour),
		tm{role: u, text: "look it up"},
		tm{role: model.RoleTool, text: "crumb crumb, crumb crumb", vis: model.Folded},
		tm{role: a, text: "no hit here"})
	cases := []tc{
		{"crumb", []*model.Conversation{onlyFolded, plainConv}},
		{"crumb", []*model.Conversation{folded, plainConv}},
	}
	if fx, err := loader.Open("../../shared/fixtures/external/pionxzh-chatgpt-exporter/thinking-summaries.json"); err == nil {
		cases = append(cases, tc{"summary", fx.Conversations})
	} else {
		t.Logf("thinking-summaries: %v (skipped)", err)
	}
	for _, c := range cases {
		widthN := -1
		for _, w := range []int{60, 80, 120} {
			m := filterPreview(t, w, 30, c.q, c.convs...)
			v := m.view
			first := v.conv
			preview := v.hitStatus()
			press(t, m, "enter")
			opened := v.hitStatus()
			if preview != opened {
				t.Errorf("%s %q at %d columns: preview %q, opened %q", first.ID, c.q, w, preview, opened)
			}
			n := hitTotal(t, v)
			if widthN >= 0 && n != widthN {
				t.Errorf("%s %q: %d hits at %d columns, %d narrower (a folded item's summary line counted)", first.ID, c.q, n, w, widthN)
			}
			widthN = n
			for i := 1; i < n; i++ {
				press(t, m, "n")
			}
			if st := v.hitStatus(); !strings.HasPrefix(st, fmt.Sprintf("hit %d/%d", n, n)) {
				t.Errorf("%s %q at %d columns: %d n from %q end at %q", first.ID, c.q, w, n-1, opened, st)
			}
			if len(c.convs) > 1 {
				// Back in the list, the other result: folded unless its
				// own best hit is in a folded item.
				press(t, m, "esc", "down")
				if v.conv == first {
					press(t, m, "up")
				}
				if v.conv == first || v.expanded != (v.conv == onlyFolded) {
					t.Errorf("%q: result %s previewed expanded %v", c.q, v.conv.ID, v.expanded)
				}
			}
		}
	}
}
