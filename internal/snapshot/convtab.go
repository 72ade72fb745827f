package snapshot

import (
	"encoding/binary"
	"io"
	"runtime"

	"github.com/backchat/backchat/model"
)

// The conversation table is most of what reopening a snapshot costs before
// the list can show (~1 µs an entry: 60,000 conversations are 60 ms on
// one core of the 2-core machine the targets are measured on). Its
// entries have no fixed size and their fresh strings follow each other in
// hstr without offsets, so entry k's place is known only once the entries
// before it are read. Open therefore reads the table twice at once: a
// scan (scanEntry: the varints only, nothing stored, a few times faster
// than decoding) runs ahead and hands out where every span of
// convtabSpan entries starts, and the spans are decoded on all the
// processors, the caller's goroutine included. The result, errors
// included, is the one a decode from start to end gives
// (decodeConvtabWith with one worker; tests compare both on damaged
// tables). The sections' checksums are checked before, as they always
// were: a damaged table is refused before any of it is decoded.

// convtabSpan is how many entries one goroutine decodes at a time.
const convtabSpan = 4096

// refShared is what every lazyRef of a snapshot shares.
type refShared struct {
	data    []byte      // the whole mapping
	file    io.ReaderAt // its file (nil: bytes in memory); see lazyRef.stored
	pool    []string
	damaged *damage
	cache   *textCache
}

// tabPos is a place in the conversation table: before entry i, at byte d
// of the table, with the next fresh string at byte st of the mapping and
// the entry's strings at offset v of the uncompressed data stream.
type tabPos struct {
	i, d, st int
	v        uint64
}

// tabDecoder decodes the conversation table's entries into conversations
// and their lazy refs. Spans of entries may be decoded concurrently: each
// writes only its own entries.
type tabDecoder struct {
	b      []byte // the table
	data   []byte // the mapping
	stEnd  int    // end of hstr in the mapping
	pool   []string
	lists  [][]string
	ds     section // the data section
	convs  []model.Conversation
	refs   []lazyRef
	out    []*model.Conversation
	shared *refShared
}

// decodeConvtab decodes the conversation table into s.Archive and s.refs.
func (s *Snapshot) decodeConvtab(h *header, pool []string, file io.ReaderAt) error {
	return s.decodeConvtabWith(h, pool, file, convtabSpan, runtime.GOMAXPROCS(0))
}

// decodeConvtabWith is decodeConvtab with spans of span entries decoded
// by up to workers goroutines (1: in order, on the caller's alone).
func (s *Snapshot) decodeConvtabWith(h *header, pool []string, file io.ReaderAt, span, workers int) error {
	b := h.bytes(s.data, secConvtab)
	d := &dec{b: b}
	hs := h.secs[secHstr]
	lists := make([][]string, d.count(len(b)))
	for i := range lists {
		l := make([]string, d.count(len(b)-d.i))
		for j := range l {
			l[j] = d.inline()
		}
		lists[i] = l
	}
	n := d.count(len(b) - d.i + 1)
	if d.bad {
		return corrupt("conversation table")
	}
	if n == 0 {
		return nil // Conversations was nil
	}
	n--
	t := &tabDecoder{b: b, data: s.data, stEnd: int(hs.off + hs.len), pool: pool, lists: lists, ds: h.secs[secData],
		convs: make([]model.Conversation, n), refs: make([]lazyRef, n), out: make([]*model.Conversation, n),
		shared: &refShared{data: s.data, file: file, pool: pool, damaged: s.damaged, cache: &textCache{}}}
	end, err := t.decode(tabPos{d: d.i, st: int(hs.off)}, span, workers)
	if err != nil {
		return err
	}
	s.Archive.Conversations, s.refs, s.texts = t.out, t.refs, t.shared.cache
	if end.d != len(b) || end.st != t.stEnd {
		return corrupt("conversation table: trailing bytes")
	}
	return nil
}

