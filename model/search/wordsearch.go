package search

import (
	"bytes"
	"encoding/binary"
	"math"
	"slices"
)

// wordPiece is one word of a term (see words.go), with the classes of
// field it is looked for in.
type wordPiece struct {
	pat   []byte // what is searched for in the vocabulary ("\x00" marks a word boundary)
	word  []byte // the piece itself
	scope uint16 // class bits
	rep   bool   // its counts rank the conversation (a positive term's longest piece)
	fi    int    // its slot in the first-field scratch (pieces of terms verified), or -1
}

// wordTerm is a term or exclusion as pieces.
type wordTerm struct {
	need      uint64 // bits of its pieces
	decidable bool   // one piece, no other byte: the postings decide it
	firsts    []int  // the fi of its pieces (terms that are verified)
}

// wordPlan is the part of a plan that runs on word postings.
type wordPlan struct {
	pieces []wordPiece
	nfirst int // pieces with a first-field slot
	terms  []wordTerm
	excl   []wordTerm
	// sub verifies the terms and exclusions the postings cannot decide
	// (nil when they decide everything); subExcl marks the exclusions it
	// holds, by index in excl.
	sub     *plan
	subExcl []bool
}

// maxPieces bounds the pieces of a query the word postings track (one bit
// each); longer queries are verified term by term instead.
const maxPieces = 64

// minPiece is the shortest piece of a positive term looked up in the
// vocabulary (exclusions look up every piece: verifying one means reading
// a whole conversation).
const minPiece = 2

// splitPieces splits a folded term into its words; left and right report
// whether each must start or end a word (another byte of the term is next
// to it).
func splitPieces(f string, fn func(w string, left, right bool)) {
	for i := 0; i < len(f); {
		if l := sepLen(f, i); l > 0 {
			i += l
			continue
		}
		j := i + 1
		for j < len(f) && sepLen(f, j) == 0 {
			j++
		}
		fn(f[i:j], i > 0, j < len(f))
		i = j
	}
}

// newWordPlan prepares the word postings part of p (nil when the query has
// too many pieces).
func newWordPlan(p *plan) *wordPlan {
	wp := &wordPlan{}
	titleScope := len(p.roles) == 0
	var msgScope uint16
	for c := 1; c < numClasses; c++ {
		role, hidden := (c-1)%classRoles, c > classRoles
		if p.roleOK[role] && (!hidden || p.opt.IncludeHidden) {
			msgScope |= 1 << c
		}
	}
	add := func(t Term, positive bool) (wordTerm, bool) {
		var wt wordTerm
		scope := msgScope
		if t.Title {
			scope = 0
		}
		if t.Title || titleScope {
			scope |= 1 << classTitle
		}
		n, longest := 0, -1
		ok, short := true, false
		splitPieces(t.Folded, func(w string, left, right bool) {
			if positive && len(w) < minPiece {
				// Too many words hold a single letter: the term is
				// verified on the other terms' candidates instead, where
				// a letter turns up within the first few bytes.
				short = true
				return
			}
			if len(wp.pieces) >= maxPieces {
				ok = false
				return
			}
			pat := []byte(w)
			if left {
				pat = append([]byte{0}, pat...)
			}
			if right {
				pat = append(pat, 0)
			}
			if longest < 0 || len(w) > len(wp.pieces[longest].word) {
				longest = len(wp.pieces)
			}
			wt.need |= 1 << len(wp.pieces)
			wp.pieces = append(wp.pieces, wordPiece{pat: pat, word: []byte(w), scope: scope})
			n++
		})
		wt.decidable = n == 1 && !short && len(wp.pieces[len(wp.pieces)-1].word) == len(t.Folded)
		if positive && longest >= 0 {
			wp.pieces[longest].rep = true
		}
		for k := len(wp.pieces) - n; k < len(wp.pieces); k++ {
			wp.pieces[k].fi = -1
			if !wt.decidable {
				wp.pieces[k].fi = wp.nfirst
				wt.firsts = append(wt.firsts, wp.nfirst)
				wp.nfirst++
			}
		}
		return wt, ok
	}
	var sub Query
	sub.Filters = p.q.Filters
	for _, t := range p.q.Terms {
		wt, ok := add(t, true)
		if !ok {
			return nil
		}
		wp.terms = append(wp.terms, wt)
		if !wt.decidable {
			sub.Terms = append(sub.Terms, t)
		}
	}
	for _, t := range p.q.Excludes {
		wt, ok := add(t, false)
		if !ok {
			return nil
		}
		wp.excl = append(wp.excl, wt)
		wp.subExcl = append(wp.subExcl, !wt.decidable)
		if !wt.decidable {
			sub.Excludes = append(sub.Excludes, t)
		}
	}
	if len(sub.Terms)+len(sub.Excludes) > 0 {
		opt := p.opt
		opt.Within = nil
		wp.sub = newPlan(p.ix, sub, opt)
		wp.sub.exist = true
	}
	return wp
}

