package search

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"runtime"
	"slices"
	"unsafe"

	"github.com/backchat/backchat/model"
)

// An Index is saved (Index.Save) into a snapshot file and loaded back from
// its mapping (LoadIndex) without being rebuilt: reopening a 1 GB export
// must answer its first query at once, and rebuilding costs ~3 CPU-seconds.
//
// Layout: little-endian; every array is a uint64 element count followed by
// its elements, padded with zeros to a multiple of 8 bytes, so that when
// data starts 8-byte aligned (a mapping does) every array is aligned and
// loaded as a slice over data (unsafe.Slice), not copied. On a big-endian
// host, or from unaligned data, arrays are decoded into copies instead.
//
//	header   magic "BCIDX\x00\x00\x01", then uint64s: format version,
//	         conversations, shards, text bytes, index bytes
//	meta     arrays: time []int64, text []int64, flags []uint8,
//	         model names (lengths []uint32, bytes []uint8),
//	         per conversation its models (modelStart []uint32, n+1 of
//	         them, and modelIdx []uint32 into the names)
//	recency  byRecency []int32
//	shards   per shard: [first, n] []int64, its flat slices in
//	         shardSlices order, recs []diskRec, field filters (fbKeys
//	         []uint32, fbStart []uint32, fbWords []uint64)
//	trailer  CRC-32C of everything before it (uint32), zero pad to 8
//
// A field's text is not saved: its record holds the offset of the text in
// the snapshot's string arena (textOffset at Save, textAt at load).
//
// LoadIndex checks every length, offset and order that a query indexes
// by, so damaged data is an error, never a panic or a read out of range
// later; query code decoding postings stops at malformed bytes. It does
// not read the postings, filters and texts themselves (that is what makes
// it fast): VerifyChecksum does, meant for a background check.

const (
	persistMagic   = "BCIDX\x00\x00\x01"
	persistVersion = 4 // 4: a posting's classes and counts start with a head byte (words.go putHead)
)

// hostLE is set when the host is little-endian: saved arrays are then the
// bytes of the slices in memory.
var hostLE = func() bool {
	x := uint16(1)
	return *(*byte)(unsafe.Pointer(&x)) == 1
}()

// flat is an array kept as is in a snapshot.
type flat interface {
	~uint8 | ~int32 | ~uint32 | ~int64 | ~uint64
}

// shardSlices lists a shard's flat slices: Save writes and LoadIndex reads
// them in this order. NOTE: a new flat slice in shard, wordIndex or
// fieldFilters is one line here (and a bump of persistVersion);
// TestPersistCoversFields fails until it is listed here or in
// persistDerived.
func shardSlices(s *shard) []slicePtr {
	return []slicePtr{
		ptrTo(&s.words.vocab),
		ptrTo(&s.words.starts),
		ptrTo(&s.words.offs),
		ptrTo(&s.words.post),
		ptrTo(&s.words.long),
		ptrTo(&s.words.pairs.bloom),
		ptrTo(&s.words.pairs.starts),
		ptrTo(&s.recStart),
	}
}

// slicePtr is a pointer to a flat slice of any element type, so
// shardSlices can list them in one table.
type slicePtr interface {
	write(w *persistWriter)
	read(r *persistReader) error
}

type slicePtrOf[T flat] struct{ p *[]T }

func ptrTo[T flat](p *[]T) slicePtr { return slicePtrOf[T]{p} }

func (s slicePtrOf[T]) write(w *persistWriter) { writeArray(w, *s.p) }

func (s slicePtrOf[T]) read(r *persistReader) error {
	v, err := readArray[T](r)
	*s.p = v
	return err
}

// diskRec is a fieldRec as saved: the text pointer becomes an offset in
// the snapshot's string arena. 32 bytes, no padding inside.
type diskRec struct {
	text  uint64
	node  int32
	block int32
	item  int32
	n     uint32
	_     uint32 // 0 (format 2 placed block filters; they are built on demand now)
	field Field
	flags uint8
	_     [2]byte
}

