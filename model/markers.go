package model

import (
	"strconv"
	"strings"
	"unicode"
)

// 2023 browsing (tether_browsing_display, tether_quote) writes its results
// with markers the web UI turned into links: 【0†Page title†www.example.com】
// for a search result, 【12†Link text】 for a link inside an opened page,
// 【3:0†source】 for a citation. The loader resolves citations in answers;
// whatever marker is left is made readable in every output (the viewer,
// show, export, search snippets):
//
//	【N†title†domain】 → title (domain) [K]   (K: the message's reference with that title, when there is one)
//	【N†label】        → label
//	【N†source】, 【N:M†source】 → removed (a bare citation with nothing to say)

const (
	markOpen  = "【"
	markClose = "】"
	dagger    = "†"
	maxMarker = 400 // bytes; a longer 【…】 is prose
)

// ReadableMarkers rewrites every 【…†…】 marker of text as above. refs are
// the message's references, used to point a search result at its link.
// Text without markers is returned as is.
func ReadableMarkers(text string, refs []Reference) string {
	s, _ := readableMarkers(text, refs, false)
	return s
}

// ReadableMarkersAt is ReadableMarkers (without references) that also
// moves the range text[off:off+n] to the same characters of the result:
// a range in a marker's title, label or domain keeps its characters; one
// elsewhere in a marker covers what the marker became.
func ReadableMarkersAt(text string, off, n int) (string, int, int) {
	s, edits := readableMarkers(text, nil, true)
	if edits == nil {
		return s, off, n
	}
	lo, hi := mapMarked(edits, off, false), mapMarked(edits, off+n, true)
	return s, lo, max(hi-lo, 0)
}

// markEdit is one rewrite: text[from:to] became out[at:at+n]; keep are the
// pieces of text[from:to] kept as they are, at keepAt in out.
type markEdit struct {
	from, to, at, n int
	keep            [][2]int
	keepAt          []int
}

// readableMarkers is ReadableMarkers, recording its edits when asked.
func readableMarkers(text string, refs []Reference, record bool) (string, []markEdit) {
	if !strings.Contains(text, markOpen) {
		return text, nil
	}
	var (
		b     strings.Builder
		edits []markEdit
	)
	pos := 0 // text[:pos] is written
	for {
		i := strings.Index(text[pos:], markOpen)
		if i < 0 {
			break
		}
		i += pos
		j := strings.Index(text[i:], markClose)
		inner := ""
		if j > 0 {
			inner = text[i+len(markOpen) : i+j]
		}
		if j < 0 || j > maxMarker || !strings.Contains(inner, dagger) || strings.Contains(inner, "\n") {
			b.WriteString(text[pos : i+len(markOpen)])
			pos = i + len(markOpen)
			continue
		}
		innerAt := i + len(markOpen)
		repl, keep, keepAt := markerText(inner, innerAt, refs)
		from, lead := i, ""
		if repl == "" {
			for from > pos && text[from-1] == ' ' { // "text 【3†source】." → "text."
				from--
			}
		} else if from == pos && b.Len() > 0 && !strings.HasSuffix(b.String(), " ") && !strings.HasSuffix(b.String(), "\n") {
			lead = " · " // adjacent links of a page: "About · Press"
		}
		b.WriteString(text[pos:from])
		at := b.Len()
		b.WriteString(lead)
		b.WriteString(repl)
		if record {
			for k := range keepAt {
				keepAt[k] += at + len(lead)
			}
			edits = append(edits, markEdit{from: from, to: i + j + len(markClose), at: at, n: len(lead) + len(repl), keep: keep, keepAt: keepAt})
		}
		pos = i + j + len(markClose)
	}
	b.WriteString(text[pos:])
	if record && edits == nil {
		edits = []markEdit{} // markers seen, none rewritten
	}
	return b.String(), edits
}

// mapMarked moves offset o of the original text to the rewritten one
// (edits in order). An offset inside an edit but outside what it kept
// goes to the edit's start, or its end when end is set.
func mapMarked(edits []markEdit, o int, end bool) int {
	shift := 0
	for _, e := range edits {
		if o < e.from {
			break
		}
		if o < e.to || (end && o == e.to && o > e.from) {
			for k, r := range e.keep {
				if o >= r[0] && (o < r[1] || (end && o == r[1])) {
					return e.keepAt[k] + o - r[0]
				}
			}
			if end {
				return e.at + e.n
			}
			return e.at
		}
		shift = e.at + e.n - e.to
	}
	return o + shift
}

// markerText is the readable form of a marker's inside ("0†title†domain",
// at offset innerAt of the text), with the pieces of it kept as they are
// (offsets in the text) and where they are in the form.
func markerText(inner string, innerAt int, refs []Reference) (string, [][2]int, []int) {
	type part struct {
		s  string
		at int
	}
	var parts []part
	for at := 0; ; {
		k := strings.Index(inner[at:], dagger)
		seg := inner[at:]
		if k >= 0 {
			seg = inner[at : at+k]
		}
		trimmed := strings.TrimLeftFunc(seg, unicode.IsSpace)
		lead := len(seg) - len(trimmed)
		parts = append(parts, part{strings.TrimRightFunc(trimmed, unicode.IsSpace), innerAt + at + lead})
		if k < 0 {
			break
		}
		at += k + len(dagger)
	}
	span := func(p part) [2]int { return [2]int{p.at, p.at + len(p.s)} }
	label := parts[1]
	if len(parts) >= 3 && parts[2].s != "" {
		title, domain := label, parts[2]
		var (
			s      string
			keep   [][2]int
			keepAt []int
		)
		if title.s != "" {
			s, keep, keepAt = title.s, [][2]int{span(title)}, []int{0}
			if !strings.Contains(title.s, domain.s) {
				keep, keepAt = append(keep, span(domain)), append(keepAt, len(s)+2)
				s += " (" + domain.s + ")"
			}
		} else {
			s, keep, keepAt = domain.s, [][2]int{span(domain)}, []int{0}
		}
		for _, ref := range refs {
			if ref.Title != "" && ref.Title == title.s && ref.URL != "" {
				s += " [" + strconv.Itoa(ref.N) + "]"
				break
			}
		}
		return s, keep, keepAt
	}
	if label.s == "source" || label.s == "" {
		return "", nil, nil
	}
	return label.s, [][2]int{span(label)}, []int{0}
}
