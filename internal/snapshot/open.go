package snapshot

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"unsafe"
	"weak"

	"github.com/backchat/backchat/model"
)

// Snapshot is a reopened snapshot. Its archive's strings point into the
// file's read-only mapping (the conversation table's, and a tree's when
// its frame is stored raw) or into the decompressed frame of their
// conversation: keep the Snapshot (do not Close it) for as long as
// anything of the archive is in use.
type Snapshot struct {
	// Archive is the archive as it was written; each conversation's tree
	// is decoded on first use, and a damaged one reports ErrCorrupt
	// through TreeErr (its Tree is then empty).
	Archive *model.Archive
	// Index is the index section (nil when none was written); its bytes
	// lie in the mapping.
	Index []byte
	// Flags are the header's flags (FlagIndex).
	Flags uint32

	data []byte
	refs []lazyRef // per conversation, in order
	// refHint is the refs index textRef found last: the index's texts
	// are looked up mostly in stream order (LoadIndexTexts checks every
	// field record's), so the next one is usually there or just after.
	refHint atomic.Int64
	release func() error
	damaged *damage
	index   section
	file    *os.File   // the snapshot file (VerifyIndex reads it); nil for OpenBytes
	texts   *textCache // the chunks TextAt decompressed last
}

// SetTextCacheBytes bounds the decompressed chunks TextAt keeps (default
// textCacheBytes): `backchat serve` counts them in its memory budget.
// Safe for concurrent use.
func (s *Snapshot) SetTextCacheBytes(n int) {
	if s.texts == nil {
		return
	}
	s.texts.mu.Lock()
	s.texts.max = n
	s.texts.mu.Unlock()
}

// VerifyIndex checks the index section's checksum. Open does not (it
// would read every page of the index); run it in the background, or before
// trusting a search. It reads the file with read(2) rather than through
// the mapping, so the pages it reads do not stay in the process's RSS.
// Safe for concurrent use.
func (s *Snapshot) VerifyIndex() error {
	var sum uint32
	if s.file == nil {
		sum = crc(s.data[s.index.off : s.index.off+s.index.len])
	} else {
		h := crc32.New(castagnoli)
		if _, err := io.Copy(h, io.NewSectionReader(s.file, int64(s.index.off), int64(s.index.len))); err != nil {
			return fmt.Errorf("snapshot: reading the index: %w", err)
		}
		sum = h.Sum32()
	}
	if sum != s.index.crc {
		s.damaged.mark()
		return corrupt("index checksum")
	}
	return nil
}

// Damaged reports whether some conversation's tree failed to decode (its
// checksum or its encoding), the index failed VerifyIndex, or MarkDamaged
// was called: the snapshot must not be trusted any longer. Safe for
// concurrent use.
func (s *Snapshot) Damaged() bool { return s.damaged.flag.Load() }

// MarkDamaged records damage found by the snapshot's user (an index that
// does not load).
func (s *Snapshot) MarkDamaged() { s.damaged.mark() }

// OnDamage sets a function called once, from the goroutine that finds it,
// when the snapshot is first found damaged (at once if it already is).
func (s *Snapshot) OnDamage(f func()) {
	s.damaged.fn.Store(&f)
	if s.Damaged() {
		s.damaged.call()
	}
}

// damage is a snapshot's damaged flag and what to do about it.
type damage struct {
	flag atomic.Bool
	once sync.Once
	fn   atomic.Pointer[func()]
}

func (d *damage) mark() {
	d.flag.Store(true)
	d.call()
}

func (d *damage) call() {
	if f := d.fn.Load(); f != nil {
		d.once.Do(*f)
	}
}

// Size is the snapshot's size in bytes.
func (s *Snapshot) Size() int64 { return int64(len(s.data)) }