// wordAcc is what the postings say about one conversation of a shard.
type wordAcc struct {
	have               uint64 // pieces found in scope
	title, user, other uint32 // occurrences of the positive terms' longest pieces
	// titleVerified: title occurrences of the longest pieces of terms that
	// are verified, counted only when the verification finds a title hit.
	titleVerified uint32
}

// eval fills acc (one per conversation of s, cleared by the caller) from
// the postings of every piece, and firsts (nfirst × s.n, set to
// math.MaxInt32 by the caller) with the first field holding each piece
// that has a slot.
func (wp *wordPlan) eval(s *shard, acc []wordAcc, firsts []int32) {
	w := &s.words
	for k := range wp.pieces {
		pc := &wp.pieces[k]
		bit := uint64(1) << k
		var fs []int32
		if pc.fi >= 0 {
			fs = firsts[pc.fi*int(s.n) : (pc.fi+1)*int(s.n)]
		}
		for from := 0; ; {
			i := bytes.Index(w.vocab[from:], pc.pat)
			if i < 0 {
				break
			}
			id := w.wordOfPos(from + i + 1) // +1: a leading 0 belongs to the word after it
			from = int(w.starts[id+1]) - 1  // the 0 before the next word
			occ := uint32(1)
			if pc.rep {
				occ = uint32(bytes.Count(w.word(id), pc.word))
			}
			p := w.post[w.offs[id]:w.offs[id+1]]
			conv := -1
			for len(p) > 0 {
				d, n := binary.Uvarint(p)
				if n <= 0 || d == 0 || d > uint64(len(acc)-1-conv) {
					break // malformed (a damaged snapshot): see LoadIndex
				}
				conv += int(d)
				t, u, o, first, m := decodeCounts(p[n:], pc.scope)
				if m <= 0 {
					break
				}
				p = p[n+m:]
				if t+u+o == 0 {
					continue
				}
				a := &acc[conv]
				a.have |= bit
				if pc.rep && pc.fi >= 0 {
					a.titleVerified += t * occ
					a.user += u * occ
					a.other += o * occ
				} else if pc.rep {
					a.title += t * occ
					a.user += u * occ
					a.other += o * occ
				}
				if fs != nil {
					fs[conv] = min(fs[conv], first)
				}
			}
		}
	}
}

// decide reports, from a conversation's postings, whether it matches
// (false: it does not), and whether the sub plan must verify it and from
// which field (no match of a verified term or exclusion starts before).
func (wp *wordPlan) decide(a *wordAcc, firsts []int32, n, lc int) (match, verify bool, from int32) {
	from = math.MaxInt32
	bound := func(t *wordTerm) {
		lb := int32(0) // a match needs every piece: it starts after the last one's first field
		for _, fi := range t.firsts {
			lb = max(lb, firsts[fi*n+lc])
		}
		from = min(from, lb)
	}
	for i := range wp.terms {
		t := &wp.terms[i]
		if a.have&t.need != t.need {
			return false, false, 0
		}
		if !t.decidable {
			verify = true
			bound(t)
		}
	}
	for i := range wp.excl {
		t := &wp.excl[i]
		if a.have&t.need != t.need {
			continue // a piece is missing: it cannot occur
		}
		if t.decidable {
			return false, false, 0
		}
		if wp.subExcl[i] {
			verify = true
			bound(t)
		}
	}
	if from == math.MaxInt32 {
		from = 0
	}
	return true, verify, from
}

// isLong reports whether local conversation c of s is in s.words.long.
func (s *shard) isLong(c int32) bool {
	_, found := slices.BinarySearch(s.words.long, c)
	return found
}
