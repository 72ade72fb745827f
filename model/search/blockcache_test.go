package search

import (
	"context"
	"math/rand/v2"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/backchat/backchat/internal/testkit/searchcorpus"
	"github.com/backchat/backchat/model"
)

// settleBlocks waits until no shard of ix builds block filters.
func (ix *Index) settleBlocks() {
	for _, s := range ix.shards {
		for {
			s.blocks.mu.Lock()
			busy := s.blocks.busy
			s.blocks.mu.Unlock()
			if !busy {
				break
			}
			runtime.Gosched()
		}
	}
}

// blocksBuilt is the number of fields of ix with block filters built.
func (ix *Index) blocksBuilt() int {
	n := 0
	for _, s := range ix.shards {
		if m := s.blocks.built.Load(); m != nil {
			n += len(*m)
		}
	}
	return n
}

// TestBlockFiltersOnDemand: in long fields, a search before their block
// filters are built (a whole scan) and after (blocks skipped) gives the
// same answer, hits included, and both match the brute-force reference.
func TestBlockFiltersOnDemand(t *testing.T) {
	a := searchcorpus.Generate(searchcorpus.Options{TextBytes: 1 << 20, Seed: 11, Unicode: true, ConvBytes: 6000})
	addLongWords(a)
	// Generated messages are under 2 KB: in every other conversation, one
	// message's text becomes the whole conversation's.
	for i, c := range a.Conversations {
		if i%2 == 1 {
			continue
		}
		var all []string
		var into *model.Block
		for k := range c.Nodes {
			if m := c.Nodes[k].Msg; m != nil {
				for j := range m.Blocks {
					if m.Blocks[j].Text != "" {
						all = append(all, m.Blocks[j].Text)
						into = &m.Blocks[j]
					}
				}
			}
		}
		if into != nil {
			into.Text = strings.Join(all, "\n")
		}
	}
	ix := buildSmallShards(a)
	long := 0
	for _, s := range ix.shards {
		for i := range s.recs {
			if blockCount(int(s.recs[i].n)) > 0 {
				long++
			}
		}
	}
	if long < 20 {
		t.Fatalf("only %d fields have block filters; the test is too weak", long)
	}
	r := rand.New(rand.NewPCG(11, 3))
	ctx := context.Background()
	nonEmpty := 0
	for range 100 {
		qs := randomQuery(r, a)
		if r.IntN(3) == 0 { // phrases verify long fields
			qs = `"` + randomPiece(r, a) + " " + randomPiece(r, a) + `"`
		}
		q, err := Parse(qs)
		if err != nil {
			t.Fatalf("Parse(%q): %v", qs, err)
		}
		opt := Options{IncludeHidden: r.IntN(2) == 0, Exhaustive: r.IntN(2) == 0}
		run := func() (Results, [][]Hit) {
			res, err := ix.Search(ctx, q, opt)
			if err != nil {
				t.Fatalf("Search(%q): %v", qs, err)
			}
			var hits [][]Hit
			for _, x := range res.Results[:min(len(res.Results), 10)] {
				h, err := ix.Hits(ctx, x.Index, q, opt)
				if err != nil {
					t.Fatalf("Hits(%q): %v", qs, err)
				}
				hits = append(hits, h)
			}
			return res, hits
		}
		before, hb := run()
		ix.settleBlocks()
		after, ha := run()
		if !reflect.DeepEqual(before, after) || !reflect.DeepEqual(hb, ha) {
			t.Fatalf("%q: the answer changed once block filters were built", qs)
		}
		var want, got []string
		for _, c := range a.Conversations {
			if refMatch(c, q, opt) {
				want = append(want, c.ID)
			}
		}
		for _, x := range after.Results {
			got = append(got, x.Conv.ID)
		}
		slices.Sort(got)
		if !after.Partial && !slices.Equal(got, want) {
			t.Errorf("%q: got %d conversations, want %d", qs, len(got), len(want))
		}
		if len(want) > 0 {
			nonEmpty++
		}
		checkHits(t, qs, q, after)
	}
	if nonEmpty < 30 {
		t.Errorf("only %d of 100 queries matched anything; the test is too weak", nonEmpty)
	}
	if n := ix.blocksBuilt(); n == 0 {
		t.Error("no block filters were built: the filtered path went untested")
	} else {
		t.Logf("%d of %d long fields got block filters", n, long)
	}
}
