package snapshot

import (
	"context"
	"encoding/binary"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/backchat/backchat/model"

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
// own). scratch is a buffer for the compressed chunks, returned for reuse.
func appendFrame(out, scratch []byte, raw []byte, cuts []int, strLen int) (_, _ []byte, method uint64) {
	if len(raw) < minCompress {
		return append(out, raw...), scratch, frameRaw
	}
	n := len(cuts)
	if len(raw) > strLen {
		n++
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
			return append(out, raw...), body, frameRaw // too large for a block
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
		return append(out, raw...), body, frameRaw
	}
	out = append(out, hdr...)
	return append(out, body...), body, frameChunks
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

// maxKeptBuffer is the largest buffer of a batch kept for the next one
// (a huge conversation's is dropped).
const maxKeptBuffer = 8 << 20

// batchSize is the capacity of a batch's buffer, and twice what its
// frames take stored, on average (a batch is a number of conversations
// claimed before they are encoded, by the average so far, so some take
// more): enough that a worker encodes and compresses for a few
// milliseconds and the batch is written in one call. With a job and a
// write per conversation (24 KB stored on average on the long shape) the
// workers and the writing goroutine waited on each other and on being
// woken up for a third of the time.
const batchSize = 1 << 20

// frameLoc is where a conversation's frame was written.
type frameLoc struct {
	off, n         uint64 // file offset and length of the frame
	method         uint64
	strLen, rawLen uint64
	sum            uint32
}

// frameRef is a conversation's frame in a batch.
type frameRef struct {
	spanFrom, spanTo int // its text spans, in spans
	// missed: a pooled string of the conversation was not in the pool
	// when the worker encoded it, so the frame is encoded again in order
	// (Write's commit).
	missed bool
	// The conversation table's counts.
	nodes, visible, branches int
}

// batch is consecutive conversations' frames on their way to the file,
// encoded and compressed by one worker.
type batch struct {
	seq, first int        // its number in file order; its first conversation
	n          int        // how many conversations it holds
	spans      []span     // the frames' texts (areaData: offsets from their frame's start)
	frames     []frameRef // in order
	out        []byte     // what is written: the frames as stored, back to back
	locs       []frameLoc // the frames in out (off within out)
	err        error      // encoding conversation first+len(frames) failed
}

// storeFrame appends a frame (raw, whose chunks end at cuts, offsets in
// raw) to out as stored and says where it lies in out.
func storeFrame(out, scratch, raw []byte, cuts []int, strLen int) (_, _ []byte, _ frameLoc) {
	at := len(out)
	var method uint64
	out, scratch, method = appendFrame(out, scratch, raw, cuts, strLen)
	return out, scratch, frameLoc{off: uint64(at), n: uint64(len(out) - at), method: method,
		strLen: uint64(strLen), rawLen: uint64(len(raw)), sum: crc(out[at:])}
}

// framePipe encodes and compresses the conversations' frames on
// GOMAXPROCS workers, a batch of consecutive conversations each, while
// the caller (commit) takes the batches in file order, writes them and
// fills the conversation table.
//
// The frames are the bytes a single goroutine encoding the conversations
// in order would write. Only the string pool depends on the order (an
// entry's number is the order of first use, and a string met when the
// pool is full is written fresh): a worker looks strings up in the pool
// as the conversations before its batch left it, or earlier, and a
// conversation with a string the worker did not find while there was
// room is encoded again by commit, in order, which adds it.
type framePipe struct {
	convs   []*model.Conversation
	pool    *strPool
	track   bool
	ctx     context.Context
	free    chan *batch // batches not in flight (bounds what is in flight)
	done    chan *batch // batches encoded and compressed, in any order
	quit    chan struct{}
	wg      sync.WaitGroup
	claimMu sync.Mutex
	next    int // the next conversation no batch holds
	nextSeq int
	// what the workers stored so far, for the next batches' sizes
	encBytes, encConvs atomic.Int64
}

func newFramePipe(convs []*model.Conversation, pool *strPool, track bool, ctx context.Context) *framePipe {
	workers := runtime.GOMAXPROCS(0)
	inflight := 4*workers + 2
	p := &framePipe{convs: convs, pool: pool, track: track, ctx: ctx,
		free: make(chan *batch, inflight), done: make(chan *batch, inflight), quit: make(chan struct{})}
	for range inflight {
		p.free <- &batch{}
	}
	for range workers {
		p.wg.Add(1)
		go p.work()
	}
	return p
}

// stop ends the workers (after the last batch, or to give up).
func (p *framePipe) stop() {
	select {
	case <-p.quit:
	default:
		close(p.quit)
	}
	p.wg.Wait()
}

// claim hands out the next conversations: a number of them that takes
// about batchSize/2 bytes stored, judging by those encoded so far.
func (p *framePipe) claim(b *batch) bool {
	n := 8
	if c := p.encConvs.Load(); c > 0 {
		n = int(min(max(batchSize/2*c/max(p.encBytes.Load(), 1), 1), 4096))
	}
	p.claimMu.Lock()
	defer p.claimMu.Unlock()
	if p.next >= len(p.convs) {
		return false
	}
	b.seq, b.first, b.n = p.nextSeq, p.next, min(n, len(p.convs)-p.next)
	p.nextSeq++
	p.next += b.n
	b.frames = b.frames[:0]
	return true
}

func (p *framePipe) work() {
	defer p.wg.Done()
	fw := frameWorker{w: &writer{pool: p.pool, local: map[string]uint64{}, track: p.track}}
	for {
		var b *batch
		select {
		case b = <-p.free:
		case <-p.quit:
			return
		}
		if !p.claim(b) {
			p.free <- b
			return
		}
		p.encode(&fw, b, p.convs[b.first:b.first+b.n])
		select {
		case p.done <- b:
		case <-p.quit:
			return
		}
	}
}

// frameWorker is a worker's encoder and buffers.
type frameWorker struct {
	w            *writer
	raw, scratch []byte // a frame before compression; compressed chunks
	cuts         []int
}

// encode encodes and compresses convs, the batch's conversations, into b:
// each frame is compressed as soon as it is encoded (still in the cache),
// from the worker's own buffer.
func (p *framePipe) encode(fw *frameWorker, b *batch, convs []*model.Conversation) {
	if b.out == nil {
		// Room for a full batch, in most cases: grown by append, the
		// buffers of a batch were allocated several times over.
		b.out = make([]byte, 0, batchSize)
	}
	w := fw.w
	b.out, b.locs, b.spans, b.err = b.out[:0], b.locs[:0], b.spans[:0], nil
	w.spans = b.spans
	for _, c := range convs {
		if p.ctx != nil && p.ctx.Err() != nil {
			b.err = p.ctx.Err()
			break
		}
		nodes := c.Tree()
		if err := c.TreeErr(); err != nil {
			b.err = fmt.Errorf("conversation %s: %w", c.ID, err)
			break
		}
		fr := frameRef{spanFrom: len(w.spans)}
		w.missed = false
		fw.raw, fw.cuts = w.encodeFrame(nodes, fw.raw[:0], fw.cuts[:0])
		var l frameLoc
		b.out, fw.scratch, l = storeFrame(b.out, fw.scratch, fw.raw, fw.cuts, w.strLen)
		b.locs = append(b.locs, l)
		fr.spanTo, fr.missed = len(w.spans), w.missed
		fr.nodes, fr.visible, fr.branches = len(nodes), c.VisibleCount(), c.BranchPoints()
		b.frames = append(b.frames, fr)
	}
	if cap(fw.raw) > maxKeptBuffer {
		fw.raw = nil
	}
	if cap(fw.scratch) > maxKeptBuffer {
		fw.scratch = nil
	}
	p.encBytes.Add(int64(len(b.out)))
	p.encConvs.Add(int64(len(b.frames)))
	b.spans, w.spans = w.spans, nil
}

// maxFrame bounds a conversation's uncompressed frame (S2 blocks hold up
// to 4 GiB): a larger length in the table is damage.
const maxFrame = 1<<32 - 1
