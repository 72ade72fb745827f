package loader

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"path"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/klauspost/compress/flate"
	"github.com/klauspost/compress/zip"

	"github.com/backchat/backchat/model"
)

// Reading a ZIP whose central directory is missing or damaged (a cut
// download, a flipped byte in the directory or its end record, sizes that
// lie). archive/zip and klauspost/compress/zip both need the directory,
// so the entries are found here by their local file headers, the way
// `zip -FF` does: each header is followed by the entry's data; the data
// ends where its recorded size says when that size leads to the next
// header, else at the next header signature found (entries streamed with a
// data descriptor record no size). Deflate streams end by themselves; a
// stored entry ends before the next header (minus its data descriptor).
// Every entry read to its end has its CRC-32 checked (checkedReader).

const (
	sigDesc = 0x08074b50 // data descriptor
	// maxRatio bounds how much one compressed byte may inflate to, beyond
	// the first ratioGrace bytes. Chat exports compress 4–20 times; deflate
	// can reach 1032 (a "ZIP bomb"), which no export comes near.
	maxRatio   = 100
	ratioGrace = 64 << 20
)

// localEntry is one entry found by its local header.
type localEntry struct {
	name      string
	method    uint16
	flags     uint16
	crc       uint32 // from the header or the data descriptor; see crcKnown
	crcKnown  bool
	usize     int64 // uncompressed size recorded; -1 unknown
	header    int64 // offset of the local header
	dataOff   int64
	dataEnd   int64 // where the entry's data ends at the latest
	truncated bool  // the file ends inside the entry
	// oddExtra: the header's extra field is not a run of records that
	// fills it (or runs past the end of the file), so its length, and the
	// data offset taken from it, may be damaged (reprobe).
	oddExtra bool
}

// scanLocalZip lists the entries of the ZIP r by their local headers.
func scanLocalZip(r io.ReaderAt, size int64) []localEntry {
	le := binary.LittleEndian
	var out []localEntry
	hdr := make([]byte, 30+65535+65535)
	off := int64(0)
	for off+30 <= size {
		h := hdr[:30]
		if _, err := r.ReadAt(h, off); err != nil {
			break
		}
		if le.Uint32(h) != sigLocal && !(nearSig(h, sigLocal) && (off == 0 || len(out) > 0 && off == out[len(out)-1].dataEnd)) {
			next := nextSig(r, off+1, size, false)
			if next < 0 {
				break
			}
			off = next
			continue
		}
		flags, method := le.Uint16(h[6:]), le.Uint16(h[8:])
		crc, csize, usize := le.Uint32(h[14:]), int64(le.Uint32(h[18:])), int64(le.Uint32(h[22:]))
		nameLen, extraLen := int64(le.Uint16(h[26:])), int64(le.Uint16(h[28:]))
		full := hdr[:30+nameLen+extraLen]
		n, _ := r.ReadAt(full, off)
		name := full[30:min(int64(n), 30+nameLen)]
		if int64(n) < 30+nameLen || nameLen == 0 || !utf8.Valid(name) || bytes.ContainsAny(name, "\x00\"{\n") || method != 0 && method != 8 {
			if !nearSig(h, sigLocal) || off != 0 && (len(out) == 0 || off != out[len(out)-1].dataEnd) {
				off++ // not a header after all (or one too damaged to use)
				continue
			}
			// A header where one is expected, with damaged fields: its
			// data is found by probing (probeData), and it is unnamed
			// unless the directory names it (expandLocalZip).
			keep := int64(len(name)) == nameLen && utf8.Valid(name) && !bytes.ContainsAny(name, "\x00\"{\n")
			kept := string(name)
			nameLen, extraLen, name = 0, 0, nil
			if m, ok := probeData(r, off+30, size); ok {
				method, extraLen = m.method, m.dataOff-off-30
				if keep && int64(len(kept)) <= extraLen {
					// The name field itself looks intact: keep it.
					name = []byte(kept)
				}
			} else {
				method = zip.Store
			}
		}
		if extraLen > 0 && int64(n) == int64(len(full)) && nameLen > 0 {
			csize, usize = zip64Sizes(full[30+nameLen:], csize, usize)
		}
		e := localEntry{
			name: string(name), method: method, flags: flags, header: off,
			dataOff: off + 30 + nameLen + extraLen, usize: -1,
		}
		if extraLen > 0 && nameLen > 0 {
			e.oddExtra = int64(n) < int64(len(full)) || !extraRecords(full[30+nameLen:])
		}
		dd := flags&8 != 0
		if !dd {
			// A CRC-32 of 0 without a data descriptor is unknown, as
			// archive/zip (and openEntry) take it: some writers leave it.
			e.crc, e.crcKnown, e.usize = crc, crc != 0, usize
		}
		// Where does the data end? Trust the recorded size only when it
		// leads to another header, the directory or the end of the file.
		end := int64(-1)
		if !dd && e.dataOff+csize <= size {
			if c := e.dataOff + csize; c == size || isSigAt(r, c) {
				end = c
			}
		}
		if end < 0 {
			end = nextSig(r, e.dataOff, size, true)
			if end < 0 {
				end = size
				e.truncated = dd || e.dataOff+csize > size
			}
		}
		e.dataEnd = end
		if dd {
			e.readDescriptor(r)
		}
		out = append(out, e)
		off = max(end, off+1)
	}
	// Bytes before the first header found: a first header too damaged
	// to recognise; its data is probed for.
	if first := firstHeader(out, size); first > 30 {
		if m, ok := probeData(r, 0, first); ok {
			out = append([]localEntry{{method: m.method, header: 0, dataOff: m.dataOff, dataEnd: first, usize: -1}}, out...)
		}
	}
	return out
}

