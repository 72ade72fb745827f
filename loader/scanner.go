package loader

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sync/atomic"
)

// scanner finds the conversations of one JSON file without decoding them:
// it tracks only strings, escapes and bracket depth, reading the input in
// chunks, and hands each top-level conversation's bytes to emit. It accepts
// an array of conversations, {"conversations": [...]}, a single conversation
// object, and several objects one after another (JSON Lines).
//
// Not safe for concurrent use.
type scanner struct {
	r    io.Reader
	buf  []byte // buf[:n] holds input from file offset base
	n    int
	pos  int   // next byte to look at
	mark int   // first byte that must be kept when the buffer is refilled
	base int64 // file offset of buf[0]
	eof  bool
	rerr error // read error other than io.EOF

	// emit receives a complete element (bytes valid only during the call),
	// its index in the file and its byte offset.
	emit func(data []byte, index int, offset int64) error
	// warn reports a problem at a file offset; index -1 when not applicable.
	warn func(kind warnKind, index int, offset int64, reason string)
	// progress is called with the number of bytes read so far.
	progress func(read int64)

	index int // next element index
	reads int // number of reads so far; early reads are small (fast first results)

	// cur is buf's reference count when elements are handed on without
	// copying (see retain); nil until the first retain.
	cur  *chunkBuf
	free chan *chunkBuf // released buffers, for reuse
}

// chunkBuf is a scanner buffer shared with the consumers of elements
// retained from it. The scanner holds one reference while it reads into
// the buffer and each retained element holds one more; the last release
// returns it for reuse.
type chunkBuf struct {
	b    []byte
	refs atomic.Int32
	free chan<- *chunkBuf
}

// release drops one reference.
func (c *chunkBuf) release() {
	if c.refs.Add(-1) == 0 {
		select {
		case c.free <- c:
		default: // enough spares: leave it to the GC
		}
	}
}

// retain keeps the buffer of the element being emitted valid until the
// returned chunk is released: emit may then hand its data on without
// copying it. Only valid during emit.
func (s *scanner) retain() *chunkBuf {
	if s.cur == nil {
		s.free = make(chan *chunkBuf, 4)
		s.cur = &chunkBuf{b: s.buf, free: s.free}
		s.cur.refs.Store(1)
	}
	s.cur.refs.Add(1)
	return s.cur
}

// finish drops the scanner's own reference to its buffer.
func (s *scanner) finish() {
	if s.cur != nil {
		s.cur.release()
		s.cur = nil
	}
}

type warnKind uint8

const (
	wSkipped warnKind = iota
	wTruncated
)

const chunkSize = 4 << 20

// errNotJSON means the file does not start like a JSON array or object.
var errNotJSON = errors.New("not JSON")

// newScanner reads r; sizeHint (the input size when known, else 0) keeps
// the buffer small for small inputs.
func newScanner(r io.Reader, sizeHint int64) *scanner {
	n := chunkSize
	if sizeHint > 0 && sizeHint < chunkSize/2 {
		n = int(sizeHint) + 4096
	}
	return &scanner{r: r, buf: make([]byte, n)}
}

// fill reads more input, keeping buf[mark:]. It returns false at the end of
// input or on a read error.
func (s *scanner) fill() bool {
	if s.eof {
		return false
	}
	if s.cur != nil && s.cur.refs.Load() > 1 {
		// Consumers still read this buffer: move the kept tail to another.
		s.switchBuf()
	}
	if s.mark > 0 {
		copy(s.buf, s.buf[s.mark:s.n])
		s.n -= s.mark
		s.pos -= s.mark
		s.base += int64(s.mark)
		s.mark = 0
	}
	if len(s.buf)-s.n < min(chunkSize/4, len(s.buf)/2) {
		nb := make([]byte, 2*len(s.buf))
		copy(nb, s.buf[:s.n])
		s.buf = nb
		if s.cur != nil { // only the scanner held the old buffer
			s.cur.b = nb
		}
	}
	for {
		end := len(s.buf)
		if s.reads < 4 {
			end = min(end, s.n+(64<<10)<<(2*s.reads))
		}
		s.reads++
		m, err := s.r.Read(s.buf[s.n:end])
		s.n += m
		if err != nil {
			s.eof = true
			if !errors.Is(err, io.EOF) {
				s.rerr = err
			}
		}
		if s.progress != nil && m > 0 {
			s.progress(s.base + int64(s.n))
		}
		if m > 0 {
			return true
		}
		if s.eof {
			return false
		}
	}
}

// switchBuf moves buf[mark:n] to a buffer no consumer holds (a released
// one when available), growing it when the kept tail fills most of it.
func (s *scanner) switchBuf() {
	keep := s.n - s.mark
	size := len(s.buf)
	if size-keep < min(chunkSize/4, size/2) {
		size *= 2
	}
	var nc *chunkBuf
	select {
	case nc = <-s.free:
		if len(nc.b) < size {
			nc = nil
		}
	default:
	}
	if nc == nil {
		nc = &chunkBuf{b: make([]byte, size), free: s.free}
	}
	nc.refs.Store(1)
	copy(nc.b, s.buf[s.mark:s.n])
	s.cur.release()
	s.cur, s.buf = nc, nc.b
	s.n = keep
	s.pos -= s.mark
	s.base += int64(s.mark)
	s.mark = 0
}

