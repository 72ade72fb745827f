package search

import (
	"context"
	"testing"

	"github.com/backchat/backchat/internal/testkit/searchcorpus"
)

// TestReadyDoesNotWaitForIndexingBehind holds the shard workers back (their
// pool emptied) and checks that Ready answers at once with the shards
// built so far (none) while Build would wait, that with no shard in flight
// Ready is Build, and that a yielding builder indexes the same.
func TestReadyDoesNotWaitForIndexingBehind(t *testing.T) {
	a := searchcorpus.Generate(searchcorpus.Options{TextBytes: 100 << 10, Seed: 3, ConvBytes: 2000})
	b := NewBuilder()
	b.shardText = 16 << 10
	b.Yield(true)
	var held []*shardBuilder
	for range cap(b.pool) {
		held = append(held, <-b.pool) // no worker can start
	}
	for _, c := range a.Conversations {
		b.Add(c)
	}
	if ix := b.Ready(); ix.Len() != 0 {
		t.Fatalf("Ready with every shard pending covers %d conversations, want 0", ix.Len())
	}
	for _, sb := range held {
		b.pool <- sb
	}
	b.Yield(false)
	full := b.Build()
	if full.Len() != len(a.Conversations) {
		t.Fatalf("Build covers %d of %d", full.Len(), len(a.Conversations))
	}
	if ix := b.Ready(); ix.Len() != len(a.Conversations) {
		t.Fatalf("Ready with nothing pending covers %d of %d", ix.Len(), len(a.Conversations))
	}
	q, _ := Parse("the")
	got, err := full.Search(context.Background(), q, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want, err := BuildArchive(a).Search(context.Background(), q, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got.Total != want.Total || got.Total == 0 {
		t.Fatalf("yielding builder finds %d, plain one %d", got.Total, want.Total)
	}
}