// firstHeader is the offset of the first entry, size when there is none.
func firstHeader(out []localEntry, size int64) int64 {
	if len(out) == 0 {
		return size
	}
	return out[0].header
}

// zip64Sizes reads the sizes from a ZIP64 extra field when the header's
// are 0xFFFFFFFF.
func zip64Sizes(extra []byte, csize, usize int64) (int64, int64) {
	le := binary.LittleEndian
	for len(extra) >= 4 {
		id, n := le.Uint16(extra), int(le.Uint16(extra[2:]))
		if 4+n > len(extra) {
			break
		}
		if id == 1 {
			f := extra[4 : 4+n]
			if usize == 0xFFFFFFFF && len(f) >= 8 {
				usize, f = int64(le.Uint64(f)), f[8:]
			}
			if csize == 0xFFFFFFFF && len(f) >= 8 {
				csize = int64(le.Uint64(f))
			}
		}
		extra = extra[4+n:]
	}
	return csize, usize
}

// extraRecords reports whether extra is a run of extra-field records
// (ID, length, data) that fills it exactly.
func extraRecords(extra []byte) bool {
	for len(extra) >= 4 {
		n := 4 + int(binary.LittleEndian.Uint16(extra[2:]))
		if n > len(extra) {
			return false
		}
		extra = extra[n:]
	}
	return len(extra) == 0
}

// readDescriptor takes the CRC-32 (and size) from the data descriptor
// that ends the entry's data, when there is one.
func (e *localEntry) readDescriptor(r io.ReaderAt) {
	le := binary.LittleEndian
	for _, n := range []int64{16, 24} { // with signature; ZIP64 sizes
		if e.dataEnd-n < e.dataOff {
			continue
		}
		b := make([]byte, n)
		if _, err := r.ReadAt(b, e.dataEnd-n); err != nil || le.Uint32(b) != sigDesc {
			continue
		}
		e.crc, e.crcKnown = le.Uint32(b[4:]), true
		if n == 16 {
			e.usize = int64(le.Uint32(b[12:]))
		} else {
			e.usize = int64(le.Uint64(b[16:]))
		}
		e.dataEnd -= n
		return
	}
}

// isSigAt reports whether a local header, a data descriptor, the central
// directory or its end starts at off.
func isSigAt(r io.ReaderAt, off int64) bool {
	var b [4]byte
	if _, err := r.ReadAt(b[:], off); err != nil {
		return false
	}
	switch binary.LittleEndian.Uint32(b[:]) {
	case sigLocal, sigDesc, sigCentr, sigEnd, sigLoc64:
		return true
	}
	return false
}

// nameBytes returns up to n bytes from where the name of the local header
// at off starts.
func nameBytes(r io.ReaderAt, off int64, n int) string {
	b := make([]byte, n)
	m, _ := r.ReadAt(b, off+30)
	return string(b[:m])
}

