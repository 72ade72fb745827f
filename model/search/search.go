package search

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/backchat/backchat/model"
)

// Options tune one search.
type Options struct {
	IncludeHidden bool // search Hidden messages too (when the viewer shows them)
	Limit         int  // return at most this many results (0: all); see Results.Partial
	MaxHits       int  // hits kept per result (0: 100); see Result.Capped
	SnippetWidth  int  // snippet width in terminal cells (0: 80)
	// Exhaustive scans every matching conversation to the end, so HitCount
	// and TotalHits are exact and Hits holds the first MaxHits hits of the
	// whole conversation. Slower for common words; see the package doc.
	Exhaustive bool
	// Brief leaves Result.Hits and Result.Snippet empty: every result
	// still has its Score, counts, Best and Excerpt. A list that shows
	// every match of a common word needs no more, and it saves a second
	// scan of each returned conversation.
	Brief bool
	// Within, when not nil, restricts the search to these conversations
	// (numbers in the Index, as in Result.Index; others are ignored): the
	// results are exactly those of the whole search that are listed. With
	// Narrows, a query typed on from a previous one searches only its
	// results.
	Within []int
}

// Result is one matching conversation.
type Result struct {
	Conv     *model.Conversation
	Index    int     // the conversation's number in the Index (Add order)
	Score    float64 // see the package doc, Ranking: higher first
	Hits     []Hit   // title hits first, then in node order; at most Options.MaxHits
	HitCount int     // hits counted (all of them unless Capped)
	BodyHits int     // of them, hits outside the title (a row quotes one when > 0)
	// Capped is set when the conversation was not scanned to the end
	// (see the package doc, Ranking); HitCount and Hits then cover the part scanned.
	Capped bool
	// Located is set when Best and Excerpt are known. A Brief search
	// decided by the word postings alone (see the package doc, Index) does
	// not read the conversation, so it leaves them unset (Best.Node is
	// noHit); Locate finds them for the rows on screen. Results
	// of a search that is not Brief are always located.
	Located bool
	// Best is the hit the snippet shows: the first title hit, else the
	// first hit in a user message, else the first hit. When the query has
	// no terms there is none: Best.Node is model.NoNode, Best.Field
	// FieldConvTitle and Best.Len 0, and Snippet is empty.
	Best Hit
	// Excerpt is the first hit outside the title (in Hits order, among the
	// first MaxHits hits found), or Best when every hit is in the title: what
	// a list row that already shows the title quotes.
	Excerpt Hit
	// Snippet is one line of text around Best (line breaks blanked, control
	// characters shown as model.SanitizeLine's pictures; still pass it through model.Sanitize before
	// printing). SnippetMatch is the byte range of the match within it.
	Snippet      string
	SnippetMatch [2]int
}

// Results is a ranked answer.
type Results struct {
	Results   []Result // ranked, at most Options.Limit
	Total     int      // matching conversations found (a lower bound when Partial)
	TotalHits int      // hits counted in all of them (see Result.Capped)
	// Partial is set when a short query (no term of 3 or more folded
	// bytes, which the trigram index cannot narrow) stopped early: the
	// newest conversations were scanned until Limit matches were found.
	Partial bool
}

// ctxCheckBytes is how much text a worker scans between cancellation checks.
const ctxCheckBytes = 2 << 20

