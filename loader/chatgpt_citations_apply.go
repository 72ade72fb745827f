package loader

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/backchat/backchat/model"
)

// citeRef is a source a marker cites, with the key it is numbered by.
type citeRef struct {
	key  string
	item refItem
}

// citeEdit replaces text[start:end] with plain followed by "[n]" for each ref.
type citeEdit struct {
	start, end int
	plain      string
	refs       []citeRef
}

// applyCitations turns citation markers in text (private-use U+E200…U+E201
// markers, U+E203/U+E204 spans, 2023 【N†source】 markers) into readable
// numbered references "[N]" and returns the rewritten text with the
// references it numbered. Unresolvable markers are removed, never left raw.
// base is the number of references earlier text blocks of the same message
// already numbered: numbers start at base+1, in the text and in the
// references alike.
//
//   - 【N†…】 markers resolve through meta.Legacy, whose code-point
//     StartIx/EndIx must span exactly that marker (UTF-16 indices are accepted
//     too). When indices fit no marker, leftover citations pair with leftover
//     markers in order if their counts agree. A marker still unresolved
//     becomes a numbered reference without URL titled by its label; labelled
//     page-dump markers (【0†Sample projects】) keep the label inline.
//     Bracketed prose that is not a marker ("【注意】") is untouched.
//   - Private-use markers resolve through meta.ContentRefs whose MatchedText
//     is the marker (StartIdx picks among equal ones): items, else title/URL,
//     else the links of Alt; a ref of type "hidden" removes the marker. A
//     "cite" marker without a ref looks each key up in meta.SearchResults.
//     An "entity" marker shows the entity's name. Anything unresolved
//     (filecite, image carousels, navlists, unknown keys) is removed.
//   - U+E203/U+E204 span marks and stray U+E200–U+E204 are removed; other
//     hidden refs remove their matched text where StartIdx places it.
//   - References are numbered in order of first appearance and deduplicated
//     by URL (ignoring ChatGPT's utm_source tag); sources of
//     "sources_footnote" refs and legacy citations with a URL but no marker
//     follow, unless already present.
//
// Text without any marker character is returned as is, without allocating.
func applyCitations(text string, meta *citationMeta, base int) (string, []model.Reference) {
	if !hasMarkers(text) {
		if meta.Empty() {
			return text, nil
		}
		n := numbering{base: base}
		n.trailing(meta, nil)
		return text, n.refs
	}
	if meta == nil {
		meta = &citationMeta{}
	}
	if !utf8.ValidString(text) {
		// Removing a marker must not join stray bytes around it into a new
		// character (even a marker character), so repair the text first.
		text = validUTF8(text)
	}
	toks := scanTokens(text)
	c := citer{
		meta:      meta,
		legacyFor: matchLegacy(toks, meta.Legacy),
		refUsed:   make([]bool, len(meta.ContentRefs)),
		byText:    make(map[string][]int),
	}
	for i, r := range meta.ContentRefs {
		if r.MatchedText != "" && r.Type != "sources_footnote" {
			c.byText[r.MatchedText] = append(c.byText[r.MatchedText], i)
		}
	}
	edits := make([]citeEdit, 0, len(toks))
	for ti, t := range toks {
		edits = append(edits, c.resolve(text, ti, t))
	}
	edits = append(edits, hiddenEdits(text, meta.ContentRefs, c.refUsed)...)
	if len(edits) == 0 { // only bracketed prose such as "【注意】"
		n := numbering{base: base}
		n.trailing(meta, c.legacyFor)
		return text, n.refs
	}
	return assemble(text, edits, meta, c.legacyFor, base)
}

// citer resolves the markers of one text. Not safe for concurrent use.
type citer struct {
	meta      *citationMeta
	legacyFor map[int]*legacyCitation // token index → its legacy citation
	refUsed   []bool                  // content refs already matched
	byText    map[string][]int        // matched text → content ref indices
	results   map[string]searchResult // built on first use
}

