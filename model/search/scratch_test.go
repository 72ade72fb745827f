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
	ix := &Index{pool: &scratchPool{}}
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
	if len(ix.pool.spare) != 0 {
		t.Fatal("a scratch bigger than maxSpareMatches was kept as a spare")
	}
	for range maxSpare + 3 {
		ix.putScratch(&searchScratch{})
	}
	if len(ix.pool.spare) != maxSpare {
		t.Fatalf("%d spares kept, want %d", len(ix.pool.spare), maxSpare)
	}
}

// TestScratchSharedByBuilderIndexes: the partial Indexes a Builder hands
// out while it indexes (one per search) reuse one another's scratch.
func TestScratchSharedByBuilderIndexes(t *testing.T) {
	a := benchArchive(200 << 10)
	b := NewBuilder()
	b.SetShardText(32 << 10)
	half := len(a.Conversations) / 2
	for _, c := range a.Conversations[:half] {
		b.Add(c)
	}
	ix1 := b.Build()
	for _, c := range a.Conversations[half:] {
		b.Add(c)
	}
	ix2 := b.Build()
	if ix1 == ix2 || ix1.Len() == ix2.Len() {
		t.Fatal("want two Indexes of different sizes")
	}
	sc := ix1.getScratch()
	sc.local = make([]match, 0, 100)
	ix1.putScratch(sc)
	if got := ix2.getScratch(); got != sc {
		t.Fatal("the next Index of the same Builder did not reuse the last one's scratch")
	}
}