// Search runs a query. It returns ctx.Err() promptly (within a few MB of
// scanning per worker) when ctx is cancelled, so a superseded query can be
// dropped. Safe for concurrent use.
func (ix *Index) Search(ctx context.Context, q Query, opt Options) (Results, error) {
	ps, err := ix.firstPass(ctx, &q, &opt)
	if err != nil {
		return Results{}, err
	}
	defer ps.release()
	out := Results{Total: ps.total, TotalHits: ps.hits, Partial: ps.partial}
	all, scratch := ps.all, ps.scratch
	if opt.Brief {
		out.Results = make([]Result, len(all))
		fill := func(lo, hi int) {
			for i := lo; i < hi; i++ {
				m := &all[i]
				d := &scratch[m.worker].dets[m.det]
				out.Results[i] = Result{Conv: ix.convs[m.ci], Index: int(m.ci), Score: m.score, HitCount: int(m.hits), BodyHits: int(d.body),
					Capped: m.capped, Located: m.located, Best: d.best, Excerpt: d.excerpt}
			}
		}
		// A common word returns tens of thousands of results: fill them
		// on both cores (this part is on the keystroke's critical path).
		if half := len(all) / 2; ps.workers > 1 && half >= 4096 {
			var fw sync.WaitGroup
			fw.Go(func() { fill(0, half) })
			fill(half, len(all))
			fw.Wait()
		} else {
			fill(0, len(all))
		}
		return out, nil
	}
	// Second pass over the returned conversations only: the same scan, now
	// keeping hits (cheaper than keeping them for every match).
	v := ps.p.newVerifier(ctx)
	out.Results = make([]Result, 0, len(all))
	for _, m := range all {
		r, ok := v.verify(m.ci)
		if v.err != nil {
			return Results{}, v.err
		}
		if !ok { // cannot happen: the postings and the scan agree
			continue
		}
		// The first pass ranked it: keep its score and counts (exact when
		// the word postings decided it).
		r.Score, r.HitCount, r.Capped, r.Located = m.score, int(m.hits), m.capped, true
		r.BodyHits = int(scratch[m.worker].dets[m.det].body)
		if len(q.Terms) > 0 {
			r.Snippet, r.SnippetMatch = Snippet(Text(r.Conv, r.Best), int(r.Best.Off), int(r.Best.Len), opt.SnippetWidth)
		}
		out.Results = append(out.Results, r)
	}
	return out, nil
}

// Ranking is a ranked answer without per-result details: what a list
// needs to show every match of a common word at once (Locate finds the hit
// a row quotes when it is drawn). It is what Search with Brief returns,
// in a few bytes per match instead of a Result.
type Ranking struct {
	Index     []int32 // conversation numbers in the Index, best first
	Body      []bool  // per entry: it has hits outside the title (Result.BodyHits > 0)
	Total     int     // as in Results
	TotalHits int
	Partial   bool
}

// Rank runs a query as Search does with Options.Brief and returns only the
// ranking.
func (ix *Index) Rank(ctx context.Context, q Query, opt Options) (Ranking, error) {
	opt.Brief = true
	ps, err := ix.firstPass(ctx, &q, &opt)
	if err != nil {
		return Ranking{}, err
	}
	defer ps.release()
	out := Ranking{Total: ps.total, TotalHits: ps.hits, Partial: ps.partial,
		Index: make([]int32, len(ps.all)), Body: make([]bool, len(ps.all))}
	for i := range ps.all {
		m := &ps.all[i]
		out.Index[i] = m.ci
		out.Body[i] = ps.scratch[m.worker].dets[m.det].body > 0
	}
	return out, nil
}

// pass is the first pass of a search: every match, ranked (at most
// Limit), with the workers' scratch holding their details until release.
type pass struct {
	ix          *Index
	p           *plan
	all         []match
	scratch     []*searchScratch
	workers     int
	total, hits int
	partial     bool
}

func (ps *pass) release() {
	for _, sc := range ps.scratch {
		ps.ix.putScratch(sc)
	}
	ps.scratch = nil
}

