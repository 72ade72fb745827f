package main

import (
	"context"
	"reflect"
	"runtime"
	"testing"

	"github.com/backchat/backchat/internal/testkit/gen"
	"github.com/backchat/backchat/loader"
	"github.com/backchat/backchat/model"
	"github.com/backchat/backchat/model/search"
	"github.com/backchat/backchat/model/search/live"
	"github.com/backchat/backchat/tui"
)

func TestBrowserSourceReady(t *testing.T) {
	c := &model.Conversation{ID: "a", Title: "Alpha", Nodes: []model.Node{{Parent: model.NoNode}}}
	a := &model.Archive{Conversations: []*model.Conversation{c}}
	var o tui.Options
	browserSource(&o, archiveSource{Paths: []string{"ignored.zip"}, Ready: &readyArchive{Archive: a, Searcher: live.NewIndexedLater(func() *search.Index { return search.BuildArchive(a) })}}, 0)
	if o.Archive != a || o.Load != nil || o.Searcher == nil {
		t.Fatalf("a ready archive is not shown at once: %+v", o)
	}
	o = tui.Options{}
	browserSource(&o, archiveSource{Paths: []string{"x.zip"}}, 0)
	if o.Load == nil || o.Searcher == nil || o.Archive != nil {
		t.Fatalf("paths: %+v", o)
	}
}

// TestBrowserSourceCompacts: given the export's size, the browser's load
// keeps the conversations beyond its first quarter compressed (their
// trees decoded on demand, addressed by offset), and they read back as a
// plain load's; a load that writes a snapshot (Loaded) keeps every tree.
func TestBrowserSourceCompacts(t *testing.T) {
	p := genExport(t, t.TempDir(), "export.zip", gen.Config{Seed: 41, Conversations: 40, NoHuge: true})
	want, err := loader.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	budget := exportBudget([]string{p})
	if budget <= 0 {
		t.Fatalf("no budget for %s", p)
	}
	load := func(src archiveSource) *model.Archive {
		var o tui.Options
		browserSource(&o, src, budget)
		a, err := o.Load(context.Background(), func(*model.Conversation) {}, func(int64, int64) {})
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	compacted := func(a *model.Archive) int {
		k := 0
		for _, c := range a.Conversations {
			if _, ok := c.TreeTextSize(); ok {
				k++
			}
		}
		return k
	}
	got := load(archiveSource{Paths: []string{p}})
	runtime.GC()
	if n, k := len(got.Conversations), compacted(got); k == 0 || k == n || n != len(want.Conversations) {
		t.Fatalf("%d of %d conversations compacted (want some, not all, of %d)", k, n, len(want.Conversations))
	}
	for i, c := range got.Conversations {
		if w := want.Conversations[i]; c.ID != w.ID || c.Title != w.Title || !reflect.DeepEqual(c.Tree(), w.Tree()) {
			t.Errorf("conversation %d (%s) differs from a plain load's", i, c.ID)
		}
	}
	kept := load(archiveSource{Paths: []string{p}, Loaded: func(*model.Archive, *live.Searcher) {}})
	if k := compacted(kept); k != 0 {
		t.Errorf("a load that writes a snapshot compacted %d conversations", k)
	}
}
