package search

import (
	"context"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/backchat/backchat/internal/testkit/searchcorpus"
)

func TestNarrowsCases(t *testing.T) {
	cases := []struct {
		prev, next string
		want       bool
	}{
		{"kube", "kuber", true},
		{"kube", "Kubé", true},
		{"kube", "kubernetes cluster", true},
		{"kube", `"kubernetes cluster"`, true},
		{"kuber", "kube", false},
		{"data", "data base", true},
		{"data base", "database", true}, // both terms inside one
		{"data", "title:data", false},   // conservative: kinds differ
		{"title:dat", "title:data", true},
		{"garlic", "garlic -onion", true},
		{"garlic -o", "garlic -on", false},
		{"garlic -onion", "garlic", false},
		{"garlic -onion", "garlic -onion -leek", true},
		{"garlic", "garlic role:user", false},
		{"garlic role:user", "garlic role:user x", true},
		{"garlic", "garlic model:gpt", true},
		{"garlic model:gpt", "garlic model:gpt-4o", true},
		{"garlic model:gpt-4o", "garlic model:gpt", false},
		{"x -model:gpt-4o", "x -model:gpt", true},
		{"x -model:gpt", "x -model:gpt-4o", false},
		{"x after:2024", "x after:2025-03", true},
		{"x after:2025", "x after:2024", false},
		{"x before:2025", "x before:2024-06", true},
		{"x before:2024", "x before:2025", false},
		{"x -after:2025", "x -after:2024", true},
		{"x -before:2024", "x -before:2025", true},
		{"x is:archived", "x is:archived y", true},
		{"x is:archived", "x is:starred", false},
		{"x is:archived", "x -is:archived", false},
		{"", "anything", true},
	}
	for _, c := range cases {
		p, err := Parse(c.prev)
		if err != nil {
			t.Fatal(err)
		}
		n, err := Parse(c.next)
		if err != nil {
			t.Fatal(err)
		}
		if got := Narrows(p, n); got != c.want {
			t.Errorf("Narrows(%q, %q) = %v, want %v", c.prev, c.next, got, c.want)
		}
	}
}

// extend types on from a query the way a user does: more letters, another
// word, an exclusion or a filter (mostly narrowing, sometimes not).
func extend(r *rand.Rand, prev, piece string) string {
	filters := []string{"role:user", "-role:system", "model:gpt-4o", "model:o", "after:2024", "before:2025-06",
		"is:archived", "-is:starred", "-is:deleted", "has:code", "-has:branch", "service:chat"}
	if i := strings.Index(prev, `-"`); i >= 0 && r.IntN(3) == 0 {
		j := i + 2 + strings.IndexByte(prev[i+2:], '"')
		if r.IntN(2) == 0 { // the exclusion dropped
			return prev[:i] + prev[j+1:]
		}
		return prev[:j] + "e" + prev[j:] // the exclusion made longer: it excludes less
	}
	if !strings.ContainsAny(prev, " \"") && r.IntN(3) == 0 {
		// Letters typed before the word ("ata" → "data"): matches of
		// next may start before the first match of prev.
		return piece[:len(piece)/2] + prev
	}
	switch r.IntN(6) {
	case 0, 1: // more letters on the last word
		if w := strings.Fields(piece); len(w) > 0 && !strings.Contains(w[0], ":") && w[0][0] != '-' {
			return prev + w[0]
		}
		return prev + "e"
	case 2:
		return prev + ` "` + piece + `"`
	case 3:
		return prev + ` -"` + piece + `"`
	case 4:
		return prev + " " + filters[r.IntN(len(filters))]
	}
	return piece // unrelated
}

