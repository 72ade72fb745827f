package snapshot

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"runtime/trace"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"unsafe"

	"github.com/backchat/backchat/model"
)

// IndexWriter writes the index section. textOffset maps a pointer to n
// bytes of some string of the archive (a field of a conversation or of a
// message) to an offset (see Layout) where Snapshot.TextAt finds it again
// after a reopen; ok is false for a pointer the snapshot does not hold.
type IndexWriter func(w io.Writer, textOffset func(p *byte, n int) (off uint64, ok bool)) error

// Options configure Write.
type Options struct {
	// Fingerprint identifies the inputs; Open with another one fails with
	// ErrStale.
	Fingerprint Fingerprint
	// Index, when set, writes the index section.
	Index IndexWriter
	// Context, when set, cancels the write (checked between
	// conversations).
	Context context.Context
	// Valid, when set, is asked just before WriteFile renames the finished
	// file into place; false abandons the snapshot (the inputs changed
	// while it was written).
	Valid func() bool
}

// ErrAbandoned is returned by WriteFile when Options.Valid said no.
var ErrAbandoned = errors.New("snapshot abandoned: the inputs changed while it was written")

// WriteFile writes a snapshot of arch to path atomically: to a temporary
// file (mode 0600: it holds the conversations) in the same directory,
// then renamed over path, so a reader opens the old file or the whole new
// one, never a half-written one. On any error path is left as it was.
// Where the file system takes them, the writes are direct (O_DIRECT:
// direct.go), past the page cache.
//
// The file is not synced (no fsync or fdatasync, before or after the
// rename): a snapshot is a cache of its inputs, never the only copy of
// anything. A crash soon after the rename can leave it torn (pages never
// written back, a short or zero-filled file); Open then refuses it or a
// conversation fails its checksum, and the snapshot is rebuilt from the
// inputs (cmd/backchat/snapshot.go) at the cost of one load. Every byte
// Open or a reader relies on is covered by a CRC-32C: the header (its
// own), each section but data (the header's table), each conversation's
// frame (the conversation table), the index (VerifyIndex: a command
// checks it before loading the index, the browser just after, indexing
// again when it fails); TestTornSnapshotIsCaught zeroes each page in
// turn. Syncing
// made the write wait for the disk to take the ~400 MB of a 1 GB export's
// snapshot (a final fsync alone: 0.65–0.9 s; synced every 32 MB behind
// the writing, as before: on this VM 400 MB written in 1 MB calls took
// 0.15–0.22 s and 0.08–0.10 s of system CPU against 0.08–0.10 s and
// 0.06–0.08 s unsynced, quiet disk, and 2–2.4 s with a busy one), and
// the file system's block allocation ran in the writer's process instead
// of later in the kernel's flusher. The library's copies of the imported
// exports are data and stay synced (internal/library).
func WriteFile(path string, arch *model.Archive, opts Options) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = os.Remove(tmp)
		}
	}()
	if err = f.Chmod(0o600); err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	var out File = f
	if d := newDirectFile(f); d != nil {
		defer d.release()
		out = d
	}
	if err = Write(out, arch, opts); err != nil {
		return err
	}
	if d, ok := out.(*directFile); ok {
		if err = d.finish(); err != nil {
			return fmt.Errorf("snapshot: %w", err)
		}
	}
	defer trace.StartRegion(context.Background(), "snapshot close and rename").End()
	if err = f.Close(); err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	if opts.Valid != nil && !opts.Valid() {
		err = ErrAbandoned
		return err
	}
	if err = os.Rename(tmp, path); err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	return nil
}

// File is what Write writes to: sequentially, then the header at offset 0.
type File interface {
	io.Writer
	io.WriterAt
}

// Limits of the string pool: strings up to poolMaxLen bytes of the pooled
// fields are stored once, up to poolMaxEntries of them.
const (
	poolMaxLen     = 64
	poolMaxEntries = 1 << 16
)

// Areas a string can lie in, for the index's text offsets.
const (
	areaData = iota
	areaHstr
	areaPool
)

// span records where a string of the archive was written.
type span struct {
	ptr  uintptr
	n    uint32
	area uint8
	off  uint64 // within the area
}

