package snapshot

import (
	"encoding/binary"
	"runtime"
	"slices"
	"sort"
	"sync"

	"github.com/klauspost/compress/s2"
)

// A conversation's fresh strings and blob are stored as one frame,
// compressed with S2 (github.com/klauspost/compress/s2, block format) when
// that makes it smaller. S2 rather than zstd: on the generated exports
// (per conversation, 2-core machine) S2 keeps 0.36 of the long shape's text
// and 0.61 of the short one's at ~450 MB/s to compress and ~1.3 GB/s to
// decompress; zstd's fastest level keeps 0.27 / 0.48 but compresses 3×
// and decompresses 4× slower, and a search after a reopen decompresses
// every candidate conversation it verifies. The snapshot meets its size
// target (≤ 0.6× the JSON) with S2 on both shapes.

// Frame methods, stored per conversation.
const (
	frameRaw    = 0 // stored as it is
	frameChunks = 1 // chunk table, then chunks (see frame.compress)
)

// chunkSize is the most uncompressed bytes of strings a chunk holds (but
// for a longer string, alone in its chunk). The search index reads a
// field's text by decompressing only its chunk: verifying a candidate
// usually reads its first kilobytes, not the whole conversation.
const chunkSize = 16 << 10

// minCompress is the smallest frame worth compressing.
const minCompress = 64

// minChunkCompress is the smallest chunk worth compressing; a smaller one
// is stored as it is. S2 finds few matches in a few kilobytes: on the
// short generated export (conv1g, 60,014 conversations) chunks under 4 KB
// kept 0.84 of their bytes (106 MB, mostly conversations whose strings are
// one such chunk, and the blobs) at 0.27 s of the write's ~1.1 s of S2,
// against 0.65 for chunks of 4–16 KB and 0.52 above. Stored, they cost
// 0.02× the JSON in size and nothing to read back.
const minChunkCompress = 4 << 10

// appendFrame appends to out what is stored of a conversation's frame raw
// (its strings, cut into chunks at cuts, then from strLen on its blob):
// raw as it is when it is small or nothing compresses, else a chunked
// frame:
//
//	n uvarint, then per chunk: uncompressed length, stored length
//	(uvarints; stored length 0: the chunk is stored as it is)
//	the chunks back to back, each an S2 block or its bytes
//
// The chunks are raw cut at cuts (offsets in raw, the last one strLen
// unless there are no strings) and at strLen (the blob is a chunk of its
// own). scratch is room for the compressed chunks (grown on the heap when
// too small).
func appendFrame(out, scratch []byte, raw []byte, cuts []int, strLen int) (_ []byte, method uint64) {
	if len(raw) < minCompress {
		return append(out, raw...), frameRaw
	}
	n := len(cuts)
	if len(raw) > strLen {
		n++
	}
	if !anyChunkCompressed(len(raw), cuts, n) {
		// Every chunk would be stored as it is: the table would only
		// make the frame longer than raw.
		return append(out, raw...), frameRaw
	}
	var hdrBuf [64]byte // most frames' tables fit: no allocation per frame
	hdr := binary.AppendUvarint(hdrBuf[:0], uint64(n))
	body := scratch[:0]
	from := 0
	for i := range n {
		to := len(raw)
		if i < len(cuts) {
			to = cuts[i]
		}
		c := raw[from:to]
		hdr = binary.AppendUvarint(hdr, uint64(len(c)))
		if len(c) < minChunkCompress {
			body = append(body, c...)
			hdr = append(hdr, 0)
			from = to
			continue
		}
		m := s2.MaxEncodedLen(len(c))
		if m < 0 {
			return append(out, raw...), frameRaw // too large for a block
		}
		at := len(body)
		body = slices.Grow(body, m)
		if e := s2.Encode(body[at:at+m], c); len(e) < len(c) {
			body = body[:at+len(e)]
			hdr = binary.AppendUvarint(hdr, uint64(len(e)))
		} else {
			body = append(body[:at], c...)
			hdr = append(hdr, 0)
		}
		from = to
	}
	if len(hdr)+len(body) >= len(raw) {
		return append(out, raw...), frameRaw
	}
	out = append(out, hdr...)
	return append(out, body...), frameChunks
}

// anyChunkCompressed says whether one of a frame's n chunks (raw cut at
// cuts, then the rest) is long enough to be compressed.
func anyChunkCompressed(rawLen int, cuts []int, n int) bool {
	from := 0
	for i := range n {
		to := rawLen
		if i < len(cuts) {
			to = cuts[i]
		}
		if to-from >= minChunkCompress {
			return true
		}
		from = to
	}
	return false
}