// resolve turns token t (the ti-th of text) into its edit.
func (c *citer) resolve(text string, ti int, t token) citeEdit {
	e := citeEdit{start: t.start, end: t.end}
	if t.kind == tokStray {
		return e
	}
	if ri := pickRef(c.byText[text[t.start:t.end]], c.meta.ContentRefs, c.refUsed, t); ri >= 0 {
		c.refUsed[ri] = true
		r := &c.meta.ContentRefs[ri]
		if r.Type == "hidden" {
			return e
		}
		e.refs = refsOf(r)
		if len(e.refs) == 0 && t.kind == tokPU && t.name != "cite" {
			if t.name == "entity" {
				e.plain = entityName(t.args)
			}
			if e.plain == "" && !strings.Contains(r.Alt, "](") {
				e.plain = r.Alt
			}
		}
		if len(e.refs) > 0 || e.plain != "" {
			return e
		}
		// The ref names no source: resolve the marker as if it had none.
	}
	switch {
	case t.kind == tokLentic:
		if lc := c.legacyFor[ti]; lc != nil && (lc.URL != "" || lc.Title != "") {
			it := refItem{lc.Title, lc.URL}
			e.refs = []citeRef{{refKey(it), it}}
			break
		}
		label := lenticLabel(t.inner)
		if label != "" && !strings.HasPrefix(t.inner, "turn") {
			e.plain = strings.TrimSpace(strings.Split(t.inner, dagger)[1]) // link text of a page dump
		}
		e.refs = []citeRef{{"m\x00" + t.inner, refItem{Title: label}}}
	case t.name == "cite":
		if c.results == nil {
			c.results = make(map[string]searchResult, len(c.meta.SearchResults))
			for _, sr := range c.meta.SearchResults {
				if _, dup := c.results[sr.Key]; !dup {
					c.results[sr.Key] = sr
				}
			}
		}
		for _, k := range t.args {
			if sr, ok := c.results[k]; ok && (sr.URL != "" || sr.Title != "") {
				it := refItem{sr.Title, sr.URL}
				e.refs = append(e.refs, citeRef{refKey(it), it})
			}
		}
	case t.name == "entity":
		e.plain = entityName(t.args)
	}
	return e
}

// pickRef chooses among the content refs whose MatchedText equals a token's
// text: the one whose StartIdx is the token's position, else the first
// unused one, else the first. It returns -1 when there is none.
func pickRef(cands []int, refs []contentRef, used []bool, t token) int {
	if len(cands) == 0 {
		return -1
	}
	for _, i := range cands {
		if refs[i].StartIdx == t.cp || refs[i].StartIdx == t.u16 {
			return i
		}
	}
	for _, i := range cands {
		if !used[i] {
			return i
		}
	}
	return cands[0]
}

// refsOf lists the sources a content reference names.
func refsOf(r *contentRef) []citeRef {
	var items []refItem
	for _, it := range r.Items {
		if it.URL != "" || it.Title != "" {
			items = append(items, it)
		}
	}
	if len(items) == 0 && (r.URL != "" || (r.Title != "" && r.Type != "entity")) {
		items = []refItem{{r.Title, r.URL}}
	}
	if len(items) == 0 {
		items = markdownLinks(r.Alt)
	}
	out := make([]citeRef, 0, len(items))
	for _, it := range items {
		out = append(out, citeRef{refKey(it), it})
	}
	return out
}

// matchLegacy maps each 【…】 token (by index) to the legacy citation whose
// indices span it exactly, in code points or else UTF-16 units. Citations
// that fit nothing pair in order with unmatched markers when the counts of
// both agree (indices taken from differently joined text keep their order).
func matchLegacy(toks []token, legacy []legacyCitation) map[int]*legacyCitation {
	if len(legacy) == 0 {
		return nil
	}
	out := make(map[int]*legacyCitation)
	used := make([]bool, len(legacy))
	var freeToks []int
	for ti, t := range toks {
		if t.kind != tokLentic {
			continue
		}
		found := false
		for li := range legacy {
			l := &legacy[li]
			if used[li] || l.EndIx-l.StartIx != t.cpLen {
				continue
			}
			if l.StartIx == t.cp || l.StartIx == t.u16 {
				out[ti], used[li], found = l, true, true
				break
			}
		}
		if !found {
			freeToks = append(freeToks, ti)
		}
	}
	var freeLegacy []int
	for li, l := range legacy {
		if !used[li] && (l.URL != "" || l.Title != "") {
			freeLegacy = append(freeLegacy, li)
		}
	}
	if len(freeLegacy) == len(freeToks) {
		slices.SortStableFunc(freeLegacy, func(a, b int) int { return legacy[a].StartIx - legacy[b].StartIx })
		for k, ti := range freeToks {
			out[ti] = &legacy[freeLegacy[k]]
		}
	}
	return out
}

