package live

import (
	"context"
	"sync"

	"github.com/backchat/backchat/internal/lru"
	"github.com/backchat/backchat/model/search"
)

// maxCacheBytes bounds a Searcher's answer cache (answerCache): the
// answers' position lists and the excerpts they located. `backchat serve`
// shares one Searcher between every session over an archive, so this is
// paid once per server, not per session.
const maxCacheBytes = 16 << 20

// cacheKey identifies an answer: the same query, with the same options,
// over the same list and the same index snapshot always gets the same
// answer, however it was searched (whole, or within an earlier answer it
// narrows: TestNarrowedEqualsFull).
type cacheKey struct {
	ix    *search.Index
	list  listKey
	query string
	opt   Options
}

// answerCache is a Searcher's shared memory of answers: a bounded LRU of
// finished answers by cacheKey, and the searches running now (flights), so
// that sessions typing the same query get one search between them
// (singleflight) and a query typed again is answered without searching.
//
// A flight runs on its own goroutine with its own context, cancelled only
// when every session waiting for it has given up (each waits on its own
// context: a session typing on cancels its wait, and the search stops
// once nobody wants it). Answers are shared: their slices must never be
// written to (Results' methods only read them; remap makes new ones).
//
// Safe for concurrent use.
type answerCache struct {
	mu      sync.Mutex
	max     int64
	size    int64
	tick    uint64
	ix      *search.Index // the snapshot the cached answers are over
	items   map[cacheKey]*cachedAnswer
	flights map[cacheKey]*flight
	// searches counts searches actually run (tests).
	searches int
}

// cachedAnswer is one finished answer and when it was last used.
type cachedAnswer struct {
	res  Results
	size int64
	used uint64
}

// flight is a search running for one or more waiters.
type flight struct {
	done    chan struct{}
	res     Results
	err     error
	waiters int // guarded by answerCache.mu
	cancel  context.CancelFunc
}

func newAnswerCache(maxBytes int64) *answerCache {
	return &answerCache{max: maxBytes, items: map[cacheKey]*cachedAnswer{}, flights: map[cacheKey]*flight{}}
}

// setMax sets the cache's bound, evicting down to it.
func (c *answerCache) setMax(n int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.max = n
	if c.size > c.max {
		c.evict(c.max)
	}
}

// do returns the answer for k: the cached one, the one a running search
// for k gives, or run's (started on a goroutine of its own). It returns
// ctx.Err() as soon as ctx is done; the search goes on while another
// waiter wants it. Errors are not cached.
func (c *answerCache) do(ctx context.Context, k cacheKey, run func(context.Context) (Results, error)) (Results, error) {
	if err := ctx.Err(); err != nil {
		return Results{}, err
	}
	c.mu.Lock()
	if e, ok := c.items[k]; ok {
		c.tick++
		e.used = c.tick
		c.mu.Unlock()
		return e.res, nil
	}
	f, ok := c.flights[k]
	if !ok {
		fctx, cancel := context.WithCancel(context.Background())
		f = &flight{done: make(chan struct{}), cancel: cancel}
		c.flights[k] = f
		c.searches++
		go c.fly(fctx, k, f, run)
	}
	f.waiters++
	c.mu.Unlock()
	select {
	case <-f.done:
		return f.res, f.err
	case <-ctx.Done():
		c.mu.Lock()
		select {
		case <-f.done: // finished meanwhile: the waiter count no longer matters
		default:
			if f.waiters--; f.waiters == 0 {
				// Nobody wants it any more: stop it, and let the next
				// search for k start afresh rather than join a dying one.
				f.cancel()
				if c.flights[k] == f {
					delete(c.flights, k)
				}
			}
		}
		c.mu.Unlock()
		return Results{}, ctx.Err()
	}
}

// fly runs f's search and publishes its answer: cached when it succeeded.
func (c *answerCache) fly(ctx context.Context, k cacheKey, f *flight, run func(context.Context) (Results, error)) {
	res, err := run(ctx)
	f.cancel()
	c.mu.Lock()
	f.res, f.err = res, err
	if c.flights[k] == f {
		delete(c.flights, k)
	}
	if err == nil {
		c.put(k, res)
	}
	c.mu.Unlock()
	close(f.done)
}

// put caches res under k, forgetting answers over an older index snapshot
// first (the archive grew: they will not be asked for again), then evicts
// the least recently used answers down to three quarters of the budget
// when it is over. The caller holds c.mu.
func (c *answerCache) put(k cacheKey, res Results) {
	if k.ix != c.ix {
		clear(c.items)
		c.size, c.ix = 0, k.ix
	}
	if _, dup := c.items[k]; dup {
		return
	}
	size := answerBytes(&res)
	if size > c.max/4 {
		return // one answer must not push the others out
	}
	c.tick++
	c.items[k] = &cachedAnswer{res: res, size: size, used: c.tick}
	c.size += size
	if c.size > c.max {
		c.evict(c.max / 4 * 3)
	}
}

// evict drops the least recently used answers until the cache holds at
// most target bytes. The caller holds c.mu.
func (c *answerCache) evict(target int64) { lru.Evict(c.items, &c.size, target) }

// Bytes and LastUsed make an entry an lru.Entry.
func (e *cachedAnswer) Bytes() int64     { return e.size }
func (e *cachedAnswer) LastUsed() uint64 { return e.used }

// answerBytes estimates what an answer holds: its positions (8 + 4 bytes
// each), the excerpts located for its first rows and room for the rows a
// list locates later (a locator's map entry is ~80 bytes), and the
// query's strings.
func answerBytes(r *Results) int64 {
	n := int64(len(r.Convs))
	located := min(n, 256)
	size := 256 + 12*n + 80*located + int64(len(r.Query))
	for _, t := range r.Terms {
		size += 16 + int64(len(t))
	}
	return size
}

// stats reports the cache's size in bytes and answers, and the searches
// run (tests).
func (c *answerCache) stats() (bytes int64, answers, searches int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.size, len(c.items), c.searches
}