// TextAt returns a pointer to the n bytes at off (an offset given to an
// IndexWriter by its textOffset), or nil when they do not lie in the
// snapshot or their conversation is damaged (the snapshot is then marked
// damaged). A conversation's text is decompressed on first use and kept
// while anything holds it (the pointer does, and a bounded cache). Safe
// for concurrent use.
func (s *Snapshot) TextAt(off uint64, n int) *byte {
	if off&virtualText != 0 {
		r, o := s.textRef(off&^virtualText, n)
		if r == nil {
			return nil
		}
		return r.text(uint64(o), n)
	}
	if n <= 0 || off >= uint64(len(s.data)) || uint64(n) > uint64(len(s.data))-off {
		return nil
	}
	return &s.data[off]
}

// TextHas reports whether TextAt(off, n) lies in the snapshot, without
// reading (or decompressing) it.
func (s *Snapshot) TextHas(off uint64, n int) bool {
	if off&virtualText != 0 {
		r, _ := s.textRef(off&^virtualText, n)
		return r != nil
	}
	return n > 0 && off < uint64(len(s.data)) && uint64(n) <= uint64(len(s.data))-off
}

// Close releases the mapping. Nothing read from the archive may be used
// afterwards (its strings would point at unmapped memory).
func (s *Snapshot) Close() error {
	if s.release == nil {
		return nil
	}
	err := s.release()
	s.release, s.data, s.Archive, s.Index, s.file, s.refs = nil, nil, nil, nil, nil, nil
	return err
}

// Open maps the snapshot at path and decodes its conversation table. It
// fails with an error wrapping ErrStale when the snapshot was written by
// another format version or for another fingerprint, and ErrCorrupt when it
// is truncated or damaged; an error from the file system (no such file)
// is returned as it is.
func Open(path string, fp Fingerprint) (*Snapshot, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	data, release, err := mapFile(f)
	if err != nil {
		_ = f.Close()
		return nil, err
	}
	s, err := open(data, fp, f)
	if err != nil {
		_ = release()
		_ = f.Close()
		return nil, err
	}
	s.file = f
	s.release = func() error {
		err := release()
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return err
	}
	return s, nil
}

// OpenBytes is Open over bytes in memory (tests, fuzzing). data must not
// change while the archive is in use.
func OpenBytes(data []byte, fp Fingerprint) (*Snapshot, error) {
	return open(data, fp, nil)
}

func corrupt(format string, args ...any) error {
	return fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), ErrCorrupt)
}

func readHeader(data []byte, fp Fingerprint) (header, error) {
	var h header
	if len(data) < 12 || !bytes.Equal(data[:8], magic[:]) {
		return h, corrupt("not a backchat snapshot")
	}
	if v := binary.LittleEndian.Uint32(data[8:]); v != Version {
		return h, fmt.Errorf("format version %d, want %d: %w", v, Version, ErrStale)
	}
	if len(data) < HeaderSize {
		return h, corrupt("header cut at byte %d", len(data))
	}
	if got, want := crc(data[:HeaderSize-4]), binary.LittleEndian.Uint32(data[HeaderSize-4:]); got != want {
		return h, corrupt("header checksum")
	}
	h.version = Version
	h.flags = binary.LittleEndian.Uint32(data[12:])
	copy(h.fp[:], data[16:48])
	if n := binary.LittleEndian.Uint32(data[48:]); n != numSections {
		return h, corrupt("%d sections, want %d", n, numSections)
	}
	if h.fp != fp {
		return h, fmt.Errorf("inputs changed: %w", ErrStale)
	}
	end := uint64(HeaderSize)
	for i := range h.secs {
		b := data[headerFixed+i*sectionEntry:]
		s := section{kind: binary.LittleEndian.Uint32(b), crc: binary.LittleEndian.Uint32(b[4:]),
			off: binary.LittleEndian.Uint64(b[8:]), len: binary.LittleEndian.Uint64(b[16:])}
		// Sections follow each other in kind order (each padded to
		// sectionAlign), the last one ending the file: a cut file fails
		// here.
		if s.kind != uint32(i) || s.off < end || s.off-end >= sectionAlign || s.off > uint64(len(data)) || s.len > uint64(len(data))-s.off {
			return h, corrupt("%s section out of bounds (file cut at byte %d?)", sectionNames[i], len(data))
		}
		end = s.off + s.len
		h.secs[i] = s
	}
	if end != uint64(len(data)) {
		return h, corrupt("%d bytes after the last section", uint64(len(data))-end)
	}
	return h, nil
}

