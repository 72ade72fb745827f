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
	firstField := v.from // for this conversation only
	v.from = 0
	if !p.eligible(ci) {
		return Result{}, false
	}
	c := p.ix.convs[ci]
	sh := p.ix.shardOf(ci)
	v.fs.exist = p.exist
	local := ci - sh.first
	recBase := sh.recStart[local]
	recs := sh.recs[recBase:sh.recStart[local+1]]
	filtered := sh.fieldBloom != nil && sh.isLong(local) // field filters: see addFieldFilters
	clear(v.found)
	nfound := 0
	var scanned int64 // bytes of in-scope fields examined in this conversation
	enough := false   // every term found and enough seen: stop early (see the package doc, Ranking)
	canStop := len(v.found) > 0 && len(p.excl) == 0 && !p.opt.Exhaustive
	// With exclusions the whole conversation is scanned, but once the
	// sample is complete only for the excluded terms.
	canNarrow := len(v.found) > 0 && len(p.excl) > 0 && !p.opt.Exhaustive
	exclOnly := false
	var sampleText int64
	r := Result{Conv: c, Index: int(ci), Best: Hit{Node: noHit}, Skip: -1}
	// skipTo: the fields before this one (in scan order) hold no hit (see
	// Options.WithinSkip); -1: scan from the start.
	skipTo, skipFrom := int32(-1), 0
	if p.skip != nil && p.skip[ci] >= 0 && int(p.skip[ci]>>32) < len(recs) {
		skipTo = int32(p.skip[ci] >> 32)
		if p.skipOff {
			skipFrom = max(int(uint32(p.skip[ci]))-p.backoff, 0)
		}
	}
	if skipTo < 0 && firstField > 0 {
		skipTo = firstField
	}
	var curRec int32
	var st hitStats
	bestLevel := bestNone
	rejected := false
	haveExcerpt := false
	var cur Hit
	level := bestNone
	var idx []int
	cb := func(t, off, n int) bool {
		id := idx[t]
		if id < 0 {
			rejected = true
			return false
		}
		if !v.found[id] {
			v.found[id] = true
			nfound++
		}
		if r.Skip < 0 {
			r.Skip = int64(curRec)<<32 | int64(uint32(off))
		}
		h := cur
		h.Off, h.Len, h.Term = int32(off), int32(n), int16(id)
		r.HitCount++
		switch level {
		case bestTitle:
			st.title++
		case bestUser:
			st.user++
		default:
			st.other++
		}
		if v.collect && len(r.Hits) < p.opt.MaxHits {
			r.Hits = append(r.Hits, h)
		}
		if level > bestLevel {
			r.Best, bestLevel = h, level
		}
		if level != bestTitle && r.HitCount <= p.opt.MaxHits && (!haveExcerpt || compareHits(h, r.Excerpt) < 0) {
			r.Excerpt, haveExcerpt = h, true
		}
		if canStop && nfound == len(v.found) && (p.exist || r.HitCount >= p.opt.MaxHits || scanned >= sampleBytes) {
			enough = true
			return false
		}
		return true
	}
	// NOTE: fields are scanned in node order. Scanning the title and the
	// user's messages first would make ranking tier 2 exact, but it moves
	// Best to user messages the node-order sample never reached (changing
	// where the browser opens a result), and it saved only ~3% of the
	// bytes scanned for a common word on the generated 1 GB export.
	start := 0
	if p.exist && skipTo > 0 {
		// Only a proof is wanted: nothing is counted, so the fields
		// before skipTo are not even visited.
		start = int(min(skipTo, int32(len(recs))))
	}
scan:
	for i := start; i < len(recs); i++ {
		rec := &recs[i]
		ms, allIdx := v.msgMs, v.msgIdx
		level = bestOther
		switch {
		case rec.node < 0:
			ms, allIdx, level = v.titleMs, v.titleIdx, bestTitle
		case rec.flags&recHidden != 0 && !p.opt.IncludeHidden,
			!p.roleOK[rec.flags>>roleShift&roleMask]:
			continue
		case rec.flags>>roleShift&roleMask == roleCodeUser:
			level = bestUser
		}
		if canStop && nfound == len(v.found) && (p.exist || scanned >= sampleBytes) {
			enough = true
			break scan
		}
		if canNarrow && !exclOnly && nfound == len(v.found) && scanned >= sampleBytes {
			exclOnly, sampleText = true, scanned
		}
		scanned += int64(rec.n)
		v.scanned += int(rec.n)
		if v.scanned >= ctxCheckBytes {
			v.scanned = 0
			if err := v.ctx.Err(); err != nil {
				v.err = err
				break scan
			}
		}
		from := 0 // where to scan the field from
		if skipTo >= 0 {
			if int32(i) < skipTo {
				continue // no hit here: counted as scanned, not read
			}
			if int32(i) == skipTo && rec.flags&recASCII != 0 {
				from = min(skipFrom, int(rec.n))
			}
			skipTo = -1
		}
		if len(ms) == 0 || rec.n == 0 {
			continue
		}
		var sel []int
		if filtered {
			sel = v.admit(ms, sh.fieldBloom[recBase+uint32(i)])
		} else {
			sel = v.all(ms)
		}
		if exclOnly {
			sel = slices.DeleteFunc(sel, func(t int) bool { return allIdx[t] >= 0 })
		}
		if len(sel) == 0 {
			continue
		}
		idx, curRec = allIdx, int32(i)
		cur = Hit{Node: rec.node, Block: rec.block, Field: rec.field, Item: rec.item}
		if !v.fs.scan(recText(rec), from, rec.flags&(recASCII|recOpaque), sh.recBlocks(rec), ms, sel, cb) {
			break scan
		}
	}
	if rejected || v.err != nil {
		return Result{}, false
	}
	for _, f := range v.found {
		if !f {
			return Result{}, false
		}
	}
	slices.SortStableFunc(r.Hits, compareHits)
	if !haveExcerpt {
		r.Excerpt = r.Best
	}
	text := p.ix.meta[ci].text
	if enough {
		// Scanning stopped early: the density of the part scanned stands
		// for the whole conversation.
		text = scanned
		r.Capped = true
	}
	if exclOnly {
		text = sampleText // hits were counted in the sample only
		r.Capped = true
	}
	r.Score = score(st, text)
	r.BodyHits = st.user + st.other
	return r, true
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
