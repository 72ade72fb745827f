package tui

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/backchat/backchat/model"
	"github.com/backchat/backchat/model/search"
)

// shortQueryLimit is how many results a query whose every term is under 3
// bytes (e.g. one typed letter) returns: the engine scans newest first and
// stops there, so the first keystroke answers at once (Results.Partial).
const shortQueryLimit = 200

// snapshotEvery is how often, at most, a search while the archive loads
// seals the conversations added so far into a fresh index snapshot. Each
// snapshot seals a shard, so rebuilding on every keystroke would fragment
// the index.
const snapshotEvery = time.Second

// IndexSearcher is the Searcher over model/search: its query language
// (words, "phrases", -exclusions, title:, model:, after:, role:, …), its
// word index and its ranking. Feed it every conversation as the loader
// decodes it (Add, e.g. from loader.Options.OnConversation) so the index is
// built in the background while the archive loads, never on a keystroke;
// call Done when loading ends.
//
// Searches run against a snapshot of the index: while loading, a new one is
// taken at most every snapshotEvery; Done takes the final one. Results only
// ever name conversations of the convs list given to Search (matched by
// pointer), so copies a loader later replaced with a newer duplicate, or
// conversations not in the list, are never returned.
//
// Safe for concurrent use (one searcher may serve many SSH sessions over
// the same archive).
type IndexSearcher struct {
	b     *search.Builder
	added atomic.Int64
	done  atomic.Bool

	mu      sync.Mutex
	ix      *search.Index
	built   int64     // conversations added when ix was taken
	builtAt time.Time // when ix was taken
	// pos caches, for the last convs list and index snapshot seen, the
	// place in that list of each indexed conversation (by index number; -1
	// when not listed); posKey and posIx identify the list and snapshot.
	pos    []int32
	at     []int32 // the inverse of pos: index number of each list entry, -1 when not indexed
	posKey listKey
	posIx  *search.Index
}

// listKey identifies a convs slice (the browser never mutates one after
// passing it).
type listKey struct {
	first *model.Conversation
	ptr   **model.Conversation
	n     int
}

// NewIndexSearcher returns an empty IndexSearcher; Add conversations to it.
func NewIndexSearcher() *IndexSearcher {
	return &IndexSearcher{b: search.NewBuilder()}
}

// NewArchiveSearcher returns an IndexSearcher over an archive that is
// already loaded (backchat serve, tests, Options.Archive). It indexes the
// whole archive before it returns (about 3 CPU-seconds per GB of export).
func NewArchiveSearcher(a *model.Archive) *IndexSearcher {
	s := NewIndexSearcher()
	for _, c := range a.Conversations {
		s.Add(c)
	}
	s.Done()
	return s
}

// Add indexes a conversation in the background (nil is ignored). Safe for
// concurrent use; the conversation must not be mutated afterwards.
func (s *IndexSearcher) Add(c *model.Conversation) {
	if c == nil {
		return
	}
	s.b.Add(c)
	s.added.Add(1)
}

// Done says every conversation has been added and takes the final snapshot,
// waiting for the indexing still pending (while loading, the background
// workers have done most of it: ~0.2 s remain for a 1 GB export), so no
// keystroke ever waits for the index.
func (s *IndexSearcher) Done() {
	s.done.Store(true)
	s.snapshot()
}

// Rebuild replaces the index with one over exactly convs, built before it
// returns. Use it when loading ends with conversations other than those
// added: merging several exports hands back copies carrying their final
// Sources and InNewest (is:deleted), which the streamed ones lack. Call it
// after the last Add, instead of Done.
func (s *IndexSearcher) Rebuild(convs []*model.Conversation) {
	b := search.NewBuilder()
	for _, c := range convs {
		if c != nil {
			b.Add(c)
		}
	}
	ix := b.Build()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.b, s.ix = b, ix
	s.added.Store(int64(len(convs)))
	s.built, s.builtAt = int64(len(convs)), time.Now()
	s.done.Store(true)
}

// snapshot returns the index to search, taking a new snapshot when
// conversations were added since the last one (at once after Done, at most
// every snapshotEvery before).
func (s *IndexSearcher) snapshot() *search.Index {
	s.mu.Lock()
	defer s.mu.Unlock()
	added := s.added.Load()
	if s.ix == nil || (added > s.built && (s.done.Load() || time.Since(s.builtAt) >= snapshotEvery)) {
		s.ix = s.b.Build()
		s.built, s.builtAt = added, time.Now()
	}
	return s.ix
}

