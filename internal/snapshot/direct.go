package snapshot

import (
	"errors"
	"os"
	"syscall"

	"github.com/backchat/backchat/internal/anonmem"
)

// directBlock is the unit of a direct write (offsets and lengths are
// multiples of it; 4 KiB covers 512-byte and 4 KiB logical blocks).
// directBuf is what a directFile gathers before one write.
const (
	directBlock = 4096
	directBuf   = 4 << 20
)

// directFile is the temporary file WriteFile writes through where the
// file system takes O_DIRECT writes (direct_linux.go): the ~400 MB
// snapshot of a 1 GB export go from a reused buffer to the disk instead
// of into as many fresh page-cache pages, which this VM hands out at a
// host fault each: a buffered write of 400 MB cost 0.13–1.0 s of system
// CPU, a direct one 0.05 s (dd, quiet). The snapshot is not read back
// by the process that writes it (a later start maps it), so nothing
// is lost by leaving it out of the page cache.
//
// Writes are gathered in buf (page aligned, outside the Go heap) and
// written a full buffer at a time; the file's first block is kept while
// it is still to be rewritten (the header, WriteAt at offset 0, comes
// last), and finish writes the tail padded to a block, the first block
// again when it changed, and truncates the padding. Write and WriteAt
// are called from one goroutine at a time (Write's contract).
type directFile struct {
	f          *os.File
	buf        []byte // anonmem mapping of directBuf bytes
	n          int    // bytes in buf
	off        int64  // file offset of buf[0]
	first      []byte // the file's first block, once buf has moved on
	firstDirty bool   // first changed after it was written
	err        error
	// buffered, when set, turns direct writes off (direct_linux.go): a
	// write the file system refuses as direct (EINVAL) is tried again
	// through the page cache.
	buffered func()
}

// newDirectFileOn wraps f, whose O_DIRECT flag the caller has set (or
// not: the buffering is the same either way), or returns nil when no
// buffer can be mapped.
func newDirectFileOn(f *os.File) *directFile {
	buf := anonmem.Map(directBuf)
	if len(buf) < directBuf {
		return nil
	}
	return &directFile{f: f, buf: buf[:directBuf]}
}

func (d *directFile) Write(b []byte) (int, error) {
	n := len(b)
	for len(b) > 0 && d.err == nil {
		k := copy(d.buf[d.n:], b)
		d.n += k
		b = b[k:]
		if d.n == len(d.buf) {
			d.flush(d.n)
		}
	}
	if d.err != nil {
		return 0, d.err
	}
	return n, nil
}

// flush writes buf[:n] (n a multiple of directBlock) at off.
func (d *directFile) flush(n int) {
	if d.off == 0 && d.first == nil {
		d.first = append([]byte(nil), d.buf[:directBlock]...)
	}
	if err := d.writeAt(d.buf[:n], d.off); err != nil {
		d.err = err
		return
	}
	d.off += int64(n)
	d.n = 0
}

// WriteAt rewrites bytes already written: in the buffer, or in the
// first block (the header).
func (d *directFile) WriteAt(b []byte, off int64) (int, error) {
	if d.err != nil {
		return 0, d.err
	}
	end := off + int64(len(b))
	switch {
	case off >= d.off && end <= d.off+int64(d.n):
		copy(d.buf[off-d.off:], b)
	case d.first != nil && end <= directBlock:
		copy(d.first[off:], b)
		d.firstDirty = true
	default:
		return 0, errors.New("snapshot: a direct write can only rewrite the first block or what is not written yet")
	}
	return len(b), nil
}

// finish writes what is left and gives the file its size.
func (d *directFile) finish() error {
	if d.err != nil {
		return d.err
	}
	size := d.off + int64(d.n)
	if d.n > 0 {
		pad := (d.n + directBlock - 1) / directBlock * directBlock
		clear(d.buf[d.n:pad])
		if err := d.writeAt(d.buf[:pad], d.off); err != nil {
			return err
		}
	}
	if d.firstDirty {
		copy(d.buf[:directBlock], d.first)
		if err := d.writeAt(d.buf[:directBlock], 0); err != nil {
			return err
		}
	}
	return d.f.Truncate(size)
}

// writeAt writes b at off, through the page cache when the file system
// refuses a direct write.
func (d *directFile) writeAt(b []byte, off int64) error {
	_, err := d.f.WriteAt(b, off)
	if err != nil && errors.Is(err, syscall.EINVAL) && d.buffered != nil {
		d.buffered()
		d.buffered = nil
		_, err = d.f.WriteAt(b, off)
	}
	return err
}

// release unmaps the buffer; d is not used after it.
func (d *directFile) release() {
	anonmem.Unmap(d.buf)
	d.buf = nil
}