func (h *header) bytes(data []byte, kind int) []byte {
	s := h.secs[kind]
	return data[s.off : s.off+s.len : s.off+s.len]
}

// open decodes the snapshot in data, the mapping of file (nil: bytes in
// memory), which compressed frames are read from (lazyRef.stored).
func open(data []byte, fp Fingerprint, file io.ReaderAt) (*Snapshot, error) {
	h, err := readHeader(data, fp)
	if err != nil {
		return nil, err
	}
	// Not data (checked per conversation on first use) nor the index
	// (VerifyIndex): reading them would fault in their pages.
	for _, k := range []int{secHstr, secPool, secConvtab, secMeta} {
		if crc(h.bytes(data, k)) != h.secs[k].crc {
			return nil, corrupt("%s checksum", sectionNames[k])
		}
	}
	s := &Snapshot{data: data, Flags: h.flags, Archive: &model.Archive{}, damaged: &damage{}, index: h.secs[secIndex]}
	if h.flags&FlagIndex != 0 {
		s.Index = h.bytes(data, secIndex)
	}
	pool, err := decodePool(h.bytes(data, secPool))
	if err != nil {
		return nil, err
	}
	if err := s.decodeConvtab(&h, pool, file); err != nil {
		return nil, err
	}
	if err := decodeMeta(h.bytes(data, secMeta), s.Archive); err != nil {
		return nil, err
	}
	return s, nil
}

func decodePool(b []byte) ([]string, error) {
	d := &dec{b: b}
	pool := make([]string, d.count(len(b)))
	for i := range pool {
		pool[i] = d.inline()
	}
	if d.bad || d.i != len(b) {
		return nil, corrupt("string pool")
	}
	return pool, nil
}

// lazyRef locates one conversation's frame in the mapping.
type lazyRef struct {
	sh     *refShared
	off    uint64 // file offset of the frame
	n      uint64 // its length
	method uint64
	strLen uint64 // bytes of fresh strings the frame holds (its blob follows)
	rawLen uint64 // strings and blob, uncompressed
	vstart uint64 // offset of the strings in the uncompressed data stream
	sum    uint32
	nodes  uint32 // nodes of the tree, as the table records them (Nodes)
	id     string

	mu      sync.Mutex
	checked bool               // the frame's checksum held
	chunks  []chunk            // a chunked frame's table, once read
	buf     weak.Pointer[byte] // the decompressed frame, while anything holds it
}

// Nodes is the number of nodes of conversation i's tree
// (Archive.Conversations[i]), as the conversation table records it:
// len(Tree()) without decoding the tree. A library import compares the
// library before and after by it (internal/library).
func (s *Snapshot) Nodes(i int) int { return int(s.refs[i].nodes) }

// frame returns the conversation's frame as stored (see stored), its
// checksum checked (once) and its chunk table read. Call with r.mu held.
func (r *lazyRef) frame(buf *[]byte) ([]byte, error) {
	frame, err := r.stored(buf, 0, r.n)
	if err != nil {
		return nil, err
	}
	if r.checked {
		return frame, nil
	}
	if crc(frame) != r.sum {
		r.sh.damaged.mark()
		return nil, corrupt("conversation %s: checksum", r.id)
	}
	if r.method == frameChunks {
		cs, ok := parseChunks(frame, r.strLen, r.rawLen)
		if !ok {
			r.sh.damaged.mark()
			return nil, corrupt("conversation %s: chunk table", r.id)
		}
		r.chunks = cs
	}
	r.checked = true
	return frame, nil
}

// readBufs holds buffers compressed frames are read into (stored).
var readBufs = sync.Pool{New: func() any { return new([]byte) }}

// maxReadBuf is the largest read buffer put back in readBufs.
const maxReadBuf = 1 << 20

func putReadBuf(buf *[]byte) {
	if cap(*buf) <= maxReadBuf {
		readBufs.Put(buf)
	}
}