// positions maps each conversation of ix (by its index number) to its
// place in convs (-1 when not listed), cached for the last list and
// snapshot seen (they change only when the archive grows), so a search
// with tens of thousands of results does no map lookup per result.
func (s *IndexSearcher) positions(convs []*model.Conversation, ix *search.Index) (pos, at []int32) {
	key := listKey{n: len(convs)}
	if len(convs) > 0 {
		key.first, key.ptr = convs[0], &convs[0]
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pos != nil && s.posKey == key && s.posIx == ix {
		return s.pos, s.at
	}
	byConv := make(map[*model.Conversation]int32, len(convs))
	for i, c := range convs {
		byConv[c] = int32(i)
	}
	pos = make([]int32, ix.Len())
	at = make([]int32, len(convs))
	for i := range at {
		at[i] = -1
	}
	for i := range pos {
		p, ok := byConv[ix.Conversation(i)]
		if !ok {
			p = -1
		} else {
			at[p] = int32(i)
		}
		pos[i] = p
	}
	s.pos, s.at, s.posKey, s.posIx = pos, at, key, ix
	return pos, at
}

// Narrows implements Narrower: next's matches are provably a subset of
// prev's (search.Narrows: prev's terms are substrings of next's, its
// exclusions and filters are kept or made stricter, the roles are the
// same). Either query failing to parse is false.
func (s *IndexSearcher) Narrows(prev, next string) bool {
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

// SearchWithin implements SubsetSearcher: when prev matched at most a
// quarter of the archive, only its conversations are searched
// (search.Options.Within), so a phrase or a conversation that must be read
// costs in proportion to the last answer; a larger answer is searched
// whole (the word postings are as fast; the answer is the same).
func (s *IndexSearcher) SearchWithin(ctx context.Context, convs []*model.Conversation, prev Results, query string, opt SearchOptions) (Results, error) {
	return s.search(ctx, convs, &prev, query, opt)
}

// Search implements Searcher (hidden messages are not searched).
func (s *IndexSearcher) Search(ctx context.Context, convs []*model.Conversation, query string) (Results, error) {
	return s.SearchWith(ctx, convs, query, SearchOptions{})
}

// SearchWith implements OptionSearcher. A query that does not parse (an
// unknown field, an unclosed quote) is an error naming what is accepted,
// for the status bar.
func (s *IndexSearcher) SearchWith(ctx context.Context, convs []*model.Conversation, query string, opt SearchOptions) (Results, error) {
	return s.search(ctx, convs, nil, query, opt)
}

// search runs query over convs, or over prev's conversations when prev is
// not nil.
func (s *IndexSearcher) search(ctx context.Context, convs []*model.Conversation, prev *Results, query string, opt SearchOptions) (Results, error) {
	q, err := search.Parse(query)
	if err != nil {
		return Results{}, err
	}
	res := Results{Query: query, Terms: highlightTerms(q)}
	// Rank: every match, ranked, a few bytes each; rows locate the hit
	// they quote when drawn (locator).
	o := search.Options{IncludeHidden: opt.IncludeHidden}
	if isShort(q) {
		o.Limit = shortQueryLimit
	}
	ix := s.snapshot()
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
	// cut too: never narrow from it (Narrower).
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

// prelocateRows is how many rows' excerpts a search locates before it
// returns: more than a tall terminal shows.
const prelocateRows = 64

// AllHits implements HitLister: every hit of query in c, title first then
// in node order, or nil when c does not match or is not indexed.
func (s *IndexSearcher) AllHits(ctx context.Context, c *model.Conversation, query string, opt SearchOptions) ([]Hit, error) {
	q, err := search.Parse(query)
	if err != nil {
		return nil, err
	}
	ix := s.snapshot()
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

// locator locates the excerpts of results ranked without reading them
// (search.Result.Located false), when a row is drawn or opened, once each.
// Safe for concurrent use.
type locator struct {
	ix  *search.Index
	q   search.Query
	opt search.Options

	mu  sync.Mutex
	got map[int32]Excerpt // by conversation number in ix
}

// excerpt is the excerpt of conversation n of the index (one search of
// that conversation, cached).
func (l *locator) excerpt(n int32) (Excerpt, bool) {
	x, _ := l.locate(context.Background(), n)
	return x, x.conv != nil
}

// locate finds and caches the excerpt of conversation n; an error (ctx
// cancelled) caches nothing.
func (l *locator) locate(ctx context.Context, n int32) (Excerpt, error) {
	l.mu.Lock()
	x, ok := l.got[n]
	l.mu.Unlock()
	if ok {
		return x, nil
	}
	r, found, err := l.ix.Locate(ctx, int(n), l.q, l.opt)
	if err != nil {
		return Excerpt{}, err
	}
	if best := excerptHit(&r); found && best.Field != search.FieldConvTitle {
		x = Excerpt{Off: int(best.Off), Len: int(best.Len), conv: r.Conv, at: best}
	}
	l.mu.Lock()
	l.got[n] = x
	l.mu.Unlock()
	return x, nil
}

// excerptHit is the hit a list row quotes and a result opens at: the
// engine's best hit, unless it is in the title (which the row shows anyway)
// and another hit exists.
func excerptHit(r *search.Result) search.Hit {
	if r.Best.Field != search.FieldConvTitle {
		return r.Best
	}
	return r.Excerpt
}

// toHit converts an engine hit; hits outside Block.Text and the title have
// no offset the viewer can use.
func toHit(h search.Hit) Hit {
	switch h.Field {
	case search.FieldConvTitle:
		return Hit{Node: model.NoNode, Block: -1, Offset: int(h.Off), Length: int(h.Len)}
	case search.FieldText:
		return Hit{Node: h.Node, Block: int(h.Block), Offset: int(h.Off), Length: int(h.Len)}
	}
	return Hit{Node: h.Node, Block: int(h.Block), Offset: -1, Length: int(h.Len)}
}

// highlightTerms are the query's positive terms in the viewer's fold.
func highlightTerms(q search.Query) []string {
	out := make([]string, 0, len(q.Terms))
	for _, t := range q.Terms {
		if f := fold(t.Text); f != "" {
			out = append(out, f)
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
