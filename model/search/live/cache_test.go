package live

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/backchat/backchat/internal/testkit/searchcorpus"
	"github.com/backchat/backchat/model"
	"github.com/backchat/backchat/model/search"
)

// waitFor polls cond for up to 10 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// waiters is how many are waiting for the flight of k (0: none).
func (c *answerCache) waiters(k cacheKey) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if f, ok := c.flights[k]; ok {
		return f.waiters
	}
	return 0
}

// TestConcurrentSameQuerySearchesOnce: 50 sessions asking the same
// question at once share one search, and all get its answer; asked again
// it comes from the cache.
func TestConcurrentSameQuerySearchesOnce(t *testing.T) {
	c := newAnswerCache(1 << 20)
	k := cacheKey{query: "kyoto"}
	release := make(chan struct{})
	var runs atomic.Int32
	run := func(ctx context.Context) (Results, error) {
		runs.Add(1)
		<-release
		return Results{Query: "kyoto", Convs: []int{3, 1, 2}}, nil
	}
	const n = 50
	got := make([]Results, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { got[i], errs[i] = c.do(context.Background(), k, run) })
	}
	waitFor(t, "every session to wait", func() bool { return c.waiters(k) == n })
	close(release)
	wg.Wait()
	if r := runs.Load(); r != 1 {
		t.Fatalf("%d searches for %d identical concurrent queries, want 1", r, n)
	}
	for i := range n {
		if errs[i] != nil || !slices.Equal(got[i].Convs, []int{3, 1, 2}) {
			t.Fatalf("session %d: %v %v", i, got[i].Convs, errs[i])
		}
	}
	if r, err := c.do(context.Background(), k, run); err != nil || !slices.Equal(r.Convs, []int{3, 1, 2}) || runs.Load() != 1 {
		t.Fatalf("asked again: %v %v, %d searches", r.Convs, err, runs.Load())
	}
}

// TestFlightOutlivesOneWaiter: a session that gives up (typed on) does
// not stop a search another session waits for; once every waiter gave up
// the search is cancelled, nothing is cached, and the next ask searches
// afresh.
func TestFlightOutlivesOneWaiter(t *testing.T) {
	c := newAnswerCache(1 << 20)
	k := cacheKey{query: "budget"}
	release := make(chan struct{})
	var cancelled atomic.Int32
	var runs atomic.Int32
	run := func(ctx context.Context) (Results, error) {
		runs.Add(1)
		select {
		case <-release:
			return Results{Query: "budget", Convs: []int{7}}, nil
		case <-ctx.Done():
			cancelled.Add(1)
			return Results{}, ctx.Err()
		}
	}
	ctxA, cancelA := context.WithCancel(context.Background())
	errA := make(chan error, 1)
	go func() { _, err := c.do(ctxA, k, run); errA <- err }()
	waitFor(t, "A to wait", func() bool { return c.waiters(k) == 1 })
	resB := make(chan Results, 1)
	go func() { r, _ := c.do(context.Background(), k, run); resB <- r }()
	waitFor(t, "B to wait", func() bool { return c.waiters(k) == 2 })
	cancelA()
	if err := <-errA; !errors.Is(err, context.Canceled) {
		t.Fatalf("A: %v, want context.Canceled", err)
	}
	if cancelled.Load() != 0 {
		t.Fatal("the search stopped while B still waited for it")
	}
	close(release)
	if r := <-resB; !slices.Equal(r.Convs, []int{7}) {
		t.Fatalf("B got %v", r.Convs)
	}

	// Everyone gives up: the search stops and its error is not cached.
	k2 := cacheKey{query: "pasta"}
	block := func(ctx context.Context) (Results, error) {
		runs.Add(1)
		<-ctx.Done()
		cancelled.Add(1)
		return Results{}, ctx.Err()
	}
	ctxC, cancelC := context.WithCancel(context.Background())
	errC := make(chan error, 1)
	go func() { _, err := c.do(ctxC, k2, block); errC <- err }()
	waitFor(t, "C to wait", func() bool { return c.waiters(k2) == 1 })
	cancelC()
	<-errC
	waitFor(t, "the abandoned search to stop", func() bool { return cancelled.Load() == 1 })
	before := runs.Load()
	r, err := c.do(context.Background(), k2, func(context.Context) (Results, error) {
		runs.Add(1)
		return Results{Query: "pasta", Convs: []int{9}}, nil
	})
	if err != nil || !slices.Equal(r.Convs, []int{9}) || runs.Load() != before+1 {
		t.Fatalf("after the abandoned search: %v %v (%d searches, want %d)", r.Convs, err, runs.Load(), before+1)
	}
}