type writer struct {
	f   File
	out *bufio.Writer
	pos uint64 // file offset of the next byte written to out
	err error

	// conv[convStart:] is the current conversation's fresh strings (then
	// its blob), compressed as one frame; conv is the batch's frames
	// (compress.go). vpos is where the conversation starts in the data
	// stream before compression (the index's text offsets are in it).
	conv      []byte // batch.raw, while a conversation is added to it
	batch     *batch
	convStart int
	cuts      []int // where the batch's chunks end; the conversation's from cutFrom on, but for its last one
	cutFrom   int
	vpos      uint64

	pool   map[string]uint64 // string → pool index
	recent [64]struct {      // pool entries looked up last (pooledText)
		s string
		i uint64
	}
	poolList []string
	poolOff  []uint64 // offset of each pool string's bytes in the pool section

	// hstr is the conversation table's string region, kept in memory
	// (outside the heap: scratch.go).
	hstr offHeap[byte]
	// into selects where fresh strings go: the data stream or hstr.
	intoHstr bool

	spans    offHeap[span] // empty unless an index is written
	track    bool
	lastSpan int // where textOffset found the last text

	convsDone, convsTotal int // conversations written, of (grow)

	// the Sources list written last (encodeConv)
	lastSources    *string
	lastSourcesLen int
	lastList       uint64
}

// writeDirect writes b to the file without copying it to out's buffer.
func (w *writer) writeDirect(b []byte) {
	if w.err != nil {
		return
	}
	if w.out.Buffered() > 0 {
		if w.err = w.out.Flush(); w.err != nil {
			return
		}
	}
	_, w.err = w.f.Write(b)
	w.pos += uint64(len(b))
}

func (w *writer) write(b []byte) {
	if w.err != nil {
		return
	}
	_, w.err = w.out.Write(b)
	w.pos += uint64(len(b))
}

// fresh writes s to the current region and appends its reference to e.
func (w *writer) fresh(e *enc, s string) { w.freshText(e, s, false) }

// text is fresh for a searchable field: its place is recorded for the
// index's textOffset (only those, to keep the table small: 24 bytes each).
func (w *writer) text(e *enc, s string) { w.freshText(e, s, true) }

func (w *writer) freshText(e *enc, s string, searchable bool) {
	e.uv(uint64(len(s)) << 1)
	if s == "" {
		return
	}
	track := w.track && searchable
	if w.intoHstr {
		if track {
			w.addSpan(span{ptr: uintptr(unsafe.Pointer(unsafe.StringData(s))), n: uint32(len(s)), area: areaHstr, off: uint64(len(w.hstr.s))})
		}
		if cap(w.hstr.s)-len(w.hstr.s) < len(s) {
			w.hstr.reserve(growBy(w, len(w.hstr.s), len(s)))
		}
		w.hstr.s = append(w.hstr.s, s...)
		return
	}
	if track {
		w.addSpan(span{ptr: uintptr(unsafe.Pointer(unsafe.StringData(s))), n: uint32(len(s)), area: areaData, off: w.vpos + uint64(len(w.conv)-w.convStart)})
	}
	w.cutBefore(len(s))
	appendConv(w, s)
}

func (w *writer) freshBytes(e *enc, b []byte) {
	if b == nil {
		e.uv(0)
		return
	}
	e.uv(uint64(len(b)) + 1)
	if len(b) == 0 {
		return
	}
	if w.track {
		w.addSpan(span{ptr: uintptr(unsafe.Pointer(unsafe.SliceData(b))), n: uint32(len(b)), area: areaData, off: w.vpos + uint64(len(w.conv)-w.convStart)})
	}
	w.cutBefore(len(b))
	appendConv(w, b)
}

// appendConv appends s to the batch's frames, growing their memory
// (batch.rawMem, outside the heap) when they are full.
func appendConv[S string | []byte](w *writer, s S) {
	if cap(w.conv)-len(w.conv) < len(s) {
		m := &w.batch.rawMem
		m.s = w.conv
		m.reserve(max(len(s), len(w.conv)/2))
		w.conv = m.s
	}
	w.conv = append(w.conv, s...)
}

// addSpan records where a string was written. The spans grow as grow
// grows a slice, in place when the system can move their pages.
func (w *writer) addSpan(sp span) {
	if len(w.spans.s) == cap(w.spans.s) {
		w.spans.reserve(growBy(w, len(w.spans.s), 1))
	}
	w.spans.s = append(w.spans.s, sp)
}

