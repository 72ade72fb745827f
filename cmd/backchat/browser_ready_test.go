package main

import (
	"testing"

	"github.com/backchat/backchat/model"
	"github.com/backchat/backchat/model/search"
	"github.com/backchat/backchat/tui"
)

func TestBrowserSourceReady(t *testing.T) {
	c := &model.Conversation{ID: "a", Title: "Alpha", Nodes: []model.Node{{Parent: model.NoNode}}}
	a := &model.Archive{Conversations: []*model.Conversation{c}}
	ready := &readyArchive{Archive: a, Index: search.BuildArchive(a), Rows: []tui.RowFacts{tui.RowFactsOf(c)}}
	var o tui.Options
	if err := browserSource(&o, archiveSource{Paths: []string{"ignored.zip"}, Ready: ready}); err != nil {
		t.Fatal(err)
	}
	if o.Archive != a || o.Load != nil || o.Searcher == nil || !o.Prepared.For(a) {
		t.Fatalf("a ready archive is not shown at once: %+v", o)
	}
	ready.Rows = nil
	if err := browserSource(&tui.Options{}, archiveSource{Ready: ready}); err == nil {
		t.Fatal("rows of another archive accepted")
	}
	o = tui.Options{}
	if err := browserSource(&o, archiveSource{Paths: []string{"x.zip"}}); err != nil || o.Load == nil || o.Searcher == nil || o.Archive != nil {
		t.Fatalf("paths: %v %+v", err, o)
	}
}
