// Lazy hits: the status bar's count does not need the lines of every
// message holding a hit. A message not realised in full (no placeholder or
// render of all its text yet) counts the hits of the Markdown its lines
// will be made of, and is realised only when n/N (or a result's landing)
// reaches it. Realising
// every matching message on each filter answer (Markdown plus placeholder
// wrap, in Update) was most of a `backchat serve` session's work between
// keys with distinct queries.

package tui

import (
	"sort"
	"unicode"
	"unicode/utf8"

	"github.com/backchat/backchat/internal/render"
	"github.com/backchat/backchat/model"
)

// lazyHits reports whether hits are counted without realising the
// messages that hold them: not for a phrase, which the viewer finds across
// the lines of a wrapped paragraph (segmentHits), so its Markdown may count
// otherwise.
func (v *viewer) lazyHits() bool { return !v.spaced }

// countHits counts the terms in text as findInRun counts them in lines:
// overlapping matches of several terms count once.
func (v *viewer) countHits(text string) int {
	v.ranges = v.ranges[:0]
	for _, mt := range v.matchers {
		v.ranges = mt.AppendRanges(v.ranges, text)
	}
	if len(v.matchers) > 1 {
		sort.Slice(v.ranges, func(a, b int) bool { return v.ranges[a][0] < v.ranges[b][0] })
	}
	n, end := 0, -1
	for _, r := range v.ranges {
		if r[0] >= end {
			n++
			end = r[1]
		}
	}
	return n
}

// placeholderHits counts the hits of md as findInLines finds them in its
// placeholder lines (placeholder at the body's width): the hits of md,
// unless the wrap may break one: a match holding a space, a hyphen
// (ansi.Wrap's breakpoints) or a line break ("e-mail" at a line's end).
// Only then is md wrapped and counted line by line, so the count is the
// one realising the message gives (TestLazyCountWhereTheWrapCutsAHit,
// TestLazyCountRandomCuts). A match inside a word longer than the line,
// which the wrap cuts at the width, is found across the cut (cuthits.go).
func (v *viewer) placeholderHits(md string) int {
	n := v.countHits(md)
	// A term of letters and digits matches letters and digits only (folded
	// or not): no breakpoint in a match to look for.
	for _, t := range v.terms {
		for i := 0; i < len(t); i++ {
			if c := t[i] | 0x20; (c < 'a' || c > 'z') && (t[i] < '0' || t[i] > '9') {
				for _, r := range v.ranges {
					if breakIn(md[r[0]:r[1]]) {
						return v.wrappedHits(md)
					}
				}
				return n
			}
		}
	}
	return n
}

// wrappedHits counts the hits in md's placeholder lines.
func (v *viewer) wrappedHits(md string) int {
	saved := v.hits
	v.hits = nil
	v.findInLines(placeholder(md, v.bodyWidth()), 0, func() string { return md })
	n := len(v.hits)
	v.hits = saved
	return n
}

// breakIn reports whether a match holds a place ansi.Wrap may break at: a
// hyphen, a space, a control (a tab, a line break) or a Unicode space.
func breakIn(m string) bool {
	for i := 0; i < len(m); i++ {
		if c := m[i]; c == '-' || c <= ' ' {
			return true
		} else if c >= utf8.RuneSelf {
			if r, _ := utf8.DecodeRuneInString(m[i:]); unicode.IsSpace(r) {
				return true
			}
		}
	}
	return false
}

// segCount is how many hits segment s holds: those found in its lines, and
// for a message not realised in full, those in the Markdown its
// placeholder lines do not hold yet (lazyCount).
func (v *viewer) segCount(s int) int {
	h := &v.segs[s].hitc
	if !v.inHitNodes(s) || h.gen != v.hitGen {
		return 0
	}
	return len(h.hits) + v.lazyCount(s)
}