// decode decodes every entry from start and returns where the last one
// ends, or the error of the first entry that fails.
func (t *tabDecoder) decode(start tabPos, span, workers int) (tabPos, error) {
	n := len(t.convs)
	spans := (n + span - 1) / span
	if workers <= 1 || spans <= 1 {
		return t.span(start, n)
	}
	// The scan hands out each span's start as soon as it reaches it.
	starts := make(chan tabPos, spans)
	scanErr := make(chan error, 1)
	go func() {
		defer close(starts)
		d := &dec{b: t.b, i: start.d}
		st := &strs{data: t.data, cur: start.st, end: t.stEnd, pool: t.pool}
		p := start
		for i := range n {
			if i%span == 0 {
				p.i, p.d, p.st = i, d.i, st.cur
				starts <- p
			}
			p.v += t.scanEntry(d, st)
			if d.bad {
				// The span holding entry i fails there or before (its
				// decode reads the same bytes); the spans after it are
				// not decoded.
				scanErr <- corrupt("conversation table, entry %d", i)
				return
			}
		}
		scanErr <- nil
	}()
	type result struct {
		start, end tabPos
		err        error
	}
	results := make([]result, spans)
	done := make(chan struct{}, workers)
	work := func() {
		for p := range starts {
			r := &results[p.i/span]
			r.start = p
			r.end, r.err = t.span(p, min(span, n-p.i))
		}
		done <- struct{}{}
	}
	for range workers - 1 {
		go work()
	}
	work()
	for range workers {
		<-done
	}
	scanned := <-scanErr
	for k, r := range results {
		if r.err != nil {
			// The first span that failed has the error a decode in
			// order meets first.
			return tabPos{}, r.err
		}
		if scanned != nil && (k+1 == spans || results[k+1].start == (tabPos{})) {
			// The scan stopped in the span after this one's decode
			// ended; that span was never decoded.
			break
		}
		// Each span ends where the scan started the next: the scan and
		// the decode read an entry alike.
		if k+1 < spans && r.end != results[k+1].start {
			return tabPos{}, corrupt("conversation table, entry %d", r.end.i)
		}
	}
	if scanned != nil {
		return tabPos{}, scanned
	}
	return results[spans-1].end, nil
}

// span decodes the count entries from p and returns where they end, or
// the first one's error.
func (t *tabDecoder) span(p tabPos, count int) (tabPos, error) {
	d := &dec{b: t.b, i: p.d}
	st := &strs{data: t.data, cur: p.st, end: t.stEnd, pool: t.pool}
	v := p.v
	for i := p.i; i < p.i+count; i++ {
		raw, err := t.entry(d, st, i, v)
		if err != nil {
			return tabPos{}, err
		}
		v += raw
	}
	return tabPos{i: p.i + count, d: d.i, st: st.cur, v: v}, nil
}

