package tui

import (
	"sort"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/backchat/backchat/model"
	"github.com/backchat/backchat/model/search"
)

// hitPos is one highlighted occurrence of a filter term in the joined lines.
type hitPos struct {
	line, start, end int // byte range in plain[line]
}

// setTerms sets the filter terms to highlight.
//
// Terms are matched as model/search matches them (case- and
// accent-insensitively, see search.Fold), so "cafe" highlights all of
// "Café" — the same text the engine found.
func (v *viewer) setTerms(terms []string) {
	v.terms = terms
	v.matchers = v.matchers[:0]
	for _, t := range terms {
		v.matchers = append(v.matchers, search.NewMatcher(t))
	}
	v.curHit = -1
	v.hitNodes = nil
	v.realiseMatching()
	v.findHits()
}

func (v *viewer) findHits() {
	v.hits = v.hits[:0]
	if len(v.terms) == 0 {
		return
	}
	var ranges [][2]int
	for i, p := range v.plain {
		if !v.inHitNodes(v.segAt(i)) {
			continue
		}
		var lineHits []hitPos
		for _, m := range v.matchers {
			ranges = m.AppendRanges(ranges[:0], p)
			for _, r := range ranges {
				lineHits = append(lineHits, hitPos{i, r[0], r[1]})
			}
		}
		sort.Slice(lineHits, func(a, b int) bool { return lineHits[a].start < lineHits[b].start })
		// Drop overlaps so highlighting stays well-formed.
		end := -1
		for _, h := range lineHits {
			if h.start >= end {
				v.hits = append(v.hits, h)
				end = h.end
			}
		}
	}
	if v.curHit >= len(v.hits) {
		v.curHit = len(v.hits) - 1
	}
}

// jumpHit moves to the next (+1) or previous (−1) hit, wrapping around.
func (v *viewer) jumpHit(delta int) {
	v.realiseMatching() // re-finds hits when it realises anything
	if v.hitBeyondWindow(delta) {
		return
	}
	if len(v.hits) == 0 {
		return
	}
	if v.curHit < 0 {
		// Start from the view: first hit at or below the top (or above for −1).
		v.curHit = sort.Search(len(v.hits), func(i int) bool { return v.hits[i].line >= v.offset })
		if delta < 0 {
			v.curHit--
		}
	} else {
		v.curHit += delta
	}
	v.curHit = (v.curHit%len(v.hits) + len(v.hits)) % len(v.hits)
	v.scrollToHit()
}

// openAtHit selects the first hit in node n, expanding tool and reasoning
// items first when n is one of them (a search result opens at its hit
// even when it lies in a folded item).
func (v *viewer) openAtHit(n int32) {
	v.reveal(n)
	if c := v.conv; c != nil && !v.expanded && n >= 0 && int(n) < len(c.Nodes) {
		if m := c.Nodes[n].Msg; m != nil && m.Visibility == model.Folded {
			v.expanded = true
			v.rebuild(n)
			v.realiseMatching()
			v.findHits()
		}
	}
	v.firstHit(n)
}

// firstHit selects the first hit, preferring one in node n.
func (v *viewer) firstHit(n int32) {
	if len(v.hits) == 0 {
		return
	}
	v.curHit = 0
	if n != model.NoNode {
		for i, h := range v.hits {
			if v.segs[v.segAt(h.line)].node == n {
				v.curHit = i
				break
			}
		}
	}
	v.scrollToHit()
}

func (v *viewer) scrollToHit() {
	l := v.hits[v.curHit].line
	if l < v.offset || l >= v.offset+v.height {
		v.offset = l - v.height/3
	}
	v.clamp()
}

// hitStatus is "hit 3/17", or "" without hits.
func (v *viewer) hitStatus() string {
	if len(v.terms) == 0 || v.conv == nil {
		return ""
	}
	if len(v.hits) == 0 {
		return "no hits here"
	}
	if v.curHit < 0 {
		return plural(len(v.hits), "hit")
	}
	return "hit " + formatCount(v.curHit+1) + "/" + formatCount(len(v.hits))
}

// highlight restyles the hits of one line; first is the index of lh[0] in
// v.hits, to mark the current hit.
func (v *viewer) highlight(line, plain string, lh []hitPos, first int) string {
	var b strings.Builder
	col := 0
	total := ansi.StringWidth(line)
	for i, h := range lh {
		c0 := ansi.StringWidth(plain[:h.start])
		c1 := c0 + ansi.StringWidth(plain[h.start:h.end])
		b.WriteString(ansi.Cut(line, col, c0))
		st := v.styles.Hit
		if first+i == v.curHit {
			st = v.styles.HitCurrent
		}
		b.WriteString(st.Render(plain[h.start:h.end]))
		col = c1
	}
	b.WriteString(ansi.Cut(line, col, total))
	return b.String()
}