// descriptorAt reports whether a data descriptor holding crc (with or
// without its signature) is at off.
func descriptorAt(r io.ReaderAt, off int64, crc uint32) bool {
	var b [8]byte
	if n, _ := r.ReadAt(b[:], off); n < 4 {
		return false
	}
	le := binary.LittleEndian
	return le.Uint32(b[:]) == crc || le.Uint32(b[:]) == sigDesc && le.Uint32(b[4:]) == crc
}

// nextSig finds the next local header (or, with dir, central directory
// entry) signature at or after off; -1 when there is none.
func nextSig(r io.ReaderAt, off, size int64, dir bool) int64 {
	const win = 1 << 20
	buf := make([]byte, win+3)
	for off < size {
		n, _ := r.ReadAt(buf[:min(int64(len(buf)), size-off)], off)
		if n < 4 {
			return -1
		}
		b := buf[:n]
		for i := 0; ; {
			j := bytes.Index(b[i:], []byte("PK"))
			if j < 0 || i+j+4 > n {
				break
			}
			i += j
			if b[i+2] == 3 && b[i+3] == 4 || dir && (b[i+2] == 1 && b[i+3] == 2 || b[i+2] == 5 && b[i+3] == 6) {
				return off + int64(i)
			}
			i++
		}
		if n < len(buf) {
			return -1
		}
		off += win
	}
	return -1
}

// open returns the entry's content, CRC-checked at its end.
func (e *localEntry) open(r io.ReaderAt) (io.ReadCloser, error) {
	sec := io.NewSectionReader(r, e.dataOff, e.dataEnd-e.dataOff)
	var (
		body   io.Reader
		closer io.Closer
	)
	switch e.method {
	case zip.Store:
		// Up to the next record: a recorded size may be damaged.
		body = sec
	case zip.Deflate:
		body, closer = inflateBounded(sec, sec.Size())
	default:
		return nil, fmt.Errorf("%s: unsupported compression method %d", e.name, e.method)
	}
	c := &checkedReader{r: body, closer: closer, crc: e.crc, check: e.crcKnown, hash: crc32.NewIEEE(), size: -1}
	if e.truncated {
		c.cutAt = e.dataEnd
	}
	return c, nil
}

// countReader counts the bytes read through it.
type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// inflateBounded inflates r (size compressed bytes, 0 when unknown)
// through a read buffer of up to 1 MiB, refusing to inflate beyond
// maxRatio (ratioReader). The compressed bytes are counted below the
// buffer, so the count runs at most 1 MiB ahead.
func inflateBounded(r io.Reader, size int64) (io.Reader, io.Closer) {
	n := int64(64 << 10)
	if size > 0 {
		n = min(max(size, 4096), 1<<20)
	}
	cr := &countReader{r: r}
	fr := newPooledFlate(bufio.NewReaderSize(cr, int(n)))
	return &ratioReader{r: fr, in: &cr.n}, fr
}

// flatePool keeps inflaters (each with its 32 KiB window and tables,
// ~40 KB) between ZIP entries: an export of thousands of small shards
// made one per entry.
var flatePool sync.Pool

// pooledFlate is an inflater taken from flatePool, put back by Close.
// Reading after Close fails. Not safe for concurrent use (no reader of an
// entry reads and closes it at once: aheadReader.Close waits for its
// reads to end).
type pooledFlate struct{ fr io.ReadCloser }

func newPooledFlate(r io.Reader) *pooledFlate {
	if fr, ok := flatePool.Get().(io.ReadCloser); ok && fr.(flate.Resetter).Reset(r, nil) == nil {
		return &pooledFlate{fr: fr}
	}
	return &pooledFlate{fr: flate.NewReader(r)}
}

var errInflaterClosed = errors.New("loader: read of a closed ZIP entry")

func (p *pooledFlate) Read(b []byte) (int, error) {
	if p.fr == nil {
		return 0, errInflaterClosed
	}
	return p.fr.Read(b)
}

func (p *pooledFlate) Close() error {
	if p.fr == nil {
		return nil
	}
	err := p.fr.Close()
	flatePool.Put(p.fr)
	p.fr = nil
	return err
}

// errRatio refuses an entry that inflates like a ZIP bomb.
var errRatio = errors.New("ZIP bomb refused")

// ratioReader stops an inflating reader once its output exceeds maxRatio
// times the compressed bytes read (after ratioGrace).
type ratioReader struct {
	r   io.Reader
	in  *int64
	out int64
}

