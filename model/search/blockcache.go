package search

import (
	"sync"
	"sync/atomic"
)

// blockCache holds a shard's block filters (addBlockFilters), built on
// demand rather than with the index.
//
// Building them costs about as much per byte as finding the words, for
// every long field, and most fields are never read by a search: their
// words and pairs decide most queries. What the filters save is reading
// blocks of the fields a phrase is verified in, or a hit is located in
// (the rows on screen, the viewer) — and those are the same fields again
// and again as a query is typed on. So a search that reads a long field
// without filters scans it whole (as exact, a little slower) and asks
// for its filters; one background goroutine per shard builds what was
// asked and publishes it, and the next searches skip blocks. Measured on
// the generated exports of long conversations (backchat-gen -shape long):
// the index halved (0.26 → 0.13 × the text) and its build about a quarter
// cheaper; on the 250 MB one the first "kubernetes cluster" costs 14.6
// CPU-ms (it reads whole fields), its filters are built in the background
// in ~95 ms, and from then on it costs 5.1 ms, as with filters for every
// long field (6.0 ms).
//
// Safe for concurrent use: readers load the published map (never
// mutated once published) without a lock; mu guards what is asked.
type blockCache struct {
	built atomic.Pointer[map[uint32][]uint64] // record number in the shard → its block filters
	mu    sync.Mutex
	asked map[uint32]bool // records asked for since the last publish, or being built
	queue []uint32        // records asked for, not yet taken by the builder
	busy  bool            // a builder goroutine runs
}

// recBlocks returns the block filters of field record i (rec: its record,
// text included), or nil when it has none: a field under minBlockField,
// or filters not built yet (they are then asked for).
func (s *shard) recBlocks(i uint32, rec *fieldRec) []uint64 {
	if blockCount(int(rec.n)) == 0 {
		return nil
	}
	if m := s.blocks.built.Load(); m != nil {
		if f, ok := (*m)[i]; ok {
			return f
		}
	}
	s.askBlocks(i)
	return nil
}

// askBlocks queues record i's block filters for the builder and starts it
// when none runs.
func (s *shard) askBlocks(i uint32) {
	c := &s.blocks
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.asked[i] {
		return
	}
	if c.asked == nil {
		c.asked = map[uint32]bool{}
	}
	c.asked[i] = true
	c.queue = append(c.queue, i)
	if !c.busy {
		c.busy = true
		go s.buildBlocks()
	}
}

// buildBlocks builds the queued block filters until the queue is empty,
// publishing each batch as a new map (the old one is never mutated, so
// readers need no lock).
func (s *shard) buildBlocks() {
	c := &s.blocks
	for {
		c.mu.Lock()
		batch := c.queue
		c.queue = nil
		if len(batch) == 0 {
			c.busy = false
			c.mu.Unlock()
			return
		}
		c.mu.Unlock()
		var old map[uint32][]uint64
		if m := c.built.Load(); m != nil {
			old = *m
		}
		m := make(map[uint32][]uint64, len(old)+len(batch))
		for k, v := range old {
			m[k] = v
		}
		for _, i := range batch {
			m[i] = s.fieldBlocks(i)
		}
		c.built.Store(&m)
		c.mu.Lock()
		for _, i := range batch {
			delete(c.asked, i) // built: recBlocks finds it from now on
		}
		c.mu.Unlock()
	}
}

// fieldBlocks builds the block filters of field record i.
func (s *shard) fieldBlocks(i uint32) []uint64 {
	var rec fieldRec
	if s.disk != nil {
		rec = s.disk[i].withText(s.textAt)
	} else {
		rec = s.recs[i]
	}
	if rec.n > 0 && rec.text == nil {
		return nil // a damaged conversation's text (snapshot): read whole, and skipped, by verify
	}
	text := recText(&rec)
	bl := addBlockFilters(nil, text, blockCount(len(text)))
	if rec.flags&(recASCII|recOpaque) == 0 {
		markFoldBlocks(bl, text)
	}
	return bl
}