// chunk is one chunk of a chunked frame.
type chunk struct {
	start, end uint64 // uncompressed, within the frame's raw bytes
	off, n     uint64 // stored, within the frame; n 0: stored as it is
}

// parseChunks reads a chunked frame's table; the chunks must cover rawLen
// bytes, one of them ending at strLen, and fill the frame.
func parseChunks(frame []byte, strLen, rawLen uint64) ([]chunk, bool) {
	d := &dec{b: frame}
	k := d.count(len(frame))
	cs := make([]chunk, k)
	var u, c uint64
	atStr := strLen == 0
	for i := range cs {
		cs[i].start = u
		ul, cl := d.uv(), d.uv()
		if d.bad || ul > rawLen-u {
			return nil, false
		}
		u += ul
		cs[i].end, cs[i].n, cs[i].off = u, cl, c
		if cl == 0 {
			cl = ul
		}
		c += cl
		atStr = atStr || u == strLen
	}
	if d.bad || u != rawLen || !atStr || c != uint64(len(frame)-d.i) {
		return nil, false
	}
	for i := range cs {
		cs[i].off += uint64(d.i)
	}
	return cs, true
}

// chunkOf is the index of the chunk (of chunks, in order) that holds the
// n bytes at offset o of a frame's strings; false when none holds them
// whole (a writer never splits a string).
func chunkOf(chunks []chunk, o uint64, n int) (int, bool) {
	k := sort.Search(len(chunks), func(i int) bool { return chunks[i].end > o })
	return k, k < len(chunks) && o+uint64(n) <= chunks[k].end
}

// decodeChunks decompresses every chunk of frame into out (the frame's raw
// bytes); on damage, the start of the chunk that did not decode and false.
func decodeChunks(out, frame []byte, chunks []chunk) (uint64, bool) {
	for _, c := range chunks {
		if !decodeChunk(out[c.start:c.end], frame, c) {
			return c.start, false
		}
	}
	return 0, true
}

// decodeChunk decompresses (or copies) chunk c of frame into dst, which
// holds its uncompressed length.
func decodeChunk(dst, frame []byte, c chunk) bool {
	if c.n == 0 {
		copy(dst, frame[c.off:c.off+c.end-c.start])
		return true
	}
	src := frame[c.off : c.off+c.n]
	if n, err := s2.DecodedLen(src); err != nil || n != len(dst) {
		return false
	}
	_, err := s2.Decode(dst, src)
	return err == nil
}

// batchSize is how many uncompressed bytes of frames a batch collects
// before it is compressed: enough that a worker compresses for a few
// milliseconds and the batch is written in one call. With a job and a
// write per conversation (24 KB stored on average on the long shape) the
// workers and the writing goroutine waited on each other and on being
// woken up for a third of the time.
const batchSize = 1 << 20

// maxKeptBuffer is the largest batch buffer kept for the next batch.
const maxKeptBuffer = 8 << 20

// frameLoc is where a conversation's frame was written.
type frameLoc struct {
	off, n         uint64 // file offset and length of the frame
	method         uint64
	strLen, rawLen uint64
	sum            uint32
}

// frameRef is a conversation's frame in a batch.
type frameRef struct {
	start, end     int // in raw
	strLen         int
	cutFrom, cutTo int // its cuts, in cuts
}

// batch is consecutive conversations' frames on their way to the file.
type batch struct {
	// rawMem and outMem are raw's and out's memory (scratch.go); a batch
	// that outgrows them (a huge conversation) grows raw or out on the
	// heap, for this batch only.
	rawMem, outMem offHeap[byte]
	raw            []byte     // the frames back to back
	cuts           []int      // where each frame's chunks of strings end, offsets in raw
	frames         []frameRef // in order
	out            []byte     // what is written: the frames as stored, back to back
	locs           []frameLoc // the frames in out (off within out)
	done           chan struct{}
}