// stored returns n bytes of the frame as stored, from its byte off: in
// the mapping, or, for a compressed frame of a snapshot opened from a
// file, read from the file (pread) into *buf (grown as needed). A
// compressed frame's bytes are only ever decompressed, so they need not
// be mapped: pages read through the mapping stay in the process's RSS
// (file-backed) for good, and under `backchat serve` the searches of 50
// sessions touched two thirds of a 1 GB library's frames (~4 MB per
// session). A raw frame is read in place: its tree's strings point into
// the mapping. An error reading the file marks the snapshot damaged.
func (r *lazyRef) stored(buf *[]byte, off, n uint64) ([]byte, error) {
	if r.sh.file == nil || r.method == frameRaw {
		at := r.off + off
		return r.sh.data[at : at+n : at+n], nil
	}
	if uint64(cap(*buf)) < n {
		*buf = make([]byte, n)
	}
	b := (*buf)[:n]
	if _, err := r.sh.file.ReadAt(b, int64(r.off+off)); err != nil {
		r.sh.damaged.mark()
		return nil, fmt.Errorf("conversation %s: reading its frame: %v: %w", r.id, err, ErrCorrupt)
	}
	return b, nil
}

// raw returns the conversation's fresh strings and blob: in the mapping
// for a raw frame, else decompressed, once for as long as anything (a
// decoded tree) holds the result.
func (r *lazyRef) raw() ([]byte, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.method == frameRaw {
		return r.frame(nil)
	}
	if p := r.buf.Value(); p != nil {
		return unsafe.Slice(p, r.rawLen), nil
	}
	buf := readBufs.Get().(*[]byte)
	defer putReadBuf(buf)
	frame, err := r.frame(buf)
	if err != nil {
		return nil, err
	}
	out := make([]byte, r.rawLen)
	if at, ok := decodeChunks(out, frame, r.chunks); !ok {
		r.sh.damaged.mark()
		return nil, corrupt("conversation %s: chunk at %d", r.id, at)
	}
	if len(out) > 0 {
		r.buf = weak.Make(&out[0])
	}
	return out, nil
}

// text returns a pointer to the n bytes at offset o of the conversation's
// strings: in its decompressed frame when something holds it (a decoded
// tree's strings point there too), else in its chunk, decompressed alone
// and kept in the snapshot's cache. nil when the conversation is damaged.
func (r *lazyRef) text(o uint64, n int) *byte {
	r.mu.Lock()
	if r.method == frameRaw {
		frame, err := r.frame(nil)
		r.mu.Unlock()
		if err != nil {
			return nil
		}
		return &frame[o]
	}
	if p := r.buf.Value(); p != nil {
		r.mu.Unlock()
		return &unsafe.Slice(p, r.rawLen)[o]
	}
	buf := readBufs.Get().(*[]byte)
	defer putReadBuf(buf)
	var frame []byte // the whole frame, when its first use reads it now
	if !r.checked {
		var err error
		if frame, err = r.frame(buf); err != nil {
			r.mu.Unlock()
			return nil
		}
	}
	k, ok := chunkOf(r.chunks, o, n)
	r.mu.Unlock()
	if !ok {
		r.sh.damaged.mark() // the writer never splits a string
		return nil
	}
	c := r.chunks[k]
	b := r.sh.cache.get(r, k)
	if b == nil {
		if frame == nil { // read the chunk alone
			stored := c.n
			if stored == 0 {
				stored = c.end - c.start
			}
			var err error
			if frame, err = r.stored(buf, c.off, stored); err != nil {
				return nil
			}
			c.off = 0
		}
		b = make([]byte, c.end-c.start)
		if !decodeChunk(b, frame, c) {
			r.sh.damaged.mark()
			return nil
		}
		r.sh.cache.put(r, k, b)
	}
	return &b[o-c.start]
}

func (r *lazyRef) load() ([]model.Node, error) {
	whole, err := r.raw()
	if err != nil {
		return nil, err
	}
	s := &strs{data: whole, cur: 0, end: int(r.strLen), pool: r.sh.pool}
	nodes, err := decodeTree(whole[r.strLen:], s)
	if err != nil {
		r.sh.damaged.mark()
		return nil, fmt.Errorf("conversation %s: %w", r.id, err)
	}
	return nodes, nil
}

