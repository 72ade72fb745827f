package main

import (
	"strings"
	"testing"

	"github.com/backchat/backchat/internal/library"
)

// TestChangesTextAlignsIDs: an import's list of changed conversations
// pads ids shorter than 8 characters, so the titles line up.
func TestChangesTextAlignsIDs(t *testing.T) {
	rep := &library.Report{Changes: library.Changes{
		New:     []library.Entry{{ID: "966da5c4-aaaa", Title: "Average"}, {ID: "fixture", Title: "Fixture"}},
		Updated: []library.Entry{{ID: "c1", Title: "Short"}},
	}}
	got := changesText(rep)
	want := "  + 966da5c4  Average\n  + fixture   Fixture\n  ~ c1        Short\n"
	if !strings.HasSuffix(got, want) {
		t.Fatalf("changes:\n%s\nwant the list:\n%s", got, want)
	}
}
