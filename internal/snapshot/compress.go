package snapshot

import (
	"runtime"
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
	frameRaw = 0 // stored as it is
	frameS2  = 1 // S2 block
)

// minCompress is the smallest frame worth compressing.
const minCompress = 64

// frame is one conversation's data on its way to the file.
type frame struct {
	raw    []byte // fresh strings, then the blob
	comp   []byte // compression buffer
	out    []byte // what is written: raw or comp
	method uint64
	sum    uint32 // CRC-32C of out
	strLen uint64
	done   chan struct{}
}

func (f *frame) compress() {
	f.out, f.method = f.raw, frameRaw
	if len(f.raw) >= minCompress {
		if n := s2.MaxEncodedLen(len(f.raw)); n > 0 {
			if cap(f.comp) < n {
				f.comp = make([]byte, n)
			}
			if c := s2.Encode(f.comp[:n], f.raw); len(c) < len(f.raw) {
				f.out, f.method = c, frameS2
			}
		}
	}
	f.sum = crc(f.out)
	close(f.done)
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