// cutBefore ends the current chunk of the conversation's strings before a
// string of n bytes that would make it exceed chunkSize: a string never
// spans two chunks, so the index reads it from one.
func (w *writer) cutBefore(n int) {
	last := w.convStart
	if len(w.cuts) > w.cutFrom {
		last = w.cuts[len(w.cuts)-1]
	}
	if len(w.conv) > last && len(w.conv)-last+n > chunkSize {
		w.cuts = append(w.cuts, len(w.conv))
	}
}

// pooled stores a short repeated string once, in the pool; a long or
// unexpected one (the pool is full) is written fresh.
func (w *writer) pooled(e *enc, s string) { w.pooledText(e, s, false) }

// pooledText is pooled for a field that may be searchable.
func (w *writer) pooledText(e *enc, s string, searchable bool) {
	if s == "" || len(s) > poolMaxLen || w.pool == nil { // nil: a Compactor's frames have no pool
		w.freshText(e, s, searchable)
		return
	}
	// Most pooled strings repeat the last few (a message's role, status,
	// content type and model are those of the message before): a direct-
	// mapped cache answers them without hashing s into the map.
	slot := &w.recent[(len(s)*31+int(s[0])+int(s[len(s)-1])*7)%len(w.recent)]
	i, ok := slot.i, slot.s == s
	if !ok {
		i, ok = w.pool[s]
	}
	if !ok {
		if len(w.poolList) >= poolMaxEntries {
			w.fresh(e, s)
			return
		}
		i = uint64(len(w.poolList))
		w.pool[s] = i
		w.poolList = append(w.poolList, s)
	}
	slot.s, slot.i = s, i
	if w.track && searchable {
		w.addSpan(span{ptr: uintptr(unsafe.Pointer(unsafe.StringData(s))), n: uint32(len(s)), area: areaPool, off: i})
	}
	e.uv(i<<1 | 1)
}

