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
// trees are decoded on first use (counted in decoded), their visible
// message counts, and their search index saved and loaded back (field
// texts read from a copy, as from a snapshot's arena).
func reopened(t *testing.T, a *model.Archive, decoded *atomic.Int32) (*model.Archive, []RowFacts, *search.Index) {
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
	facts := make([]RowFacts, len(a.Conversations))
	for i, c := range a.Conversations {
		facts[i] = RowFactsOf(c)
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
	return lazy, facts, ix
}

// TestPrebuiltFirstScreen: a browser given a complete archive, its counts
// and a prebuilt index shows the whole list and searches at once, never
// says Loading, and decodes only the conversations it shows.
func TestPrebuiltFirstScreen(t *testing.T) {
	a := deepArchive()
	var decoded atomic.Int32
	lazy, facts, ix := reopened(t, a, &decoded)
	p, err := PrepareFrom(lazy, facts)
	if err != nil {
		t.Fatal(err)
	}
	m := New(Options{Archive: lazy, Prepared: p, Searcher: live.NewIndexed(ix), Theme: "dark", Width: 100, Height: 30, Now: fixedNow})
	if m.loading || m.list.loading {
		t.Fatal("a complete archive is loading")
	}
	run(t, m, m.Init())
	scr := screen(m)
	if strings.Contains(scr, "Loading") || strings.Contains(scr, "loading") {
		t.Fatalf("the first screen says loading:\n%s", scr)
	}
	if m.list.count() != len(a.Conversations) {
		t.Fatalf("list shows %d of %d conversations", m.list.count(), len(a.Conversations))
	}
	// The list's counts and markers are the saved ones: what an eager browser shows.
	eager := newIndexTest(t, deepArchive(), 100, 30)
	if want := screen(eager); scr != want {
		t.Fatalf("first screen differs from an eagerly loaded browser's:\n%s\nwant:\n%s", scr, want)
	}
	if n := decoded.Load(); n > 1 {
		t.Fatalf("the first screen decoded %d conversations (at most the one shown)", n)
	}
	press(t, m, "/")
	typeText(t, m, "quokkaword")
	if n := m.list.count(); n != 1 || m.list.selected().ID != "c-deep" {
		t.Fatalf("search on the prebuilt index: %d results", n)
	}
	if !strings.Contains(screen(m), "answer is quokkaword") {
		t.Errorf("the result row lacks its excerpt:\n%s", screen(m))
	}
	if n := decoded.Load(); n > 3 {
		t.Fatalf("a search with one result decoded %d conversations", n)
	}
}

func TestPrepareFromChecksFacts(t *testing.T) {
	a := testArchive()
	if _, err := PrepareFrom(a, make([]RowFacts, len(a.Conversations)-1)); err == nil {
		t.Fatal("accepted too few counts")
	}
	if _, err := PrepareFrom(nil, nil); err == nil {
		t.Fatal("accepted no archive")
	}
}
