package search

import (
	"context"
	"slices"
)

// verifier checks candidate conversations against the original text and
// collects their hits. One per search worker; not safe for concurrent use.
type verifier struct {
	p       *plan
	ctx     context.Context
	fs      fieldScanner
	found   []bool
	scanned int // bytes since the last cancellation check
	err     error

	titleMs, msgMs   []matcher
	titleIdx, msgIdx []int // term index, or -1 for an exclusion
	sel              []int // the matchers a field's Bloom filter admits
	// from, when > 0, says no hit lies before field from of the next
	// conversation verified (the word postings' first occurrences); verify
	// starts there and resets it.
	from    int32
	collect bool // keep hits in Result.Hits (else only counts and Best)

	cs    convScan                 // the conversation being verified
	onHit func(t, off, n int) bool // cs.hit, bound once
}

// convScan is verify's state for one conversation: the Result being built
// and what the scan has seen so far.
type convScan struct {
	v *verifier
	r Result

	st      hitStats
	nfound  int   // terms found
	scanned int64 // bytes of in-scope fields examined in this conversation
	// enough: every term found and enough seen, stop early (see the
	// package doc, Ranking). canStop: the query allows that (terms, no
	// exclusions, not Exhaustive).
	enough, canStop bool
	// With exclusions the whole conversation is scanned, but once the
	// sample is complete (exclOnly, at sampleText bytes) only for the
	// excluded terms; canNarrow says the query allows that.
	canNarrow, exclOnly bool
	sampleText          int64

	rejected    bool // an exclusion matched
	haveExcerpt bool
	bestLevel   int   // priority of r.Best
	level       int   // priority of a hit in the field being scanned
	cur         Hit   // the field being scanned
	idx         []int // term index of each matcher scanning it (-1: exclusion)
}

// admit selects the matchers of ms whose trigrams a field's Bloom filter
// admits, as indices into ms.
func (v *verifier) admit(ms []matcher, bloom []uint64) []int {
	v.sel = v.sel[:0]
	for i := range ms {
		if mayContain(bloom, ms[i].keys) {
			v.sel = append(v.sel, i)
		}
	}
	return v.sel
}

// all selects every matcher of ms (a field without a filter).
func (v *verifier) all(ms []matcher) []int {
	v.sel = v.sel[:0]
	for i := range ms {
		v.sel = append(v.sel, i)
	}
	return v.sel
}

func (p *plan) newVerifier(ctx context.Context) *verifier {
	v := &verifier{p: p, ctx: ctx, found: make([]bool, len(p.terms)), collect: true}
	v.cs.v = v
	v.onHit = v.cs.hit
	titleScope := len(p.roles) == 0 // a role: filter leaves the title out
	add := func(m matcher, id int, titleOnly bool) {
		if titleOnly || titleScope {
			v.titleMs = append(v.titleMs, m)
			v.titleIdx = append(v.titleIdx, id)
		}
		if !titleOnly {
			v.msgMs = append(v.msgMs, m)
			v.msgIdx = append(v.msgIdx, id)
		}
	}
	for i, m := range p.terms {
		add(m, i, p.q.Terms[i].Title)
	}
	for i, m := range p.excl {
		add(m, -1, p.q.Excludes[i].Title)
	}
	return v
}

// sampleBytes is how much of a conversation's text is scanned, once every
// term has been found, to estimate hit density (see the package doc, Ranking).
const sampleBytes = 1 << 10

// noHit is Result.Best.Node when there is no hit (a query without terms).
const noHit = -1

// Hit priorities for choosing Result.Best.
const (
	bestNone = iota
	bestOther
	bestUser
	bestTitle
)

// verify decides whether conversation ci matches and builds its Result.
// It sets v.err (and returns false) when the context is cancelled.
func (v *verifier) verify(ci int32) (Result, bool) {
	p := v.p
	from := v.from // for this conversation only
	v.from = 0
	if !p.eligible(ci) {
		return Result{}, false
	}
	clear(v.found)
	cs := &v.cs
	*cs = convScan{v: v, r: Result{Conv: p.ix.convs[ci], Index: int(ci), Best: Hit{Node: noHit}},
		canStop:   len(v.found) > 0 && len(p.excl) == 0 && !p.opt.Exhaustive,
		canNarrow: len(v.found) > 0 && len(p.excl) > 0 && !p.opt.Exhaustive,
		idx:       cs.idx}
	v.scanFields(ci, from)
	if cs.rejected || v.err != nil {
		return Result{}, false
	}
	for _, f := range v.found {
		if !f {
			return Result{}, false
		}
	}
	return cs.result(p.ix.meta[ci].text), true
}

