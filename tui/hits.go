package tui

import (
	"slices"
	"sort"
	"strings"
	"sync/atomic"

	"github.com/charmbracelet/x/ansi"

	"github.com/backchat/backchat/internal/render"
	"github.com/backchat/backchat/model"
	"github.com/backchat/backchat/model/search"
)

// hitPos is one occurrence of a term in the joined lines: its first piece,
// and the pieces on the following lines when the renderer wrapped it (a
// phrase broken at a space).
type hitPos struct {
	line, start, end int      // byte range in plain[line]
	more             []hitPos // the wrapped rest, one piece a line (nil mostly)
}

// lastLine is the line of the hit's last piece.
func (h hitPos) lastLine() int {
	if len(h.more) > 0 {
		return h.more[len(h.more)-1].line
	}
	return h.line
}

// hitPiece is the part of hit number hit on one line.
type hitPiece struct {
	line, start, end int
	hit              int
}

// setTerms sets the filter's terms to highlight; while a find is on
// (find.go) they wait until it ends, unless they are a new query's: what
// the user just searched for ends the find (kept, its phrase stayed in the
// title and its hits on screen, and the filter's result opened on a hit
// they did not hold).
func (v *viewer) setTerms(terms []string) {
	if v.find.query != "" && len(terms) > 0 && !slices.Equal(terms, v.find.listTerms) {
		v.find = finder{}
	}
	v.find.listTerms, v.find.listHits = terms, nil
	if v.find.query != "" {
		return
	}
	v.applyTerms(terms)
}

// applyTerms sets the terms to highlight.
//
// Terms are matched as model/search matches them (case- and
// accent-insensitively, see search.Fold), so "cafe" highlights all of
// "Café" — the same text the engine found.
func (v *viewer) applyTerms(terms []string) {
	v.terms = terms
	v.matchers = v.matchers[:0]
	v.spaced = false
	for _, t := range terms {
		v.matchers = append(v.matchers, search.NewMatcher(t))
		v.spaced = v.spaced || strings.ContainsAny(strings.TrimSpace(t), " \t\n")
	}
	v.curHit, v.pin = -1, hitPin{}
	v.hitNodes, v.hitOrder = nil, nil
	v.hitGen = hitGens.Add(1) // the segments' cached hits are of the old terms
	v.realiseMatching()
	v.collectHits()
}

// findHits finds the terms again in every segment that may hold hits (a
// new hit generation: no segment's cached hits are kept). A term with a
// space is looked for across the lines of a paragraph joined by single
// spaces (indent and padding dropped; segmentHits), so a phrase the
// renderer wrapped is found, highlighted and counted once.
func (v *viewer) findHits() {
	v.hitGen = hitGens.Add(1)
	v.collectHits()
}

// hitGens numbers hit generations across every viewer (a segment copied
// between viewers never carries hits of another's generation as its own).
var hitGens atomic.Uint64

// segHits is one segment's hits for one hit generation, lines relative to
// the segment.
type segHits struct {
	gen  uint64
	hits []hitPos
	// lazy is, for a message not realised in full, the hits of the part
	// of its Markdown without lines yet, counted when first asked for
	// (lazyCount); -1 until then.
	lazy int
}

// collectHits gathers v.hits from the segments, finding them only in the
// segments whose cache is not of the current generation: a render that
// lands replaces one segment, and only its hits are found again (finding
// them in every segment on every landing was quadratic in a long
// conversation).
func (v *viewer) collectHits() {
	v.hits = v.hits[:0]
	if len(v.terms) == 0 {
		return
	}
	for s := range v.segs {
		if !v.inHitNodes(s) {
			continue
		}
		lo := v.starts[s]
		seg := &v.segs[s]
		if seg.hitc.gen != v.hitGen || v.hitGen == 0 {
			seg.hitc = segHits{gen: v.hitGen, hits: v.segmentHits(s), lazy: -1}
		}
		for _, h := range seg.hitc.hits {
			v.hits = append(v.hits, h.shifted(lo))
		}
	}
	v.applyPin()
	if v.curHit >= len(v.hits) {
		v.curHit = len(v.hits) - 1
	}
	// A windowed thread's hits off the window are counted here, in
	// Update, once per generation and window: View's status bar only
	// reads them (hitRank).
	v.offWindowHits()
}

