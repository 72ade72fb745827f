package search

// chunks is an append-only sequence kept in fixed-size blocks: a shard
// builder's scratch for what grows with the shard (postings, records,
// pair filters). A slice grown by append leaves its old arrays behind for
// the GC (past 256 elements it grows by ~1.25×, so a slice of n elements
// has allocated ~5n on the way); blocks are never copied, and the builder
// reuses them for its next shard. The shard's own arrays are then
// allocated once, at their exact size (appendTo).
//
// Not safe for concurrent use.
type chunks[T any] struct {
	blocks [][]T // blocks[:used] hold the elements; blocks beyond are spare
	used   int
	cur    []T // blocks[used-1], being filled (len: its elements)
	n      int // elements in full blocks before cur
	// off, when set, maps the blocks outside the Go heap (offheap.go): T
	// must then hold no pointers. They are the builder's to free.
	off *offMaps
}

// chunkLen is the number of elements of a block (a power of two: at
// finds an element by shift and mask).
const (
	chunkShift = 14
	chunkLen   = 1 << chunkShift
)

// push appends v.
func (c *chunks[T]) push(v T) {
	if len(c.cur) == cap(c.cur) {
		c.next()
	}
	c.cur = append(c.cur, v)
}

// pushAll appends vs.
func (c *chunks[T]) pushAll(vs []T) {
	for len(vs) > 0 {
		if len(c.cur) == cap(c.cur) {
			c.next()
		}
		k := min(len(vs), cap(c.cur)-len(c.cur))
		c.cur = append(c.cur, vs[:k]...)
		vs = vs[k:]
	}
}

// next starts the next block (a spare one when there is one).
func (c *chunks[T]) next() {
	if c.used > 0 {
		c.blocks[c.used-1] = c.cur
		c.n += len(c.cur)
	}
	if c.used == len(c.blocks) {
		var blk []T
		if c.off != nil {
			blk = offHeapSlice[T](c.off, chunkLen)
		} else {
			blk = make([]T, chunkLen)
		}
		c.blocks = append(c.blocks, blk[:0])
	}
	c.cur = c.blocks[c.used][:0]
	c.used++
}

// len is the number of elements.
func (c *chunks[T]) len() int { return c.n + len(c.cur) }

// at returns a pointer to element i (< len).
func (c *chunks[T]) at(i int) *T {
	if b := i >> chunkShift; b < c.used-1 {
		return &c.blocks[b][i&(chunkLen-1)]
	}
	return &c.cur[i&(chunkLen-1)]
}

// each calls f with the elements in order, a block at a time.
func (c *chunks[T]) each(f func([]T)) {
	for b := 0; b < c.used-1; b++ {
		f(c.blocks[b])
	}
	if c.used > 0 {
		f(c.cur)
	}
}

// appendTo appends the elements to dst.
func (c *chunks[T]) appendTo(dst []T) []T {
	c.each(func(b []T) { dst = append(dst, b...) })
	return dst
}

// exact returns the elements in a new slice of exactly their number (nil
// when there are none).
func (c *chunks[T]) exact() []T {
	if c.len() == 0 {
		return nil
	}
	return c.appendTo(make([]T, 0, c.len()))
}

// reset empties c and keeps its blocks for reuse; clear also zeroes them
// (so that pointers they hold do not keep anything alive).
func (c *chunks[T]) reset(clearBlocks bool) {
	if clearBlocks {
		if c.used > 0 {
			c.blocks[c.used-1] = c.cur
		}
		for _, b := range c.blocks[:c.used] {
			clear(b)
		}
	}
	c.used, c.cur, c.n = 0, nil, 0
}
