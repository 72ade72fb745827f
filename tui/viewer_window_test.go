package tui

import (
	"fmt"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/backchat/backchat/model"
)

// longConv is one conversation of n one-line messages "message 1" … "message n".
func longConv(n int) *model.Conversation {
	msgs := make([]tm, n)
	for i := range msgs {
		r := model.RoleUser
		if i%2 == 1 {
			r = model.RoleAssistant
		}
		msgs[i] = tm{role: r, text: fmt.Sprintf("message %d", i+1)}
	}
	return buildConv("c-long", "Long chain", time.Date(2026, 11, 19, 9, 0, 0, 0, time.UTC), msgs...)
}

var messageNumber = regexp.MustCompile(`message (\d+)`)

// firstMessageOnScreen is the number of the first "message N" on screen, or 0.
func firstMessageOnScreen(m *Model) int {
	if sm := messageNumber.FindStringSubmatch(screen(m)); sm != nil {
		n, _ := strconv.Atoi(sm[1])
		return n
	}
	return 0
}

// A very long thread gets segments only around the view; scrolling slides
// the window without the view jumping, and g, G and a search landing reach
// the whole thread.
func TestViewerWindowsLongThreads(t *testing.T) {
	const n = 3000
	a := &model.Archive{Conversations: []*model.Conversation{longConv(n)}}
	m := New(Options{Archive: a, Theme: "dark", Width: 100, Height: 30, Now: fixedNow})
	run(t, m, m.Init())
	selectConv(t, m, "c-long")
	press(t, m, "enter")
	v := m.view
	if len(v.segs) > windowMsgs+1 {
		t.Fatalf("%d segments for a %d-message thread, want at most %d", len(v.segs), n, windowMsgs+1)
	}
	if got := firstMessageOnScreen(m); got != 1 {
		t.Fatalf("first message on screen %d, want 1:\n%s", got, screen(m))
	}

	// Page down through more than two windows: the first message on screen
	// only ever moves forward, by less than a screen.
	prev := 1
	for i := 0; i < 400; i++ {
		press(t, m, "pgdown")
		got := firstMessageOnScreen(m)
		if got < prev || got > prev+v.height {
			t.Fatalf("after %d pages the first message went from %d to %d:\n%s", i+1, prev, got, screen(m))
		}
		prev = got
		if len(v.segs) > windowMsgs+1 {
			t.Fatalf("window grew to %d segments", len(v.segs))
		}
	}
	if prev < 2*windowMsgs {
		t.Fatalf("paged only to message %d", prev)
	}
	// And back up again, past the window's top edge.
	for i := 0; i < 100; i++ {
		press(t, m, "pgup")
		got := firstMessageOnScreen(m)
		if got > prev || got < prev-v.height {
			t.Fatalf("paging up, the first message went from %d to %d", prev, got)
		}
		prev = got
	}

	press(t, m, "G")
	if s := screen(m); !regexp.MustCompile(`message 3000\b`).MatchString(s) || v.scrollPercent() != 100 {
		t.Errorf("G: last message not on screen (percent %d):\n%s", v.scrollPercent(), s)
	}
	press(t, m, "g")
	if got := firstMessageOnScreen(m); got != 1 || v.scrollPercent() != 0 {
		t.Errorf("g: first message %d, percent %d", got, v.scrollPercent())
	}

	// Landing on a message far down (as a search result does) moves the
	// window there.
	far := v.thread[2500]
	v.openAtHit(far)
	found := false
	for _, s := range v.segs {
		found = found || s.node == far
	}
	if !found {
		t.Errorf("node %d has no segment after openAtHit", far)
	}
}

// Threads up to windowThreshold messages are laid out whole, as before.
func TestViewerDoesNotWindowShortThreads(t *testing.T) {
	a := &model.Archive{Conversations: []*model.Conversation{longConv(windowThreshold - 1)}}
	m := New(Options{Archive: a, Theme: "dark", Width: 100, Height: 30, Now: fixedNow})
	run(t, m, m.Init())
	selectConv(t, m, "c-long")
	press(t, m, "enter")
	if got := len(m.view.segs); got != windowThreshold {
		t.Errorf("%d segments, want %d (header and every message)", got, windowThreshold)
	}
}