func (r *ratioReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	r.out += int64(n)
	if r.out > ratioGrace && r.out > maxRatio*(*r.in) {
		return n, fmt.Errorf("%w: %d MB inflated from %d KB (more than %d:1; real chat exports compress far less); the rest of the entry was not read", errRatio, r.out>>20, *r.in>>10, maxRatio)
	}
	return n, err
}

// checkedReader verifies the CRC-32 of what it reads at the end, and says
// where a cut entry ends.
type checkedReader struct {
	r      io.Reader
	closer io.Closer
	hash   hash.Hash32
	crc    uint32
	check  bool
	cutAt  int64 // >0: the file ends inside the entry, at this offset
	// size, when not -1, is the size the directory declares; read is what
	// was read. A size that disagrees is said at the end (errSize), after
	// every byte was handed on.
	size, read int64
}

func (c *checkedReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.hash.Write(p[:n])
	c.read += int64(n)
	switch {
	case (err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF)) && c.cutAt > 0:
		err = &zipCut{at: c.cutAt}
	case err == io.EOF && c.check && c.hash.Sum32() != c.crc:
		err = errCRC
	case err == io.EOF && c.size >= 0 && c.read != c.size:
		err = &sizeError{declared: c.size, read: c.read}
	}
	return n, err
}

// sizeError ends an entry that inflated to another size than its
// directory declares (its CRC-32 matched: the size is what is wrong).
type sizeError struct{ declared, read int64 }

func (e *sizeError) Error() string {
	return fmt.Sprintf("the entry holds %d bytes, its directory declares %d", e.read, e.declared)
}

// openEntry opens a ZIP entry found by its directory: its raw data is
// inflated here (inflateBounded) and checked (checkedReader) instead of
// by zip.File.Open, whose size check drops the last bytes read when the
// directory declares another size than the entry holds (every
// conversation in them lost, all of a small entry's); here they are all
// handed on and the size is said at the end.
func openEntry(zf *zip.File) (io.ReadCloser, error) {
	if zf.Method != zip.Store && zf.Method != zip.Deflate {
		return zf.Open()
	}
	raw, err := zf.OpenRaw()
	if err != nil {
		return nil, err
	}
	var (
		body   = raw
		closer io.Closer
	)
	if zf.Method == zip.Deflate {
		body, closer = inflateBounded(raw, int64(zf.CompressedSize64))
	}
	// As archive/zip does, a CRC-32 of 0 in an entry without a data
	// descriptor (flag bit 3) is taken for "not known" and not checked.
	check := zf.CRC32 != 0 || zf.Flags&0x8 != 0
	return &checkedReader{r: body, closer: closer, crc: zf.CRC32, check: check, hash: crc32.NewIEEE(), size: int64(zf.UncompressedSize64)}, nil
}

// zipCut is the read error of a ZIP entry cut short by the end of the
// file, at byte at. The scanner words it for the conversation the cut
// falls in (scanner.cut).
type zipCut struct{ at int64 }

// zipEnds starts every reason about a cut ZIP entry.
const zipEnds = "the ZIP ends at byte"

func (e *zipCut) Error() string { return fmt.Sprintf("%s %d, inside this entry", zipEnds, e.at) }

func (c *checkedReader) Close() error {
	if c.closer != nil {
		return c.closer.Close()
	}
	return nil
}

