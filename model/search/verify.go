package search

import (
	"context"
	"slices"

	"github.com/backchat/backchat/model"
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
}

func (p *plan) newVerifier(ctx context.Context) *verifier {
	v := &verifier{p: p, ctx: ctx, found: make([]bool, len(p.terms))}
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
	if !p.eligible(ci) {
		return Result{}, false
	}
	c := p.ix.convs[ci]
	clear(v.found)
	r := Result{Conv: c, Index: int(ci)}
	var st hitStats
	bestLevel := bestNone
	rejected := false
	var cur Hit
	level := bestNone
	idx := v.titleIdx
	cb := func(t, off, n int) bool {
		id := idx[t]
		if id < 0 {
			rejected = true
			return false
		}
		v.found[id] = true
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
		if len(r.Hits) < p.opt.MaxHits {
			r.Hits = append(r.Hits, h)
		}
		if level > bestLevel {
			r.Best, bestLevel = h, level
		}
		return true
	}
	if len(v.titleMs) > 0 && c.Title != "" {
		cur = Hit{Node: model.NoNode, Field: FieldConvTitle}
		level = bestTitle
		v.fs.scan(c.Title, v.titleMs, cb)
	}
	if len(v.msgMs) > 0 && !rejected {
		idx = v.msgIdx
		for k := range c.Nodes {
			m := c.Nodes[k].Msg
			if m == nil || !p.inScope(m) {
				continue
			}
			level = bestOther
			if m.Role == model.RoleUser {
				level = bestUser
			}
			ok := eachField(m, func(block int, f Field, item int, s string) bool {
				v.scanned += len(s)
				if v.scanned >= ctxCheckBytes {
					v.scanned = 0
					if err := v.ctx.Err(); err != nil {
						v.err = err
						return false
					}
				}
				cur = Hit{Node: int32(k), Block: int32(block), Field: f, Item: int32(item)}
				return v.fs.scan(s, v.msgMs, cb)
			})
			if !ok {
				break
			}
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
	r.Score = score(st, &p.ix.meta[ci])
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