// segmentHits finds the hits of segment s, lines relative to it.
func (v *viewer) segmentHits(s int) []hitPos {
	saved := v.hits
	v.hits = nil
	lo, hi := v.starts[s], v.starts[s]+len(v.segs[s].lines)
	v.findInLines(v.plain[:hi], lo, func() string { return v.segMarkdown(s) })
	found := v.hits
	v.hits = saved
	for i := range found {
		found[i] = found[i].shifted(-lo)
	}
	return found
}

// findInLines appends to v.hits the hits in lines[lo:]: line by line, a
// phrase across the lines of a paragraph (joined by single spaces), and
// a word the wrap cut at a line's end across the cut (cuthits.go; md
// gives the text the lines were made of, asked for only when a match
// crosses such a cut).
func (v *viewer) findInLines(lines []string, lo int, md func() string) {
	hi := len(lines)
	var glue []bool
	for l := lo; l < hi; {
		if lines[l] == "" {
			l++ // a blank line, as a message not realised has by thousands
			continue
		}
		phrase := v.spaced && strings.TrimSpace(lines[l]) != ""
		e := l + 1
		glue = glue[:0]
		for e < hi && lines[e] != "" {
			cut := mayCut(lines[e-1], v.bodyWidth()) && strings.TrimSpace(lines[e]) != ""
			if !cut && (!phrase || strings.TrimSpace(lines[e]) == "") {
				break
			}
			glue = append(glue, cut)
			e++
		}
		v.findInRun(lines, l, e, glue, md)
		l = e
	}
}

// shifted is h with every piece's line moved by d (a new more slice).
func (h hitPos) shifted(d int) hitPos {
	h.line += d
	if len(h.more) > 0 {
		more := make([]hitPos, len(h.more))
		for i, p := range h.more {
			p.line += d
			more[i] = p
		}
		h.more = more
	}
	return h
}

// runLine is where one line's text sits in a joined run.
type runLine struct{ line, at, from, n int } // at: offset in the run; from, n: the text in lines[line]

// findInRun appends the hits in lines [lo, hi), joined: line lo+i and the
// next by nothing where glue[i] (a word cut at the line's end), else by a
// space. A hit across a cut is kept when the text the lines were made of
// holds the cut word whole (wordAcross); else that cut is taken for a
// break between words and the run is matched again.
func (v *viewer) findInRun(lines []string, lo, hi int, glue []bool, md func() string) {
	var ok []bool
	if len(glue) > 0 {
		ok = make([]bool, len(glue))
	}
	for {
		text, parts := joinRun(lines, lo, hi, glue)
		v.ranges = v.ranges[:0]
		for _, m := range v.matchers {
			v.ranges = m.AppendRanges(v.ranges, text)
		}
		if len(v.matchers) > 1 {
			sort.Slice(v.ranges, func(a, b int) bool { return v.ranges[a][0] < v.ranges[b][0] })
		}
		if bad := v.falseCut(lines, parts, glue, ok, md); bad >= 0 {
			glue[bad] = false
			continue
		}
		v.appendRanges(parts)
		return
	}
}