// TestAnswerCacheBounded: the cache stays within its budget, evicting the
// least recently used answers, and forgets answers over an older index.
func TestAnswerCacheBounded(t *testing.T) {
	const budget = 1 << 20
	c := newAnswerCache(budget)
	ix1, ix2 := &search.Index{}, &search.Index{}
	convs := make([]int, 200)
	for i := range 400 {
		c.mu.Lock()
		c.put(cacheKey{ix: ix1, query: fmt.Sprint("q", i)}, Results{Convs: convs})
		c.mu.Unlock()
		if i > 0 { // keep q0 in use
			if _, err := c.do(context.Background(), cacheKey{ix: ix1, query: "q0"}, func(context.Context) (Results, error) {
				return Results{}, errors.New("q0 was evicted")
			}); err != nil {
				t.Fatal(err)
			}
		}
		if size, _, _ := c.stats(); size > budget {
			t.Fatalf("cache at %d bytes, budget %d", size, budget)
		}
	}
	_, answers, _ := c.stats()
	if answers < 10 {
		t.Fatalf("only %d answers kept", answers)
	}
	c.mu.Lock()
	_, old := c.items[cacheKey{ix: ix1, query: "q6"}]
	_, recent := c.items[cacheKey{ix: ix1, query: "q399"}]
	_, used := c.items[cacheKey{ix: ix1, query: "q0"}]
	c.mu.Unlock()
	if old || !recent || !used {
		t.Fatalf("eviction kept an old answer (%v) or dropped the newest (%v); q0 kept %v", old, !recent, used)
	}
	c.mu.Lock()
	c.put(cacheKey{ix: ix2, query: "q"}, Results{})
	c.mu.Unlock()
	if _, answers, _ := c.stats(); answers != 1 {
		t.Fatalf("%d answers after the index changed, want 1", answers)
	}
}

