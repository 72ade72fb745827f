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

	// Damage and bounds (resync.go).
	sig      *signature // how the file's conversations open; nil until known
	alt      *signature // another opening, seen on the last conversation (relearn)
	detect   bool       // value() watches for conversation openings
	suspect  bool       // the element being emitted does not open like a conversation
	damaged  bool       // malformed data was met: elements are judged by sig
	over     string     // why the element being scanned is skipped, not kept
	maxElem  int64      // bound of one element; 0 until run sets the defaults
	maxStr   int64      // bound of one string
	rerrSaid bool       // rerr was reported
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
	wSkipped   warnKind = iota // one conversation lost
	wTruncated                 // the input ends early (nothing lost)
	wJunk                      // malformed data skipped that held no conversation
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

// Bounds on what one element may cost (see bound and str).
const (
	// maxElem bounds one conversation's JSON. The largest real ones are tens
	// of MB; a generated 1,000,000-message conversation is about 250 MB.
	maxElem = 512 << 20
	// maxStr bounds one JSON string (a message's text, a file's content).
	maxStr = 64 << 20
	// keepBack is how much of a skipped element stays buffered (enough to
	// count the backslashes before a quote).
	keepBack = 4096
)

// peekDrop is peek for white space nobody keeps (between elements): it is
// dropped as it is read, so any amount of it costs no memory.
func (s *scanner) peekDrop() (byte, bool) {
	for {
		for s.pos < s.n {
			if c := s.buf[s.pos]; !isWS(c) {
				return c, true
			}
			s.pos++
		}
		s.mark = s.pos
		if !s.fill() {
			return 0, false
		}
	}
}

// bound switches the element being scanned to skipping once it is larger
// than maxElem, and drops what a skipped element has read so far.
func (s *scanner) bound() {
	if s.over == "" && s.maxElem > 0 && int64(s.pos-s.mark) > s.maxElem {
		s.over = fmt.Sprintf("the conversation is larger than %d MiB, the limit of one conversation; skipped", s.maxElem>>20)
	}
	if s.over != "" && s.pos-s.mark > keepBack {
		s.mark = s.pos - keepBack
	}
}

// maybeSig is a quick test before sigAt for the '{' at b[i]: false when
// the byte after its quote already differs from the signature's first key.
func (s *scanner) maybeSig(b []byte, i int) bool {
	g := s.sig
	if g.known || i+2 >= len(b) {
		return true
	}
	if c := b[i+1]; c == '"' {
		return b[i+2] == g.k1[1]
	}
	return isWS(b[i+1])
}

// sigAt reports whether the bytes at buffer index p (s.mark <= p <= s.pos)
// open a conversation (see resync.go), reading more input when needed;
// s.pos-p is kept across refills.
func (s *scanner) sigAt(p int) bool {
	return s.sigAtOf(p, s.sig)
}

// sigAtWide is sigAt accepting, besides the file's opening, the one seen
// last on a complete conversation (relearn) and the formats' openings: a
// signature learned from a damaged opening must not hide every
// conversation after malformed data.
func (s *scanner) sigAtWide(p int) bool {
	d := s.pos - p
	if s.sigAtOf(s.pos-d, s.sig) || s.alt != nil && s.sigAtOf(s.pos-d, s.alt) {
		return true
	}
	return s.sig != nil && !s.sig.known && s.sigAtOf(s.pos-d, knownSig)
}

func (s *scanner) sigAtOf(p int, g *signature) bool {
	if g == nil {
		return false
	}
	d := s.pos - p
	for {
		switch g.matches(s.buf[s.pos-d:s.n], s.eof) {
		case sigYes:
			return true
		case sigNo:
			return false
		}
		if !s.fill() && g.matches(s.buf[s.pos-d:s.n], true) != sigYes {
			return false
		}
	}
}

