package tui

import (
	"github.com/backchat/backchat/model"
	"github.com/backchat/backchat/model/search/live"
)

// loadBatchMsg carries the conversations that arrived from the loader since
// the previous batch, coalesced over about 50 ms, plus progress. The last
// batch has finished set, and the final archive or the load error.
type loadBatchMsg struct {
	convs       []*model.Conversation
	done, total int64
	finished    bool
	archive     *model.Archive
	err         error
}

// themeTimeoutMsg fires when the terminal did not answer the background
// colour query in time; the browser then keeps its default dark theme.
type themeTimeoutMsg struct{}

// searchMsg is the answer to a filter search; the filter's live.Session
// drops it unless it answers the latest search.
type searchMsg struct{ live.Answer }

// indexTickMsg asks the filter to search again while the index is still
// built after the load (its answer covered the conversations indexed so
// far); seq drops all but the latest tick.
type indexTickMsg struct{ seq int }

// reindexedMsg says the searcher dropped its index to build it again
// (live.Searcher.Reindex: a snapshot's index failed its checksum): the
// filter's answer on screen came from the dropped index.
type reindexedMsg struct{}

// renderedMsg is one message rendered by Glamour, keyed for the cache:
// all of it, or (more != nil) its first lines and what is left to render.
type renderedMsg struct {
	key   renderKey
	lines []string
	more  *renderJob
	err   error
}