// joinRun is lines [lo, hi) joined as findInRun says, and where each
// line's text sits in it.
func joinRun(lines []string, lo, hi int, glue []bool) (string, []runLine) {
	if hi-lo == 1 {
		return lines[lo], []runLine{{lo, 0, 0, len(lines[lo])}}
	}
	var b strings.Builder
	parts := make([]runLine, 0, hi-lo)
	for l := lo; l < hi; l++ {
		p := lines[l]
		cont := l > lo && glue[l-lo-1]
		from := len(p) - len(strings.TrimLeft(p, " \t"))
		if cont {
			from = len(p) - len(trimIndent(p)) // a list item's no-break spaces too
		}
		to := len(strings.TrimRight(p, " \t"))
		if l > lo && !cont {
			b.WriteByte(' ')
		}
		parts = append(parts, runLine{l, b.Len(), from, max(to-from, 0)})
		b.WriteString(p[from:max(to, from)])
	}
	return b.String(), parts
}

// appendRanges appends v.ranges, found in a run of parts, as hits.
func (v *viewer) appendRanges(parts []runLine) {
	end := -1 // drop overlaps so highlighting stays well-formed
	for _, r := range v.ranges {
		if r[0] < end {
			continue
		}
		end = r[1]
		var h hitPos
		first := true
		for _, p := range parts {
			a, b := max(r[0], p.at), min(r[1], p.at+p.n)
			if a >= b {
				continue
			}
			piece := hitPos{line: p.line, start: p.from + a - p.at, end: p.from + b - p.at}
			if first {
				h, first = piece, false
			} else {
				h.more = append(h.more, piece)
			}
		}
		if !first {
			v.hits = append(v.hits, h)
		}
	}
}

// hitNode is the node of hit i's message (model.NoNode: the header).
func (v *viewer) hitNode(i int) int32 { return v.segs[v.segAt(v.hits[i].line)].node }