// run scans the whole input.
func (s *scanner) run() error {
	if s.maxElem == 0 {
		s.maxElem, s.maxStr = maxElem, maxStr
	}
	// Skip a UTF-8 byte order mark.
	for s.n < 3 && s.fill() {
	}
	if bytes.HasPrefix(s.buf[:s.n], []byte{0xEF, 0xBB, 0xBF}) {
		s.pos = 3
	}
	c, ok := s.peekDrop()
	if !ok {
		if s.rerr != nil {
			return s.rerr
		}
		return fmt.Errorf("%w: the file is empty", errNotJSON)
	}
	if c != '[' && c != '{' || c == '{' && s.nextIs('{') {
		// One damaged byte where '[' belongs ("x{" or "{{") still reads as
		// an array of conversations.
		if c == '{' || s.nextIs('{') {
			s.warn(wJunk, -1, s.offset(), fmt.Sprintf("expected '[' at the start of the file, found %s; read on as a conversation array", describe(c)))
			c = '['
		}
	}
	switch c {
	case '[':
		s.pos++
		if err := s.array(); err != nil {
			return err
		}
		return s.afterArray()
	case '{':
		return s.objects()
	}
	start := printable(s.buf[s.pos:min(s.n, s.pos+16)])
	if s.firstConversation() {
		// A damaged start (or a ZIP entry read from a shifted offset):
		// read on from the first conversation.
		s.damaged = true
		if s.afterElement() {
			// The skipped bytes end like an element of the array ("…},"):
			// the input starts inside (or after) a conversation, which is
			// lost.
			s.warn(wSkipped, s.index, 0, fmt.Sprintf("the file starts with %q, inside a conversation, not with '['; skipped %d bytes up to the next conversation", start, s.offset()))
			s.index++
		} else {
			s.warn(wJunk, -1, 0, fmt.Sprintf("the file starts with %q, not '['; skipped %d bytes up to the first conversation", start, s.offset()))
		}
		if err := s.array(); err != nil {
			return err
		}
		return s.afterArray()
	}
	return fmt.Errorf("%w: it starts with %q", errNotJSON, start)
}

// firstConversation looks in the first MiB for a conversation opening of
// a format the loader reads (secondKeys) and moves there. When the input
// starts in the middle of a conversation, a nested object may share a
// format's first key (a ChatGPT mapping node {"id": …, "message": … opens
// like a DeepSeek conversation's {"id": …, "title": …), so the first key
// alone is not enough: an opening is taken when it is whole (both keys), or
// when it is damaged after its first key (no second key, or one that
// differs from the format's in one place: nearKey). Only when the first MiB
// holds neither is the first key alone taken.
func (s *scanner) firstConversation() bool {
	for s.n < 1<<20 && !s.eof && s.fill() {
	}
	b := s.buf[:min(s.n, 1<<20)]
	final := s.eof || len(b) < s.n
	at := func(strict bool) int {
		for i := s.pos; ; i++ {
			j := bytes.IndexByte(b[i:], '{')
			if j < 0 {
				return -1
			}
			i += j
			g, r := parseSig(b[i:], final)
			k2 := secondKeys[string(g.k1)]
			if g.k1 == nil || k2 == "" {
				continue
			}
			if !strict || r != sigYes || nearKey(g.k2, k2) {
				return i
			}
		}
	}
	i := at(true)
	if i < 0 {
		i = at(false)
	}
	if i < 0 {
		return false
	}
	s.pos, s.mark = i, i
	return true
}

// afterElement reports whether the bytes before s.pos (white space aside)
// end with ',': what precedes is an element of the conversation array.
func (s *scanner) afterElement() bool {
	for i := s.pos - 1; i >= 0; i-- {
		if c := s.buf[i]; !isWS(c) {
			return c == ','
		}
	}
	return false
}

// nearKey reports whether the quoted key k is want but for one damaged
// stretch of at most two bytes (flipped, inserted or removed), e.g.
// "create_time]]" for "create_time"; nil (no second key) counts as near.
func nearKey(k []byte, want string) bool {
	if k == nil {
		return true
	}
	p := 0
	for p < len(k) && p < len(want) && k[p] == want[p] {
		p++
	}
	q := 0
	for q < len(k)-p && q < len(want)-p && k[len(k)-1-q] == want[len(want)-1-q] {
		q++
	}
	return p+q >= len(want)-2
}