// textCacheBytes bounds the decompressed chunks the search index keeps
// (TextAt): a query verifying the same candidates again, as the next
// keystroke's does, does not decompress them again.
const textCacheBytes = 128 << 20

// chunkKey is a chunk of a frame: of a snapshot's conversation (a
// *lazyRef) or of one kept in memory (a *MemFrame).
type chunkKey struct {
	r any
	k int
}

// textCache holds the most recently decompressed chunks read through
// TextAt, up to textCacheBytes (and always the last one).
type textCache struct {
	mu    sync.Mutex
	max   int // bytes; 0: textCacheBytes
	m     map[chunkKey][]byte
	order []chunkKey
	bytes int
}

func (c *textCache) get(r any, k int) []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[chunkKey{r, k}]
}

func (c *textCache) put(r any, k int, b []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	key := chunkKey{r, k}
	if _, ok := c.m[key]; ok {
		return
	}
	if c.m == nil {
		c.m = map[chunkKey][]byte{}
	}
	c.m[key] = b
	c.order = append(c.order, key)
	c.bytes += len(b)
	limit := c.max
	if limit <= 0 {
		limit = textCacheBytes
	}
	drop := 0
	for c.bytes > limit && drop < len(c.order)-1 {
		old := c.order[drop]
		c.bytes -= len(c.m[old])
		delete(c.m, old)
		drop++
	}
	if drop > 0 {
		c.order = append(c.order[:0], c.order[drop:]...)
	}
}

// textRef finds the conversation whose fresh strings hold the n bytes at
// offset v of the uncompressed data stream, and their offset in its
// frame.
func (s *Snapshot) textRef(v uint64, n int) (*lazyRef, int) {
	if n <= 0 {
		return nil, 0
	}
	// holds: refs[i] is the last conversation starting at or before v.
	holds := func(i int) bool {
		return i >= 0 && i < len(s.refs) && s.refs[i].vstart <= v && (i+1 == len(s.refs) || s.refs[i+1].vstart > v)
	}
	i := int(s.refHint.Load())
	switch {
	case holds(i):
	case holds(i + 1):
		i++
	default:
		lo, hi := 0, len(s.refs) // the first ref starting after v is in [lo, hi]
		for lo < hi {
			m := int(uint(lo+hi) >> 1)
			if s.refs[m].vstart > v {
				hi = m
			} else {
				lo = m + 1
			}
		}
		i = lo - 1
		if i < 0 {
			return nil, 0
		}
	}
	s.refHint.Store(int64(i))
	r := &s.refs[i]
	if o := v - r.vstart; o < r.strLen && uint64(n) <= r.strLen-o {
		return r, int(o)
	}
	return nil, 0
}

func decodeMeta(b []byte, a *model.Archive) error {
	d := &dec{b: b}
	if n := d.count(len(b) + 1); n > 0 {
		a.Warnings = make([]model.Warning, n-1)
		for i := range a.Warnings {
			w := &a.Warnings[i]
			w.Kind = model.WarningKind(d.uv())
			w.File = d.inline()
			w.Index = int(d.sv())
			w.Offset = d.sv()
			w.ID = d.inline()
			w.Reason = d.inline()
		}
	}
	if n := d.count(len(b) + 1); n > 0 {
		a.Sources = make([]string, n-1)
		for i := range a.Sources {
			a.Sources[i] = d.inline()
		}
	}
	if n := d.count(len(b) + 1); n > 0 {
		a.Accounts = make([]model.Account, n-1)
		for i := range a.Accounts {
			x := &a.Accounts[i]
			x.Service = d.inline()
			x.ID = d.inline()
			x.Name = d.inline()
			x.Email = d.inline()
			x.Plan = d.inline()
			x.Source = d.inline()
		}
	}
	if d.bad || d.i != len(b) {
		return corrupt("meta section")
	}
	return nil
}