// persistWriter writes a snapshot's index, counting bytes for padding and
// summing them for the trailer.
type persistWriter struct {
	w   io.Writer
	n   int64
	crc uint32
	err error
	buf []byte
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

func (w *persistWriter) bytes(b []byte) {
	if w.err != nil || len(b) == 0 {
		return
	}
	w.crc = crc32.Update(w.crc, castagnoli, b)
	n, err := w.w.Write(b)
	w.n += int64(n)
	w.err = err
}

func (w *persistWriter) u64(v uint64) {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], v)
	w.bytes(b[:])
}

func (w *persistWriter) pad() {
	var z [8]byte
	w.bytes(z[:(8-w.n%8)%8])
}

// writeArray writes a flat slice: its length, its elements, padding.
func writeArray[T flat](w *persistWriter, v []T) {
	w.u64(uint64(len(v)))
	size := int(unsafe.Sizeof(*new(T)))
	if hostLE {
		if len(v) > 0 {
			w.bytes(unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(v))), len(v)*size))
		}
	} else {
		const chunk = 4096
		for i := 0; i < len(v); i += chunk {
			b := w.buf[:0]
			for _, x := range v[i:min(i+chunk, len(v))] {
				switch size {
				case 1:
					b = append(b, byte(x))
				case 4:
					b = binary.LittleEndian.AppendUint32(b, uint32(x))
				default:
					b = binary.LittleEndian.AppendUint64(b, uint64(x))
				}
			}
			w.buf = b
			w.bytes(b)
		}
	}
	w.pad()
}