// peek skips whitespace (and a UTF-8 BOM) and returns the next byte; ok is
// false at the end of input.
func (s *scanner) peek() (byte, bool) {
	for {
		for s.pos < s.n {
			c := s.buf[s.pos]
			switch c {
			case ' ', '\t', '\n', '\r':
				s.pos++
				continue
			}
			return c, true
		}
		if !s.fill() {
			return 0, false
		}
	}
}

func (s *scanner) offset() int64 { return s.base + int64(s.pos) }

// run scans the whole input.
func (s *scanner) run() error {
	// Skip a UTF-8 byte order mark.
	for s.n < 3 && s.fill() {
	}
	if bytes.HasPrefix(s.buf[:s.n], []byte{0xEF, 0xBB, 0xBF}) {
		s.pos = 3
	}
	c, ok := s.peek()
	if !ok {
		if s.rerr != nil {
			return s.rerr
		}
		return fmt.Errorf("%w: the file is empty", errNotJSON)
	}
	switch c {
	case '[':
		s.pos++
		if err := s.array(); err != nil {
			return err
		}
		s.mark = s.pos
		if _, more := s.peek(); more {
			off := s.offset()
			for {
				s.pos, s.mark = s.n, s.n // count, do not keep
				if !s.fill() {
					break
				}
			}
			s.warn(wSkipped, -1, off, fmt.Sprintf("ignored %d bytes after the end of the conversation array", s.base+int64(s.n)-off))
		}
		return nil
	case '{':
		return s.objects()
	}
	return fmt.Errorf("%w: it starts with %q", errNotJSON, printable(s.buf[s.pos:min(s.n, s.pos+16)]))
}

func printable(b []byte) string {
	r := []rune(string(b))
	for i, c := range r {
		if c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == 0xfffd {
			r[i] = '.'
		}
	}
	return string(r)
}

// truncated reports the end of input inside the array or an element.
func (s *scanner) truncated(index int, off int64, what string) error {
	if s.rerr != nil {
		s.warn(wTruncated, index, off, "read error: "+s.rerr.Error()+" (everything before it was kept)")
		return nil
	}
	s.warn(wTruncated, index, off, "the file ends "+what+" (everything before it was kept)")
	return nil
}

// array scans the elements of an array whose '[' was consumed, up to and
// including its ']'.
func (s *scanner) array() error {
	c, ok := s.peek()
	if !ok {
		return s.truncated(-1, s.offset(), "inside the conversation array")
	}
	if c == ']' {
		s.pos++
		return nil
	}
	for {
		c, ok = s.peek()
		if !ok {
			return s.truncated(-1, s.offset(), "inside the conversation array")
		}
		if c == ']' { // tolerate a trailing comma
			s.pos++
			return nil
		}
		off := s.offset()
		s.mark = s.pos
		done, err := s.value()
		if err != nil {
			return err
		}
		if !done {
			return s.truncated(s.index, off, "inside a conversation")
		}
		if c == '{' {
			if err := s.emit(s.buf[s.mark:s.pos], s.index, off); err != nil {
				return err
			}
		} else {
			s.warn(wSkipped, s.index, off, fmt.Sprintf("expected a conversation object, found %s", describe(c)))
		}
		s.index++
		s.mark = s.pos
		c, ok = s.peek()
		if !ok {
			return s.truncated(-1, s.offset(), "before the conversation array is closed")
		}
		switch c {
		case ',':
			s.pos++
		case ']':
			s.pos++
			return nil
		default:
			// Malformed: resynchronise at the next object.
			bad := s.offset()
			if !s.resync() {
				return s.truncated(-1, bad, "after malformed data")
			}
			s.warn(wSkipped, -1, bad, fmt.Sprintf("malformed data between conversations (found %s where ',' or ']' belongs); skipped %d bytes", describe(c), s.offset()-bad))
		}
	}
}

// resync skips to the next '{' that follows a ',' (at any nesting level; a
// best effort after malformed input).
func (s *scanner) resync() bool {
	comma := false
	for {
		for s.pos < s.n {
			c := s.buf[s.pos]
			switch {
			case c == ',':
				comma = true
			case c == '{' && comma:
				return true
			case c != ' ' && c != '\n' && c != '\r' && c != '\t':
				comma = false
			}
			s.pos++
		}
		s.mark = s.pos
		if !s.fill() {
			return false
		}
	}
}