// TestNarrowedSearchEqualsFull: whenever Narrows(prev, next) holds,
// searching next within prev's results gives exactly the whole search for
// next (same conversations, order, scores and hits).
func TestNarrowedSearchEqualsFull(t *testing.T) {
	ctx := context.Background()
	narrowed := 0
	for seed := range uint64(2) {
		a := searchcorpus.Generate(searchcorpus.Options{TextBytes: 150 << 10, Seed: seed, Unicode: true, ConvBytes: 1500})
		for i, c := range a.Conversations {
			c.Sources, c.InNewest = []string{"old.zip", "new.zip"}, true
			if i%7 == 3 {
				c.Sources, c.InNewest = []string{"old.zip"}, false
			}
		}
		ix := buildSmallShards(a)
		r := rand.New(rand.NewPCG(seed, 11))
		for range 300 {
			ps := randomQuery(r, a)
			ns := extend(r, ps, randomPiece(r, a))
			if w := strings.Fields(randomPiece(r, a)); r.IntN(4) == 0 && len(w) > 0 && len(w[0]) > 4 && !strings.ContainsAny(w[0], ":\"-") {
				// Letters typed before a word: the first match of next
				// starts before the first match of prev.
				k := 1 + r.IntN(2)
				for k < len(w[0]) && !utf8.RuneStart(w[0][k]) {
					k++
				}
				if k < len(w[0]) {
					ps, ns = w[0][k:], w[0]
				}
			}
			pq, err := Parse(ps)
			if err != nil {
				t.Fatal(err)
			}
			nq, err := Parse(ns)
			if err != nil {
				continue // e.g. letters appended to a filter value
			}
			opt := Options{IncludeHidden: r.IntN(2) == 0, Brief: r.IntN(2) == 0}
			prev, err := ix.Search(ctx, pq, opt)
			if err != nil {
				t.Fatal(err)
			}
			full, err := ix.Search(ctx, nq, opt)
			if err != nil {
				t.Fatal(err)
			}
			if !Narrows(pq, nq) {
				continue
			}
			narrowed++
			wopt := opt
			wopt.Within = []int{}
			inPrev := map[int]bool{}
			for _, x := range prev.Results {
				wopt.Within = append(wopt.Within, x.Index)
				inPrev[x.Index] = true
			}
			got, err := ix.Search(ctx, nq, wopt)
			if err != nil {
				t.Fatal(err)
			}
			for _, x := range full.Results {
				if !inPrev[x.Index] {
					t.Errorf("Narrows(%q, %q) but %s matches next and not prev", ps, ns, x.Conv.ID)
				}
			}
			if got.Total != full.Total || got.TotalHits != full.TotalHits || len(got.Results) != len(full.Results) {
				t.Errorf("%q within %q: total %d hits %d n %d, whole search total %d hits %d n %d", ns, ps,
					got.Total, got.TotalHits, len(got.Results), full.Total, full.TotalHits, len(full.Results))
				continue
			}
			for i := range full.Results {
				x, y := full.Results[i], got.Results[i]
				if x.Conv != y.Conv || x.Score != y.Score || x.Best != y.Best || x.Excerpt != y.Excerpt ||
					x.HitCount != y.HitCount || len(x.Hits) != len(y.Hits) || x.Snippet != y.Snippet {
					t.Errorf("%q within %q: rank %d is %s (%.3f), whole search %s (%.3f)", ns, ps, i, y.Conv.ID, y.Score, x.Conv.ID, x.Score)
				}
			}
		}
	}
	if narrowed < 150 {
		t.Errorf("only %d pairs narrowed; the test is too weak", narrowed)
	}
}

func TestWithinIgnoresStrangers(t *testing.T) {
	a := searchcorpus.Generate(searchcorpus.Options{TextBytes: 40 << 10, Seed: 3, ConvBytes: 1500})
	ix := buildSmallShards(a)
	q, _ := Parse("")
	res, err := ix.Search(context.Background(), q, Options{Within: []int{-1, 2, 2, ix.Len(), 0}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 2 || len(res.Results) != 2 {
		t.Fatalf("got %d results (total %d), want conversations 0 and 2", len(res.Results), res.Total)
	}
	none, err := ix.Search(context.Background(), q, Options{Within: []int{}})
	if err != nil || none.Total != 0 {
		t.Fatalf("empty Within: %d results, %v", none.Total, err)
	}
}
