package tui

import (
	"context"
	"runtime"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/backchat/backchat/model"
	"github.com/backchat/backchat/model/search"
)

// Searcher is the seam between the browser and a search engine. The filter
// calls Search on every keystroke, off the event loop, with a context that is
// cancelled as soon as a newer keystroke supersedes the query; an engine
// should check ctx often and return ctx.Err() when it is done.
//
// convs is the list being filtered, newest first. It only grows while an
// archive loads (the slice passed is a snapshot and is never mutated after the
// call starts), so an engine that builds an index may key it by
// conversation pointer or ID. The Conversations themselves are read-only and
// may be shared by many concurrent calls (SSH sessions): Search must be safe
// for concurrent use.
//
// The browser's engine is [IndexSearcher] (model/search's query language,
// index and ranking); to plug in another, implement this interface (and
// optionally [OptionSearcher], [HitLister], [Narrower]) and pass it in
// Options.Searcher. The default is [NewSubstringSearcher].
type Searcher interface {
	Search(ctx context.Context, convs []*model.Conversation, query string) (Results, error)
}

// Narrower is an optional Searcher capability: Narrows reports whether every
// conversation matching next also matches prev (for the substring searcher:
// "gor" → "goro"). The filter then searches only prev's matches, so typing a
// longer word gets faster with each letter. Engines with operators (OR, NOT)
// must answer false whenever that does not hold.
type Narrower interface {
	Narrows(prev, next string) bool
}

// SubsetSearcher is an optional Searcher capability: search only the
// conversations of prev (an answer of this searcher over the same convs and
// options, which query narrows: see Narrower) and answer in indices into
// convs. The filter uses it so the engine need not be handed (and re-map) a
// new list on every keystroke, and may reuse what it learnt answering prev.
type SubsetSearcher interface {
	SearchWithin(ctx context.Context, convs []*model.Conversation, prev Results, query string, opt SearchOptions) (Results, error)
}

// Hit is one place where a query matched inside a conversation.
type Hit struct {
	Node   int32 // index into Conversation.Nodes; model.NoNode for the title
	Block  int   // index into the message's Blocks; -1 for the title
	Offset int   // byte offset into Block.Text (or the title); -1 when the hit is in another field
	Length int   // bytes
}

// Results is the answer to one query.
type Results struct {
	// Query is the query that was run.
	Query string
	// Convs holds indices into the convs slice given to Search, in the order
	// the list should show them (best first).
	Convs []int
	// Hits optionally holds, per index in Convs, where the query matched; the
	// first hit is where the viewer opens. May be nil or miss entries; the
	// viewer then opens at the Excerpt's hit, if any (see firstNode).
	Hits map[int][]Hit
	// Terms are the literal strings the viewer highlights (matched
	// case-insensitively) and that n/N step through.
	Terms []string
	// Excerpts optionally holds, per index in Convs, the text a list row
	// quotes under the title: the field of the best hit and the hit's range.
	Excerpts map[int]Excerpt
	// Partial is set when a short query stopped early: Convs holds the top
	// matches among the newest conversations, not all of them.
	Partial bool

	// at, when not nil (IndexSearcher), holds per position in Convs the
	// conversation's number in loc's index, or -1 when its row quotes no
	// excerpt (a match in the title only, or a query without terms). The
	// searcher ranks a common word's tens of thousands of matches without
	// reading them; loc finds the hit of the rows drawn or opened.
	at  []int32
	loc *locator
}

// excerpt is the excerpt of the k-th result (Convs[k]), if any.
func (r *Results) excerpt(k int) (Excerpt, bool) {
	if k < 0 || k >= len(r.Convs) {
		return Excerpt{}, false
	}
	if r.at != nil {
		if k >= len(r.at) || r.at[k] < 0 || r.loc == nil {
			return Excerpt{}, false
		}
		return r.loc.excerpt(r.at[k])
	}
	e, ok := r.Excerpts[r.Convs[k]]
	return e, ok
}

// hasExcerpt reports whether the k-th result quotes an excerpt, without
// locating it.
func (r *Results) hasExcerpt(k int) bool {
	if r.at != nil {
		return k >= 0 && k < len(r.at) && r.at[k] >= 0
	}
	_, ok := r.excerpt(k)
	return ok
}

// firstNode is the node the k-th result (Convs[k]) opens at: its first
// hit's, else its excerpt's (IndexSearcher fills only excerpts), else
// model.NoNode.
func (r *Results) firstNode(k int) int32 {
	if h := r.Hits[r.Convs[k]]; len(h) > 0 {
		return h[0].Node
	}
	if e, ok := r.excerpt(k); ok && e.conv != nil {
		return e.at.Node
	}
	return model.NoNode
}

