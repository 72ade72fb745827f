package render

import (
	"strings"

	"github.com/backchat/backchat/model"
)

// readableMarkers makes a 2023 browsing tool's 【…†…】 markers readable
// (model.ReadableMarkers).
func readableMarkers(text string, refs []model.Reference) string {
	return model.ReadableMarkers(text, refs)
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
		if n := strings.Count("\n"+b.Text, "\n# 【"); n > 1 {
			s += " and " + plural(n-1, "more result")
		}
	}
	return s
}
