package tui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/backchat/backchat/model"
)

// TestRenderAheadBoundsBackgroundRenders: with Options.RenderAhead the
// viewer renders the messages in and near the view, not the whole
// conversation, and renders more as the view moves; without it, the whole
// conversation is rendered.
func TestRenderAheadBoundsBackgroundRenders(t *testing.T) {
	const count = 60
	long := wordyConv(count)
	rendered := func(m *Model) (n int, last int) {
		last = -1
		for i, s := range m.view.segs {
			if s.msg != nil && s.rendered {
				n++
				last = i
			}
		}
		return n, last
	}
	open := func(ahead int) *Model {
		m := New(Options{Archive: &model.Archive{Conversations: []*model.Conversation{long}}, Theme: "dark",
			Width: 100, Height: 30, Now: fixedNow, RenderAhead: ahead})
		run(t, m, m.Init())
		press(t, m, "enter")
		if m.view.conv != long {
			t.Fatal("the conversation did not open")
		}
		return m
	}
	all := open(0)
	if n, _ := rendered(all); n != count {
		t.Fatalf("without RenderAhead: %d of %d messages rendered, want all", n, count)
	}
	m := open(30)
	n, last := rendered(m)
	if n == 0 || n >= count/2 {
		t.Fatalf("RenderAhead 30: %d of %d messages rendered, want the first few", n, count)
	}
	if m.view.starts[last] >= m.view.offset+m.view.height+30 {
		t.Fatalf("rendered message %d starts at line %d, beyond the view and 30 lines", last, m.view.starts[last])
	}
	// Every message in and near the view is rendered.
	for i, s := range m.view.segs {
		if s.msg != nil && m.view.starts[i] < m.view.height+30 && !s.rendered {
			t.Fatalf("message %d, near the view, is not rendered", i)
		}
	}
	press(t, m, "G")
	for i, s := range m.view.segs {
		if s.msg != nil && m.view.starts[i]+len(s.lines) > m.view.offset && !s.rendered {
			t.Fatalf("after G, message %d in view is not rendered", i)
		}
	}
	if n2, _ := rendered(m); n2 <= n {
		t.Fatalf("after G: %d messages rendered, had %d", n2, n)
	}
}

// TestRenderAheadWaitsForFocus: under RenderAhead a preview (the list has
// the keyboard) renders only what is in view; focusing the viewer (enter,
// tab) renders ahead of it.
func TestRenderAheadWaitsForFocus(t *testing.T) {
	long := wordyConv(40)
	beyond := func(m *Model) int {
		n := 0
		for i, s := range m.view.segs {
			if s.msg != nil && s.rendered && m.view.starts[i] >= m.view.offset+m.view.height {
				n++
			}
		}
		return n
	}
	for _, k := range []string{"enter", "tab"} {
		m := New(Options{Archive: &model.Archive{Conversations: []*model.Conversation{long}}, Theme: "dark",
			Width: 100, Height: 30, Now: fixedNow, RenderAhead: 60})
		run(t, m, m.Init())
		if m.view.conv != long || m.focus != focusList {
			t.Fatal("the preview is not shown with the list focused")
		}
		if n := beyond(m); n != 0 {
			t.Fatalf("preview: %d messages below the view rendered, want none", n)
		}
		press(t, m, k)
		if m.focus != focusViewer {
			t.Fatalf("%s did not focus the viewer", k)
		}
		if beyond(m) == 0 {
			t.Fatalf("after %s: nothing below the view rendered", k)
		}
	}
}

// wordyConv is a conversation of n alternating messages of ~400 bytes each.
func wordyConv(n int) *model.Conversation {
	var msgs []tm
	for i := range n {
		role := model.RoleUser
		if i%2 == 1 {
			role = model.RoleAssistant
		}
		msgs = append(msgs, tm{role: role, text: fmt.Sprintf("Message %d.\n\n%s", i, strings.Repeat("Some *words* here. ", 20))})
	}
	return buildConv("c-long", "Long", testNow, msgs...)
}

// TestFilterEscBackToViewerRendersAhead: esc out of a filter opened from
// the viewer focuses the viewer again and renders ahead of it, as the
// other ways into the viewer do (the filter's cancel renders while the
// list still has the keyboard: what is in view). By keys the filter opens
// from the viewer only while it shows nothing (/ finds in a conversation),
// so the test opens it as the root does for / (route.go), from the
// preview.
func TestFilterEscBackToViewerRendersAhead(t *testing.T) {
	long := wordyConv(40)
	m := New(Options{Archive: &model.Archive{Conversations: []*model.Conversation{long}}, Theme: "dark",
		Width: 100, Height: 30, Now: fixedNow, RenderAhead: 60})
	run(t, m, m.Init())
	if m.view.conv != long || m.focus != focusList || renderedBelow(m) != 0 {
		t.Fatal("want the preview, in view only, with the list focused")
	}
	m.filter.open(focusViewer)
	m.setFocus(focusList)
	typeText(t, m, "words")
	press(t, m, "esc")
	if m.focus != focusViewer || m.view.conv != long || m.filter.active {
		t.Fatalf("esc: focus %v, conversation %v, filter active %v; want the viewer on the conversation", m.focus, m.view.conv, m.filter.active)
	}
	if renderedBelow(m) == 0 {
		t.Fatal("after esc back to the viewer: nothing below the view rendered")
	}
}

// renderedBelow is the number of m's viewer's messages below the view that
// are rendered.
func renderedBelow(m *Model) int {
	n := 0
	for i, s := range m.view.segs {
		if s.msg != nil && s.rendered && m.view.starts[i] >= m.view.offset+m.view.height {
			n++
		}
	}
	return n
}