// nextIs reports whether the first byte after s.pos that is not white
// space is c.
func (s *scanner) nextIs(c byte) bool {
	for i := s.pos + 1; i < s.n; i++ {
		if !isWS(s.buf[i]) {
			return s.buf[i] == c
		}
	}
	return false
}

// afterArray reads what follows the conversation array: nothing, or (when
// the file was damaged: a stray ']', two arrays in a row) more
// conversations, found by their signature.
func (s *scanner) afterArray() error {
	for {
		s.mark = s.pos
		if _, more := s.peekDrop(); !more {
			return nil
		}
		off := s.offset()
		if s.sig == nil {
			// The array closed before any conversation (its first byte
			// damaged into ']'): look for the formats' own openings.
			s.sig = knownSig
		}
		// A conversation whose '{' was damaged into the ']' that closed
		// the array: it is lost, and counted.
		b := s.buf[s.pos:min(s.n, s.pos+sigLookahead)]
		lost := s.sig.matches(append([]byte{'{'}, b...), true) == sigYes
		if lost {
			s.damaged = true
			ok := s.resync()
			what := fmt.Sprintf("skipped the remaining %d bytes (no conversation in them)", s.offset()-off)
			if ok {
				what = fmt.Sprintf("skipped %d bytes up to the next conversation at byte %d", s.offset()-off, s.offset())
			}
			s.warn(wSkipped, s.index, off, "the conversation's opening is damaged (its '{' read as the end of the array); "+what)
			s.index++
			if !ok {
				return nil
			}
			if err := s.array(); err != nil {
				return err
			}
			continue
		}
		if !s.resync() {
			for {
				s.pos, s.mark = s.n, s.n // count, do not keep
				if !s.fill() {
					break
				}
			}
			s.warn(wJunk, -1, off, fmt.Sprintf("ignored %d bytes after the end of the conversation array (no conversation in them)", s.base+int64(s.n)-off))
			return nil
		}
		s.damaged = true
		s.warn(wJunk, -1, off, fmt.Sprintf("unexpected data after the conversation array was closed; skipped %d bytes up to the next conversation", s.offset()-off))
		if err := s.array(); err != nil {
			return err
		}
	}
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
	var zc *zipCut
	switch {
	case errors.As(s.rerr, &zc):
		s.rerrSaid = true
		s.warn(wTruncated, index, off, fmt.Sprintf("%s %d, %s%s", zipEnds, zc.at, what, s.before()))
	case s.rerr != nil:
		s.rerrSaid = true
		s.warn(wTruncated, index, off, "read error: "+s.rerr.Error()+s.before())
	default:
		s.warn(wTruncated, index, off, "the file ends "+what+s.before())
	}
	return nil
}

// before says what became of the file's conversations before a cut.
func (s *scanner) before() string {
	if s.index == 0 {
		return " (no conversation came before it)"
	}
	return " (everything before it was kept)"
}

// cut reports a conversation the end of input cut short: it is lost. A
// cut ZIP entry says only where the ZIP ends: where in the entry the data
// stopped is a second offset that tells the reader nothing more.
func (s *scanner) cut(off int64) {
	why := fmt.Sprintf("the file ends at byte %d inside this conversation%s", s.base+int64(s.n), s.before())
	var zc *zipCut
	switch {
	case errors.As(s.rerr, &zc):
		why = fmt.Sprintf("%s %d, inside this conversation%s", zipEnds, zc.at, s.before())
	case s.rerr != nil:
		why = fmt.Sprintf("read error at byte %d inside this conversation: %v%s", s.base+int64(s.n), s.rerr, s.before())
	}
	if s.rerr != nil {
		s.rerrSaid = true
	}
	s.warn(wSkipped, s.index, off, why)
	s.index++
}