// firstPass finds and ranks the matches.
func (ix *Index) firstPass(ctx context.Context, qp *Query, op *Options) (*pass, error) {
	if op.MaxHits <= 0 {
		op.MaxHits = 100
	}
	if op.SnippetWidth <= 0 {
		op.SnippetWidth = 80
	}
	q, opt := *qp, *op
	p := newPlan(ix, q, opt)
	if len(q.Terms) > 0 && p.indexed {
		p.word = newWordPlan(p)
	}
	var (
		mu      sync.Mutex
		lists   [][]match // per worker, ranked
		scratch = make([]*searchScratch, 0, 2)
		found   atomic.Int64
		hits    atomic.Int64
		next    atomic.Int64
		done    atomic.Int64 // units scanned completely
		stopped atomic.Bool
		errOnce sync.Once
		err     error
		wg      sync.WaitGroup
	)
	short := len(q.Terms) > 0 && !p.indexed
	var units int
	const chunk = 64
	if short {
		units = (len(ix.convs) + chunk - 1) / chunk
	} else {
		units = len(ix.shards)
	}
	workers := min(runtime.GOMAXPROCS(0), 2, max(units, 1))
	for w := range workers {
		sc := ix.getScratch()
		scratch = append(scratch, sc)
		wg.Add(1)
		go func() {
			defer wg.Done()
			v := p.newVerifier(ctx)
			v.collect = false // hits are gathered for the returned results only
			wv := &wordVerifier{p: p, ctx: ctx}
			local, dets, cands := sc.local[:0], sc.dets[:0], sc.cands
			for {
				u := int(next.Add(1) - 1)
				if u >= units || stopped.Load() {
					break
				}
				if e := ctx.Err(); e != nil {
					errOnce.Do(func() { err = e })
					break
				}
				var list []int32
				switch {
				case short:
					list = ix.byRecency[u*chunk : min((u+1)*chunk, len(ix.convs))]
					if p.within != nil {
						cands = cands[:0]
						for _, ci := range list {
							if p.in(ci) {
								cands = append(cands, ci)
							}
						}
						list = cands
					}
				case p.word != nil:
					if p.within != nil && p.withinShard[u] == 0 {
						done.Add(1)
						continue
					}
					var n int
					local, dets, cands, n = wordUnit(p, ix.shards[u], sc, wv, w, local, dets, cands)
					found.Add(int64(n))
					list = cands // the long conversations, verified below
					if wv.err != nil {
						v.err = wv.err
						list = nil
					}
				default: // no terms, or too many pieces: every conversation
					s := ix.shards[u]
					if p.within != nil && p.withinShard[u] == 0 {
						done.Add(1)
						continue
					}
					cands = cands[:0]
					for lc := range s.n {
						if ci := s.first + lc; p.within == nil || p.in(ci) {
							cands = append(cands, ci)
						}
					}
					list = cands
				}
				for _, ci := range list {
					r, ok := v.verify(ci)
					if v.err != nil {
						errOnce.Do(func() { err = v.err })
						break
					}
					if ok {
						local = append(local, match{ci: ci, score: r.Score, time: ix.meta[ci].time, hits: int32(r.HitCount),
							capped: r.Capped, located: true, worker: uint8(w), det: int32(len(dets))})
						dets = append(dets, matchDetail{best: r.Best, excerpt: r.Excerpt, body: int32(r.BodyHits)})
						found.Add(1)
					}
				}
				if v.err != nil {
					errOnce.Do(func() { err = v.err })
					break
				}
				done.Add(1)
				if short && opt.Limit > 0 && found.Load() >= int64(opt.Limit) {
					stopped.Store(true)
				}
			}
			// Each worker ranks its own matches (on its own core); the
			// lists are merged below.
			n := 0
			for i := range local {
				n += int(local[i].hits)
			}
			hits.Add(int64(n))
			sc.local, sc.dets, sc.cands = local, dets, cands
			local = rank(local, opt.Limit)
			mu.Lock()
			lists = append(lists, local)
			mu.Unlock()
		}()
	}
	wg.Wait()
	ps := &pass{ix: ix, p: p, scratch: scratch, workers: workers}
	if err != nil {
		ps.release()
		return nil, err
	}
	ps.total, ps.hits, ps.partial = int(found.Load()), int(hits.Load()), int(done.Load()) < units
	// Into the first worker's scratch, kept until release: every
	// keystroke's answer was a fresh slice of every match (40 bytes each).
	ps.all = mergeRanked(lists, opt.Limit, scratch[0].merged[:0])
	if len(lists) > 1 {
		scratch[0].merged = ps.all
	}
	return ps, nil
}

