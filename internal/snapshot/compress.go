package snapshot

import (
	"runtime"
	"slices"
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

// frame is one conversation's data on its way to the file.
type frame struct {
	raw    []byte // fresh strings, then the blob
	cuts   []int  // where raw's chunks of strings end (the blob is the last chunk)
	comp   []byte // compression buffer
	out    []byte // what is written: raw or comp
	method uint64
	sum    uint32 // CRC-32C of out
	strLen uint64
	done   chan struct{}
}

// compress makes the frame: raw as it is when it is small or nothing
// compresses, else a chunked frame:
//
//	n uvarint, then per chunk: uncompressed length, stored length
//	(uvarints; stored length 0: the chunk is stored as it is)
//	the chunks back to back, each an S2 block or its bytes
//
// The chunks are raw cut at cuts and at strLen (the blob is a chunk of
// its own).
func (f *frame) compress() {
	f.out, f.method = f.raw, frameRaw
	if len(f.raw) >= minCompress {
		f.compressChunks()
	}
	f.sum = crc(f.out)
	close(f.done)
}

func (f *frame) compressChunks() {
	ends := f.cuts
	if len(f.raw) > int(f.strLen) {
		ends = append(ends, len(f.raw))
	}
	var hdr enc
	hdr.uv(uint64(len(ends)))
	body := f.comp[:0]
	from := 0
	for _, to := range ends {
		c := f.raw[from:to]
		hdr.uv(uint64(len(c)))
		n := s2.MaxEncodedLen(len(c))
		if n < 0 {
			return // too large for a block: the frame stays raw
		}
		at := len(body)
		body = slices.Grow(body, n)
		if e := s2.Encode(body[at:at+n], c); len(e) < len(c) {
			body = body[:at+len(e)]
			hdr.uv(uint64(len(e)))
		} else {
			body = append(body[:at], c...)
			hdr.uv(0)
		}
		from = to
	}
	if len(hdr.b)+len(body) >= len(f.raw) {
		f.comp = body
		return
	}
	// The header goes first: move the body up (no second buffer).
	body = slices.Grow(body, len(hdr.b))
	body = body[:len(body)+len(hdr.b)]
	copy(body[len(hdr.b):], body[:len(body)-len(hdr.b)])
	copy(body, hdr.b)
	f.comp, f.out, f.method = body, body, frameChunks
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

// maxKeptBuffer is the largest frame buffer kept for the next
// conversation (a huge conversation's is dropped).
const maxKeptBuffer = 8 << 20

// frameLoc is where a conversation's frame was written.
type frameLoc struct {
	off, n         uint64 // file offset and length of the frame
	method         uint64
	strLen, rawLen uint64
	sum            uint32
}

// compressor compresses frames on GOMAXPROCS workers while the caller
// encodes the next conversations, and writes them in order.
type compressor struct {
	jobs, order, free chan *frame
	wg                sync.WaitGroup // workers
	wrote             chan struct{}  // the writing goroutine is done
	locs              []frameLoc
	closed            bool
}

// newCompressor starts the workers and the goroutine writing frames
// through write (which returns the offset the frame was written at).
func newCompressor(write func(b []byte) uint64) *compressor {
	workers := runtime.GOMAXPROCS(0)
	inflight := 2*workers + 2
	c := &compressor{jobs: make(chan *frame, inflight), order: make(chan *frame, inflight),
		free: make(chan *frame, inflight), wrote: make(chan struct{})}
	for range inflight {
		c.free <- &frame{}
	}
	for range workers {
		c.wg.Add(1)
		go func() {
			defer c.wg.Done()
			for f := range c.jobs {
				f.compress()
			}
		}()
	}
	go func() {
		defer close(c.wrote)
		for f := range c.order {
			<-f.done
			off := write(f.out)
			c.locs = append(c.locs, frameLoc{off: off, n: uint64(len(f.out)), method: f.method,
				strLen: f.strLen, rawLen: uint64(len(f.raw)), sum: f.sum})
			if cap(f.raw) > maxKeptBuffer {
				f.raw = nil
			}
			if cap(f.comp) > maxKeptBuffer {
				f.comp = nil
			}
			f.cuts = f.cuts[:0]
			c.free <- f
		}
	}()
	return c
}

// next returns a frame to fill (its raw buffer emptied); it waits while
// every frame is in flight.
func (c *compressor) next() *frame {
	f := <-c.free
	f.raw = f.raw[:0]
	f.done = make(chan struct{})
	return f
}

// submit queues a filled frame.
func (c *compressor) submit(f *frame) {
	c.jobs <- f
	c.order <- f
}

// finish waits until every submitted frame is written and returns where
// they lie, in order. Safe to call more than once.
func (c *compressor) finish() []frameLoc {
	if !c.closed {
		c.closed = true
		close(c.jobs)
		close(c.order)
	}
	c.wg.Wait()
	<-c.wrote
	return c.locs
}

// maxFrame bounds a conversation's uncompressed frame (S2 blocks hold up
// to 4 GiB): a larger length in the table is damage.
const maxFrame = 1<<32 - 1