// array scans the elements of an array whose '[' was consumed, up to and
// including its ']'. After malformed data it resynchronises at the next
// conversation (resync.go): each conversation lost is reported once, and
// malformed bytes that held none are reported as such.
func (s *scanner) array() error {
	var st vres
	for {
		s.mark = s.pos
		c, ok := s.peekDrop()
		if !ok {
			return s.truncated(-1, s.offset(), "inside the conversation array")
		}
		if c == ']' { // also tolerates a trailing comma
			s.pos++
			return nil
		}
		s.mark = s.pos
		off := s.offset()
		if c == '[' {
			if d := s.nestedStart(); d > 0 {
				// "[[{…": stray '['s (inserted bytes) before the
				// conversations: read on inside them.
				s.warn(wJunk, -1, off, "expected a conversation, found '[' before one; read on inside it")
				s.pos += d
				continue
			}
		}
		lost := c != '{' && s.damagedOpening()
		el := elemNot
		if c != '{' {
			el = s.element(off, lost)
		}
		if el == elemBreak {
			continue // a conversation opening inside it: read on there
		}
		if el == elemValue {
			// A value that is no object, standing as an element of the
			// array (followed by ',' or ']'): valid JSON, not a
			// conversation, so none is lost with it, unless it opens like
			// one but for a damaged byte or two.
			if lost {
				s.warn(wSkipped, s.index, off, fmt.Sprintf("the conversation's opening is damaged (expected '{', found %s); skipped", describe(c)))
				s.index++
			} else {
				s.warn(wJunk, -1, off, fmt.Sprintf("expected a conversation object, found %s; skipped it", describe(c)))
			}
		} else if c != '{' {
			// Not an object where a conversation belongs: malformed data,
			// unless it is a conversation whose '{' was damaged.
			lost := s.damagedOpening()
			bad := describe(c)
			if !s.skipJunk(off, "a conversation ('{') or ']'", bad, lost) {
				return nil
			}
			continue
		}
		if c != '{' {
			goto separator
		}
		// A '{' where a conversation belongs: scanned as one. One that does
		// not open like the file's conversations is suspect: when it does
		// not decode either, it is reported as malformed data rather than
		// as a lost conversation.
		s.suspect = false
		if s.sig == nil {
			// Learn how conversations open from the first one's opening,
			// so that damage inside it is caught too.
			s.learn()
		}
		if s.damaged && s.sig != nil && !s.sigAtWide(s.pos) {
			s.suspect = !s.sig.looksLikeStart(s.buf[s.pos:min(s.n, s.pos+len(s.sig.prefix))])
		}
		s.over = ""
		s.detect = s.sig != nil
		st = s.value()
		s.detect = false
		switch st {
		case vEOF:
			s.cut(off)
			return nil
		case vBreak:
			s.damaged = true
			next := s.offset()
			// A '{' with no string before the next opening ("},{{\"title\"",
			// a damaged space) held no conversation: reported as one
			// lost, it was counted twice (FuzzDamage c342bef8f712f694).
			if s.suspect || s.mark <= s.pos && bytes.IndexByte(s.buf[s.mark:s.pos], '"') < 0 {
				s.warn(wJunk, -1, off, fmt.Sprintf("malformed data (not a conversation); skipped %d bytes up to the next conversation", next-off))
			} else {
				s.warn(wSkipped, s.index, off, fmt.Sprintf("the conversation is malformed: the next one starts at byte %d before it ends (damaged data?); skipped %d bytes", next, next-off))
				s.index++
			}
			continue
		}
		if s.over != "" {
			s.warn(wSkipped, s.index, off, s.over)
			s.over = ""
		} else {
			s.relearn()
			if err := s.emit(s.buf[s.mark:s.pos], s.index, off); err != nil {
				return err
			}
		}
		s.suspect = false
		s.index++
	separator:
		s.mark = s.pos
		c, ok = s.peekDrop()
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
			if c == '{' && s.sigAt(s.pos) {
				s.warn(wJunk, -1, s.offset(), "expected ',' between conversations; read on")
				continue
			}
			if !s.skipJunk(s.offset(), "',' or ']' after a conversation", describe(c), false) {
				return nil
			}
		}
	}
}