// hiddenEdits removes the matched text of "hidden" refs no token consumed,
// where StartIdx places it (or where it occurs only once). Refs that only
// mark U+E203/U+E204 spans need nothing: those characters are removed anyway.
func hiddenEdits(text string, refs []contentRef, used []bool) []citeEdit {
	var out []citeEdit
	for i, r := range refs {
		if used[i] || r.Type != "hidden" || strings.Trim(r.MatchedText, "\ue200\ue201\ue202\ue203\ue204") == "" {
			continue
		}
		var offs []int
		for from := 0; ; {
			j := strings.Index(text[from:], r.MatchedText)
			if j < 0 {
				break
			}
			o, e := from+j, from+j+len(r.MatchedText)
			if utf8.RuneStart(text[o]) && (e == len(text) || utf8.RuneStart(text[e])) {
				offs = append(offs, o) // whole characters only
			}
			from = o + 1
		}
		// NOTE: offsets are in bytes; the code-point count is carried from
		// one occurrence to the next, so this is one pass over text.
		at, cp, prev := -1, 0, 0
		for _, o := range offs {
			if cp += utf8.RuneCountInString(text[prev:o]); cp == r.StartIdx {
				at = o
				break
			} else if cp > r.StartIdx {
				break
			}
			prev = o
		}
		if at < 0 && len(offs) == 1 {
			at = offs[0]
		}
		if at >= 0 {
			out = append(out, citeEdit{start: at, end: at + len(r.MatchedText)})
		}
	}
	return out
}

// numbering hands out reference numbers by key in order of first use.
type numbering struct {
	base int // numbers start after this (earlier blocks of the message)
	seen map[string]int
	refs []model.Reference
}

// number returns the number of it, adding a reference the first time.
func (n *numbering) number(r citeRef) int {
	if k, ok := n.seen[r.key]; ok {
		return k
	}
	if n.seen == nil {
		n.seen = make(map[string]int)
	}
	k := n.base + len(n.refs) + 1
	n.seen[r.key] = k
	n.refs = append(n.refs, model.Reference{N: k, Title: r.item.Title, URL: r.item.URL})
	return k
}

// trailing adds the sources no marker numbered: sources_footnote items and
// legacy citations with a URL that matched no marker.
func (n *numbering) trailing(meta *citationMeta, legacyFor map[int]*legacyCitation) {
	for _, r := range meta.ContentRefs {
		if r.Type == "sources_footnote" {
			for _, it := range r.Items {
				if it.URL != "" || it.Title != "" {
					n.number(citeRef{refKey(it), it})
				}
			}
		}
	}
	matched := make(map[*legacyCitation]bool, len(legacyFor))
	for _, l := range legacyFor {
		matched[l] = true
	}
	for i := range meta.Legacy {
		l := &meta.Legacy[i]
		if l.URL == "" || matched[l] {
			continue
		}
		it := refItem{l.Title, l.URL}
		n.number(citeRef{refKey(it), it})
	}
}

// assemble applies the edits in text order (an edit overlapping an earlier
// one is dropped), numbering references as they appear.
func assemble(text string, edits []citeEdit, meta *citationMeta, legacyFor map[int]*legacyCitation, base int) (string, []model.Reference) {
	slices.SortStableFunc(edits, func(a, b citeEdit) int {
		if a.start != b.start {
			return a.start - b.start
		}
		return b.end - a.end
	})
	var b strings.Builder
	b.Grow(len(text))
	n := numbering{base: base}
	last := 0
	for _, e := range edits {
		if e.end <= last {
			continue
		}
		// An edit overlapping the previous one keeps only its own remainder,
		// so no part of a marker is ever copied through.
		e.start = max(e.start, last)
		b.WriteString(text[last:e.start])
		b.WriteString(stripMarkerChars(e.plain))
		var shown []int // numbers written for this marker, to skip repeats
		for _, r := range e.refs {
			if k := n.number(r); !slices.Contains(shown, k) {
				shown = append(shown, k)
				b.WriteByte('[')
				b.WriteString(strconv.Itoa(k))
				b.WriteByte(']')
			}
		}
		last = e.end
	}
	b.WriteString(text[last:])
	n.trailing(meta, legacyFor)
	return b.String(), n.refs
}