// uncached runs a search as the Searcher did before it had a cache.
func uncached(t *testing.T, s *Searcher, convs []*model.Conversation, query string, opt Options) Results {
	t.Helper()
	q, err := search.Parse(query)
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.run(context.Background(), s.snapshot(false), convs, nil, q, query, opt)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// sameAnswer fails unless a and b list the same results with the same
// excerpts.
func sameAnswer(t *testing.T, what string, a, b Results) {
	t.Helper()
	if !slices.Equal(a.Convs, b.Convs) || a.Partial != b.Partial || a.Query != b.Query || !slices.Equal(a.Terms, b.Terms) {
		t.Fatalf("%s: %d results %v partial %v, want %d %v %v", what, len(a.Convs), a.Convs[:min(5, len(a.Convs))], a.Partial,
			len(b.Convs), b.Convs[:min(5, len(b.Convs))], b.Partial)
	}
	for k := range a.Convs {
		e1, ok1 := a.Excerpt(k)
		e2, ok2 := b.Excerpt(k)
		if ok1 != ok2 || e1.Off != e2.Off || e1.Len != e2.Len || e1.Node() != e2.Node() || e1.Text() != e2.Text() {
			t.Fatalf("%s: excerpt %d differs", what, k)
		}
	}
}

// TestSharedAnswersEqualUncached: many sessions typing queries letter by
// letter at once over one Searcher (some the same, some different, some
// searched within their last answer) get exactly the answers of uncached
// searches. Run with -race: the answers, their excerpts and the cache are
// shared between the sessions.
func TestSharedAnswersEqualUncached(t *testing.T) {
	a := searchcorpus.Generate(searchcorpus.Options{TextBytes: 200 << 10, Seed: 7, ConvBytes: 1500})
	s := NewArchive(a)
	convs := newestFirst(a.Conversations)
	words := []string{"data", "model", "the data", `"the data"`, "data -x", "role:user the", "d"}
	want := map[string]Results{}
	for _, w := range words {
		for i := 1; i <= len(w); i++ {
			q := w[:i]
			if _, ok := want[q]; ok {
				continue
			}
			if _, err := search.Parse(q); err != nil {
				continue
			}
			want[q] = uncached(t, s, convs, q, Options{})
		}
	}
	if len(want["data"].Convs) == 0 || len(want["the data"].Convs) == 0 {
		t.Fatal("the test is too weak: data matched nothing")
	}
	var wg sync.WaitGroup
	fail := make(chan string, 64)
	for i := range 24 {
		wg.Go(func() {
			q := NewSession(s)
			w := words[i%len(words)]
			for j := 1; j <= len(w); j++ {
				ans := q.Start(convs, w[:j], Options{})()
				r, _, err := q.Apply(ans, convs)
				if _, perr := search.Parse(w[:j]); perr != nil {
					continue
				}
				if err != nil || r == nil {
					fail <- fmt.Sprintf("%q: %v", w[:j], err)
					return
				}
				exp := want[w[:j]]
				if !slices.Equal(r.Convs, exp.Convs) || r.Partial != exp.Partial {
					fail <- fmt.Sprintf("session %d, %q: %d results, want %d", i, w[:j], len(r.Convs), len(exp.Convs))
					return
				}
				for k := range min(len(r.Convs), 80) { // rows drawn, some located by another session
					e1, ok1 := r.Excerpt(k)
					e2, ok2 := exp.Excerpt(k)
					if ok1 != ok2 || e1.Off != e2.Off || e1.Node() != e2.Node() {
						fail <- fmt.Sprintf("session %d, %q: excerpt %d differs", i, w[:j], k)
						return
					}
				}
			}
		})
	}
	wg.Wait()
	close(fail)
	for f := range fail {
		t.Error(f)
	}
	_, _, searches := s.answers.stats()
	if searches > len(want) {
		t.Errorf("%d searches for %d distinct queries", searches, len(want))
	}
	// Asked again, from the cache: the same.
	for q, exp := range want {
		got, err := s.Search(context.Background(), convs, q, Options{})
		if err != nil {
			t.Fatal(err)
		}
		sameAnswer(t, q, got, exp)
	}
	if _, _, n := s.answers.stats(); n != searches {
		t.Errorf("asking again searched %d more times", n-searches)
	}
	// Other options, another list: other answers.
	hidden, _ := s.Search(context.Background(), convs, "data", Options{IncludeHidden: true})
	sameAnswer(t, "hidden", hidden, uncached(t, s, convs, "data", Options{IncludeHidden: true}))
	short := convs[:len(convs)/2]
	half, _ := s.Search(context.Background(), short, "data", Options{})
	sameAnswer(t, "half the list", half, uncached(t, s, short, "data", Options{}))
}

// TestSetCacheBytesEvicts: a smaller bound evicts down to it at once.
func TestSetCacheBytesEvicts(t *testing.T) {
	s := New()
	c := s.answers
	convs := make([]int, 1000)
	for i := range 20 {
		c.mu.Lock()
		c.put(cacheKey{query: fmt.Sprint("q", i)}, Results{Convs: convs})
		c.mu.Unlock()
	}
	before, n, _ := c.stats()
	s.SetCacheBytes(before / 2)
	after, m, _ := c.stats()
	if after > before/2 || m >= n || m == 0 {
		t.Fatalf("%d bytes in %d answers, then %d in %d; bound %d", before, n, after, m, before/2)
	}
}
