package search

import (
	"runtime"
	"testing"
)

// TestScratchSurvivesCollections: a search worker's scratch of ordinary
// size is reused after garbage collections (the pool alone is emptied by
// them); one too big for the spares still goes to the pool, and the
// spares are bounded.
func TestScratchSurvivesCollections(t *testing.T) {
	ix := &Index{}
	sc := ix.getScratch()
	sc.local = make([]match, 0, 1000)
	ix.putScratch(sc)
	runtime.GC()
	runtime.GC()
	if got := ix.getScratch(); got != sc {
		t.Fatal("the scratch was not reused after two collections")
	}
	big := &searchScratch{local: make([]match, 0, maxSpareMatches+1)}
	ix.putScratch(big)
	if len(ix.spare) != 0 {
		t.Fatal("a scratch bigger than maxSpareMatches was kept as a spare")
	}
	for range maxSpare + 3 {
		ix.putScratch(&searchScratch{})
	}
	if len(ix.spare) != maxSpare {
		t.Fatalf("%d spares kept, want %d", len(ix.spare), maxSpare)
	}
}
