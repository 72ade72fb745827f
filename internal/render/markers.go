package render

import (
	"strconv"
	"strings"

	"github.com/backchat/backchat/model"
)

// 2023 browsing (tether_browsing_display, tether_quote) writes its results
// with markers the web UI turned into links: 【0†Page title†www.example.com】
// for a search result, 【12†Link text】 for a link inside an opened page,
// 【3:0†source】 for a citation. The loader resolves citations in answers;
// whatever marker is left is made readable here, in every output:
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

// readableMarkers rewrites every 【…†…】 marker of text as above. refs are
// the message's references, used to point a search result at its link.
// Text without markers is returned as is.
func readableMarkers(text string, refs []model.Reference) string {
	if !strings.Contains(text, markOpen) {
		return text
	}
	var b strings.Builder
	rest := text
	for {
		i := strings.Index(rest, markOpen)
		if i < 0 {
			break
		}
		j := strings.Index(rest[i:], markClose)
		inner := ""
		if j > 0 {
			inner = rest[i+len(markOpen) : i+j]
		}
		if j < 0 || j > maxMarker || !strings.Contains(inner, dagger) || strings.Contains(inner, "\n") {
			b.WriteString(rest[:i+len(markOpen)])
			rest = rest[i+len(markOpen):]
			continue
		}
		before := rest[:i]
		repl := markerText(inner, refs)
		if repl == "" {
			before = strings.TrimRight(before, " ") // "text 【3†source】." → "text."
		} else if before == "" && b.Len() > 0 && !strings.HasSuffix(b.String(), " ") && !strings.HasSuffix(b.String(), "\n") {
			before = " · " // adjacent links of a page: "About · Press"
		}
		b.WriteString(before)
		b.WriteString(repl)
		rest = rest[i+j+len(markClose):]
	}
	b.WriteString(rest)
	return b.String()
}

// markerText is the readable form of a marker's inside ("0†title†domain").
func markerText(inner string, refs []model.Reference) string {
	parts := strings.Split(inner, dagger)
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	label := parts[1]
	if len(parts) >= 3 && parts[2] != "" {
		title, domain := label, parts[2]
		s := orDefault(title, domain)
		if title != "" && domain != "" && !strings.Contains(title, domain) {
			s += " (" + domain + ")"
		}
		for _, ref := range refs {
			if ref.Title != "" && ref.Title == title && ref.URL != "" {
				s += " [" + strconv.Itoa(ref.N) + "]"
				break
			}
		}
		return s
	}
	if label == "source" || label == "" {
		return ""
	}
	return label
}

// browsingSummary is the one-line summary of a 2023 browsing result: its
// first result's title and domain, and how many others it lists.
func browsingSummary(b *model.Block) string {
	first := firstLine(readableMarkers(strings.TrimPrefix(strings.TrimSpace(orDefault(b.Summary(), b.Text)), "# "), nil))
	if strings.HasPrefix(first, "(") && b.Title() != "" {
		// An opened page's summary is only "(domain)"; its title is in the
		// message's metadata.
		first = firstLine(b.Title()) + " " + first
	}
	s := "Browsed"
	if first != "" {
		s += ": " + first
	}
	if b.Summary() == "" {
		if n := strings.Count("\n"+b.Text, "\n# "+markOpen); n > 1 {
			s += " and " + plural(n-1, "more result")
		}
	}
	return s
}
