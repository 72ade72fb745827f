package live

import (
	"context"
	"errors"

	"github.com/backchat/backchat/model"
)

// Session is one browser's sequence of searches over one Searcher: each
// Start numbers its search, cancels the one before and, when the query
// narrows the last answer over the same list, searches only within it;
// Apply drops every answer but the latest's and re-maps an answer whose
// list grew while it ran. A browser owns one Session (it is not safe for
// concurrent use: call it from the event loop); the jobs it hands out run
// on any goroutine and touch none of its state.
type Session struct {
	s      *Searcher
	seq    int
	cancel context.CancelFunc
	last   *Results              // last applied answer (nil: none)
	list   []*model.Conversation // the list last's positions refer to; nil: never narrow from last
	opt    Options               // options of the last search started
}

// NewSession returns a Session over s.
func NewSession(s *Searcher) *Session { return &Session{s: s} }

// Searcher is the service the session searches.
func (q *Session) Searcher() *Searcher { return q.s }

// Answer is a finished search, to hand back to Apply.
type Answer struct {
	seq   int
	convs []*model.Conversation // the list Res's positions refer to
	// Res is the answer (when Err is nil).
	Res Results
	// Err is why the search failed: a query that does not parse, or
	// context.Canceled when a newer search superseded it.
	Err error
	// Within is set when the search ran within the last answer (the query
	// narrowed it).
	Within bool
}

// Start begins a search for query over convs (a snapshot of the list: never
// mutated afterwards) and returns the job that runs it, to run off the
// event loop. The search before is cancelled and its answer will be
// dropped.
func (q *Session) Start(convs []*model.Conversation, query string, opt Options) func() Answer {
	q.stop()
	q.seq++
	ctx, cancel := context.WithCancel(context.Background())
	q.cancel = cancel
	var prev *Results // the answer to search within; nil: all
	if q.last != nil && !q.last.Partial && !q.last.Indexing && q.opt == opt && sameList(q.list, convs) && q.s.Narrows(q.last.Query, query) {
		prev = q.last
	}
	q.opt = opt
	s, seq := q.s, q.seq
	return func() Answer {
		a := Answer{seq: seq, convs: convs, Within: prev != nil}
		if prev != nil {
			a.Res, a.Err = s.SearchWithin(ctx, convs, *prev, query, opt)
		} else {
			a.Res, a.Err = s.Search(ctx, convs, query, opt)
		}
		return a
	}
}

// Apply takes a finished search. current is false for a stale answer (a
// newer Start, or a Stop, came since), which the caller drops. Otherwise
// err is the search's error (nil when it was cancelled), or res is the
// answer in positions in list, the list as it is now: when the list grew
// since the search started, the answer is re-mapped onto it, and the
// conversations that arrived meanwhile were not searched (search again).
func (q *Session) Apply(a Answer, list []*model.Conversation) (res *Results, current bool, err error) {
	if a.seq != q.seq {
		return nil, false, nil
	}
	q.cancel = nil
	if a.Err != nil {
		if errors.Is(a.Err, context.Canceled) {
			return nil, true, nil
		}
		return nil, true, a.Err
	}
	r := a.Res
	q.list = list
	if !sameList(a.convs, list) {
		// Conversations that arrived meanwhile were not searched: this
		// answer must not be narrowed from.
		q.list = nil
		r = r.Remap(a.convs, list)
	}
	q.last = &r
	return q.last, true, nil
}

// Last is the last applied answer (nil: none since the last Stop).
func (q *Session) Last() *Results { return q.last }

// Options are the options of the last search started.
func (q *Session) Options() Options { return q.opt }

// Stop cancels the running search, if any, drops its answer and forgets
// the last one.
func (q *Session) Stop() {
	q.stop()
	q.seq++
	q.last, q.list = nil, nil
}

// stop cancels the running search.
func (q *Session) stop() {
	if q.cancel != nil {
		q.cancel()
		q.cancel = nil
	}
}

// sameList reports whether a and b are the same slice.
func sameList(a, b []*model.Conversation) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}