// dirDamage checks the central directory of zr against the local headers
// of its conversation entries: "" when they agree, else what is wrong.
func dirDamage(zr *zip.Reader, r io.ReaderAt, size int64) string {
	le := binary.LittleEndian
	for _, f := range zr.File {
		base := path.Base(f.Name)
		if !convFileRe.MatchString(base) && !strings.HasSuffix(strings.ToLower(base), ".zip") {
			// A conversation file whose name was damaged in the directory
			// only: its local header still names it.
			if !nearConvName(base) {
				continue
			}
			if off, err := f.DataOffset(); err == nil {
				if h, ok := localHeaderBefore(r, off, f.Name); !ok && len(h) > 30 && convFileRe.MatchString(path.Base(string(h[30:]))) {
					return fmt.Sprintf("the directory names an entry %q, the local headers %q", f.Name, h[30:])
				}
			}
			continue
		}
		off, err := f.DataOffset()
		if err != nil {
			return fmt.Sprintf("entry %s: %v", f.Name, err)
		}
		if off+int64(f.CompressedSize64) > size {
			return fmt.Sprintf("entry %s: its recorded size (%d bytes) runs past the end of the file", f.Name, f.CompressedSize64)
		}
		if e := off + int64(f.CompressedSize64); e != size && !isSigAt(r, e) && !isSigAt(r, e+12) && !isSigAt(r, e+20) {
			return fmt.Sprintf("entry %s: its recorded size (%d bytes) does not end where the next record starts", f.Name, f.CompressedSize64)
		} else if f.Flags&8 != 0 && !descriptorAt(r, e, f.CRC32) {
			// A next record 12 or 20 bytes on can be another's: a flip
			// in the local header's extra length put the data 56 bytes
			// on, where its end met the next entry's descriptor; read
			// from there, nothing loaded (FuzzDamage 53aa089ae67e1a30).
			return fmt.Sprintf("entry %s: no data descriptor where its data ends", f.Name)
		}
		if f.Method == zip.Store && f.CompressedSize64 != f.UncompressedSize64 {
			return fmt.Sprintf("entry %s: stored, but its sizes disagree", f.Name)
		}
		if f.Method == zip.Deflate && f.UncompressedSize64 > ratioGrace && f.UncompressedSize64/max(f.CompressedSize64, 1) > 1032 {
			return fmt.Sprintf("entry %s: its recorded sizes (%d from %d bytes) are beyond what deflate can do", f.Name, f.UncompressedSize64, f.CompressedSize64)
		}
		// The local header must hold the same name (and, without a data
		// descriptor, the same sizes).
		h, ok := localHeaderBefore(r, off, f.Name)
		if !ok {
			return fmt.Sprintf("entry %s: its local header does not name it", f.Name)
		}
		if lm := le.Uint16(h[8:]); lm != f.Method {
			// A flipped method in the directory ("unsupported compression
			// algorithm" failed the whole load; FuzzDamage 6584bc288af102d2):
			// the local header's is read instead.
			return fmt.Sprintf("entry %s: the directory's compression method (%d) disagrees with its local header's (%d)", f.Name, f.Method, lm)
		}
		if f.Flags&8 == 0 {
			lc, lu := le.Uint32(h[18:]), le.Uint32(h[22:])
			if lc != 0xFFFFFFFF && int64(lc) != int64(f.CompressedSize64) || lu != 0xFFFFFFFF && int64(lu) != int64(f.UncompressedSize64) {
				return fmt.Sprintf("entry %s: the directory's sizes disagree with its local header's", f.Name)
			}
		}
	}
	return ""
}