// nestedStart reports, when the '[' at s.pos is followed by more '['s
// and white space and then a conversation opening (the file's signature
// or, before it is known, a format's), how far that opening is; 0 if not.
func (s *scanner) nestedStart() int {
	d := 1
	for d < 64 {
		if s.pos+d >= s.n {
			if !s.fill() { // keeps s.pos's bytes; d is relative to it
				return 0
			}
			continue
		}
		if c := s.buf[s.pos+d]; !isWS(c) && c != '[' {
			break
		}
		d++
	}
	j := s.pos + d
	if j >= s.n || s.buf[j] != '{' {
		return 0
	}
	g := s.sig
	if g == nil {
		g = knownSig
	}
	if s.sigAtOf(j, g) || g != knownSig && s.sigAtOf(s.pos+d, knownSig) {
		return d
	}
	return 0
}

// damagedOpening reports whether the element at s.pos (not '{') is a
// conversation whose opening is damaged: it differs from the file's
// signature in a byte or two (looksLikeStart) or, before the file's
// conversations are known, it opens like a conversation of a format the
// loader reads but for its first byte ("[\"title\": …, \"create_time\"");
// then the formats' openings (knownSig) stand in for the signature, so
// that resync finds the next conversation, not a nested object.
func (s *scanner) damagedOpening() bool {
	if s.sig != nil && !s.sig.known {
		return s.sig.looksLikeStart(s.buf[s.pos:min(s.n, s.pos+len(s.sig.prefix))])
	}
	b := s.buf[s.pos:min(s.n, s.pos+sigLookahead)]
	if len(b) < 2 {
		return false
	}
	t := append([]byte{'{'}, b[1:]...)
	if knownSig.matches(t, true) != sigYes {
		return false
	}
	if s.sig == nil {
		s.sig = knownSig
	}
	return true
}

// What element found.
const (
	elemNot   = iota // no array element: s.pos is back at its start
	elemValue        // a value followed by ',' or ']' (or the end): s.pos is past it
	elemBreak        // a conversation opening inside an array: s.pos is at it
)

// element scans a value that is not an object, at off (lost: a
// conversation whose opening is damaged, damagedOpening) and reports
// whether an array separator follows it; if not (a key followed by ':',
// say), s.pos is back at its start.
//
// An array met where a conversation belongs is scanned watching for
// conversation openings inside it, as a conversation is (value's detect):
// at one, what came before is reported as malformed data (or as the lost
// conversation) and s.pos is left at the opening. Scanned to its end, a
// stray "[x" before the conversations swallowed all of them: its brackets
// close only at the end of the file, if ever (FuzzDamage c2d08524f3285183:
// "[[on[{…" loaded nothing).
func (s *scanner) element(off int64, lost bool) int {
	start := s.pos - s.mark
	s.over = ""
	var st vres
	if s.buf[s.pos] == '[' {
		unknown := s.sig == nil
		if unknown {
			s.sig = knownSig // the formats' openings, until the file's is learnt
		}
		s.detect = true
		st = s.value()
		s.detect = false
		if unknown && s.sig == knownSig {
			s.sig = nil
		}
	} else {
		st = s.value()
	}
	if st == vBreak && s.over == "" {
		s.damaged = true
		expected := "a conversation ('{') or ']'"
		if lost {
			expected = "'{'"
		}
		s.skipped(off, expected, "'['", lost, true)
		return elemBreak
	}
	if st != vDone || s.over != "" {
		s.over = ""
		return elemValue
	}
	for i := s.pos; i < s.n; i++ {
		if c := s.buf[i]; !isWS(c) {
			if c == ',' || c == ']' {
				return elemValue
			}
			break
		}
	}
	s.pos = s.mark + start
	return elemNot
}

// skipJunk skips malformed data at off up to the next conversation and
// reports it; lost says the data is a conversation whose opening was
// damaged. False when the input ends first.
func (s *scanner) skipJunk(off int64, expected, found string, lost bool) bool {
	s.damaged = true
	ok := s.resync()
	s.skipped(off, expected, found, lost, ok)
	return ok
}