// jumpHit moves to the next (+1) or previous (−1) hit, wrapping around,
// across branches when the engine found hits on other branches.
func (v *viewer) jumpHit(delta int) {
	v.realiseToNextHit(delta) // re-finds hits when it realises anything
	if v.hitAcrossBranches(delta) || v.hitBeyondWindow(delta) {
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

// openAtHit selects the first hit in node n, switching to a thread through
// n when it is on another branch and expanding tool and reasoning items
// when n is one of them (a search result opens at its hit even when it
// lies in a folded item or another branch). The preview lands the same
// way (filterPane.sync), so it shows, and "hit k/N" counts, what opening
// the result shows: one count for one conversation and query. An
// expansion made here lasts while the conversation is shown (show).
func (v *viewer) openAtHit(n int32) {
	v.toThreadOf(n)
	v.reveal(n)
	if c := v.conv; c != nil && !v.expanded && n >= 0 && int(n) < len(c.Tree()) {
		if m := c.Tree()[n].Msg; m != nil && m.Visibility == model.Folded {
			v.expanded, v.autoExpanded = true, true
			v.rebuild(n)
			v.realiseMatching()
			v.findHits()
		}
	}
	v.firstHit(n)
}

// firstHit selects the first hit, preferring one in node n (on another
// branch: that branch is shown).
func (v *viewer) firstHit(n int32) {
	v.toThreadOf(n)
	v.realiseFirstHit(n)
	if len(v.hits) == 0 {
		return
	}
	v.curHit = 0
	if n != model.NoNode {
		for i := range v.hits {
			if v.hitNode(i) == n {
				v.curHit = i
				break
			}
		}
	}
	v.scrollToHit()
}

// scrollToHit brings the current hit on screen and focuses its message,
// so y, [ and ] and the other per-message keys act on the message landed
// on (a hit in the title focuses none: the first message in view is).
func (v *viewer) scrollToHit() {
	h := v.hits[v.curHit]
	if n := v.hitNode(v.curHit); n != model.NoNode {
		v.focus, v.hasFocus = n, true
	} else {
		v.hasFocus = false
	}
	if h.line < v.offset || h.lastLine() >= v.offset+v.height {
		v.offset = h.line - v.height/3
	}
	v.clamp()
}

// hitStatus is "hit 3/17", or "" without hits. It numbers the hits in
// messages; the title's are not numbered ("hit in title" when one is
// current; see hitRank). With the engine's hits known, it counts the hits
// of every branch (see hitRank).
func (v *viewer) hitStatus() string {
	if len(v.terms) == 0 || v.conv == nil {
		return ""
	}
	k, total, title, onTitle := v.hitRank()
	switch {
	case total == 0 && title == 0:
		return "no hits here"
	case onTitle && total > 0:
		return "hit in title, " + plural(total, "hit") + " below"
	case onTitle || total == 0:
		return "hit in title"
	case k < 0:
		return plural(total, "hit")
	}
	return "hit " + render.FormatCount(k+1) + "/" + render.FormatCount(total)
}

// highlight restyles the hit pieces of one line (in order); a piece of the
// current hit gets the current hit's style. The lines of the last frames
// are kept (hlMemo): View highlights the same lines on every message a
// session gets, most of them for another pane's sake.
func (v *viewer) highlight(line, plain string, lh []hitPiece) string {
	if out, ok := v.hlMemo.get(line, lh, v.curHit); ok {
		return out
	}
	out := v.restyle(line, plain, lh)
	v.hlMemo.put(line, lh, v.curHit, out, 2*max(v.height, 1))
	return out
}

// hlMemo holds highlighted lines by the line's text and its pieces (their
// bytes and whether each is of the current hit): the same text and pieces
// highlight the same. setTheme drops it (the styles change).
type hlMemo map[string]hlLine

type hlLine struct {
	pieces []hlPiece
	out    string
}

type hlPiece struct {
	start, end int
	cur        bool
}

func (m hlMemo) get(line string, lh []hitPiece, cur int) (string, bool) {
	e, ok := m[line]
	if !ok || len(e.pieces) != len(lh) {
		return "", false
	}
	for i, p := range lh {
		if e.pieces[i] != (hlPiece{p.start, p.end, p.hit == cur}) {
			return "", false
		}
	}
	return e.out, true
}

// put keeps out for line, starting afresh when the memo holds more than
// limit lines.
func (m *hlMemo) put(line string, lh []hitPiece, cur int, out string, limit int) {
	if *m == nil || len(*m) >= limit {
		*m = make(hlMemo, limit)
	}
	ps := make([]hlPiece, len(lh))
	for i, p := range lh {
		ps[i] = hlPiece{p.start, p.end, p.hit == cur}
	}
	(*m)[line] = hlLine{ps, out}
}

// restyle is highlight without the memo.
func (v *viewer) restyle(line, plain string, lh []hitPiece) string {
	var b strings.Builder
	col := 0
	total := ansi.StringWidth(line)
	for _, h := range lh {
		if h.start < 0 || h.end > len(plain) || h.start > h.end {
			continue
		}
		c0 := ansi.StringWidth(plain[:h.start])
		if c0 < col {
			continue
		}
		c1 := c0 + ansi.StringWidth(plain[h.start:h.end])
		b.WriteString(ansi.Cut(line, col, c0))
		st := v.styles.Hit
		if h.hit == v.curHit {
			st = v.styles.HitCurrent
		}
		b.WriteString(st.Render(plain[h.start:h.end]))
		col = c1
	}
	b.WriteString(ansi.Cut(line, col, total))
	return b.String()
}

// visiblePieces are the hit pieces on lines [from, to), by line.
func (v *viewer) visiblePieces(from, to int) map[int][]hitPiece {
	h := sort.Search(len(v.hits), func(i int) bool { return v.hits[i].lastLine() >= from })
	var out map[int][]hitPiece
	for ; h < len(v.hits) && v.hits[h].line < to; h++ {
		if out == nil {
			out = make(map[int][]hitPiece)
		}
		hp := v.hits[h]
		for _, p := range append([]hitPos{{line: hp.line, start: hp.start, end: hp.end}}, hp.more...) {
			out[p.line] = append(out[p.line], hitPiece{p.line, p.start, p.end, h})
		}
	}
	return out
}