// wordVerifier is a search worker's verifier for the terms the word
// postings cannot decide (made on first use).
type wordVerifier struct {
	p   *plan
	ctx context.Context
	sv  *verifier
	err error
}

// verify proves that conversation ci holds p.word.sub's terms (and none of
// its exclusions), reading from field from on.
func (wv *wordVerifier) verify(ci int32, from int32) (Result, bool) {
	if wv.sv == nil {
		wv.sv = wv.p.word.sub.newVerifier(wv.ctx)
		wv.sv.collect = false
	}
	wv.sv.from = from
	r, ok := wv.sv.verify(ci)
	wv.err = wv.sv.err
	return r, ok && wv.err == nil
}

// wordUnit ranks the conversations of shard s from the word postings
// (worker w, scratch sc): the matches it decides are appended to local
// and dets, and the conversations with a word the postings lack (which
// must be read whole) to cands. It returns the slices and the matches
// found; it stops early when wv fails (wv.err).
func wordUnit(p *plan, s *shard, sc *searchScratch, wv *wordVerifier, w int, local []match, dets []matchDetail, cands []int32) ([]match, []matchDetail, []int32, int) {
	if cap(sc.acc) < int(s.n) {
		sc.acc = make([]wordAcc, s.n)
	}
	acc := sc.acc[:s.n]
	clear(acc)
	nf := p.word.nfirst * int(s.n)
	if cap(sc.firsts) < nf {
		sc.firsts = make([]int32, nf)
	}
	firsts := sc.firsts[:nf]
	for i := range firsts {
		firsts[i] = math.MaxInt32
	}
	p.word.eval(s, acc, firsts, &sc.pairs)
	cands = cands[:0]
	found := 0
	long := s.words.long
	for lc := range s.n {
		ci := s.first + lc
		if p.within != nil && !p.in(ci) {
			continue
		}
		if len(long) > 0 && long[0] == lc {
			long = long[1:]
			cands = append(cands, ci)
			continue
		}
		a := &acc[lc]
		ok, check, from := p.word.decide(a, firsts, int(s.n), int(lc))
		if !ok || !p.eligible(ci) {
			continue
		}
		if check {
			// Only whether it matches: where (Best) is Locate's, with
			// every term, as for the others.
			r, ok := wv.verify(ci, from)
			if wv.err != nil {
				break
			}
			if !ok {
				continue
			}
			// A phrase's title hits count only when the phrase is in the
			// title (scanned first, so found first when it is there).
			if r.Best.Field == FieldConvTitle && r.Best.Node == model.NoNode {
				a.title += a.titleVerified
			}
		}
		st := hitStats{title: int(a.title), user: int(a.user), other: int(a.other)}
		local = append(local, match{ci: ci, score: score(st, p.ix.meta[ci].text), time: p.ix.meta[ci].time,
			hits: int32(a.title + a.user + a.other), worker: uint8(w), det: int32(len(dets))})
		dets = append(dets, matchDetail{best: Hit{Node: noHit}, excerpt: Hit{Node: noHit}, body: int32(a.user + a.other)})
		found++
	}
	return local, dets, cands, found
}

// match is what the first pass keeps of a matching conversation.
//
// It is kept small (32 bytes) because ranking moves it around: the hits
// a Brief result reports live in the worker's matchDetail list.
type match struct {
	score   float64
	time    int64 // meta.time, kept here so ranking touches no other memory
	ci      int32
	hits    int32
	det     int32 // index into the worker's searchScratch.dets
	worker  uint8 // which worker's scratch
	capped  bool
	located bool // det holds where the hits are (see Result.Located)
}