// entry decodes entry i, whose strings start at offset v of the data
// stream, and returns the length of its strings and tree blob.
func (t *tabDecoder) entry(d *dec, st *strs, i int, v uint64) (uint64, error) {
	b := t.b
	c := &t.convs[i]
	fl := d.uv()
	c.Archived = fl&convArchived != 0
	c.Starred = fl&convStarred != 0
	c.InNewest = fl&convInNewest != 0
	c.Shared = fl&convShared != 0
	c.ID = d.str(st)
	c.Title = d.str(st)
	c.Created = d.time()
	c.Updated = d.time()
	c.Model = d.str(st)
	c.GizmoID = d.str(st)
	c.GizmoType = d.str(st)
	c.Origin = d.str(st)
	c.Source = d.str(st)
	c.Current = d.int32()
	c.Service = d.str(st)
	c.CurrentKey = d.str(st)
	c.ShareID = d.str(st)
	if k := d.uv(); k > 0 {
		if k > uint64(len(t.lists)) {
			return 0, corrupt("conversation %d: sources", i)
		}
		c.Sources = t.lists[k-1]
	}
	if fl&convComparisons != 0 {
		c.Comparisons = make([]model.Comparison, d.count(len(b)-d.i))
		for j := range c.Comparisons {
			cp := &c.Comparisons[j]
			cp.Time = d.time()
			cp.Preferred = d.str(st)
			cp.Original = d.str(st)
			cp.New = d.str(st)
		}
	}
	nodes := d.uv()
	visible := d.uv()
	branches := d.uv()
	r := &t.refs[i]
	r.sh, r.id = t.shared, c.ID
	r.off = d.uv()
	r.method = d.uv()
	r.n = d.uv()
	r.strLen = d.uv()
	blobLen := d.uv()
	r.sum = d.u32()
	if d.bad {
		return 0, corrupt("conversation table, entry %d", i)
	}
	ds := t.ds
	if r.off > ds.len || r.n > ds.len-r.off || r.method > frameChunks || (r.method == frameRaw && r.n != r.strLen+blobLen) ||
		r.strLen > maxFrame || blobLen > maxFrame-r.strLen || nodes > blobLen || visible > nodes || branches > nodes {
		return 0, corrupt("conversation %d out of bounds", i)
	}
	r.rawLen = r.strLen + blobLen
	r.nodes = uint32(nodes) // nodes <= blobLen <= maxFrame
	r.vstart = v
	r.off += ds.off
	c.SetLazyTree(r.load)
	c.SetTreeCounts(int(visible), int(branches))
	t.out[i] = c
	return r.rawLen, nil
}

// scanEntry reads one entry as entry does, byte for byte, storing
// nothing, and returns the length of its strings and tree blob. It does
// not check what entry checks (entry's decode of the same bytes does);
// d.bad tells a read past the end or a malformed varint, or a fresh
// string past the end of st. It reads the varints itself, with the
// position in locals: through dec's methods it took a third of entry's
// time, which is then the part of the decode that does not run in
// parallel.
func (t *tabDecoder) scanEntry(d *dec, st *strs) uint64 {
	b, i, cur, bad := d.b, d.i, st.cur, false
	// uv reads one varint at i.
	uv := func() uint64 {
		if i < len(b) && b[i] < 0x80 {
			i++
			return uint64(b[i-1])
		}
		x, n := binary.Uvarint(b[i:])
		if n <= 0 {
			bad, i = true, len(b)
			return 0
		}
		i += n
		return x
	}
	// str skips a string reference (its fresh bytes in st).
	str := func() {
		x := uv()
		if x&1 == 0 {
			if n := x >> 1; n > uint64(st.end-cur) {
				bad = true
			} else {
				cur += int(n)
			}
		} else if x>>1 >= uint64(len(st.pool)) {
			bad = true
		}
	}
	// when skips a time as dec.time reads it.
	when := func() {
		if kind := uv(); kind != timeZero {
			if kind == timeFixed {
				uv()
			}
			uv()
			uv()
		}
	}
	fl := uv()
	str()         // ID
	str()         // Title
	when()        // Created
	when()        // Updated
	for range 5 { // Model, GizmoID, GizmoType, Origin, Source
		str()
	}
	uv()          // Current
	for range 3 { // Service, CurrentKey, ShareID
		str()
	}
	uv() // Sources
	if fl&convComparisons != 0 {
		limit := uint64(len(b) - i) // as dec.count is called
		n := uv()
		if n > limit {
			bad, n = true, 0
		}
		for range n {
			when()
			str() // Preferred
			str() // Original
			str() // New
		}
	}
	for range 6 { // nodes, visible, branches, off, method, n
		uv()
	}
	strLen := uv()
	blobLen := uv()
	if len(b)-i < 4 {
		bad, i = true, len(b)
	} else {
		i += 4 // the frame's checksum
	}
	d.i, st.cur = i, cur
	d.bad = d.bad || bad
	return strLen + blobLen
}