// Excerpt is where a list row's snippet comes from. The list cuts the
// one-line snippet itself (with search.Snippet) at its own width, so a
// searcher need not know the screen.
type Excerpt struct {
	Text     string // the whole field the hit lies in (archive text, unsanitised)
	Off, Len int    // the hit's byte range in Text

	// conv and at, when conv is set, locate Text for IndexSearcher, which
	// resolves it only for the rows on screen (see text).
	conv *model.Conversation
	at   search.Hit
}

// text is the field the hit lies in.
func (e Excerpt) text() string {
	if e.Text == "" && e.conv != nil {
		return search.Text(e.conv, e.at)
	}
	return e.Text
}

// SearchOptions are the browser state a search depends on besides the
// query.
type SearchOptions struct {
	// IncludeHidden searches hidden messages too; the browser sets it while
	// the viewer shows them (H).
	IncludeHidden bool
}

// OptionSearcher is an optional Searcher capability: a search that honours
// SearchOptions. The filter prefers it to Search.
type OptionSearcher interface {
	SearchWith(ctx context.Context, convs []*model.Conversation, query string, opt SearchOptions) (Results, error)
}

// HitLister is an optional Searcher capability: every hit of a query in one
// conversation (not just the first few a ranked search keeps), so the viewer
// can realise and step through exactly the messages that match.
type HitLister interface {
	AllHits(ctx context.Context, c *model.Conversation, query string, opt SearchOptions) ([]Hit, error)
}

// SubstringSearcher is the default, index-free Searcher: a conversation
// matches when every whitespace-separated word of the query occurs,
// case-insensitively and in any order, in its title or in the text of any
// block of any of its messages (all branches, hidden ones included). Results
// keep the input order. It uses all CPUs and holds no state, so it is safe
// for concurrent use.
type SubstringSearcher struct{}

// NewSubstringSearcher returns the default brute-force Searcher.
func NewSubstringSearcher() Searcher { return SubstringSearcher{} }