// expandLocalZip lists the conversation entries of a ZIP by their local
// headers (see the top of this file); why says what was wrong with the
// directory. It takes over f on success.
func expandLocalZip(p string, f io.ReaderAt, size int64, why string, closeF func() error, zr *zip.Reader) (*input, error) {
	ents := scanLocalZip(f, size)
	if zr != nil && len(zr.File) == len(ents) {
		// A directory that could be read names the entries in the order
		// of their headers: its names stand in for damaged ones, but for
		// a conversation file's name the directory alone got wrong.
		local := make(map[string]int, len(ents)) // names in the local headers
		dir := make(map[string]int, len(ents))   // names in the directory
		for i, e := range ents {
			local[e.name]++
			dir[zr.File[i].Name]++
		}
		for i := range ents {
			dn, ln := zr.File[i].Name, ents[i].name
			if !convFileRe.MatchString(path.Base(ln)) {
				ents[i].name = dn
				continue
			}
			// Both conversation files' names, and they disagree (a flip
			// turned conversations-001.json into conversations-000.json):
			// the local header's, written beside the data, unless it is
			// the one repeated and the directory's is not. A repeated
			// shard name would misplace or drop a shard.
			if convFileRe.MatchString(path.Base(dn)) && (local[ln] > 1 && dir[dn] == 1) {
				ents[i].name = dn
			}
		}
	}
	var (
		srcs  []source
		wrap  []wrappedEntry
		notes []string
	)
	for _, e := range ents {
		wrap = append(wrap, wrappedEntry{name: e.name, method: e.method, local: e.header, size: max(e.usize, 0), dataOff: e.dataOff, dataEnd: e.dataEnd})
	}
	roots := make(map[string]func() *assetIndex)
	for i := range ents {
		e := &ents[i]
		base := path.Base(e.name)
		if strings.Contains("/"+e.name, "/__MACOSX/") {
			continue
		}
		if strings.HasSuffix(strings.ToLower(base), ".zip") && e.method == zip.Store {
			sec := io.NewSectionReader(f, e.dataOff, e.dataEnd-e.dataOff)
			if inner, err := zip.NewReader(sec, sec.Size()); err == nil {
				bufferedInflate(inner)
				w := &zipWalk{}
				srcs = append(srcs, zipSources(inner, sec, p+":"+e.name, 1, w)...)
				notes = append(notes, w.notes...)
			} else if in, err := expandLocalZip(p+":"+e.name, sec, sec.Size(), "", func() error { return nil }, nil); err == nil {
				srcs = append(srcs, in.sources...)
			}
			continue
		}
		if e.name == "" && !anyConvName(ents) {
			// A header too damaged to name its entry, in an archive where
			// no entry is named like a conversation file: read it when it
			// holds JSON (probeData found it opening so).
			e.name = fmt.Sprintf("(unnamed entry at byte %d)", e.header)
		} else if !convFileRe.MatchString(base) && !(damagedConvName(base) && !anyConvName(ents)) {
			// A damaged byte that became '/' splits the name: the whole
			// of it is the damaged one ("conversati/ns.json", FuzzDamage
			// acd7343d70a1520f), of a file at the archive's root. A name
			// length damaged low cuts it ("conve", FuzzDamage
			// 81f5338d7fc43583): the bytes after it in the header finish it.
			if anyConvName(ents) {
				continue
			}
			if !damagedConvName(e.name) {
				long := nameBytes(f, e.header, len("conversations.json"))
				if len(e.name) == 0 || len(e.name) >= len(long) || !strings.HasPrefix(long, e.name) || !damagedConvName(long) {
					continue
				}
				e.name = long
			}
			base = e.name
		}
		e.reprobe(f, size)
		root := path.Dir(e.name) + "/"
		if root == "./" || base == e.name {
			root = ""
		}
		if roots[root] == nil {
			roots[root] = onceIndex(func() *assetIndex { return wrappedAssets(wrap, root) })
		}
		srcs = append(srcs, readAheadSource(p+":"+e.name, max(e.usize, 0), func() (io.ReadCloser, error) { return e.open(f) }, roots[root]))
	}
	if len(srcs) == 0 {
		return nil, fmt.Errorf("no conversation file found by its local header (%d entries found)", len(ents))
	}
	sort.Slice(srcs, func(i, j int) bool { return srcs[i].name < srcs[j].name })
	in := &input{sources: srcs, close: closeF}
	if why != "" {
		kind := model.WarnData
		if strings.HasPrefix(why, fileEnds) {
			kind = model.WarnTruncated
		}
		in.warns = append(in.warns, model.Warning{Kind: kind, File: p, Index: -1, Offset: -1, Reason: why + "; entries read from their headers"})
	}
	for _, n := range notes { // inner ZIPs' entries that could not be read
		in.warns = append(in.warns, model.Warning{Kind: model.WarnFile, File: p, Index: -1, Offset: -1, Reason: n})
	}
	return in, nil
}

// hasEndRecord reports whether the last maxEndLen bytes of r (size long)
// hold a ZIP end-of-directory signature; ok is false when they could not
// be read.
func hasEndRecord(r io.ReaderAt, size int64) (has, ok bool) {
	tailLen := min(size, maxEndLen)
	tail := make([]byte, tailLen)
	if _, err := r.ReadAt(tail, size-tailLen); err != nil && err != io.EOF {
		return false, false
	}
	return bytes.LastIndex(tail, []byte("PK\x05\x06")) >= 0, true
}

// fileEnds starts the reason of a ZIP whose directory the end of the file
// cut off.
const fileEnds = "the file ends at byte"

// zipDamage describes a ZIP the regular reader rejected or whose directory
// disagrees with its entries.
func zipDamage(r io.ReaderAt, size int64, err error, bad string) string {
	if has, ok := hasEndRecord(r, size); ok && !has {
		return fmt.Sprintf("%s %d, without the archive's directory", fileEnds, size)
	}
	if bad != "" {
		return "the archive's directory is damaged (" + bad + ")"
	}
	return fmt.Sprintf("the archive's directory is damaged (%v)", err)
}