// compress stores each frame (appendFrame) to out, compressing through
// scratch (its worker's).
func (b *batch) compress(scratch *offHeap[byte]) {
	// A frame is stored in at most its raw length (appendFrame), and
	// compressed through at most its raw length and a few bytes a chunk:
	// out and scratch never grow on the heap.
	b.outMem.s = b.outMem.s[:0]
	b.outMem.reserve(len(b.raw))
	b.out, b.locs = b.outMem.s, b.locs[:0]
	for _, fr := range b.frames {
		raw := b.raw[fr.start:fr.end]
		cuts := b.cuts[fr.cutFrom:fr.cutTo]
		for i := range cuts {
			cuts[i] -= fr.start
		}
		scratch.s = scratch.s[:0]
		scratch.reserve(len(raw) + 16*(len(cuts)+2))
		at := len(b.out)
		var method uint64
		b.out, method = appendFrame(b.out, scratch.s, raw, cuts, fr.strLen)
		b.locs = append(b.locs, frameLoc{off: uint64(at), n: uint64(len(b.out) - at), method: method,
			strLen: uint64(fr.strLen), rawLen: uint64(len(raw)), sum: crc(b.out[at:])})
	}
	close(b.done)
}

// compressor compresses batches on GOMAXPROCS workers while the caller
// encodes the next conversations, and writes them in order.
type compressor struct {
	jobs, order, free chan *batch
	all               []*batch       // every batch, freed by finish
	cur               *batch         // the batch being filled
	wg                sync.WaitGroup // workers
	wrote             chan struct{}  // the writing goroutine is done
	locs              []frameLoc
	locMem            offHeap[frameLoc] // locs' memory (scratch.go), freed by the caller
	closed            bool
}

// newCompressor starts the workers and the goroutine writing batches
// through write (which returns the offset the bytes were written at).
func newCompressor(write func(b []byte) uint64, frames int) *compressor {
	workers := runtime.GOMAXPROCS(0)
	inflight := 4*workers + 2
	c := &compressor{jobs: make(chan *batch, inflight), order: make(chan *batch, inflight),
		free: make(chan *batch, inflight), wrote: make(chan struct{}), locMem: newOffHeap[frameLoc](frames)}
	c.locs = c.locMem.s
	for range inflight {
		b := &batch{}
		c.all = append(c.all, b)
		c.free <- b
	}
	for range workers {
		c.wg.Add(1)
		go func() {
			defer c.wg.Done()
			// Room for a batch's largest frame in most cases.
			mem := newOffHeap[byte](s2.MaxEncodedLen(batchSize + batchSize/4))
			defer mem.free()
			for b := range c.jobs {
				b.compress(&mem)
			}
		}()
	}
	go func() {
		defer close(c.wrote)
		for b := range c.order {
			<-b.done
			off := write(b.out)
			for _, l := range b.locs {
				l.off += off
				c.locs = append(c.locs, l)
			}
			c.free <- b
		}
	}()
	return c
}

// batch returns the batch to add the next frame to; it waits while every
// batch is in flight.
func (c *compressor) batch() *batch {
	if c.cur == nil {
		b := <-c.free
		// Room for a full batch and the conversation that ends it, in
		// most cases: grown by append, the buffers of a batch were
		// allocated several times over. Grown for a huge conversation,
		// they are not kept for the next batches.
		for _, m := range []*offHeap[byte]{&b.rawMem, &b.outMem} {
			if cap(m.s) > maxKeptBuffer {
				m.free()
			}
			if m.s == nil {
				*m = newOffHeap[byte](batchSize + batchSize/4)
			}
		}
		b.raw, b.out, b.cuts, b.frames = b.rawMem.s[:0], b.outMem.s[:0], b.cuts[:0], b.frames[:0]
		b.done = make(chan struct{})
		c.cur = b
	}
	return c.cur
}

// added queues the current batch once it is full.
func (c *compressor) added() {
	if b := c.cur; len(b.raw) >= batchSize {
		c.cur = nil
		c.jobs <- b
		c.order <- b
	}
}

// finish queues the last batch, waits until every batch is written and
// returns where the frames lie, in order; the batches' memory is freed.
// Safe to call more than once.
func (c *compressor) finish() []frameLoc {
	if !c.closed {
		c.closed = true
		if b := c.cur; b != nil && len(b.frames) > 0 {
			c.cur = nil
			c.jobs <- b
			c.order <- b
		}
		close(c.jobs)
		close(c.order)
	}
	c.wg.Wait()
	<-c.wrote
	for _, b := range c.all {
		b.rawMem.free()
		b.outMem.free()
		b.raw, b.out = nil, nil
	}
	return c.locs
}

// maxFrame bounds a conversation's uncompressed frame (S2 blocks hold up
// to 4 GiB): a larger length in the table is damage.
const maxFrame = 1<<32 - 1
