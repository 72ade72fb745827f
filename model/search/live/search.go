package live

import (
	"context"

	"github.com/backchat/backchat/model"
	"github.com/backchat/backchat/model/search"
)

// shortQueryLimit is how many results a query whose every term is under 3
// bytes (e.g. one typed letter) returns: the engine scans newest first and
// stops there, so the first keystroke answers at once (Results.Partial).
const shortQueryLimit = 200

// prelocateRows is how many rows' excerpts a search locates before it
// returns: what a 66-line terminal's list shows (a result row is two
// lines); a taller one locates the rest as it draws them. Each locate
// reads its conversation's text, under `backchat serve` for every
// session's every keystroke: 64 was three times what 40 lines show.
const prelocateRows = 32

// Options are the browser state a search depends on besides the query.
type Options struct {
	// IncludeHidden searches hidden messages too; the browser sets it while
	// the viewer shows them (H).
	IncludeHidden bool
}

// Narrows reports whether next's matches are provably a subset of prev's
// (search.Narrows: prev's terms are substrings of next's, its exclusions
// and filters are kept or made stricter, the roles are the same), so next
// may be searched within prev's answer (SearchWithin). Either query
// failing to parse is false.
func (s *Searcher) Narrows(prev, next string) bool {
	p, err := search.Parse(prev)
	if err != nil {
		return false
	}
	n, err := search.Parse(next)
	if err != nil {
		return false
	}
	return search.Narrows(p, n)
}

// Search runs query over convs (the list being filtered, newest first; it
// only grows while an archive loads, and the slice passed must not be
// mutated afterwards) and answers in positions in convs, best first. A
// query that does not parse (an unknown field, an unclosed quote) is an
// error naming what is accepted, for the status bar. It returns ctx.Err()
// promptly when ctx is cancelled.
func (s *Searcher) Search(ctx context.Context, convs []*model.Conversation, query string, opt Options) (Results, error) {
	return s.search(ctx, convs, nil, query, opt)
}

// SearchWithin is Search for a query that Narrows prev.Query, prev being
// an answer over the same convs and options. When prev matched at most a
// quarter of the archive only its conversations are searched
// (search.Options.Within), so a phrase or a conversation that must be read
// costs in proportion to the last answer; a larger answer is searched
// whole (the word postings are as fast; the answer is the same).
func (s *Searcher) SearchWithin(ctx context.Context, convs []*model.Conversation, prev Results, query string, opt Options) (Results, error) {
	return s.search(ctx, convs, &prev, query, opt)
}

// search runs query over convs, or over prev's conversations when prev is
// not nil.
func (s *Searcher) search(ctx context.Context, convs []*model.Conversation, prev *Results, query string, opt Options) (Results, error) {
	q, err := search.Parse(query)
	if err != nil {
		return Results{}, err
	}
	ix := s.snapshot(false)
	k := cacheKey{ix: ix, list: keyOf(convs), query: query, opt: opt}
	return s.answers.do(ctx, k, func(ctx context.Context) (Results, error) {
		select {
		case s.runs <- struct{}{}: // see Searcher.runs
		case <-ctx.Done():
			return Results{}, ctx.Err()
		}
		defer func() { <-s.runs }()
		return s.run(ctx, ix, convs, prev, q, query, opt)
	})
}

