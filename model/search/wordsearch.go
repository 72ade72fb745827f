package search

import (
	"bytes"
	"encoding/binary"
	"math"
	"runtime"
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
	// pairs: bits of its adjacent piece pairs in wordPlan.pairs (0: it
	// has none); a conversation whose pair filter lacks one cannot hold
	// it (see pairs.go).
	pairs uint64
}

// piecePair is two adjacent pieces of a term and the term's bytes between
// them.
type piecePair struct {
	a, b  int // piece numbers
	sep   string
	scope uint16
}

// wordPlan is the part of a plan that runs on word postings.
type wordPlan struct {
	pieces []wordPiece
	nfirst int // pieces with a first-field slot
	terms  []wordTerm
	excl   []wordTerm
	pairs  []piecePair
	// sub verifies the terms and exclusions the postings cannot decide
	// (nil when they decide everything); subExcl marks the exclusions it
	// holds, by index in excl.
	sub     *plan
	subExcl []bool
}

// maxPairs bounds the piece pairs of a query tracked (one bit each).
const maxPairs = 64

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
	splitPiecesAt(f, func(i, j int) { fn(f[i:j], i > 0, j < len(f)) })
}

// splitPiecesAt calls fn with the bounds of each word of folded term f.
func splitPiecesAt(f string, fn func(i, j int)) {
	for i := 0; i < len(f); {
		if l := sepLen(f, i); l > 0 {
			i += l
			continue
		}
		j := i + 1
		for j < len(f) && sepLen(f, j) == 0 {
			j++
		}
		fn(i, j)
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
		var spans [][2]int // where the pieces are in t.Folded
		f := t.Folded
		splitPiecesAt(f, func(i, j int) {
			w, left, right := f[i:j], i > 0, j < len(f)
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
			spans = append(spans, [2]int{i, j})
			n++
		})
		// A term of several pieces that starts and ends with a word byte
		// has its adjacent pieces looked up as pairs (pairs.go); the
		// separators are the term's bytes between them.
		if ok && !short && n >= 2 && len(wp.pairs)+n-1 <= maxPairs && spans[0][0] == 0 && spans[n-1][1] == len(f) {
			first := len(wp.pieces) - n
			for k := 1; k < n; k++ {
				wt.pairs |= 1 << len(wp.pairs)
				wp.pairs = append(wp.pairs, piecePair{a: first + k - 1, b: first + k, sep: f[spans[k-1][1]:spans[k][0]], scope: scope})
			}
		}
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
	// pairs: the piece pairs (wordPlan.pairs) the conversation's pair
	// filter admits.
	pairs uint64
}

// pairScratch is a search worker's space for the pair lookups: the words
// matching each piece and the pair hashes probed.
type pairScratch struct {
	ids        [][]uint32
	sufs, pres []uint32
	hashes     []uint64
}

// eval fills acc (one per conversation of s, cleared by the caller) from
// the postings of every piece, and firsts (nfirst × s.n, set to
// math.MaxInt32 by the caller) with the first field holding each piece
// that has a slot.
func (wp *wordPlan) eval(s *shard, acc []wordAcc, firsts []int32, ps *pairScratch) {
	w := &s.words
	if len(wp.pairs) > 0 {
		for len(ps.ids) < len(wp.pieces) {
			ps.ids = append(ps.ids, nil)
		}
		for k := range wp.pieces {
			ps.ids[k] = ps.ids[k][:0]
		}
	}
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
			if len(wp.pairs) > 0 {
				ps.ids[k] = append(ps.ids[k], uint32(id))
			}
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
	for k := range wp.pairs {
		wp.evalPair(s, k, acc, ps)
	}
	// w.post and the pair filters are freed by a cleanup once s is
	// unreachable (offheap.go attach): s stays reachable until they are
	// read, whatever the caller does with it after.
	runtime.KeepAlive(s)
}

// evalPair marks, in acc, the conversations of s whose pair filter
// admits pair k: its pieces adjacent with the term's separator between
// them (see pairs.go). Every conversation is marked when the pieces are
// held by too many words to probe.
func (wp *wordPlan) evalPair(s *shard, k int, acc []wordAcc, ps *pairScratch) {
	pr := &wp.pairs[k]
	bit := uint64(1) << k
	w := &s.words
	// The last 4 bytes of the first words and the first 4 of the second:
	// the piece's own when it has 4 bytes, else those of the words holding
	// it.
	ends := func(pc *wordPiece, ids []uint32, out []uint32, end func([]byte) uint32) []uint32 {
		out = out[:0]
		if len(pc.word) >= 4 {
			return append(out, end(pc.word))
		}
		for _, id := range ids {
			if v := end(w.word(int(id))); !slices.Contains(out, v) {
				if len(out) == maxPairProbes {
					return nil
				}
				out = append(out, v)
			}
		}
		return out
	}
	ps.sufs = ends(&wp.pieces[pr.a], ps.ids[pr.a], ps.sufs, suffix4)
	ps.pres = ends(&wp.pieces[pr.b], ps.ids[pr.b], ps.pres, prefix4)
	if ps.sufs == nil || ps.pres == nil || len(ps.sufs)*len(ps.pres) > maxPairProbes {
		for i := range acc {
			acc[i].pairs |= bit
		}
		return
	}
	ps.hashes = ps.hashes[:0]
	sep := sepHash(pr.sep)
	for _, suf := range ps.sufs {
		for _, pre := range ps.pres {
			ps.hashes = append(ps.hashes, pairHash(suf, pre, sep))
		}
	}
	need := uint64(1)<<pr.a | uint64(1)<<pr.b
	pf := &s.words.pairs
	for c := range acc {
		a := &acc[c]
		if a.have&need != need {
			continue
		}
		f := pf.filter(c)
		if len(f) == 0 {
			continue
		}
		for _, h := range ps.hashes {
			if pairMay(f, h) {
				a.pairs |= bit
				break
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
		if a.have&t.need != t.need || a.pairs&t.pairs != t.pairs {
			return false, false, 0
		}
		if !t.decidable {
			verify = true
			bound(t)
		}
	}
	for i := range wp.excl {
		t := &wp.excl[i]
		if a.have&t.need != t.need || a.pairs&t.pairs != t.pairs {
			continue // a piece or pair is missing: it cannot occur
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