// localHeaderBefore finds the local header whose data starts at dataOff
// and checks that it names name. Its extra field is nearly always short:
// the bytes before dataOff are read for one of up to 256 bytes first, then
// for the longest there can be (64 KiB for each of 5,000 shards was most
// of what their load allocated).
func localHeaderBefore(r io.ReaderAt, dataOff int64, name string) ([]byte, bool) {
	if h, ok := localHeaderWithin(r, dataOff, name, 256); ok || h != nil {
		return h, ok
	}
	return localHeaderWithin(r, dataOff, name, 65535)
}

// localHeaderWithin is localHeaderBefore for extra fields of up to extra
// bytes; the header is nil when none was found.
func localHeaderWithin(r io.ReaderAt, dataOff int64, name string, extra int) ([]byte, bool) {
	le := binary.LittleEndian
	w := min(dataOff, int64(30+len(name)+extra))
	b := make([]byte, w)
	if _, err := r.ReadAt(b, dataOff-w); err != nil {
		return nil, false
	}
	for i := len(b); ; {
		j := bytes.LastIndex(b[:i], []byte("PK\x03\x04"))
		if j < 0 || j+30 > len(b) {
			return nil, false
		}
		h := b[j:]
		nl, el := int(le.Uint16(h[26:])), int(le.Uint16(h[28:]))
		if 30+nl+el == len(h) {
			return h[:30+nl], string(h[30:30+nl]) == name
		}
		i = j
	}
}

// nearSig reports whether b starts with sig but for one byte (a damaged
// signature where a header is expected).
func nearSig(b []byte, sig uint32) bool {
	var want [4]byte
	binary.LittleEndian.PutUint32(want[:], sig)
	diff := 0
	for i := range want {
		if b[i] != want[i] {
			diff++
		}
	}
	return diff <= 1
}

// probed is where probeData found an entry's data.
type probed struct {
	dataOff int64
	method  uint16
}

// probeData looks for the start of an entry's data in the 512 bytes after
// from (a header whose lengths are damaged): the first offset whose bytes,
// inflated or as they are, open JSON ('[' or '{').
func probeData(r io.ReaderAt, from, size int64) (probed, bool) {
	buf := make([]byte, probeLen)
	for c := from; c < min(from+512, size); c++ {
		if n, _ := r.ReadAt(buf, c); n >= 2 && (buf[0] == '[' || buf[0] == '{') && looksJSON(buf[:n]) {
			return probed{c, zip.Store}, true
		}
		if opensJSON(r, c, size) {
			return probed{c, zip.Deflate}, true
		}
	}
	return probed{}, false
}

// probeLen is how many bytes of a probed entry's data (inflated, when
// deflated) looksJSON judges.
const probeLen = 64

// looksJSON reports whether b, the first bytes of an entry's data, opens
// a JSON file of conversations (the one test of probeData and reprobe,
// stored or inflated): '[' or '{' (a byte-order mark and white space
// aside), maybe one more, then a key and its ':' ("[{\"title\":",
// "{\"conversations\":"), or b ends first. Two bytes were taken before
// ('[' or '{', then '{', '"' or white space): "{{{{" inserted into a
// local header's name ("conversat{{{{ions.") passed for stored data
// there, while the deflated data lay four bytes on (FuzzDamage
// e0637f796aacab22).
func looksJSON(b []byte) bool {
	ws := func() {
		for len(b) > 0 && isWS(b[0]) {
			b = b[1:]
		}
	}
	b = bytes.TrimPrefix(b, []byte("\xEF\xBB\xBF"))
	ws()
	if len(b) == 0 || b[0] != '[' && b[0] != '{' {
		return false
	}
	b = b[1:]
	ws()
	if len(b) > 0 && b[0] == '{' {
		b = b[1:]
		ws()
	}
	if len(b) == 0 {
		return true
	}
	if b[0] != '"' {
		return false
	}
	for b = b[1:]; len(b) > 0 && b[0] != '"'; b = b[1:] {
		if b[0] < ' ' || b[0] == '\\' {
			return false
		}
	}
	if len(b) == 0 {
		return true
	}
	b = b[1:]
	ws()
	return len(b) == 0 || b[0] == ':'
}

