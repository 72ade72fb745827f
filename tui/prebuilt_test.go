package tui

import (
	"bytes"
	"strings"
	"sync/atomic"
	"testing"
	"unsafe"

	"github.com/backchat/backchat/model"
	"github.com/backchat/backchat/model/search"
	"github.com/backchat/backchat/model/search/live"
)

// reopened is a as a library snapshot reopens it: conversations whose
// trees are decoded on first use (counted in decoded) and their search
// index saved and loaded back (field texts read from a copy, as from a
// snapshot's arena).
func reopened(t *testing.T, a *model.Archive, decoded *atomic.Int32) (*model.Archive, *search.Index) {
	t.Helper()
	var arena []byte
	var buf bytes.Buffer
	err := search.BuildArchive(a).Save(&buf, func(p *byte, n int) (uint64, bool) {
		off := uint64(len(arena))
		arena = append(arena, unsafe.Slice(p, n)...)
		return off, true
	})
	if err != nil {
		t.Fatal(err)
	}
	lazy := &model.Archive{Warnings: a.Warnings, Sources: a.Sources}
	for _, c := range a.Conversations {
		l := *c
		nodes := c.Nodes
		l.Nodes = nil
		l.SetLazyTree(func() ([]model.Node, error) { decoded.Add(1); return nodes, nil })
		lazy.Conversations = append(lazy.Conversations, &l)
	}
	data := make([]uint64, (buf.Len()+7)/8)
	b := unsafe.Slice((*byte)(unsafe.Pointer(&data[0])), buf.Len())
	copy(b, buf.Bytes())
	ix, err := search.LoadIndex(b, lazy.Conversations, func(off uint64, n int) *byte {
		if off+uint64(n) > uint64(len(arena)) {
			return nil
		}
		return &arena[off]
	})
	if err != nil {
		t.Fatal(err)
	}
	return lazy, ix
}

// TestPrebuiltFirstScreen: a browser given a complete archive and a
// Searcher over its prebuilt index shows the whole list and searches at
// once, never says Loading, and a search decodes only the conversations it
// shows. (Listing decodes nothing when the conversations know their counts,
// as a snapshot's do: model.Conversation's, not the browser's concern.)
func TestPrebuiltFirstScreen(t *testing.T) {
	a := deepArchive()
	var decoded atomic.Int32
	lazy, ix := reopened(t, a, &decoded)
	m := New(Options{Archive: lazy, Searcher: live.NewIndexed(ix), Theme: "dark", Width: 100, Height: 30, Now: fixedNow})
	if m.loading || m.list.loading {
		t.Fatal("a complete archive is loading")
	}
	run(t, m, m.Init())
	scr := screen(m)
	if strings.Contains(strings.ToLower(scr), "loading") {
		t.Fatalf("the first screen says loading:\n%s", scr)
	}
	if m.list.count() != len(a.Conversations) {
		t.Fatalf("list shows %d of %d conversations", m.list.count(), len(a.Conversations))
	}
	eager := newIndexTest(t, deepArchive(), 100, 30)
	if want := screen(eager); scr != want {
		t.Fatalf("first screen differs from an eagerly loaded browser's:\n%s\nwant:\n%s", scr, want)
	}
	before := decoded.Load()
	press(t, m, "/")
	typeText(t, m, "quokkaword")
	if n := m.list.count(); n != 1 || m.list.selected().ID != "c-deep" {
		t.Fatalf("search on the prebuilt index: %d results", n)
	}
	if !strings.Contains(screen(m), "answer is quokkaword") {
		t.Errorf("the result row lacks its excerpt:\n%s", screen(m))
	}
	if n := decoded.Load() - before; n > 2 {
		t.Fatalf("a search with one result decoded %d more conversations", n)
	}
	// The same answers as a browser that indexed the archive itself.
	for _, q := range []string{"joke", "go -filler", `"filler text"`, "role:user particular", "answer"} {
		for _, b := range []*Model{m, eager} {
			press(t, b, "esc")
			press(t, b, "/")
			typeText(t, b, q)
		}
		if got, want := screen(m), screen(eager); got != want || m.list.count() == 0 || m.list.count() == len(a.Conversations) {
			t.Fatalf("%q: prebuilt index shows %d results\n%s\nwant\n%s", q, m.list.count(), got, want)
		}
	}
}