// Save writes the index for LoadIndex. textOffset gives the offset, in the
// snapshot's string arena, of each field's text (n bytes at p); it is not
// called for empty fields. A text it does not know (ok false) fails the
// save: the index would point at nothing.
//
// The conversations themselves are not saved: LoadIndex is given them, in
// the same order (Index.Conversation).
func (ix *Index) Save(w io.Writer, textOffset func(p *byte, n int) (off uint64, ok bool)) error {
	pw := &persistWriter{w: w}
	pw.bytes([]byte(persistMagic))
	for _, v := range []uint64{persistVersion, uint64(len(ix.convs)), uint64(len(ix.shards)), uint64(ix.textBytes), uint64(ix.indexBytes)} {
		pw.u64(v)
	}
	ix.saveMeta(pw)
	writeArray(pw, ix.byRecency)
	for _, s := range ix.shards {
		writeArray(pw, []int64{int64(s.first), int64(s.n)})
		for _, sp := range shardSlices(s) {
			sp.write(pw)
		}
		if err := saveRecs(pw, s.allRecs(), textOffset); err != nil {
			return err
		}
		keys := make([]uint32, 0, len(s.fieldBloom))
		for k := range s.fieldBloom {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		start := make([]uint32, 1, len(keys)+1)
		var words []uint64
		for _, k := range keys {
			words = append(words, s.fieldBloom[k]...)
			start = append(start, uint32(len(words)))
		}
		writeArray(pw, keys)
		writeArray(pw, start)
		writeArray(pw, words)
	}
	// A built shard's postings and pair filters are freed by a cleanup once
	// the shard is unreachable (offheap.go attach): the index, and so its
	// shards, must stay reachable until the last of them is written, even
	// when the caller holds it no longer (TestOffHeapSaveDropped).
	runtime.KeepAlive(ix)
	var b [8]byte
	binary.LittleEndian.PutUint32(b[:], pw.crc)
	if pw.err == nil {
		_, pw.err = w.Write(b[:])
	}
	if pw.err != nil {
		return fmt.Errorf("search: saving the index: %w", pw.err)
	}
	return nil
}

// saveMeta writes the per-conversation metadata; model names are saved
// once each.
func (ix *Index) saveMeta(pw *persistWriter) {
	n := len(ix.meta)
	times, texts, flags := make([]int64, n), make([]int64, n), make([]uint8, n)
	modelStart := make([]uint32, 1, n+1)
	var modelIdx, nameLen []uint32
	var names []byte
	ids := map[string]uint32{}
	for i := range ix.meta {
		m := &ix.meta[i]
		times[i], texts[i], flags[i] = m.time, m.text, m.flags
		for _, s := range m.models {
			id, ok := ids[s]
			if !ok {
				id = uint32(len(nameLen))
				ids[s] = id
				nameLen = append(nameLen, uint32(len(s)))
				names = append(names, s...)
			}
			modelIdx = append(modelIdx, id)
		}
		modelStart = append(modelStart, uint32(len(modelIdx)))
	}
	writeArray(pw, times)
	writeArray(pw, texts)
	writeArray(pw, flags)
	writeArray(pw, nameLen)
	writeArray(pw, names)
	writeArray(pw, modelStart)
	writeArray(pw, modelIdx)
}

// saveRecs writes a shard's field records as diskRecs.
func saveRecs(pw *persistWriter, recs []fieldRec, textOffset func(p *byte, n int) (uint64, bool)) error {
	pw.u64(uint64(len(recs)))
	const chunk = 2048
	buf := make([]byte, 0, chunk*unsafe.Sizeof(diskRec{}))
	for i := 0; i < len(recs); i += chunk {
		b := buf[:0]
		for j := i; j < min(i+chunk, len(recs)); j++ {
			r := &recs[j]
			var off uint64
			if r.n > 0 {
				var ok bool
				if off, ok = textOffset(r.text, int(r.n)); !ok {
					return fmt.Errorf("search: saving the index: the text of a field (%d bytes) is not in the snapshot", r.n)
				}
			}
			b = binary.LittleEndian.AppendUint64(b, off)
			for _, v := range []uint32{uint32(r.node), uint32(r.block), uint32(r.item), r.n, 0} {
				b = binary.LittleEndian.AppendUint32(b, v)
			}
			b = append(b, byte(r.field), r.flags, 0, 0)
		}
		pw.bytes(b)
	}
	return nil
}

// persistReader reads a saved index from data.
type persistReader struct {
	data []byte
	at   int
}

var errTruncated = errors.New("truncated")

func (r *persistReader) u64() (uint64, error) {
	if len(r.data)-r.at < 8 {
		return 0, errTruncated
	}
	v := binary.LittleEndian.Uint64(r.data[r.at:])
	r.at += 8
	return v, nil
}

// region returns the next count elements of size bytes each and skips the
// padding after them.
func (r *persistReader) region(count uint64, size int) ([]byte, error) {
	left := uint64(len(r.data) - r.at)
	if count > left/uint64(size) {
		return nil, fmt.Errorf("array of %d elements: %w", count, errTruncated)
	}
	n := int(count) * size
	b := r.data[r.at : r.at+n : r.at+n]
	r.at += n
	if p := (8 - r.at%8) % 8; p > 0 {
		if len(r.data)-r.at < p {
			return nil, errTruncated
		}
		r.at += p
	}
	return b, nil
}

// readArray reads a flat slice: over data when the host is little-endian
// and the elements are aligned, else a copy.
func readArray[T flat](r *persistReader) ([]T, error) {
	count, err := r.u64()
	if err != nil {
		return nil, err
	}
	size := int(unsafe.Sizeof(*new(T)))
	b, err := r.region(count, size)
	if err != nil || count == 0 {
		return nil, err
	}
	if hostLE && uintptr(unsafe.Pointer(unsafe.SliceData(b)))%unsafe.Alignof(*new(T)) == 0 {
		return unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(b))), int(count)), nil
	}
	v := make([]T, count)
	for i := range v {
		switch size {
		case 1:
			v[i] = T(b[i])
		case 4:
			v[i] = T(binary.LittleEndian.Uint32(b[4*i:]))
		default:
			v[i] = T(binary.LittleEndian.Uint64(b[8*i:]))
		}
	}
	return v, nil
}