// scanFields scans the fields of conversation ci in node order, from field
// from on (the fields before it hold no hit: they are counted as examined,
// not read), until the scan has seen enough, an exclusion matched or ctx
// was cancelled.
func (v *verifier) scanFields(ci int32, from int32) {
	p, cs := v.p, &v.cs
	sh := p.ix.shardOf(ci)
	v.fs.exist = p.exist
	local := ci - sh.first
	recBase := sh.recStart[local]
	recs, disk := sh.convRecs(local)
	nrec := max(len(recs), len(disk))
	var loaded fieldRec                                  // the record being scanned, for a loaded shard
	filtered := sh.fieldBloom != nil && sh.isLong(local) // field filters: see addFieldFilters
	start := 0
	if p.exist && from > 0 {
		// Only a proof is wanted: nothing is counted, so the fields
		// before from are not even visited.
		start = int(min(from, int32(nrec)))
	}
	// NOTE: fields are scanned in node order. Scanning the title and the
	// user's messages first would make ranking tier 2 exact, but it moves
	// Best to user messages the node-order sample never reached (changing
	// where the browser opens a result), and it saved only ~3% of the
	// bytes scanned for a common word on the generated 1 GB export.
	for i := start; i < nrec; i++ {
		rec := &loaded
		if disk != nil {
			loaded = disk[i].rec() // its text is found only when it is read
		} else {
			rec = &recs[i]
		}
		ms, allIdx := v.msgMs, v.msgIdx
		cs.level = bestOther
		switch {
		case rec.node < 0:
			ms, allIdx, cs.level = v.titleMs, v.titleIdx, bestTitle
		case rec.flags&recHidden != 0 && !p.opt.IncludeHidden,
			!p.roleOK[rec.flags>>roleShift&roleMask]:
			continue
		case rec.flags>>roleShift&roleMask == roleCodeUser:
			cs.level = bestUser
		}
		complete := cs.nfound == len(v.found)
		if cs.canStop && complete && (p.exist || cs.scanned >= sampleBytes) {
			cs.enough = true
			return
		}
		if cs.canNarrow && !cs.exclOnly && complete && cs.scanned >= sampleBytes {
			cs.exclOnly, cs.sampleText = true, cs.scanned
		}
		cs.scanned += int64(rec.n)
		v.scanned += int(rec.n)
		if v.scanned >= ctxCheckBytes {
			v.scanned = 0
			if err := v.ctx.Err(); err != nil {
				v.err = err
				return
			}
		}
		if int32(i) < from || len(ms) == 0 || rec.n == 0 {
			continue // before from: no hit here, counted as examined
		}
		var sel []int
		if filtered {
			sel = v.admit(ms, sh.fieldBloom[recBase+uint32(i)])
		} else {
			sel = v.all(ms)
		}
		if cs.exclOnly {
			sel = slices.DeleteFunc(sel, func(t int) bool { return allIdx[t] >= 0 })
		}
		if len(sel) == 0 {
			continue
		}
		cs.idx = allIdx
		cs.cur = Hit{Node: rec.node, Block: rec.block, Field: rec.field, Item: rec.item}
		if disk != nil && rec.n > 0 {
			if rec.text = sh.textAt(disk[i].text, int(rec.n)); rec.text == nil {
				continue // a damaged snapshot's conversation (Texts.TextAt)
			}
		}
		if !v.fs.scan(recText(rec), rec.flags&(recASCII|recOpaque), sh.recBlocks(recBase+uint32(i), rec), ms, sel, v.onHit) {
			return
		}
	}
}

// hit records a match of matcher t at off (n bytes) in the field being
// scanned; false stops the scan (an exclusion matched, or enough seen).
func (cs *convScan) hit(t, off, n int) bool {
	v, p, r := cs.v, cs.v.p, &cs.r
	id := cs.idx[t]
	if id < 0 {
		cs.rejected = true
		return false
	}
	if !v.found[id] {
		v.found[id] = true
		cs.nfound++
	}
	h := cs.cur
	h.Off, h.Len, h.Term = int32(off), int32(n), int16(id)
	r.HitCount++
	switch cs.level {
	case bestTitle:
		cs.st.title++
	case bestUser:
		cs.st.user++
	default:
		cs.st.other++
	}
	if v.collect && len(r.Hits) < p.opt.MaxHits {
		r.Hits = append(r.Hits, h)
	}
	if cs.level > cs.bestLevel {
		r.Best, cs.bestLevel = h, cs.level
	}
	if cs.level != bestTitle && r.HitCount <= p.opt.MaxHits && (!cs.haveExcerpt || compareHits(h, r.Excerpt) < 0) {
		r.Excerpt, cs.haveExcerpt = h, true
	}
	if cs.canStop && cs.nfound == len(v.found) && (p.exist || r.HitCount >= p.opt.MaxHits || cs.scanned >= sampleBytes) {
		cs.enough = true
		return false
	}
	return true
}

// result is the Result of a conversation that matched, of text bytes of
// in-scope text.
func (cs *convScan) result(text int64) Result {
	r := cs.r
	slices.SortStableFunc(r.Hits, compareHits)
	if !cs.haveExcerpt {
		r.Excerpt = r.Best
	}
	if cs.enough {
		// Scanning stopped early: the density of the part scanned stands
		// for the whole conversation.
		text = cs.scanned
		r.Capped = true
	}
	if cs.exclOnly {
		text = cs.sampleText // hits were counted in the sample only
		r.Capped = true
	}
	r.Score = score(cs.st, text)
	r.BodyHits = cs.st.user + cs.st.other
	return r
}

// compareHits orders hits title first, then by node, block, field, item
// and offset.
func compareHits(a, b Hit) int {
	switch {
	case a.Node != b.Node:
		return int(a.Node) - int(b.Node)
	case a.Block != b.Block:
		return int(a.Block) - int(b.Block)
	case a.Field != b.Field:
		return int(a.Field) - int(b.Field)
	case a.Item != b.Item:
		return int(a.Item) - int(b.Item)
	}
	return int(a.Off) - int(b.Off)
}
