package search

import (
	"context"
	"testing"
	"time"

	"github.com/backchat/backchat/internal/testkit/searchcorpus"
)

// TestReadyDoesNotWaitForIndexingBehind holds the shard workers back (their
// pool emptied) and checks that Ready answers at once with the shards
// built so far (none) while Build would wait, that with no shard in flight
// Ready is Build, and that the index answers as one built at once.
func TestReadyDoesNotWaitForIndexingBehind(t *testing.T) {
	a := searchcorpus.Generate(searchcorpus.Options{TextBytes: 100 << 10, Seed: 3, ConvBytes: 2000})
	b := NewBuilder()
	b.shardText = 16 << 10
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
		t.Fatalf("builder finds %d, BuildArchive %d", got.Total, want.Total)
	}
}

// TestHoldKeepsShardsUnbuilt checks that while a builder is held no shard
// is built, and that Ready ends the hold (a search wants the index).
func TestHoldKeepsShardsUnbuilt(t *testing.T) {
	a := searchcorpus.Generate(searchcorpus.Options{TextBytes: 100 << 10, Seed: 4, ConvBytes: 2000})
	b := NewBuilder()
	b.shardText = 16 << 10
	b.Hold(true)
	for _, c := range a.Conversations {
		b.Add(c)
	}
	time.Sleep(50 * time.Millisecond) // time enough for a worker that was not held
	b.mu.Lock()
	built, busy := len(b.shards), b.busy
	b.mu.Unlock()
	if built != 0 || busy == 0 {
		t.Fatalf("held: %d shards built, %d sealed and waiting; want 0 built, some waiting", built, busy)
	}
	b.Ready() // ends the hold
	if ix := b.Build(); ix.Len() != len(a.Conversations) {
		t.Fatalf("after the hold: %d of %d indexed", ix.Len(), len(a.Conversations))
	}
}