// matchDetail is the part of a match only a Brief result needs.
type matchDetail struct {
	best, excerpt Hit
	body          int32 // Result.BodyHits
}

// searchScratch is one search worker's reusable space (pooled in the
// Index, so a common word's tens of thousands of matches do not make
// garbage on every keystroke).
type searchScratch struct {
	local  []match
	dets   []matchDetail
	cands  []int32
	acc    []wordAcc
	firsts []int32
	pairs  pairScratch
	merged []match // the workers' lists merged (pass.all), when there are two
}

// maxPooledMatches bounds the scratch kept for reuse; maxSpare and
// maxSpareMatches the scratch kept across collections (Index.spare): two
// searches' workers, of up to 64Ki matches each (about 7 MB).
const (
	maxPooledMatches = 1 << 20
	maxSpare         = 4
	maxSpareMatches  = 1 << 16
)

func (ix *Index) getScratch() *searchScratch {
	sp := ix.pool
	if sp == nil { // a zero Index
		return &searchScratch{}
	}
	sp.mu.Lock()
	if n := len(sp.spare); n > 0 {
		sc := sp.spare[n-1]
		sp.spare[n-1] = nil
		sp.spare = sp.spare[:n-1]
		sp.mu.Unlock()
		return sc
	}
	sp.mu.Unlock()
	if sc, ok := sp.pool.Get().(*searchScratch); ok {
		return sc
	}
	return &searchScratch{}
}

func (ix *Index) putScratch(sc *searchScratch) {
	if cap(sc.local) > maxPooledMatches || cap(sc.merged) > maxPooledMatches {
		return
	}
	sp := ix.pool
	if sp == nil {
		return
	}
	if cap(sc.local) <= maxSpareMatches && cap(sc.dets) <= maxSpareMatches && cap(sc.merged) <= maxSpareMatches {
		sp.mu.Lock()
		if len(sp.spare) < maxSpare {
			sp.spare = append(sp.spare, sc)
			sp.mu.Unlock()
			return
		}
		sp.mu.Unlock()
	}
	sp.pool.Put(sc)
}

// Hits returns every hit of q in conversation i (its number in the index),
// title first then in node order, scanning the whole conversation
// (Options.Exhaustive; MaxHits is ignored). A viewer uses it to step
// through matches. It returns nil when the conversation does not match.
func (ix *Index) Hits(ctx context.Context, i int, q Query, opt Options) ([]Hit, error) {
	if i < 0 || i >= len(ix.convs) {
		return nil, fmt.Errorf("search: conversation %d out of range (0..%d)", i, len(ix.convs)-1)
	}
	opt.Exhaustive = true
	opt.MaxHits = math.MaxInt32
	v := newPlan(ix, q, opt).newVerifier(ctx)
	r, ok := v.verify(int32(i))
	if v.err != nil {
		return nil, v.err
	}
	if !ok {
		return nil, nil
	}
	return r.Hits, nil
}

// Locate returns where conversation i (its number in the index) matches q:
// a Result with Best and Excerpt set (Located) as a search with opt
// would give them, without Hits or a snippet. It reports false when the
// conversation does not match. A list shows results of a Brief search at
// once and locates only the rows it shows.
func (ix *Index) Locate(ctx context.Context, i int, q Query, opt Options) (Result, bool, error) {
	if i < 0 || i >= len(ix.convs) {
		return Result{}, false, fmt.Errorf("search: conversation %d out of range (0..%d)", i, len(ix.convs)-1)
	}
	if opt.MaxHits <= 0 {
		opt.MaxHits = 100
	}
	opt.Within = nil
	v := newPlan(ix, q, opt).newVerifier(ctx)
	v.collect = false
	r, ok := v.verify(int32(i))
	if v.err != nil {
		return Result{}, false, v.err
	}
	r.Located = ok
	return r, ok, nil
}