func describe(c byte) string {
	switch c {
	case '"':
		return "a string"
	case '[':
		return "an array"
	case '{':
		return "an object"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	if c == '-' || (c >= '0' && c <= '9') {
		return "a number"
	}
	return fmt.Sprintf("%q", rune(c))
}

// objects handles a top level made of objects: a wrapper
// {"conversations": [...]}, or one conversation, or several in a row.
func (s *scanner) objects() error {
	for {
		s.mark = s.pos
		c, ok := s.peek()
		if !ok {
			return nil
		}
		off := s.offset()
		if c != '{' {
			if s.index == 0 {
				return fmt.Errorf("%w: unexpected %s at byte %d", errNotJSON, describe(c), off)
			}
			s.warn(wSkipped, -1, off, fmt.Sprintf("unexpected %s after the last conversation; ignored the rest of the file", describe(c)))
			return nil
		}
		wrapped, err := s.object()
		if err != nil || wrapped {
			return err
		}
	}
}

// object scans one top-level object starting at s.pos. When it holds a
// "conversations" array (and no "mapping"), the array's elements are
// emitted and wrapped is true; otherwise the whole object is emitted.
func (s *scanner) object() (wrapped bool, err error) {
	off := s.offset()
	s.mark = s.pos
	s.pos++
	sawMapping := false
	for {
		c, ok := s.peek()
		if !ok {
			if wrapped {
				return true, s.truncated(-1, s.offset(), "before the wrapper object is closed")
			}
			return false, s.truncated(s.index, off, "inside a conversation")
		}
		switch c {
		case ',':
			s.pos++
			continue
		case '}':
			s.pos++
			if wrapped {
				return true, nil
			}
			if err := s.emit(s.buf[s.mark:s.pos], s.index, off); err != nil {
				return false, err
			}
			s.index++
			s.mark = s.pos
			return false, nil
		case '"':
		default:
			// Not a key: let the decoder report the object as malformed.
			done, err := s.value()
			if err != nil {
				return false, err
			}
			if !done {
				return false, s.truncated(s.index, off, "inside a conversation")
			}
			continue
		}
		keyOff := s.pos - s.mark // mark moves with the data on refills
		if done, err := s.value(); err != nil || !done {
			if err != nil {
				return false, err
			}
			return false, s.truncated(s.index, off, "inside a conversation")
		}
		key := s.buf[s.mark+keyOff : s.pos]
		isConvs := isWrapperKey(key)
		if string(key) == `"mapping"` {
			sawMapping = true
		}
		c, ok = s.peek()
		if ok && c == ':' {
			s.pos++
			c, ok = s.peek()
		}
		if !ok {
			return false, s.truncated(s.index, off, "inside a conversation")
		}
		if isConvs && c == '[' && !sawMapping && !wrapped {
			wrapped = true
			s.pos++
			if err := s.array(); err != nil {
				return true, err
			}
			s.mark = s.pos
			if _, more := s.peek(); !more {
				return true, nil // a cut inside the array was reported there
			}
			continue
		}
		if done, err := s.value(); err != nil || !done {
			if err != nil {
				return false, err
			}
			if wrapped {
				return true, s.truncated(-1, s.offset(), "before the wrapper object is closed")
			}
			return false, s.truncated(s.index, off, "inside a conversation")
		}
		if wrapped {
			s.mark = s.pos
		}
	}
}

// structural marks the bytes value() must look at outside strings.
var structural = [256]bool{'"': true, '{': true, '[': true, '}': true, ']': true}

// value advances s.pos past one JSON value (string, object, array or
// scalar) starting at s.pos, keeping buf[mark:] across refills. done is
// false when the input ends first.
func (s *scanner) value() (done bool, err error) {
	c := s.buf[s.pos]
	switch c {
	case '"':
		s.pos++
		return s.str(), nil
	case '{', '[':
	default:
		// Scalar: up to the next delimiter (always consuming at least one
		// byte, so stray punctuation cannot stall the caller).
		s.pos++
		for {
			for s.pos < s.n {
				switch s.buf[s.pos] {
				case ',', ']', '}', ' ', '\n', '\r', '\t', ':':
					return true, nil
				}
				s.pos++
			}
			if !s.fill() {
				return true, nil
			}
		}
	}
	depth := 0
	for {
		b := s.buf[:s.n]
		i := s.pos
		for i < len(b) {
			c := b[i]
			if !structural[c] {
				i++
				continue
			}
			i++
			switch c {
			case '"':
				s.pos = i
				if !s.str() {
					return false, nil
				}
				b = s.buf[:s.n]
				i = s.pos
			case '{', '[':
				depth++
			default:
				depth--
				if depth == 0 {
					s.pos = i
					return true, nil
				}
			}
		}
		s.pos = i
		if !s.fill() {
			return false, nil
		}
	}
}

// str advances past the closing quote of a string whose opening quote was
// consumed. False when the input ends first.
func (s *scanner) str() bool {
	for {
		j := bytes.IndexByte(s.buf[s.pos:s.n], '"')
		if j < 0 {
			s.pos = s.n
			if !s.fill() {
				return false
			}
			continue
		}
		q := s.pos + j
		// An odd number of backslashes before the quote escapes it.
		k := q - 1
		for k >= s.mark && s.buf[k] == '\\' {
			k--
		}
		s.pos = q + 1
		if (q-1-k)%2 == 0 {
			return true
		}
	}
}