// skipped reports the malformed data from off to s.pos, which is at the
// next conversation (ok) or at the end of input: as the conversation lost
// there when its opening was damaged (lost), else as junk.
func (s *scanner) skipped(off int64, expected, found string, lost, ok bool) {
	end := s.offset()
	var what string
	if ok {
		what = fmt.Sprintf("skipped %d bytes up to the next conversation at byte %d", end-off, end)
	} else {
		what = fmt.Sprintf("skipped the remaining %d bytes (no conversation in them)", end-off)
	}
	if lost {
		s.warn(wSkipped, s.index, off, fmt.Sprintf("the conversation's opening is damaged (expected %s, found %s); %s", expected, found, what))
		s.index++
	} else {
		s.warn(wJunk, -1, off, fmt.Sprintf("malformed data: expected %s, found %s; %s", expected, found, what))
	}
}

// resync skips to the next conversation opening (its signature, resync.go,
// or after "}," one that is so but for a damaged byte or two)
// without keeping what it skips; with no signature known yet, to the next
// '{' that follows a ','. False at the end of input.
func (s *scanner) resync() bool {
	if s.sig == nil {
		return s.resyncComma()
	}
	for {
		j := bytes.IndexByte(s.buf[s.pos:s.n], '{')
		if j < 0 {
			s.pos = s.n
			s.mark = s.pos
			if !s.fill() {
				return false
			}
			continue
		}
		s.pos += j
		// The bytes before it are still held (mark is at the last
		// candidate): after "}," an opening damaged in a byte or two
		// is a conversation too, as inside one (damagedStart; FuzzDamage
		// ed5276eebe9e3fd7: a flip in the next one's "create_time"
		// hid it, lost without being counted).
		if s.sigAtWide(s.pos) || s.damagedStart(s.pos, true) || s.damagedKnown(s.pos) {
			s.mark = s.pos
			return true
		}
		s.mark = s.pos
		s.pos++
	}
}

// damagedKnown is damagedStart for resync before the file's opening is
// known (knownSig stands in: the first conversation's '{' was damaged):
// after "}," a '{' with a format's first key, damaged after it (its
// second key in a byte or two, or what is between: FuzzDamage
// 8f72ebfa5fb5b9da, the first '{' damaged and a byte inserted after the
// next one's title, that one was lost without a count). Reads more input when needed; s.pos-p is kept.
func (s *scanner) damagedKnown(p int) bool {
	if s.sig == nil || !s.sig.known || !s.afterComma(p, true) {
		return false
	}
	d := s.pos - p
	for {
		g, r := parseSig(s.buf[s.pos-d:s.n], s.eof)
		if r == sigMore && s.fill() {
			continue
		}
		k2 := secondKeys[string(g.k1)]
		return k2 != "" && (r != sigYes || g.k2 != nil && nearKey(g.k2, k2))
	}
}