// Write writes a snapshot of arch to f: the sections from offset
// HeaderSize on, then the header. Conversations read lazily are decoded
// (Tree) as they are written; one that fails makes Write fail.
func Write(f File, arch *model.Archive, opts Options) error {
	w := &writer{f: f, out: bufio.NewWriterSize(f, 1<<20), pool: map[string]uint64{}, track: opts.Index != nil,
		convsTotal: len(arch.Conversations)}
	defer w.spans.free() // last: after the sort and the index
	defer w.hstr.free()
	var h header
	h.version = Version
	h.fp = opts.Fingerprint
	w.write(make([]byte, HeaderSize))

	// data: per conversation one frame (compress.go): its fresh strings
	// then its blob, compressed on other goroutines while the next
	// conversations are encoded. The frames are written by the
	// compressor's goroutine: nothing else writes to out until finish.
	start := w.pos
	// conversation entries, but for where their frames lie (~50 bytes
	// each), and where each ends in ct.b
	ctMem, ctEndMem := newOffHeap[byte](64*len(arch.Conversations)), newOffHeap[int](len(arch.Conversations))
	defer ctMem.free()
	defer ctEndMem.free()
	ct := enc{b: ctMem.s} // grows on the heap past ctMem
	ctEnd := ctEndMem.s
	var blob enc
	lists := map[string]uint64{} // Sources lists, joined by "\x00"
	var listEnc enc
	nLists := uint64(0)
	var werr error
	comp := newCompressor(func(b []byte) uint64 {
		off := w.pos - start
		w.writeDirect(b)
		if w.err != nil && werr == nil {
			werr = w.err
		}
		return off
	}, len(arch.Conversations))
	defer comp.locMem.free() // after finish: the writing goroutine appends to locs until then
	defer comp.finish()
	for _, c := range arch.Conversations {
		if opts.Context != nil && opts.Context.Err() != nil {
			return fmt.Errorf("snapshot: %w", opts.Context.Err())
		}
		nodes := c.Tree()
		if err := c.TreeErr(); err != nil {
			return fmt.Errorf("snapshot: conversation %s: %w", c.ID, err)
		}
		b := comp.batch()
		fr := frameRef{start: len(b.raw), cutFrom: len(b.cuts)}
		w.batch, w.conv, w.convStart, w.cuts, w.cutFrom = b, b.raw, fr.start, b.cuts, fr.cutFrom
		blob.b = blob.b[:0]
		w.encodeTree(&blob, nodes)
		fr.strLen = len(w.conv) - fr.start
		if fr.strLen > 0 {
			w.cuts = append(w.cuts, len(w.conv))
		}
		appendConv(w, blob.b)
		b.raw, b.cuts = w.conv, w.cuts
		w.batch, w.conv, w.cuts = nil, nil, nil
		fr.end, fr.cutTo = len(b.raw), len(b.cuts)
		b.frames = append(b.frames, fr)
		w.vpos += uint64(fr.end - fr.start)
		comp.added()

		// The conversation's entry; its strings go to hstr.
		w.intoHstr = true
		w.encodeConv(&ct, c, lists, &listEnc, &nLists)
		w.intoHstr = false
		ct.uv(uint64(len(nodes)))
		ct.uv(uint64(c.VisibleCount()))
		ct.uv(uint64(c.BranchPoints()))
		ctEnd = append(ctEnd, len(ct.b))
		w.convsDone++
	}
	// The index's text offsets are looked up in the spans sorted by
	// address: sorted while the last frames are compressed. Two spans
	// start at one address when fields share a string (each field wrote
	// its own copy): ordered by where they were written too, so the
	// lookup picks the same copy whatever the addresses (the sort is not
	// stable, and two loads of one export lay their strings out
	// differently).
	sorted := make(chan struct{})
	go func() {
		defer close(sorted)
		slices.SortFunc(w.spans.s, func(a, b span) int {
			if c := cmp.Compare(a.ptr, b.ptr); c != 0 {
				return c
			}
			if c := cmp.Compare(a.area, b.area); c != 0 {
				return c
			}
			return cmp.Compare(a.off, b.off)
		})
	}()
	defer func() { <-sorted }()
	rg := trace.StartRegion(context.Background(), "snapshot finish frames")
	locs := comp.finish()
	rg.End()
	rg = trace.StartRegion(context.Background(), "snapshot tables")
	if werr != nil {
		return fmt.Errorf("snapshot: %w", werr)
	}
	h.secs[secData] = section{kind: secData, off: start, len: w.pos - start}

	// hstr
	h.secs[secHstr] = w.section(secHstr, w.hstr.s)
	// pool: count, then each string inline.
	var pe enc
	pe.uv(uint64(len(w.poolList)))
	w.poolOff = make([]uint64, len(w.poolList))
	for i, s := range w.poolList {
		pe.uv(uint64(len(s)))
		w.poolOff[i] = uint64(len(pe.b))
		pe.b = append(pe.b, s...)
	}
	h.secs[secPool] = w.section(secPool, pe.b)
	// convtab: the Sources lists, then the entries.
	cteMem := newOffHeap[byte](len(listEnc.b) + len(ct.b) + 32*len(locs) + 20)
	defer cteMem.free()
	cte := enc{b: cteMem.s}
	cte.uv(nLists)
	cte.b = append(cte.b, listEnc.b...)
	nConvs := uint64(len(arch.Conversations)) + 1
	if arch.Conversations == nil {
		nConvs = 0
	}
	cte.uv(nConvs)
	from := 0
	for i, l := range locs {
		cte.b = append(cte.b, ct.b[from:ctEnd[i]]...)
		from = ctEnd[i]
		cte.uv(l.off)
		cte.uv(l.method)
		cte.uv(l.n)
		cte.uv(l.strLen)
		cte.uv(l.rawLen - l.strLen)
		cte.b = appendU32(cte.b, l.sum)
	}
	h.secs[secConvtab] = w.section(secConvtab, cte.b)
	h.secs[secMeta] = w.section(secMeta, encodeMeta(arch))

	rg.End()
	// index
	defer trace.StartRegion(context.Background(), "snapshot index").End()
	if opts.Index != nil {
		h.flags |= FlagIndex
		w.pad()
		off := w.pos
		if err := w.out.Flush(); err != nil {
			return fmt.Errorf("snapshot: %w", err)
		}
		<-sorted
		base := [3]uint64{areaData: virtualText, areaHstr: h.secs[secHstr].off, areaPool: h.secs[secPool].off}
		textOffset := func(p *byte, n int) (uint64, bool) {
			return w.textOffset(base, uintptr(unsafe.Pointer(p)), n)
		}
		idx := newPipeWriter(w)
		defer idx.stop() // opts.Index panicked: end the pipe all the same
		err := opts.Index(idx, textOffset)
		idx.close()
		if err != nil {
			return fmt.Errorf("snapshot: index: %w", err)
		}
		if w.err != nil {
			return fmt.Errorf("snapshot: %w", w.err)
		}
		h.secs[secIndex] = section{kind: secIndex, crc: idx.crc, off: off, len: w.pos - off}
	} else {
		w.pad()
		h.secs[secIndex] = section{kind: secIndex, crc: crc(nil), off: w.pos}
	}
	if err := w.out.Flush(); err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	if w.err != nil {
		return fmt.Errorf("snapshot: %w", w.err)
	}
	if _, err := f.WriteAt(h.marshal(), 0); err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	return nil
}

