package snapshot

import (
	"encoding/binary"
	"math"
	"math/bits"
	"time"
	"unsafe"
)

// enc appends varint-encoded values to a buffer.
type enc struct{ b []byte }

func (e *enc) uv(x uint64) { e.b = binary.AppendUvarint(e.b, x) }
func (e *enc) sv(x int64)  { e.b = binary.AppendVarint(e.b, x) }

// f64 stores a float with its bytes reversed, so that 0 and round values
// (few mantissa bits) take one or two bytes.
func (e *enc) f64(x float64) { e.uv(bits.ReverseBytes64(math.Float64bits(x))) }

// Time kinds.
const (
	timeZero  = 0
	timeUTC   = 1
	timeFixed = 2 // a fixed offset (time.Parse of "+02:00")
	timeLocal = 3
)

func (e *enc) time(t time.Time) {
	switch {
	case t.IsZero() && t.Location() == time.UTC:
		e.uv(timeZero)
		return
	case t.Location() == time.UTC:
		e.uv(timeUTC)
	case t.Location() == time.Local:
		e.uv(timeLocal)
	default:
		e.uv(timeFixed)
		_, off := t.Zone()
		e.sv(int64(off))
	}
	e.sv(t.Unix())
	e.uv(uint64(t.Nanosecond()))
}

// dec reads what enc wrote. Any read past the end or malformed varint sets
// bad and returns zero values, so decoders check bad once at the end.
type dec struct {
	b   []byte
	i   int
	bad bool
}

func (d *dec) uv() uint64 {
	x, n := binary.Uvarint(d.b[d.i:])
	if n <= 0 {
		d.bad = true
		d.i = len(d.b)
		return 0
	}
	d.i += n
	return x
}

func (d *dec) sv() int64 {
	x, n := binary.Varint(d.b[d.i:])
	if n <= 0 {
		d.bad = true
		d.i = len(d.b)
		return 0
	}
	d.i += n
	return x
}

// count reads a length that must not exceed max (the bytes left are a
// safe bound for anything that takes at least one byte each).
func (d *dec) count(max int) int {
	x := d.uv()
	if x > uint64(max) {
		d.bad = true
		return 0
	}
	return int(x)
}

func (d *dec) int32() int32 {
	x := d.sv()
	if x < math.MinInt32 || x > math.MaxInt32 {
		d.bad = true
		return 0
	}
	return int32(x)
}

func (d *dec) f64() float64 { return math.Float64frombits(bits.ReverseBytes64(d.uv())) }

func (d *dec) u32() uint32 {
	if len(d.b)-d.i < 4 {
		d.bad = true
		d.i = len(d.b)
		return 0
	}
	x := binary.LittleEndian.Uint32(d.b[d.i:])
	d.i += 4
	return x
}

func (d *dec) time() time.Time {
	kind := d.uv()
	if kind == timeZero {
		return time.Time{}
	}
	var off int64
	if kind == timeFixed {
		off = d.sv()
	}
	sec := d.sv()
	nsec := d.uv()
	if nsec >= 1e9 || kind > timeLocal || off < -86400*2 || off > 86400*2 {
		d.bad = true
		return time.Time{}
	}
	t := time.Unix(sec, int64(nsec))
	switch kind {
	case timeUTC:
		return t.UTC()
	case timeLocal:
		return t.Local()
	default:
		return t.In(time.FixedZone("", int(off)))
	}
}

// strs resolves string references of one region: fresh strings follow each
// other from cur; pool references index pool.
type strs struct {
	data []byte // the whole mapping
	cur  int    // next fresh string
	end  int    // end of the region's fresh strings
	pool []string
}

func (d *dec) str(s *strs) string {
	x := d.uv()
	if x&1 == 1 {
		i := x >> 1
		if i >= uint64(len(s.pool)) {
			d.bad = true
			return ""
		}
		return s.pool[i]
	}
	n := x >> 1
	if n == 0 {
		return ""
	}
	if n > uint64(s.end-s.cur) {
		d.bad = true
		return ""
	}
	out := unsafe.String(&s.data[s.cur], int(n))
	s.cur += int(n)
	return out
}

// bytes reads a fresh byte slice (Block.Raw); nil is encoded as 0, an
// empty non-nil slice as 1, n bytes as n+1.
func (d *dec) bytes(s *strs) []byte {
	x := d.uv()
	if x == 0 {
		return nil
	}
	n := x - 1
	if n > uint64(s.end-s.cur) {
		d.bad = true
		return nil
	}
	if n == 0 {
		return []byte{}
	}
	out := s.data[s.cur : s.cur+int(n) : s.cur+int(n)]
	s.cur += int(n)
	return out
}

// inline reads a string stored in place (length, bytes), in the meta
// section.
func (d *dec) inline() string {
	n := d.uv()
	if n > uint64(len(d.b)-d.i) {
		d.bad = true
		d.i = len(d.b)
		return ""
	}
	if n == 0 {
		return ""
	}
	out := unsafe.String(&d.b[d.i], int(n))
	d.i += int(n)
	return out
}

func (e *enc) inline(s string) {
	e.uv(uint64(len(s)))
	e.b = append(e.b, s...)
}