// resyncComma skips to the next '{' that follows a ',' (at any nesting
// level; a best effort before the file's conversations are known).
func (s *scanner) resyncComma() bool {
	comma := false
	for {
		for s.pos < s.n {
			c := s.buf[s.pos]
			switch {
			case c == ',':
				comma = true
			case c == '{' && comma:
				return true
			case !isWS(c):
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
		c, ok := s.peekDrop()
		if !ok {
			return nil
		}
		off := s.offset()
		if c == ',' && s.index > 0 {
			// Conversations separated by ',': an array whose '[' is
			// missing (damaged).
			s.warn(wJunk, -1, off, "conversations separated by ',' without an opening '['; read on as a conversation array")
			s.pos++
			if err := s.array(); err != nil {
				return err
			}
			return s.afterArray()
		}
		if c != '{' {
			if s.index == 0 {
				return fmt.Errorf("%w: unexpected %s at byte %d", errNotJSON, describe(c), off)
			}
			s.warn(wJunk, -1, off, fmt.Sprintf("unexpected %s after the last conversation; ignored the rest of the file", describe(c)))
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
	// A conversation (not a wrapper) is watched for damage like an array
	// element (resync.go).
	if s.sig == nil {
		s.learn()
	}
	det := s.sig != nil && s.sigAt(s.pos)
	s.pos++
	s.over = ""
	sawMapping := false
	val := func() vres {
		s.detect = det && !wrapped
		r := s.value()
		s.detect = false
		if r == vBreak {
			s.damaged = true
			next := s.offset()
			s.warn(wSkipped, s.index, off, fmt.Sprintf("the conversation is malformed: the next one starts at byte %d before it ends (damaged data?); skipped %d bytes", next, next-off))
			s.index++
		}
		return r
	}
	for {
		c, ok := s.peek()
		if !ok {
			if wrapped {
				return true, s.truncated(-1, s.offset(), "before the wrapper object is closed")
			}
			s.cut(off)
			return false, nil
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
			if s.over != "" {
				s.warn(wSkipped, s.index, off, s.over)
				s.over = ""
			} else if err := s.emit(s.buf[s.mark:s.pos], s.index, off); err != nil {
				return false, err
			}
			s.index++
			s.mark = s.pos
			return false, nil
		case '"':
		default:
			// Not a key: let the decoder report the object as malformed.
			if s.value() != vDone {
				s.cut(off)
				return false, nil
			}
			continue
		}
		keyOff := s.pos - s.mark // mark moves with the data on refills
		if r := val(); r != vDone {
			if r == vEOF {
				s.cut(off)
			}
			return false, nil
		}
		var key []byte
		if s.mark+keyOff <= s.pos {
			key = s.buf[s.mark+keyOff : s.pos]
		}
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
			s.cut(off)
			return false, nil
		}
		if isConvs && c == '[' && !sawMapping && !wrapped && s.over == "" {
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
		if r := val(); r != vDone {
			if wrapped {
				return true, s.truncated(-1, s.offset(), "before the wrapper object is closed")
			}
			if r == vEOF {
				s.cut(off)
			}
			return false, nil
		}
		if wrapped {
			s.mark = s.pos
		}
	}
}

// structural marks the bytes value() must look at outside strings.
var structural = [256]bool{'"': true, '{': true, '[': true, '}': true, ']': true}

// vres is how scanning a value ended.
type vres uint8

const (
	vDone  vres = iota
	vEOF        // the input ended first
	vBreak      // a conversation opening was met inside it (s.pos at its '{'); see resync.go
)

// value advances s.pos past one JSON value (string, object, array or
// scalar) starting at s.pos, keeping buf[mark:] across refills (unless the
// element is being skipped, see bound).
func (s *scanner) value() vres {
	c := s.buf[s.pos]
	switch c {
	case '"':
		s.pos++
		return s.str()
	case '{', '[':
	default:
		// Scalar: up to the next delimiter (always consuming at least one
		// byte, so stray punctuation cannot stall the caller).
		s.pos++
		for {
			for s.pos < s.n {
				switch s.buf[s.pos] {
				case ',', ']', '}', ' ', '\n', '\r', '\t', ':':
					return vDone
				}
				s.pos++
			}
			s.bound()
			if !s.fill() {
				return vDone
			}
		}
	}
	// whole: the value is a whole conversation object (an array element),
	// so depth 1 is its top level, where a '{' cannot follow ','.
	whole := c == '{' && s.pos == s.mark
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
			switch c {
			case '"':
				s.pos = i + 1
				if r := s.str(); r != vDone {
					return r
				}
				b = s.buf[:s.n]
				i = s.pos
				continue
			case '{':
				if depth > 0 && s.detect && s.maybeSig(b, i) {
					// A conversation opening nested in this one: the
					// brackets before it were damaged.
					s.pos = i
					// s.pos, not i: sigAtWide may have read more, moving
					// the buffer's contents (fill keeps s.pos, not i).
					if s.sigAtWide(i) || depth == 1 && whole && s.damagedStart(s.pos, false) {
						return vBreak
					}
					b = s.buf[:s.n]
					i = s.pos
				}
				depth++
			case '[':
				depth++
			default:
				depth--
				if depth == 0 {
					s.pos = i + 1
					return vDone
				}
			}
			i++
		}
		s.pos = i
		s.bound()
		if !s.fill() {
			return vEOF
		}
	}
}

// afterComma says whether the buffer before p (past s.mark) ends in ','
// and white space, with a '}' before the ',' when closed: where a
// conversation follows the one before it.
func (s *scanner) afterComma(p int, closed bool) bool {
	k := p - 1
	for k > s.mark && isWS(s.buf[k]) {
		k--
	}
	if k <= s.mark || s.buf[k] != ',' {
		return false
	}
	if !closed {
		return true
	}
	k--
	for k > s.mark && isWS(s.buf[k]) {
		k--
	}
	return k > s.mark && s.buf[k] == '}'
}

// damagedStart reports whether the '{' at buffer index p (s.pos), met
// inside a conversation being scanned, is the next conversation with a
// damaged opening: it follows a ',' and opens like the signature but for a
// byte or two (looksLikeStart; its second key may be damaged too, which
// sigAtWide does not accept). Met at the top level of the conversation
// (where after ',' only a key can follow: its closing '}' was damaged),
// the ',' is enough; met by str (a quote damaged earlier inverted the
// string state), "}," must precede it: the end of the conversation before.
// Reads more input when needed; s.pos-p is kept across refills.
func (s *scanner) damagedStart(p int, closed bool) bool {
	if s.sig == nil || s.sig.known || !s.afterComma(p, closed) {
		return false
	}
	d := s.pos - p
	for s.n-(s.pos-d) < len(s.sig.prefix) && s.fill() {
	}
	q := s.pos - d
	if !s.sig.looksLikeStart(s.buf[q:min(s.n, q+len(s.sig.prefix))]) {
		return false
	}
	// A nested object opening with the same first key and a whole,
	// different second key (a citation's {"title": …, "url": …) is not one.
	for {
		g, r := parseSig(s.buf[s.pos-d:s.n], s.eof)
		if r == sigMore && s.fill() {
			continue
		}
		if r == sigMore {
			g, r = parseSig(s.buf[s.pos-d:s.n], true)
		}
		return r != sigYes || g.k2 != nil && s.sig.k2 != nil && nearKey(g.k2, string(s.sig.k2))
	}
}

// str advances past the closing quote of a string whose opening quote was
// consumed. While a conversation is scanned for damage, a "closing" quote
// that is really the first key of a conversation opening (the string state
// was inverted by a damaged quote) stops it with vBreak.
func (s *scanner) str() vres {
	startPos := s.pos
	start := int64(-1) // file offset of the string, once a refill moved the buffer
	for {
		j := bytes.IndexByte(s.buf[s.pos:s.n], '"')
		if j < 0 {
			if start < 0 {
				start = s.base + int64(startPos)
			}
			s.pos = s.n
			s.strBound(start)
			s.bound()
			if !s.fill() {
				return vEOF
			}
			continue
		}
		q := s.pos + j
		// An odd number of backslashes before the quote escapes it.
		k := q - 1
		for k >= s.mark && s.buf[k] == '\\' {
			k--
		}
		if (q-1-k)%2 != 0 {
			s.pos = q + 1
			continue
		}
		if s.detect && q > s.mark {
			if c := s.buf[q-1]; c == '{' || isWS(c) {
				p := q - 1
				for p > s.mark && isWS(s.buf[p]) && q-p < 64 {
					p--
				}
				if s.buf[p] == '{' {
					d := q - p
					s.pos = p
					// s.pos, not p: sigAtWide may have moved the buffer.
					if s.sigAtWide(p) || s.damagedStart(s.pos, true) {
						return vBreak
					}
					q = s.pos + d
				}
			}
		}
		if start >= 0 || int64(q-startPos) > s.maxStr {
			if start < 0 {
				start = s.base + int64(startPos)
			}
			s.pos = q
			s.strBound(start)
		}
		s.pos = q + 1
		return vDone
	}
}

// strBound marks the element for skipping once the string that started at
// file offset start is longer than maxStr.
func (s *scanner) strBound(start int64) {
	if s.over == "" && s.maxStr > 0 && s.offset()-start > s.maxStr {
		s.over = fmt.Sprintf("a string at byte %d is longer than %d MiB, the limit of one string; the conversation holding it was skipped", start-1, s.maxStr>>20)
	}
}