// textOffset finds a span holding [p, p+n) and returns its file offset.
// Spans overlap only when strings share memory (a message id that is its
// node's key), so a few spans back from the last one starting at or before
// p are enough.
func (w *writer) textOffset(base [3]uint64, p uintptr, n int) (uint64, bool) {
	spans := w.spans.s
	// i is the first span starting after p. The index asks for its texts
	// mostly in the order they lie in memory: the answer is often where
	// the last one was, or the next span.
	i := w.lastSpan
	switch {
	case i > 0 && i <= len(spans) && spans[i-1].ptr <= p && (i == len(spans) || spans[i].ptr > p):
	case i < len(spans) && spans[i].ptr <= p && (i+1 == len(spans) || spans[i+1].ptr > p):
		i++
	default:
		i = sort.Search(len(spans), func(i int) bool { return spans[i].ptr > p })
	}
	w.lastSpan = i
	for j := i - 1; j >= 0 && j >= i-16; j-- {
		s := spans[j]
		if p+uintptr(n) <= s.ptr+uintptr(s.n) {
			off := s.off
			if s.area == areaPool {
				off = w.poolOff[off]
			}
			return base[s.area] + off + uint64(p-s.ptr), true
		}
	}
	return 0, false
}

// pipeWriter writes the index section through the writer: it copies what
// the index writer gives it into buffers of pipeBuffer bytes that another
// goroutine checksums and writes, so the index is serialised on one core
// while the other writes it.
type pipeWriter struct {
	w      *writer
	cur    []byte
	full   chan []byte
	free   chan []byte
	done   chan struct{}
	closed bool
	failed atomic.Bool
	crc    uint32           // once closed
	mem    [3]offHeap[byte] // the buffers' memory (scratch.go)
}

const pipeBuffer = 1 << 20

func newPipeWriter(w *writer) *pipeWriter {
	p := &pipeWriter{w: w, full: make(chan []byte, 2), free: make(chan []byte, 3), done: make(chan struct{})}
	for i := range p.mem {
		p.mem[i] = newOffHeap[byte](pipeBuffer)
		p.free <- p.mem[i].s[:0:pipeBuffer]
	}
	p.cur = <-p.free
	go func() {
		defer close(p.done)
		for b := range p.full {
			p.crc = crc32.Update(p.crc, castagnoli, b)
			w.writeDirect(b)
			if w.err != nil {
				p.failed.Store(true)
			}
			p.free <- b[:0]
		}
	}()
	return p
}

func (p *pipeWriter) Write(b []byte) (int, error) {
	n := len(b)
	for len(b) > 0 {
		if p.failed.Load() {
			return 0, errors.New("snapshot: writing the index failed")
		}
		k := copy(p.cur[len(p.cur):cap(p.cur)], b)
		p.cur, b = p.cur[:len(p.cur)+k], b[k:]
		if len(p.cur) == cap(p.cur) {
			p.full <- p.cur
			p.cur = <-p.free
		}
	}
	return n, nil
}

// close writes what is left and waits until everything is written; the
// writer's err then says how it went.
func (p *pipeWriter) close() {
	p.closed = true
	if len(p.cur) > 0 {
		p.full <- p.cur
	}
	close(p.full)
	<-p.done
	for i := range p.mem {
		p.mem[i].free()
	}
}

// stop ends the pipe when close did not (the index writer panicked):
// what it held is dropped, its goroutine ends and its buffers are
// unmapped.
func (p *pipeWriter) stop() {
	if !p.closed {
		p.cur = p.cur[:0]
		p.close()
	}
}

func (w *writer) section(kind int, b []byte) section {
	w.pad()
	s := section{kind: uint32(kind), crc: crc(b), off: w.pos, len: uint64(len(b))}
	w.write(b)
	return s
}