// Narrows implements Narrower: next narrows prev when every word of prev is
// part of some word of next.
func (SubstringSearcher) Narrows(prev, next string) bool {
	pw, nw := strings.Fields(fold(prev)), strings.Fields(fold(next))
	if len(pw) == 0 {
		return false
	}
	for _, p := range pw {
		found := false
		for _, n := range nw {
			if strings.Contains(n, p) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// Search implements Searcher.
func (SubstringSearcher) Search(ctx context.Context, convs []*model.Conversation, query string) (Results, error) {
	words := strings.Fields(fold(query))
	res := Results{Query: query, Terms: words}
	if len(words) == 0 {
		res.Convs = make([]int, len(convs))
		for i := range convs {
			res.Convs[i] = i
		}
		return res, nil
	}
	workers := runtime.GOMAXPROCS(0)
	if workers > len(convs)/64+1 {
		workers = len(convs)/64 + 1
	}
	type part struct {
		idx  []int
		hits [][]Hit
	}
	parts := make([]part, workers)
	chunk := (len(convs) + workers - 1) / workers
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		lo, hi := w*chunk, min((w+1)*chunk, len(convs))
		wg.Add(1)
		go func(p *part, lo, hi int) {
			defer wg.Done()
			for i := lo; i < hi; i++ {
				if i&15 == 0 && ctx.Err() != nil {
					return
				}
				if h, ok := matchConversation(convs[i], words); ok {
					p.idx = append(p.idx, i)
					p.hits = append(p.hits, h)
				}
			}
		}(&parts[w], lo, hi)
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return Results{}, err
	}
	res.Hits = make(map[int][]Hit)
	res.Excerpts = make(map[int]Excerpt)
	for _, p := range parts {
		res.Convs = append(res.Convs, p.idx...)
		for j, i := range p.idx {
			res.Hits[i] = p.hits[j]
			if e, ok := excerptOf(convs[i], p.hits[j]); ok {
				res.Excerpts[i] = e
			}
		}
	}
	return res, nil
}

// excerptOf is the excerpt of the first hit in a message's text. A title
// hit gives none: the list row shows the title anyway.
func excerptOf(c *model.Conversation, hits []Hit) (Excerpt, bool) {
	for _, h := range hits {
		if h.Offset < 0 || h.Node == model.NoNode || int(h.Node) >= len(c.Nodes) {
			continue
		}
		if m := c.Nodes[h.Node].Msg; m != nil && h.Block >= 0 && h.Block < len(m.Blocks) {
			return Excerpt{Text: m.Blocks[h.Block].Text, Off: h.Offset, Len: h.Length}, true
		}
	}
	return Excerpt{}, false
}

// matchConversation reports whether every word occurs in c and returns the
// first occurrence of each word found, in document order of discovery.
func matchConversation(c *model.Conversation, words []string) ([]Hit, bool) {
	left := append([]string(nil), words...)
	var hits []Hit
	try := func(text string, node int32, block int, inText bool) {
		for i := 0; i < len(left); {
			if off := indexFold(text, left[i]); off >= 0 {
				h := Hit{Node: node, Block: block, Offset: off, Length: len(left[i])}
				if !inText {
					h.Offset = -1
				}
				hits = append(hits, h)
				left = append(left[:i], left[i+1:]...)
				continue
			}
			i++
		}
	}
	try(c.Title, model.NoNode, -1, true)
	for n := range c.Nodes {
		m := c.Nodes[n].Msg
		if m == nil {
			continue
		}
		for b := range m.Blocks {
			if len(left) == 0 {
				return hits, true
			}
			blk := &m.Blocks[b]
			try(blk.Text, int32(n), b, true)
			if blk.Title != "" {
				try(blk.Title, int32(n), b, false)
			}
			if blk.Summary != "" {
				try(blk.Summary, int32(n), b, false)
			}
			for _, t := range blk.Thoughts {
				try(t.Summary, int32(n), b, false)
				try(t.Content, int32(n), b, false)
			}
			if blk.Asset != nil && blk.Asset.Prompt != "" {
				try(blk.Asset.Prompt, int32(n), b, false)
			}
		}
	}
	return hits, len(left) == 0
}

// fold lower-cases s rune by rune, keeping every rune's encoded length, so
// byte offsets in fold(s) are byte offsets in s.
func fold(s string) string {
	simple := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || ('A' <= c && c <= 'Z') {
			simple = false
			break
		}
	}
	if simple {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if l := unicode.ToLower(r); l != r && r != utf8.RuneError && utf8.RuneLen(l) == n {
			b.WriteRune(l)
		} else {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// indexFold returns the byte offset of the first case-insensitive match of
// needle (already folded) in hay, or -1. ASCII needles are matched without
// allocating; others fold hay first.
func indexFold(hay, needle string) int {
	if needle == "" {
		return 0
	}
	if !isASCII(needle) {
		return indexFoldUnicode(hay, needle)
	}
	lo := needle[0]
	up := lo
	if 'a' <= lo && lo <= 'z' {
		up = lo - 'a' + 'A'
	}
	nextLo, nextUp := -2, -2 // -2: not computed yet; -1: none left
	for i := 0; i+len(needle) <= len(hay); {
		if nextLo != -1 && nextLo < i {
			if j := strings.IndexByte(hay[i:], lo); j >= 0 {
				nextLo = i + j
			} else {
				nextLo = -1
			}
		}
		if up != lo && nextUp != -1 && nextUp < i {
			if j := strings.IndexByte(hay[i:], up); j >= 0 {
				nextUp = i + j
			} else {
				nextUp = -1
			}
		}
		p := nextLo
		if up != lo && nextUp >= 0 && (p < 0 || nextUp < p) {
			p = nextUp
		}
		if p < 0 || p+len(needle) > len(hay) {
			return -1
		}
		if asciiEqualFold(hay[p:p+len(needle)], needle) {
			return p
		}
		i = p + 1
	}
	return -1
}

// asciiEqualFold compares s with the lower-case ASCII needle.
func asciiEqualFold(s, needle string) bool {
	for i := 0; i < len(needle); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != needle[i] {
			return false
		}
	}
	return true
}

// indexFoldUnicode is indexFold for a needle with non-ASCII runes. Caseless
// needles (CJK, emoji, digits) are matched directly; others are anchored on
// their longest ASCII run and verified by folding only the candidate, so the
// haystack is folded whole only for needles made of cased non-ASCII letters.
func indexFoldUnicode(hay, needle string) int {
	caseless := true
	for _, r := range needle {
		if unicode.SimpleFold(r) != r {
			caseless = false
			break
		}
	}
	if caseless {
		return strings.Index(hay, needle)
	}
	// Longest ASCII run of the needle.
	bestAt, bestLen := 0, 0
	for i := 0; i < len(needle); {
		j := i
		for j < len(needle) && needle[j] < utf8.RuneSelf {
			j++
		}
		if j-i > bestLen {
			bestAt, bestLen = i, j-i
		}
		if j == i {
			j++
		}
		i = j
	}
	if bestLen == 0 {
		return strings.Index(fold(hay), needle)
	}
	anchor := needle[bestAt : bestAt+bestLen]
	for from := 0; from < len(hay); {
		q := indexFold(hay[from:], anchor)
		if q < 0 {
			return -1
		}
		p := from + q - bestAt
		if p >= 0 && p+len(needle) <= len(hay) && utf8.RuneStart(hay[p]) && fold(hay[p:p+len(needle)]) == needle {
			return p
		}
		from += q + 1
	}
	return -1
}