// opensJSON reports whether a deflate stream at off inflates to JSON
// (looksJSON).
func opensJSON(r io.ReaderAt, off, size int64) bool {
	fr := flate.NewReader(io.NewSectionReader(r, off, min(size-off, 4096)))
	defer fr.Close()
	var b [probeLen]byte
	n, _ := io.ReadFull(fr, b[:])
	return n >= 2 && looksJSON(b[:n])
}

// reprobe checks that a conversation entry's data opens JSON where its
// header says, after a byte-order mark and white space; when not, or when
// the extra field's length looks damaged (oddExtra: a flip in its high
// byte put the data offset kilobytes into the data, where a run of
// indentation passed for the opening), it probes for it.
func (e *localEntry) reprobe(r io.ReaderAt, size int64) {
	ok := false
	switch {
	case e.oddExtra:
	case e.method == zip.Deflate:
		ok = opensJSON(r, e.dataOff, size)
	default:
		var b [probeLen]byte
		n, _ := r.ReadAt(b[:], e.dataOff)
		ok = looksJSON(b[:n])
	}
	if ok {
		return
	}
	if p, found := probeData(r, e.header+30, size); found && p.dataOff < e.dataEnd {
		e.dataOff, e.method = p.dataOff, p.method
	}
}

// damagedConvName reports whether a name is within two edits of
// conversations.json, or starts like it and is about as long (a damaged
// header, with no directory to name it), or is so but for a run of up to
// four bytes inserted into it: "conve222rsations.j", three edits
// (FuzzDamage a3d0de1aee5ace7a; the name's recorded length holds, so the
// inserted bytes push as many off its end). A run taken out, the rest
// must be within two edits of how conversations.json starts: a name that
// merely looks alike (observations.json, four edits) is not taken.
func damagedConvName(base string) bool {
	const want = "conversations.json"
	if len(base) < len(want)-4 || len(base) > len(want)+4 {
		return false
	}
	if strings.HasPrefix(base, "conversati") {
		return true // bytes inserted or lost after it
	}
	if nearConvStart(base) {
		return true
	}
	for r := 1; r <= 4; r++ {
		for i := 0; i+r <= len(base); i++ {
			if nearConvStart(base[:i] + base[i+r:]) {
				return true
			}
		}
	}
	return false
}

// nearConvStart reports whether name is within two edits of
// conversations.json or of its first 14 to 17 bytes.
func nearConvStart(base string) bool {
	const want = "conversations.json"
	// Levenshtein distance, one row at a time. Bytes inserted into a
	// header's name push as many off its end (its recorded length holds):
	// "conve11rsations.js" is within two edits of "conversations.js"
	// (FuzzDamage 1d8b1c24cb9c77b2).
	prev := make([]int, len(want)+1)
	cur := make([]int, len(want)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(base); i++ {
		cur[0] = i
		for j := 1; j <= len(want); j++ {
			cost := 1
			if base[i-1] == want[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	for k := len(want) - 4; k <= len(want); k++ {
		if prev[k] <= 2 {
			return true
		}
	}
	return false
}

// anyConvName reports whether some entry has a conversation file's name.
func anyConvName(ents []localEntry) bool {
	for _, e := range ents {
		if convFileRe.MatchString(path.Base(e.name)) {
			return true
		}
	}
	return false
}

// nearConvName reports whether name is a conversation file's name but for
// at most one byte (a flip in the directory): only those entries have
// their local header read by dirDamage, not every image of an export.
func nearConvName(name string) bool {
	for _, t := range []string{"conversations.json", "projects.json", "prod-grok-backend.json"} {
		if len(name) == len(t) && mismatches(name, t, 0, 0) <= 1 {
			return true
		}
	}
	const pre, suf = "conversations-", ".json"
	if len(name) < len(pre)+1+len(suf) {
		return false
	}
	digits := len(name) - len(pre) - len(suf)
	return mismatches(name, pre+strings.Repeat("0", digits)+suf, len(pre), len(pre)+digits) <= 1
}

// mismatches counts the bytes where a and b (of one length) differ; in
// a[from:to] any digit matches.
func mismatches(a, b string, from, to int) int {
	n := 0
	for i := range len(a) {
		if i >= from && i < to {
			if a[i] < '0' || a[i] > '9' {
				n++
			}
		} else if a[i] != b[i] {
			n++
		}
	}
	return n
}