// pad aligns the next section to sectionAlign bytes, so that a section
// that is read as arrays (the index) is aligned in the mapping.
func (w *writer) pad() {
	if r := w.pos % sectionAlign; r != 0 {
		w.write(make([]byte, sectionAlign-r))
	}
}

// growBy is how many elements a growing buffer of length l that needs
// room for n more should add: what the conversations written so far
// project for the whole archive (an eighth more, at least twice and at
// most eight times the present length). Grown a quarter at a time, as
// append grows a large slice, the spans and the conversation strings
// allocated (and copied) about five times their final size over a write.
func growBy(w *writer, l, n int) int {
	more := l
	if w.convsDone > 0 {
		projected := l * w.convsTotal / w.convsDone
		more = min(max(more, projected+projected/8-l), 8*l)
	}
	return max(n, more, 256)
}

func appendU32(b []byte, x uint32) []byte {
	return append(b, byte(x), byte(x>>8), byte(x>>16), byte(x>>24))
}

// Conversation flags.
const (
	convArchived = 1 << iota
	convStarred
	convInNewest
	convShared
	convComparisons // Comparisons != nil
)

func (w *writer) encodeConv(e *enc, c *model.Conversation, lists map[string]uint64, listEnc *enc, nLists *uint64) {
	var fl uint64
	if c.Archived {
		fl |= convArchived
	}
	if c.Starred {
		fl |= convStarred
	}
	if c.InNewest {
		fl |= convInNewest
	}
	if c.Shared {
		fl |= convShared
	}
	if c.Comparisons != nil {
		fl |= convComparisons
	}
	e.uv(fl)
	w.fresh(e, c.ID)
	w.text(e, c.Title)
	e.time(c.Created)
	e.time(c.Updated)
	w.pooled(e, c.Model)
	w.pooled(e, c.GizmoID)
	w.pooled(e, c.GizmoType)
	w.pooled(e, c.Origin)
	w.pooled(e, c.Source)
	e.sv(int64(c.Current))
	w.pooled(e, c.Service)
	w.fresh(e, c.CurrentKey)
	w.fresh(e, c.ShareID)
	// Sources: 0 for nil, else 1 + the list's number.
	if c.Sources == nil {
		e.uv(0)
	} else if len(c.Sources) > 0 && unsafe.SliceData(c.Sources) == w.lastSources && len(c.Sources) == w.lastSourcesLen {
		// The loader gives the conversations of one export the same
		// list: no key to build.
		e.uv(w.lastList + 1)
	} else {
		key := strings.Join(c.Sources, "\x00") + "\x00" // "" and [""] differ
		if len(c.Sources) == 0 {
			key = ""
		}
		i, ok := lists[key]
		if !ok {
			i = *nLists
			*nLists++
			lists[key] = i
			listEnc.uv(uint64(len(c.Sources)))
			for _, s := range c.Sources {
				listEnc.inline(s)
			}
		}
		if len(c.Sources) > 0 {
			w.lastSources, w.lastSourcesLen, w.lastList = unsafe.SliceData(c.Sources), len(c.Sources), i
		}
		e.uv(i + 1)
	}
	if c.Comparisons != nil {
		e.uv(uint64(len(c.Comparisons)))
		for _, cp := range c.Comparisons {
			e.time(cp.Time)
			w.pooled(e, cp.Preferred)
			w.fresh(e, cp.Original)
			w.fresh(e, cp.New)
		}
	}
}

func encodeMeta(a *model.Archive) []byte {
	var e enc
	if a.Warnings == nil {
		e.uv(0)
	} else {
		e.uv(uint64(len(a.Warnings)) + 1)
		for _, x := range a.Warnings {
			e.uv(uint64(x.Kind))
			e.inline(x.File)
			e.sv(int64(x.Index))
			e.sv(x.Offset)
			e.inline(x.ID)
			e.inline(x.Reason)
		}
	}
	if a.Sources == nil {
		e.uv(0)
	} else {
		e.uv(uint64(len(a.Sources)) + 1)
		for _, s := range a.Sources {
			e.inline(s)
		}
	}
	if a.Accounts == nil {
		e.uv(0)
	} else {
		e.uv(uint64(len(a.Accounts)) + 1)
		for _, x := range a.Accounts {
			e.inline(x.Service)
			e.inline(x.ID)
			e.inline(x.Name)
			e.inline(x.Email)
			e.inline(x.Plan)
			e.inline(x.Source)
		}
	}
	return e.b
}
