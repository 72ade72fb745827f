package search

import (
	"runtime"
	"slices"
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

// TestBuilderIndexesShareMeta: the Indexes a Builder hands out take their
// metadata from the Builder's one array, equal to metaOf of each
// conversation, and no shard keeps a second copy.
func TestBuilderIndexesShareMeta(t *testing.T) {
	a := benchArchive(300 << 10)
	b := NewBuilder()
	b.SetShardText(24 << 10)
	var ixs []*Index
	third := len(a.Conversations) / 3
	for i, c := range a.Conversations {
		b.Add(c)
		if i == third || i == 2*third {
			ixs = append(ixs, b.Build())
		}
	}
	ixs = append(ixs, b.Build())
	last := ixs[len(ixs)-1]
	if last.Len() != len(a.Conversations) {
		t.Fatalf("indexed %d of %d", last.Len(), len(a.Conversations))
	}
	for _, ix := range ixs {
		if len(ix.meta) != ix.Len() {
			t.Fatalf("an Index of %d conversations has %d metadata entries", ix.Len(), len(ix.meta))
		}
		for i := range ix.Len() {
			want := metaOf(ix.Conversation(i))
			got := ix.meta[i]
			if got.time != want.time || got.text != want.text || got.flags&^flagCode != want.flags&^flagCode || !slices.Equal(got.models, want.models) {
				t.Fatalf("conversation %d of %d: metadata %+v, want %+v", i, ix.Len(), got, want)
			}
		}
	}
	for _, s := range last.shards {
		if s.meta != nil {
			t.Fatalf("shard at %d keeps its own metadata", s.first)
		}
	}
}