// lazyCount is, for a message segment not realised in full, the hits in
// the part of its Markdown (the text its placeholder is made of:
// messageMarkdown, with the sources list, citation markers and math as
// shown) that has no lines yet; 0 for any other segment. It is counted
// once per hit generation, when first asked for: a conversation shown
// under the old terms, then given new ones, is not counted for the old.
// The Markdown made for it stays in the segment for its placeholder.
func (v *viewer) lazyCount(s int) int {
	seg := &v.segs[s]
	if seg.realised || seg.msg == nil || seg.hitc.gen != v.hitGen || !v.lazyHits() {
		return 0 // a phrase's messages are realised (realiseMatching)
	}
	if seg.hitc.lazy < 0 {
		if !seg.mdSet {
			seg.md, seg.mdSet = v.pool.md.markdown(seg.msg), true
		}
		seg.hitc.lazy = v.placeholderHits(seg.md[min(seg.phDone, len(seg.md)):])
	}
	return seg.hitc.lazy
}

// found reports whether hits were found in segment s's lines.
func (v *viewer) found(s int) bool {
	h := &v.segs[s].hitc
	return v.inHitNodes(s) && h.gen == v.hitGen && len(h.hits) > 0
}

// realiseHits realises segment s in full when its Markdown holds hits not
// found in its lines yet.
func (v *viewer) realiseHits(s int) {
	seg := &v.segs[s]
	if seg.realised || seg.msg == nil || !v.inHitNodes(s) || v.lazyCount(s) == 0 {
		return
	}
	v.realiseSegment(s, -1) // setSegment pins the current hit (hitpin.go)
}

// realiseNode realises node n's segment for its hits (see realiseHits).
func (v *viewer) realiseNode(n int32) {
	if !v.lazyHits() {
		return
	}
	if s := v.segOf(n); s >= 0 {
		v.realiseHits(s)
	}
}

// realiseToNextHit realises what n (delta +1) or N (−1) needs to find the
// next hit on the thread on view: from the current hit's message (or the
// top one of the view) on in that direction, wrapping around, the messages
// holding hits up to the first one in which hits are found. A phrase
// realises every message holding one (realiseMatching).
func (v *viewer) realiseToNextHit(delta int) {
	if len(v.terms) == 0 || len(v.segs) == 0 {
		return
	}
	if !v.lazyHits() {
		v.realiseMatching()
		return
	}
	from := v.segAt(v.offset)
	if v.curHit >= 0 && v.curHit < len(v.hits) {
		from = v.segAt(v.hits[v.curHit].line)
	}
	n := len(v.segs)
	for k := 0; k < n; k++ {
		s := ((from+k*delta)%n + n) % n
		v.realiseHits(s)
		if k > 0 && v.found(s) {
			return
		}
	}
}

// realiseFirstHit realises what firstHit needs: node n's message, and when
// it holds no hit, the messages from the top down to the first with hits.
func (v *viewer) realiseFirstHit(n int32) {
	if len(v.terms) == 0 {
		return
	}
	if !v.lazyHits() {
		v.realiseMatching()
		return
	}
	if s := v.segOf(n); n != model.NoNode && s >= 0 {
		v.realiseHits(s)
		if v.found(s) {
			return
		}
	}
	for s := range v.segs {
		v.realiseHits(s)
		if v.found(s) {
			return
		}
	}
}

// offWindow is the count of the hits of a windowed thread's messages
// before and after the window, by their Markdown, for one hit generation
// (ok: counted).
type offWindow struct {
	gen           uint64
	ok            bool
	before, after int
}

// offWindowHits counts the hits of the messages of the thread off the
// window, before it and after it, when the engine's hits are not known (a
// find, or a filter's answer before them; with them, hitRank counts the
// engine's). Counted
// once per hit generation and window (rebuild drops the count); a message
// shown in full counts the hits of its Markdown (see lazyCount).
func (v *viewer) offWindowHits() (before, after int) {
	if !v.windowed() || v.hitOrder != nil || v.conv == nil || len(v.terms) == 0 {
		return 0, 0
	}
	o := &v.offWin
	if o.ok && o.gen == v.hitGen {
		return o.before, o.after
	}
	*o = offWindow{gen: v.hitGen, ok: true}
	tree := v.conv.Tree()
	for i, n := range v.thread {
		if i >= v.winLo && i < v.winHi || n < 0 || int(n) >= len(tree) {
			continue
		}
		m := tree[n].Msg
		if m == nil || v.present(n, m) != render.InFull {
			continue
		}
		if c := v.placeholderHits(v.pool.md.markdown(m)); i < v.winLo {
			o.before += c
		} else {
			o.after += c
		}
	}
	return o.before, o.after
}
