package main

import (
	"testing"

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
