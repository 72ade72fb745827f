package live

import (
	"context"
	"sync"

	"github.com/backchat/backchat/model"
	"github.com/backchat/backchat/model/search"
)

// Hit is one place where a query matched inside a conversation.
type Hit struct {
	Node   int32 // index into Conversation.Nodes; model.NoNode for the title
	Block  int   // index into the message's Blocks; -1 for the title
	Offset int   // byte offset into Block.Text (or the title); -1 when the hit is in another field
	Length int   // bytes
}

// Results is the answer to one query over a list of conversations.
type Results struct {
	// Query is the query that was run.
	Query string
	// Convs holds positions in the list given to Search, in the order the
	// list should show them (best first).
	Convs []int
	// Terms are the query's positive terms, for a viewer to highlight
	// (with search.NewMatcher, which folds as the engine does) and step
	// through.
	Terms []string
	// Partial is set when a short query stopped early: Convs holds the top
	// matches among the newest conversations, not all of them.
	Partial bool
	// Indexing is set when the archive was loaded but not yet all indexed
	// when the search ran: Convs are the matches among the first Indexed
	// conversations of IndexTotal; search again to see the rest.
	Indexing            bool
	Indexed, IndexTotal int

	// at holds per position in Convs the conversation's number in loc's
	// index, or -1 when its row quotes no excerpt (a match in the title
	// only, or a query without terms). The searcher ranks a common word's
	// tens of thousands of matches without reading them; loc finds the hit
	// of the rows drawn or opened.
	at  []int32
	loc *locator
}

// Excerpt returns the excerpt of the k-th result (Convs[k]), locating it
// first when no row has needed it yet (one search of that conversation,
// cached for every copy of these Results). False when the row quotes none.
// Safe for concurrent use.
func (r *Results) Excerpt(k int) (Excerpt, bool) {
	if !r.HasExcerpt(k) || r.loc == nil {
		return Excerpt{}, false
	}
	return r.loc.excerpt(r.at[k])
}

// Located is Excerpt without locating: done says Excerpt(k) would not
// search (located already, or the row quotes none), and then x and ok are
// what it returns. A list draws with it and locates the rest off its
// event loop. Safe for concurrent use.
func (r *Results) Located(k int) (x Excerpt, ok, done bool) {
	if !r.HasExcerpt(k) || r.loc == nil {
		return Excerpt{}, false, true
	}
	x, done = r.loc.cached(r.at[k])
	return x, done && x.conv != nil, done
}

// HasExcerpt reports whether the k-th result quotes an excerpt, without
// locating it (a list sizes its rows by it).
func (r *Results) HasExcerpt(k int) bool {
	return k >= 0 && k < len(r.Convs) && k < len(r.at) && r.at[k] >= 0
}

// FirstNode is the node the k-th result (Convs[k]) opens at: its
// excerpt's, else model.NoNode (a title hit, or no terms).
func (r *Results) FirstNode(k int) int32 {
	if e, ok := r.Excerpt(k); ok {
		return e.at.Node
	}
	return model.NoNode
}

// remap rewrites r's positions through to, dropping those it rejects, and
// keeps everything else (excerpts, terms, partial).
func (r Results) remap(to func(int) (int, bool)) Results {
	out := Results{Query: r.Query, Terms: r.Terms, Partial: r.Partial, loc: r.loc,
		Indexing: r.Indexing, Indexed: r.Indexed, IndexTotal: r.IndexTotal,
		Convs: make([]int, 0, len(r.Convs)), at: make([]int32, 0, len(r.Convs))}
	for k, i := range r.Convs {
		j, ok := to(i)
		if !ok {
			continue
		}
		out.Convs = append(out.Convs, j)
		at := int32(-1)
		if k < len(r.at) {
			at = r.at[k]
		}
		out.at = append(out.at, at)
	}
	return out
}

// Remap rewrites r, an answer over the list from, as an answer over the
// list to (which may hold more conversations, in another order: the list
// grew while the search ran). Conversations of from missing in to are
// dropped; excerpts follow their conversations.
func (r Results) Remap(from, to []*model.Conversation) Results {
	at := make(map[*model.Conversation]int, len(to))
	for i, c := range to {
		at[c] = i
	}
	return r.remap(func(i int) (int, bool) {
		if i < 0 || i >= len(from) {
			return 0, false
		}
		j, ok := at[from[i]]
		return j, ok
	})
}

// Excerpt is where a list row's snippet comes from: the field the best hit
// lies in and the hit's byte range there. The list cuts the one-line
// snippet itself (with search.Snippet) at its own width, so the searcher
// need not know the screen.
type Excerpt struct {
	Off, Len int // the hit's byte range in Text()

	conv *model.Conversation
	at   search.Hit
	ix   *search.Index // the index that located it; ci is conv's number there
	ci   int
}

// Text is the whole field the hit lies in (archive text, unsanitised):
// read through the index (search.Index.HitText), which decodes no tree,
// else from the conversation's tree.
func (e Excerpt) Text() string {
	if e.conv == nil {
		return ""
	}
	if e.ix != nil {
		if s, ok := e.ix.HitText(e.ci, e.at); ok {
			return s
		}
	}
	return search.Text(e.conv, e.at)
}

// Node is the node the hit lies in.
func (e Excerpt) Node() int32 { return e.at.Node }

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

// cached is the excerpt of conversation n if it was located already.
func (l *locator) cached(n int32) (Excerpt, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	x, ok := l.got[n]
	return x, ok
}

// locate finds and caches the excerpt of conversation n; an error (ctx
// cancelled) caches nothing.
func (l *locator) locate(ctx context.Context, n int32) (Excerpt, error) {
	if x, ok := l.cached(n); ok {
		return x, nil
	}
	r, found, err := l.ix.Locate(ctx, int(n), l.q, l.opt)
	if err != nil {
		return Excerpt{}, err
	}
	var x Excerpt
	if best := excerptHit(&r); found && best.Field != search.FieldConvTitle {
		x = Excerpt{Off: int(best.Off), Len: int(best.Len), conv: r.Conv, at: best, ix: l.ix, ci: r.Index}
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