// readRecs reads a shard's diskRecs (over data when possible).
func readRecs(r *persistReader) ([]diskRec, error) {
	count, err := r.u64()
	if err != nil {
		return nil, err
	}
	const size = int(unsafe.Sizeof(diskRec{}))
	b, err := r.region(count, size)
	if err != nil || count == 0 {
		return nil, err
	}
	if hostLE && uintptr(unsafe.Pointer(unsafe.SliceData(b)))%unsafe.Alignof(diskRec{}) == 0 {
		return unsafe.Slice((*diskRec)(unsafe.Pointer(unsafe.SliceData(b))), int(count)), nil
	}
	v := make([]diskRec, count)
	for i := range v {
		e := b[i*size:]
		u32 := func(k int) uint32 { return binary.LittleEndian.Uint32(e[8+4*k:]) }
		v[i] = diskRec{text: binary.LittleEndian.Uint64(e), node: int32(u32(0)), block: int32(u32(1)), item: int32(u32(2)),
			n: u32(3), field: Field(e[28]), flags: e[29]}
	}
	return v, nil
}

// LoadIndex returns the index Save wrote into data, over convs: the
// conversations the saved index had, in the same order (kept, not
// copied: it must not change afterwards). textAt returns a
// pointer to n bytes at offset off of the snapshot's string arena, nil when
// they are not in it (the index is then damaged).
//
// The large arrays (postings, vocabulary, filters, record tables) are
// slices over data, not copies, when data is 8-byte aligned (a mapping is)
// on a little-endian host: data must stay mapped, unchanged, as long as
// the index is used. Field records are turned into pointers into the
// arena as conversations are verified, not here. Conversations are not
// read (a snapshot's are decoded lazily, on first use).
//
// Damaged data (a length or offset out of range, an order a query relies
// on broken) is an error naming what is wrong; damage inside postings,
// filters or texts is found by VerifyChecksum only (answers are then
// wrong, but no query panics or reads out of range).
func LoadIndex(data []byte, convs []*model.Conversation, textAt func(off uint64, n int) *byte) (*Index, error) {
	return LoadIndexTexts(data, convs, textFunc(textAt))
}

// Texts finds a loaded index's field texts (LoadIndexTexts): in a
// snapshot whose conversations' text is compressed, TextAt decompresses.
type Texts interface {
	// TextHas reports whether the n bytes at off exist; LoadIndex asks
	// it of every field record, so it must not read them.
	TextHas(off uint64, n int) bool
	// TextAt returns a pointer to them, nil when they cannot be read (a
	// damaged conversation: its fields are then skipped, as if they did
	// not match). Called from concurrent searches.
	TextAt(off uint64, n int) *byte
}

// textFunc is a textAt function as Texts.
type textFunc func(off uint64, n int) *byte

func (f textFunc) TextHas(off uint64, n int) bool { return f(off, n) != nil }
func (f textFunc) TextAt(off uint64, n int) *byte { return f(off, n) }

// LoadIndexTexts is LoadIndex with texts found through t.
func LoadIndexTexts(data []byte, convs []*model.Conversation, t Texts) (*Index, error) {
	ix, err := loadIndex(data, convs, t)
	if err != nil {
		return nil, fmt.Errorf("search: loading the index: %w", err)
	}
	return ix, nil
}

func loadIndex(data []byte, convs []*model.Conversation, textAt Texts) (*Index, error) {
	if len(data) < len(persistMagic)+8 || string(data[:len(persistMagic)]) != persistMagic {
		return nil, errors.New("not a saved index")
	}
	if len(data)%8 != 0 {
		return nil, errors.New("cut (not a multiple of 8 bytes)")
	}
	return decodeIndex(data[:len(data)-8], convs, textAt)
}