// plan is a query prepared against an index.
type plan struct {
	ix       *Index
	q        Query
	opt      Options
	terms    []matcher // q.Terms
	excl     []matcher // q.Excludes
	word     *wordPlan // the word postings part (nil: verify every conversation)
	indexed  bool      // some term has ≥ 3 folded bytes
	exist    bool      // stop scanning a conversation at its first proof of a match (no density sample)
	roles    []model.Role
	notRoles []model.Role
	convF    []Filter // conversation filters (all but role:)
	roleOK   [8]bool  // by fieldRec role code: messages in scope
	// within is Options.Within as a bitmap by conversation number (nil:
	// every conversation); withinShard counts its members per shard.
	within      []uint64
	withinShard []int32
}

// in reports whether conversation ci is in Options.Within.
func (p *plan) in(ci int32) bool { return p.within[ci>>6]&(1<<(ci&63)) != 0 }

func newPlan(ix *Index, q Query, opt Options) *plan {
	p := &plan{ix: ix, q: q, opt: opt}
	for _, t := range q.Terms {
		p.terms = append(p.terms, newMatcher(t.Folded))
		if len(t.Folded) >= 3 {
			p.indexed = true
		}
	}
	for _, t := range q.Excludes {
		p.excl = append(p.excl, newMatcher(t.Folded))
	}
	for _, f := range q.Filters {
		if f.kind() == kindRole {
			if f.Neg {
				p.notRoles = append(p.notRoles, f.role)
			} else {
				p.roles = append(p.roles, f.role)
			}
			continue
		}
		p.convF = append(p.convF, f)
	}
	for code := range p.roleOK {
		p.roleOK[code] = len(p.roles) == 0
	}
	for role, code := range roleCodes {
		p.roleOK[code] = (len(p.roles) == 0 || slices.Contains(p.roles, role)) && !slices.Contains(p.notRoles, role)
	}
	if len(q.Terms) == 0 {
		p.indexed = false // no terms: every conversation is a candidate
	}
	if opt.Within != nil {
		n := len(ix.convs)
		p.within = make([]uint64, (n+63)/64)
		p.withinShard = make([]int32, len(ix.shards))
		for _, ci := range opt.Within {
			if ci < 0 || ci >= n || p.in(int32(ci)) {
				continue
			}
			p.within[ci>>6] |= 1 << (ci & 63)
			if len(ix.shards) > 0 {
				p.withinShard[ix.shardIndex(int32(ci))]++
			}
		}
	}
	return p
}

// eligible applies the conversation filters.
func (p *plan) eligible(ci int32) bool {
	m := &p.ix.meta[ci]
	c := p.ix.convs[ci]
	for i := range p.convF {
		f := &p.convF[i]
		var ok bool
		switch f.Field {
		case "model":
			for _, s := range m.models {
				if len(s) >= len(f.folded) && s[:len(f.folded)] == f.folded {
					ok = true
					break
				}
			}
		case "service":
			s := Fold(c.Service)
			ok = len(s) >= len(f.folded) && s[:len(f.folded)] == f.folded
		case "gpt":
			ok = c.GizmoID != "" && Fold(c.GizmoID) == f.folded
		case "after":
			ok = m.time != 0 && m.time >= f.from.UnixNano()
		case "before":
			ok = m.time != 0 && m.time < f.to.UnixNano()
		case "is", "has":
			ok = m.flags&flagBit(f.folded) != 0
		}
		if ok == f.Neg {
			return false
		}
	}
	return true
}

// flagBit maps an is:/has: value to its metadata bit.
func flagBit(v string) uint8 {
	switch v {
	case "archived":
		return flagArchived
	case "starred":
		return flagStarred
	case "deleted":
		return flagDeleted
	case "shared":
		return flagShared
	case "image":
		return flagImage
	case "code":
		return flagCode
	case "branch":
		return flagBranch
	}
	return 0
}
