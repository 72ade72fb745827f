package tui

import (
	"context"
	"testing"

	"github.com/backchat/backchat/model"
	"github.com/backchat/backchat/model/search"
	"github.com/backchat/backchat/model/search/live"
)

// BenchmarkIndexKeystroke measures one filter keystroke through
// live.Searcher, the browser's engine: "typed/…" is the search answering
// each prefix of the query as typed letter by letter (per op: one
// keystroke, averaged over the prefixes), "engine" is model/search alone
// for the whole word (the service's share is "service/goroutine" less it), and
// "update+search" is the whole path of one keystroke in the model (Update,
// then the search command and its answer applied).
func BenchmarkIndexKeystroke(b *testing.B) {
	a := benchArchive(b)
	s := live.NewArchive(a)
	convs := append(a.Conversations[:0:0], a.Conversations...)
	model.SortNewestFirst(convs)
	ctx := context.Background()
	b.Logf("archive: %d conversations, %.1f MB text", len(a.Conversations), float64(archiveBytes(a))/1e6)
	for _, query := range []string{"goroutine channel", "model:gpt-4o goroutine", "zebraquux"} {
		// Prefixes that do not parse yet ("model:") answer with an error at
		// once; they are left out so the figure is the cost of searching.
		var prefixes []string
		for i := 1; i <= len(query); i++ {
			if _, err := search.Parse(query[:i]); err == nil {
				prefixes = append(prefixes, query[:i])
			}
		}
		b.Run("typed/"+query, func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				if _, err := s.Search(ctx, convs, prefixes[i%len(prefixes)], live.Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("engine/goroutine", func(b *testing.B) {
		q, _ := search.Parse("goroutine")
		ix := search.BuildArchive(a)
		for b.Loop() {
			if _, err := ix.Search(ctx, q, search.Options{SnippetWidth: 1}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("service/goroutine", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.Search(ctx, convs, "goroutine", live.Options{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("update+search", func(b *testing.B) {
		m := New(Options{Archive: a, Theme: "dark", Width: 120, Height: 40, Now: fixedNow, Searcher: s})
		m.Update(keyMsg("/"))
		query := "goroutine"
		for i := 0; b.Loop(); i++ {
			_, cmd := m.Update(keyMsg(string(query[i%len(query)])))
			for _, msg := range runBatch(cmd) {
				m.Update(msg)
			}
			if i%len(query) == len(query)-1 {
				m.Update(keyMsg("ctrl+u"))
			}
		}
	})
}