// VerifyChecksum reads a saved index (all of it, as Save wrote it) and
// reports whether its checksum holds. LoadIndex does not check it: that
// would read every page of the index before the first query (~100 ms and
// its whole size in RSS for a 1 GB export, when read through a mapping).
// Run it in the background with a reader over the file (an
// io.SectionReader: pages read with read(2) do not count in the process's
// RSS as a mapping's do), and drop the index and the snapshot when it
// fails. Until then, a damaged index that passed LoadIndex's validation
// gives wrong answers, never a panic.
func VerifyChecksum(r io.Reader) error {
	h := crc32.New(castagnoli)
	var last [8]byte // the trailer: held back from the sum
	have := 0
	buf := make([]byte, 1<<20)
	for {
		n, err := r.Read(buf)
		b := buf[:n]
		if len(b) >= 8 {
			h.Write(last[:have])
			h.Write(b[:len(b)-8])
			copy(last[:], b[len(b)-8:])
			have = 8
		} else {
			var both [16]byte
			k := copy(both[:], last[:have])
			k += copy(both[k:], b)
			if k > 8 {
				h.Write(both[:k-8])
				copy(last[:], both[k-8:k])
				have = 8
			} else {
				copy(last[:], both[:k])
				have = k
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("search: verifying the index: %w", err)
		}
	}
	if have < 8 || h.Sum32() != binary.LittleEndian.Uint32(last[:]) {
		return errors.New("search: the saved index is damaged (checksum mismatch)")
	}
	return nil
}

// decodeIndex reads and validates a saved index (body: without trailer).
func decodeIndex(body []byte, convs []*model.Conversation, textAt Texts) (*Index, error) {
	r := &persistReader{data: body, at: len(persistMagic)}
	var hdr [5]uint64
	for i := range hdr {
		v, err := r.u64()
		if err != nil {
			return nil, err
		}
		hdr[i] = v
	}
	if hdr[0] != persistVersion {
		return nil, fmt.Errorf("format version %d, want %d", hdr[0], persistVersion)
	}
	if hdr[1] != uint64(len(convs)) {
		return nil, fmt.Errorf("%d conversations saved, %d given", hdr[1], len(convs))
	}
	if hdr[2] > uint64(len(convs))+1 || hdr[3] > math.MaxInt64 || hdr[4] > math.MaxInt64 {
		return nil, errors.New("bad header")
	}
	n := len(convs)
	ix := &Index{convs: convs, textBytes: int64(hdr[3]), indexBytes: int64(hdr[4]), pool: &scratchPool{}}
	var err error
	if ix.meta, err = readMeta(r, n); err != nil {
		return nil, fmt.Errorf("conversation table: %w", err)
	}
	if ix.byRecency, err = readArray[int32](r); err != nil {
		return nil, fmt.Errorf("recency order: %w", err)
	}
	if err := checkPermutation(ix.byRecency, n); err != nil {
		return nil, fmt.Errorf("recency order: %w", err)
	}
	next := int32(0)
	for i := range int(hdr[2]) {
		s, err := readShard(r, next, n, textAt)
		if err != nil {
			return nil, fmt.Errorf("shard %d: %w", i, err)
		}
		s.meta = ix.meta[s.first : s.first+s.n : s.first+s.n]
		ix.shards = append(ix.shards, s)
		next += s.n
	}
	if int(next) != n {
		return nil, fmt.Errorf("shards cover %d conversations of %d", next, n)
	}
	if r.at != len(r.data) {
		return nil, fmt.Errorf("%d bytes after the last shard", len(r.data)-r.at)
	}
	return ix, nil
}

// readMeta reads the conversation table (n conversations).
func readMeta(r *persistReader, n int) ([]convMeta, error) {
	times, err := readArray[int64](r)
	if err != nil {
		return nil, err
	}
	texts, err := readArray[int64](r)
	if err != nil {
		return nil, err
	}
	flags, err := readArray[uint8](r)
	if err != nil {
		return nil, err
	}
	nameLen, err := readArray[uint32](r)
	if err != nil {
		return nil, err
	}
	names, err := readArray[uint8](r)
	if err != nil {
		return nil, err
	}
	modelStart, err := readArray[uint32](r)
	if err != nil {
		return nil, err
	}
	modelIdx, err := readArray[uint32](r)
	if err != nil {
		return nil, err
	}
	if len(times) != n || len(texts) != n || len(flags) != n || len(modelStart) != n+1 {
		return nil, fmt.Errorf("tables of %d, %d, %d, %d entries for %d conversations", len(times), len(texts), len(flags), len(modelStart), n)
	}
	models := make([]string, len(nameLen))
	at := 0
	for i, l := range nameLen {
		if uint64(l) > uint64(len(names)-at) {
			return nil, errors.New("model names out of range")
		}
		models[i] = string(names[at : at+int(l)])
		at += int(l)
	}
	if modelStart[0] != 0 || int(modelStart[n]) != len(modelIdx) {
		return nil, errors.New("model lists out of range")
	}
	for _, id := range modelIdx {
		if int(id) >= len(models) {
			return nil, errors.New("model number out of range")
		}
	}
	meta := make([]convMeta, n)
	lists := make([]string, len(modelIdx)) // every conversation's models, back to back
	for k, id := range modelIdx {
		lists[k] = models[id]
	}
	for i := range meta {
		from, to := modelStart[i], modelStart[i+1]
		if from > to || int(to) > len(modelIdx) {
			return nil, errors.New("model lists out of order")
		}
		m := &meta[i]
		m.time, m.text, m.flags = times[i], texts[i], flags[i]
		if m.text < 0 {
			return nil, errors.New("negative text size")
		}
		if from < to {
			m.models = lists[from:to:to]
		}
	}
	return meta, nil
}

// checkPermutation reports whether v holds each of 0…n-1 once.
func checkPermutation(v []int32, n int) error {
	if len(v) != n {
		return fmt.Errorf("%d entries for %d conversations", len(v), n)
	}
	seen := make([]uint64, (n+63)/64)
	for _, x := range v {
		if x < 0 || int(x) >= n || seen[x/64]&(1<<(x%64)) != 0 {
			return errors.New("not a permutation")
		}
		seen[x/64] |= 1 << (x % 64)
	}
	return nil
}

// readShard reads and validates one shard, the one starting at
// conversation first (of n).
func readShard(r *persistReader, first int32, n int, textAt Texts) (*shard, error) {
	hdr, err := readArray[int64](r)
	if err != nil {
		return nil, err
	}
	if len(hdr) != 2 || hdr[0] != int64(first) || hdr[1] <= 0 || hdr[1] > int64(n)-int64(first) {
		return nil, errors.New("bad shard header")
	}
	s := &shard{first: first, n: int32(hdr[1])}
	for i, sp := range shardSlices(s) {
		if err := sp.read(r); err != nil {
			return nil, fmt.Errorf("array %d: %w", i, err)
		}
	}
	disk, err := readRecs(r)
	if err != nil {
		return nil, fmt.Errorf("field records: %w", err)
	}
	keys, err := readArray[uint32](r)
	if err != nil {
		return nil, err
	}
	start, err := readArray[uint32](r)
	if err != nil {
		return nil, err
	}
	words, err := readArray[uint64](r)
	if err != nil {
		return nil, err
	}
	if err := s.words.check(int(s.n)); err != nil {
		return nil, err
	}
	if err := s.checkFilters(disk, textAt); err != nil {
		return nil, err
	}
	if len(start) != len(keys)+1 || start[0] != 0 || int(start[len(keys)]) != len(words) {
		return nil, errors.New("field filters out of range")
	}
	for i := 1; i < len(start); i++ {
		if start[i] < start[i-1] {
			return nil, errors.New("field filters out of order")
		}
	}
	if len(keys) > 0 {
		s.fieldBloom = make(map[uint32][]uint64, len(keys))
		for i, k := range keys {
			if int(k) >= len(disk) || (i > 0 && k <= keys[i-1]) {
				return nil, errors.New("field filters out of order")
			}
			s.fieldBloom[k] = words[start[i]:start[i+1]:start[i+1]]
		}
	}
	s.disk, s.textAt = disk, textAt.TextAt
	return s, nil
}

// check validates a loaded wordIndex of a shard of n conversations: what
// wordOfPos, word and the postings' slicing rely on. The postings
// themselves are decoded defensively (see wordPlan.eval).
func (w *wordIndex) check(n int) error {
	if len(w.starts) == 0 {
		return errors.New("no vocabulary table")
	}
	nw := len(w.starts) - 1
	if len(w.offs) != nw+1 {
		return fmt.Errorf("%d posting offsets for %d words", len(w.offs), nw)
	}
	if len(w.vocab) == 0 || w.vocab[len(w.vocab)-1] != 0 || int(w.starts[nw]) != len(w.vocab) {
		return errors.New("vocabulary out of range")
	}
	prev := uint32(0)
	for i, st := range w.starts[:nw] {
		// Each word: a 0 before it, at least one byte.
		if st < prev+1 || int(st) >= len(w.vocab) || w.vocab[st-1] != 0 || (i == 0 && st != 1) {
			return errors.New("vocabulary out of order")
		}
		prev = st + 1
	}
	if nw > 0 && w.starts[nw] < prev+1 {
		return errors.New("vocabulary out of order")
	}
	if w.offs[0] != 0 || int(w.offs[nw]) != len(w.post) {
		return errors.New("postings out of range")
	}
	for i := 1; i <= nw; i++ {
		if w.offs[i] < w.offs[i-1] {
			return errors.New("postings out of order")
		}
	}
	for i, c := range w.long {
		if c < 0 || int(c) >= n || (i > 0 && c <= w.long[i-1]) {
			return errors.New("long-word conversations out of order")
		}
	}
	// Pair filters (pairs.go): one per conversation, each empty or a power
	// of two words (pairMay masks by its length).
	ps := w.pairs.starts
	if len(ps) != n+1 || ps[0] != 0 || int(ps[n]) != len(w.pairs.bloom) {
		return errors.New("pair filters out of range")
	}
	for i := 1; i <= n; i++ {
		if d := ps[i] - ps[i-1]; ps[i] < ps[i-1] || d&(d-1) != 0 {
			return errors.New("pair filters out of order")
		}
	}
	return nil
}

// checkFilters validates the record table and block filters of a loaded
// shard (disk: its records).
func (s *shard) checkFilters(disk []diskRec, textAt Texts) error {
	rs := s.recStart
	if len(rs) != int(s.n)+1 || rs[0] != 0 || int(rs[s.n]) != len(disk) {
		return errors.New("record table out of range")
	}
	for i := 1; i < len(rs); i++ {
		if rs[i] < rs[i-1] {
			return errors.New("record table out of order")
		}
	}
	for i := range disk {
		d := &disk[i]
		if d.node < int32(model.NoNode) || d.block < 0 || d.item < 0 || d.n > math.MaxInt32 || int(d.field) >= len(fieldNames) {
			return fmt.Errorf("field record %d out of range", i)
		}
		if d.n > 0 && !textAt.TextHas(d.text, int(d.n)) {
			return fmt.Errorf("field record %d: text out of range", i)
		}
	}
	return nil
}

// convRecs returns the field records of the shard's local conversation
// local: a built shard's fieldRecs, or a loaded shard's records as saved
// (diskRecs in the mapping, turned into fieldRecs one at a time as they
// are scanned: nothing is copied at load).
func (s *shard) convRecs(local int32) ([]fieldRec, []diskRec) {
	lo, hi := s.recStart[local], s.recStart[local+1]
	if s.disk != nil {
		return nil, s.disk[lo:hi]
	}
	return s.recs[lo:hi], nil
}

// allRecs returns every field record of the shard (a copy for a loaded
// shard).
func (s *shard) allRecs() []fieldRec {
	if s.disk == nil {
		return s.recs
	}
	recs := make([]fieldRec, len(s.disk))
	for i := range s.disk {
		recs[i] = s.disk[i].withText(s.textAt)
	}
	return recs
}

// rec is d as a fieldRec, but for its text (see withText).
func (d *diskRec) rec() fieldRec {
	return fieldRec{node: d.node, block: d.block, item: d.item, n: d.n, field: d.field, flags: d.flags}
}

// withText is d as a fieldRec, its text found through textAt.
func (d *diskRec) withText(textAt func(off uint64, n int) *byte) fieldRec {
	r := d.rec()
	if d.n > 0 {
		r.text = textAt(d.text, int(d.n)) // nil for a damaged conversation (Save then fails)
	}
	return r
}
