package main

import (
	"context"

	"github.com/backchat/backchat/internal/library"
	"github.com/backchat/backchat/loader"
	"github.com/backchat/backchat/model"
	"github.com/backchat/backchat/model/search/live"
	"github.com/backchat/backchat/tui"
)

// indexingLoad is the browser's LoadFunc: the real loader, with every
// conversation also handed to the searcher as it is decoded, so the index is
// built in the background while the archive streams in (never on the first
// keystroke). Loaded ends the load without waiting for the indexing still
// pending: until it is done, a search answers at once from the
// conversations indexed so far and says so (live.Results.Indexing; the
// browser shows "indexing N%" and searches again).
//
// loaded, when not nil, is called after a load without error. lib, when
// not nil, is the library paths are the imports of: warnings then name the
// files imported (originals).
func indexingLoad(paths []string, lib *library.Library, s *live.Searcher, loaded func(*model.Archive, *live.Searcher)) tui.LoadFunc {
	return compactingLoad(paths, lib, s, loaded, nil, 0)
}

// compactingLoad is indexingLoad whose loader keeps the text of the
// conversations decoded beyond plain bytes of the export compressed
// (loader.Options.Compact), when compact is set; s must then keep text
// offsets (live.NewOffsets).
func compactingLoad(paths []string, lib *library.Library, s *live.Searcher, loaded func(*model.Archive, *live.Searcher), compact func() loader.Compactor, plain int64) tui.LoadFunc {
	return func(ctx context.Context, onConv func(*model.Conversation), progress func(done, total int64)) (*model.Archive, error) {
		a, err := loader.OpenContext(ctx, loader.Options{
			OnConversation: func(c *model.Conversation) {
				s.Add(c)
				onConv(c)
			},
			Progress:     progress,
			Compact:      compact,
			CompactPlain: plain,
		}, paths...)
		if a != nil {
			a.Warnings = originals(lib, a.Warnings)
		}
		s.Loaded(a)
		if loaded != nil && err == nil && a != nil && ctx.Err() == nil {
			loaded(a, s)
		}
		return a, err
	}
}

// compactPlain is the bytes of an export of budget bytes of JSON whose
// conversations the browser keeps decoded (compactingLoad): all but the
// last compactLast bytes, or the first quarter when that is more. The rest
// is kept compressed (~0.4× on the benchmark exports) and decoded again
// when read, so that the browser, index built and a search answered, stays
// within the export's size. What is not text (the binary, the runtime,
// the index build, the UI) weighs most on a small export: at 250 MB three
// quarters are compressed (0.87–0.94× on the benchmark exports; half
// read 1.00–1.02×); at 1 GB only the last 256 MiB, because the
// compression costs load time (S2, ~450 MB/s a core here): compressing
// three quarters made the short-conversation 1 GB export's browser
// 1.14–1.27× `ls` against ≤ 1.2× (NOTES.md, "Performance").
func compactPlain(budget int64) int64 {
	return max(budget/4, budget-compactLast)
}

// compactLast is how much of a large export the browser keeps compressed
// (compactPlain): enough to stay within its size at 1 GB.
const compactLast = 256 << 20
