package live

import (
	"time"

	"github.com/backchat/backchat/model/search"
)

// NewIndexedLater is NewIndexed over the index load returns, called at
// once on a goroutine of its own: a browser over a reopened snapshot
// draws its first screen while the index loads (~15 ms of CPU for a 1 GB
// library, on the other core). Whatever reads the index (a search,
// Index, Progress, Add) waits until load has returned. load must return
// an index (never nil) over the conversations the searcher will be
// asked about, as for NewIndexed.
func NewIndexedLater(load func() *search.Index) *Searcher {
	s := newSearcher(search.NewBuilder())
	s.final, s.pending = true, make(chan struct{})
	s.done.Store(true)
	// Held until the index is in: every reader of ix takes mu first.
	s.mu.Lock()
	go func() {
		ix := load()
		s.prebuilt, s.ix, s.built, s.builtAt = ix, ix, int64(ix.Len()), time.Now()
		s.added.Store(int64(ix.Len()))
		close(s.pending)
		s.mu.Unlock()
	}()
	return s
}