// run searches ix for q (query parsed) over convs, or over prev's
// conversations when prev is not nil: the search behind search's cache.
func (s *Searcher) run(ctx context.Context, ix *search.Index, convs []*model.Conversation, prev *Results, q search.Query, query string, opt Options) (Results, error) {
	res := Results{Query: query, Terms: highlightTerms(q)}
	// Rank: every match, ranked, a few bytes each; rows locate the hit
	// they quote when drawn (locator).
	o := search.Options{IncludeHidden: opt.IncludeHidden}
	if isShort(q) {
		o.Limit = shortQueryLimit
	}
	if n, added := ix.Len(), int(s.added.Load()); s.done.Load() && n < added {
		res.Indexing, res.Indexed, res.IndexTotal = true, n, added
	}
	pos, at := s.positions(convs, ix)
	// Within the last answer only when it is small: the word postings
	// answer a common word as fast as the list of its 55,000 matches is
	// built, and the answer is the same.
	if prev != nil && len(prev.Convs) <= ix.Len()/4 {
		o.Within = make([]int, 0, len(prev.Convs))
		for _, j := range prev.Convs {
			if j >= 0 && j < len(at) && at[j] >= 0 {
				o.Within = append(o.Within, int(at[j]))
			}
		}
	}
	rk, err := ix.Rank(ctx, q, o)
	if err != nil {
		return Results{}, err
	}
	// A short query that scanned everything but found more than Limit is
	// cut too: never narrow from it.
	res.Partial = rk.Partial || len(rk.Index) < rk.Total
	res.Convs = make([]int, 0, len(rk.Index))
	res.at = make([]int32, 0, len(rk.Index))
	res.loc = &locator{ix: ix, q: q, opt: search.Options{IncludeHidden: opt.IncludeHidden}, got: map[int32]Excerpt{}}
	for i, n := range rk.Index {
		j := int(pos[n])
		if j < 0 {
			continue // replaced by a newer duplicate, or not listed
		}
		res.Convs = append(res.Convs, j)
		e := int32(-1) // no excerpt for a title-only match: the row shows the title
		if len(q.Terms) > 0 && rk.Body[i] {
			e = n
		}
		res.at = append(res.at, e)
	}
	// Locate the first screenful here, off the event loop; rows further
	// down are located when scrolled to (a search of one conversation each).
	for k := 0; k < len(res.at) && k < prelocateRows; k++ {
		if n := res.at[k]; n >= 0 {
			if _, err := res.loc.locate(ctx, n); err != nil {
				return Results{}, err
			}
		}
	}
	return res, nil
}

// AllHits returns every hit of query in c, title first then in node order,
// or nil when c does not match or is not indexed: a viewer steps through
// exactly the messages the engine matched (its scope: role:, hidden
// messages, accent folding).
func (s *Searcher) AllHits(ctx context.Context, c *model.Conversation, query string, opt Options) ([]Hit, error) {
	q, err := search.Parse(query)
	if err != nil {
		return nil, err
	}
	ix := s.snapshot(false)
	n := -1
	// NOTE: the index numbers conversations in Add order; a linear scan of
	// pointers is a few hundred microseconds for 60,000 conversations.
	for i := 0; i < ix.Len(); i++ {
		if ix.Conversation(i) == c {
			n = i
			break
		}
	}
	if n < 0 {
		return nil, nil
	}
	hs, err := ix.Hits(ctx, n, q, search.Options{IncludeHidden: opt.IncludeHidden})
	if err != nil {
		return nil, err
	}
	out := make([]Hit, len(hs))
	for i, h := range hs {
		out[i] = toHit(h)
	}
	return out, nil
}

// ReportOptions tune Report.
type ReportOptions struct {
	IncludeHidden bool // search hidden messages too
	Limit         int  // at most this many results (0: all)
	SnippetWidth  int  // snippet width in terminal cells (0: 80)
}

// Report answers query over every indexed conversation with every detail a
// command line prints (score, hits, best hit, snippet), ranked as Search
// ranks them: `backchat search` is the browser's filter without a screen.
func (s *Searcher) Report(ctx context.Context, query string, opt ReportOptions) (search.Results, error) {
	q, err := search.Parse(query)
	if err != nil {
		return search.Results{}, err
	}
	return s.snapshot(true).Search(ctx, q, search.Options{IncludeHidden: opt.IncludeHidden, Limit: opt.Limit, SnippetWidth: opt.SnippetWidth})
}

// toHit converts an engine hit; hits outside Block.Text and the title have
// no offset a viewer can use.
func toHit(h search.Hit) Hit {
	switch h.Field {
	case search.FieldConvTitle:
		return Hit{Node: model.NoNode, Block: -1, Offset: int(h.Off), Length: int(h.Len)}
	case search.FieldText:
		return Hit{Node: h.Node, Block: int(h.Block), Offset: int(h.Off), Length: int(h.Len)}
	}
	return Hit{Node: h.Node, Block: int(h.Block), Offset: -1, Length: int(h.Len)}
}

// highlightTerms are the query's positive terms as typed; a viewer matches
// them as the engine does (search.NewMatcher folds case and accents).
func highlightTerms(q search.Query) []string {
	out := make([]string, 0, len(q.Terms))
	for _, t := range q.Terms {
		if t.Text != "" {
			out = append(out, t.Text)
		}
	}
	return out
}

// isShort reports whether the index leaves q to a partial scan: it has terms
// and none is 3 folded bytes or longer.
func isShort(q search.Query) bool {
	if len(q.Terms) == 0 {
		return false
	}
	for _, t := range q.Terms {
		if len(t.Folded) >= 3 {
			return false
		}
	}
	return true
}