// BenchmarkViewerOpenLongThread opens a 200,000-message thread. With every
// message in segments, opening a 1,000,000-message one took 11.3 s and each
// render that arrived re-joined 4,000,000 lines (54 ms); windowed, it lays
// out windowMsgs messages (28 ms for this one on the 2-core VM).
func BenchmarkViewerOpenLongThread(b *testing.B) {
	c := longConv(200_000)
	for b.Loop() {
		v := newViewer(DefaultKeyMap(), NewStyles(true), "dark", newRenderPool(), fixedNow)
		v.SetSize(100, 38)
		v.show(c)
		_ = v.renderNext()
		_ = v.View()
		v.cancel()
	}
}

// n and N reach hits outside the window, in thread order, wrapping around.
func TestViewerHitsBeyondTheWindow(t *testing.T) {
	c := longConv(3000)
	for _, i := range []int{10, 1500, 2900} {
		c.Nodes[i+1].Msg.Blocks[0].Text += " needle"
	}
	m, v, hitMessage := openFindingNeedle(t, c)
	for _, want := range []int{11, 1501, 2901, 11, 1501} {
		press(t, m, "n")
		if v.curHit < 0 || hitMessage() != want {
			t.Fatalf("n: at %v, want message %d", v.curHit, want)
		}
		if !regexp.MustCompile(fmt.Sprintf(`message %d needle`, want)).MatchString(screen(m)) {
			t.Fatalf("n: message %d not on screen:\n%s", want, screen(m))
		}
	}
	for _, want := range []int{11, 2901, 1501} {
		press(t, m, "N")
		if v.curHit < 0 || hitMessage() != want {
			t.Fatalf("N: want message %d", want)
		}
	}
}

// TestViewerHitAfterTheWindowMoves: the current hit is an index into the
// window's hits; G moves the window (rebuild) and the hits with it, so the
// old index must not name a hit of the new window. With the end's messages
// rendered already (seen before), n after G went to the window's third
// hit, hundreds of messages above the screen, and each further n slid the
// window and went up again.
func TestViewerHitAfterTheWindowMoves(t *testing.T) {
	c := longConv(3000)
	for i := range 3000 {
		if i < 20 || i >= 2500 && i%5 == 0 {
			c.Nodes[i+1].Msg.Blocks[0].Text += " needle"
		}
	}
	m, v, hitMessage := openFindingNeedle(t, c)
	press(t, m, "G", "g") // the end's messages rendered
	press(t, m, "n", "n")
	if v.curHit < 0 || hitMessage() != 2 {
		t.Fatalf("n n: want message 2's hit, at %d", v.curHit)
	}
	press(t, m, "G")
	top := firstMessageOnScreen(m)
	if top < 2900 {
		t.Fatalf("G shows message %d first", top)
	}
	press(t, m, "n")
	if v.curHit < 0 {
		t.Fatal("n found no hit")
	}
	if got := hitMessage(); got != 3 && got < top {
		t.Fatalf("n after G went to message %d, above the screen (message %d first) and not the hit after message 2's", got, top)
	}
}

// openFindingNeedle opens c in a 100×30 browser with "needle" as the
// terms; hitMessage is the number of the message holding the current hit.
func openFindingNeedle(t *testing.T, c *model.Conversation) (m *Model, v *viewer, hitMessage func() int) {
	t.Helper()
	a := &model.Archive{Conversations: []*model.Conversation{c}}
	m = New(Options{Archive: a, Theme: "dark", Width: 100, Height: 30, Now: fixedNow})
	run(t, m, m.Init())
	selectConv(t, m, "c-long")
	press(t, m, "enter")
	v = m.view
	v.setTerms([]string{"needle"})
	return m, v, func() int {
		h := v.hits[v.curHit]
		n, _ := strconv.Atoi(messageNumber.FindStringSubmatch(v.plain[h.line])[1])
		return n
	}
}
