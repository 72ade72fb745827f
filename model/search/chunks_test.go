package search

import (
	"math/rand/v2"
	"reflect"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/backchat/backchat/internal/testkit/searchcorpus"
)

// TestChunksLikeSlice checks chunks against a plain slice through several
// rounds of reuse: push, pushAll across block boundaries, at, each, exact.
func TestChunksLikeSlice(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var c chunks[int32]
	for round := range 6 {
		var want []int32
		n := []int{0, 1, chunkLen - 1, chunkLen, 3*chunkLen + 17, 5 * chunkLen}[r.IntN(6)]
		if round == 0 {
			n = 5*chunkLen + 3 // the largest first: later rounds reuse its blocks
		}
		for len(want) < n {
			if r.IntN(3) == 0 {
				vs := make([]int32, min(r.IntN(2*chunkLen), n-len(want)))
				for i := range vs {
					vs[i] = r.Int32()
				}
				c.pushAll(vs)
				want = append(want, vs...)
			} else {
				v := r.Int32()
				c.push(v)
				want = append(want, v)
			}
		}
		if c.len() != len(want) {
			t.Fatalf("round %d: len %d, want %d", round, c.len(), len(want))
		}
		for i := range want {
			if *c.at(i) != want[i] {
				t.Fatalf("round %d: at(%d) = %d, want %d", round, i, *c.at(i), want[i])
			}
		}
		var seen []int32
		c.each(func(b []int32) { seen = append(seen, b...) })
		got := c.exact()
		if !slices.Equal(seen, want) || !slices.Equal(got, want) || len(got) != cap(got) {
			t.Fatalf("round %d: each/exact differ from the slice (len %d cap %d, want %d)", round, len(got), cap(got), len(want))
		}
		c.reset(round%2 == 0)
		if c.len() != 0 {
			t.Fatalf("round %d: %d elements after reset", round, c.len())
		}
	}
	if len(c.blocks) > 6 {
		t.Errorf("%d blocks kept: reset should reuse them", len(c.blocks))
	}
}

// TestShardBuilderReuseIdentical builds shards of different sizes (each
// more than a block of postings and records, then a small one) through
// one reused shardBuilder and through a fresh one each: the shards must
// be identical, so scratch carried from shard to shard never leaks into
// the next.
func TestShardBuilderReuseIdentical(t *testing.T) {
	a := searchcorpus.Generate(searchcorpus.Options{TextBytes: 9 << 20, Seed: 5, ConvBytes: 1000, Unicode: true})
	convs := a.Conversations
	cuts := []int{0, len(convs) * 8 / 10, len(convs)*8/10 + 3, len(convs) * 9 / 10, len(convs)}
	reused := newShardBuilder()
	for i := 1; i < len(cuts); i++ {
		part := convs[cuts[i-1]:cuts[i]]
		got := buildShard(reused, int32(cuts[i-1]), part, false)
		want := buildShard(newShardBuilder(), int32(cuts[i-1]), part, false)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("shard %d (%d conversations): built with reused scratch differs from a fresh build", i, len(part))
		}
		if i == 1 && (len(got.recs) <= chunkLen || len(got.words.pairs.bloom) <= chunkLen || len(reused.wb.postings.blocks) < 2) {
			t.Fatalf("shard 1 should span several blocks: %d records, %d filter words, %d blocks of postings",
				len(got.recs), len(got.words.pairs.bloom), len(reused.wb.postings.blocks))
		}
		if cap(got.recs) != len(got.recs) || cap(got.words.pairs.bloom) != len(got.words.pairs.bloom) || cap(got.recStart) != len(got.recStart) {
			t.Errorf("shard %d: arrays not at their exact size", i)
		}
	}
	// The index a Builder makes from such shards answers like before.
	b := NewBuilder()
	b.SetShardText(1 << 20)
	for _, c := range convs {
		b.Add(c)
	}
	ix := b.Build()
	for _, qs := range []string{"the", `"data table"`, "café", "-the", "role:user value"} {
		q, _ := Parse(qs)
		r, err := ix.Search(t.Context(), q, Options{})
		if err != nil {
			t.Fatal(err)
		}
		want := 0
		for _, c := range convs {
			if refMatch(c, q, Options{}) {
				want++
			}
		}
		if r.Total != want {
			t.Errorf("%q: %d results, brute force %d", qs, r.Total, want)
		}
	}
}

// TestBuilderDropsIdleScratch checks that once no shard waits, the
// workers give their scratch back to the GC instead of keeping a shard's
// worth each for as long as the Builder lives (the browser keeps it).
func TestBuilderDropsIdleScratch(t *testing.T) {
	a := searchcorpus.Generate(searchcorpus.Options{TextBytes: 400 << 10, Seed: 2, ConvBytes: 2000})
	b := NewBuilder()
	b.SetShardText(64 << 10)
	for _, c := range a.Conversations {
		b.Add(c)
	}
	if ix := b.Build(); ix.Len() != len(a.Conversations) {
		t.Fatalf("indexed %d of %d", ix.Len(), len(a.Conversations))
	}
	for range cap(b.pool) {
		if sb := <-b.pool; sb != nil {
			t.Fatalf("a worker kept its scratch after the last shard (%d blocks of postings)", len(sb.wb.postings.blocks))
		}
	}
}

// TestBuilderScratchOffHeapGivenBack: a build worker's postings and pair
// filter blocks are mapped outside the heap (Linux) and unmapped when it
// drops its scratch, and a dropped Builder's pooled scratch is unmapped
// by its cleanup.
func TestBuilderScratchOffHeapGivenBack(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the scratch is on the heap here")
	}
	a := searchcorpus.Generate(searchcorpus.Options{TextBytes: 400 << 10, Seed: 2, ConvBytes: 2000})
	settle := func(want int64) int64 {
		for range 200 {
			if offHeapLive.Load() <= want {
				break
			}
			runtime.GC()
			time.Sleep(5 * time.Millisecond)
		}
		return offHeapLive.Load()
	}
	base := settle(0)
	sb := newShardBuilder()
	buildShard(sb, 0, a.Conversations, false)
	mapped := offHeapLive.Load() - base
	if mapped < 2 || len(sb.wb.postings.blocks) == 0 {
		t.Fatalf("%d blocks mapped for a shard's scratch", mapped)
	}
	sb.release()
	if n := offHeapLive.Load() - base; n > mapped/2 {
		t.Fatalf("release left %d of %d mappings", n, mapped)
	}
	// Not released: the cleanup unmaps them once the scratch is collected.
	base = offHeapLive.Load()
	sb = newShardBuilder()
	buildShard(sb, 0, a.Conversations, false)
	if offHeapLive.Load() == base {
		t.Fatal("nothing mapped")
	}
	sb = nil
	if n := settle(base); n > base {
		t.Fatalf("%d mappings left after the scratch was collected", n-base)
	}
}
