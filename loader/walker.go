package loader

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
	"slices"
	"strconv"
	"sync"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// walker is a small pull decoder over one in-memory JSON value, written for
// the loader's schema: it skips what is not needed with bytes.IndexByte
// (strings) and a bracket counter (containers) instead of validating every
// byte, and unescapes strings into caller-owned buffers. Its method set
// mirrors the subset of github.com/go-faster/jx the loader used first;
// BenchmarkLoad went from 333 MB/s (jx) to 490 MB/s with it.
//
// Skipped values are checked only for balanced brackets and string ends;
// values that are decoded are checked fully. Errors carry byte offsets.
// Never recursive except through the caller's callbacks, which follow the
// export's fixed shape, so deep nesting cannot overflow the stack.
//
// Not safe for concurrent use.
type walker struct {
	b []byte
	i int

	// watch, when set, is the signature of the conversations of the file
	// whose conversation b opens (speculative splitting, split.go): the
	// walker then notes in nested whether it met, where the scanner would
	// (value's and str's detection, scanner.go), the opening of another
	// conversation inside this one, which damage before it can make the
	// decode run through (watchObj, watchStr).
	watch  *signature
	nested bool
}

// jsonType is the kind of the next JSON value.
type jsonType uint8

const (
	tInvalid jsonType = iota
	tString
	tNumber
	tNull
	tBool
	tArray
	tObject
)

func (t jsonType) String() string {
	return [...]string{"invalid", "a string", "a number", "null", "a boolean", "an array", "an object"}[t]
}

var walkerPool = sync.Pool{New: func() any { return new(walker) }}

func getWalker(b []byte) *walker {
	w := walkerPool.Get().(*walker)
	w.b, w.i = b, 0
	return w
}

func putWalker(w *walker) {
	w.b, w.watch, w.nested = nil, nil, false
	walkerPool.Put(w)
}

var errEOF = errors.New("unexpected end of JSON")

func (d *walker) errAt(format string, args ...any) error {
	return fmt.Errorf("byte %d: %s", d.i, fmt.Sprintf(format, args...))
}

func (d *walker) ws() {
	// Fast path: most values follow their ':' or ',' directly or after
	// one space (Python's layout, ", " and ": ").
	if i := d.i; i < len(d.b) {
		c := d.b[i]
		if c > ' ' {
			return
		}
		if c == ' ' && i+1 < len(d.b) && d.b[i+1] > ' ' {
			d.i = i + 1
			return
		}
	}
	d.wsSlow()
}

func (d *walker) wsSlow() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

// Next reports the type of the next value without consuming it.
func (d *walker) Next() jsonType {
	d.ws()
	if d.i >= len(d.b) {
		return tInvalid
	}
	switch c := d.b[d.i]; c {
	case '"':
		return tString
	case '{':
		return tObject
	case '[':
		return tArray
	case 't', 'f':
		return tBool
	case 'n':
		return tNull
	default:
		if c == '-' || c >= '0' && c <= '9' {
			return tNumber
		}
	}
	return tInvalid
}

// strEnd returns the index of the closing quote of the string whose
// opening quote is at start, and whether it holds a backslash.
func (d *walker) strEnd(start int) (end int, escaped bool, err error) {
	j, c := quickEnd(d.b, start+1)
	if c == '"' {
		return j, false, nil
	}
	clean := j // no backslash before
	escaped = c == '\\'
	for {
		k := bytes.IndexByte(d.b[j:], '"')
		if k < 0 {
			return 0, false, errEOF
		}
		q := j + k
		n := 0
		for p := q - 1; p > start && d.b[p] == '\\'; p-- {
			n++
		}
		if n > 0 {
			escaped = true
		}
		if n%2 == 0 {
			if !escaped && bytes.IndexByte(d.b[clean:q], '\\') >= 0 {
				escaped = true
			}
			return q, escaped, nil
		}
		j = q + 1
	}
}

// strSkipEnd is strEnd for strings that are skipped: it does not look for
// backslashes the closing quote does not depend on.
func (d *walker) strSkipEnd(start int) (end int, err error) {
	j, c := quickEnd(d.b, start+1)
	if c == '"' {
		return j, nil
	}
	for {
		k := bytes.IndexByte(d.b[j:], '"')
		if k < 0 {
			return 0, errEOF
		}
		q := j + k
		p := q - 1
		for p > start && d.b[p] == '\\' {
			p--
		}
		if (q-1-p)%2 == 0 {
			return q, nil
		}
		j = q + 1
	}
}

// quickEnd looks for the first quote or backslash in the first 32 bytes of
// b[i:], eight at a time: most strings the walker meets are short (keys,
// ids, numbers as strings), where calls to bytes.IndexByte cost more than
// the search. It returns the index of the byte found and the byte, or
// where it stopped looking and 0.
func quickEnd(b []byte, i int) (int, byte) {
	if i >= 0 && i+32 <= len(b) {
		// The usual case, unrolled: constant offsets into w need no
		// bounds checks.
		w := b[i : i+32 : i+32]
		if m := quoteOrBackslash(binary.LittleEndian.Uint64(w)); m != 0 {
			k := i + bits.TrailingZeros64(m)>>3
			return k, b[k]
		}
		if m := quoteOrBackslash(binary.LittleEndian.Uint64(w[8:])); m != 0 {
			k := i + 8 + bits.TrailingZeros64(m)>>3
			return k, b[k]
		}
		if m := quoteOrBackslash(binary.LittleEndian.Uint64(w[16:])); m != 0 {
			k := i + 16 + bits.TrailingZeros64(m)>>3
			return k, b[k]
		}
		if m := quoteOrBackslash(binary.LittleEndian.Uint64(w[24:])); m != 0 {
			k := i + 24 + bits.TrailingZeros64(m)>>3
			return k, b[k]
		}
		return i + 32, 0
	}
	for n := 0; n < 4 && i+8 <= len(b); n++ {
		if m := quoteOrBackslash(binary.LittleEndian.Uint64(b[i:])); m != 0 {
			k := i + bits.TrailingZeros64(m)>>3
			return k, b[k]
		}
		i += 8
	}
	return i, 0
}

// quoteOrBackslash flags (0x80) the bytes of v that are a quote or a
// backslash (see eitherByte).
func quoteOrBackslash(v uint64) uint64 { return eitherByte(v, '"', '\\') }

// eitherByte flags (0x80) the bytes of v that are a or b; above the
// lowest flagged byte, others may be flagged too (borrows run towards the
// higher bytes), so only the lowest is exact.
func eitherByte(v uint64, a, b byte) uint64 {
	x := v ^ (lsb * uint64(a))
	y := v ^ (lsb * uint64(b))
	return ((x-lsb)&^x | (y-lsb)&^y) & msb
}

// Skip consumes the next value.
func (d *walker) Skip() error {
	d.ws()
	if d.i >= len(d.b) {
		return errEOF
	}
	switch c := d.b[d.i]; c {
	case '"':
		end, err := d.strSkipEnd(d.i)
		if err != nil {
			return err
		}
		d.i = end + 1
		return nil
	case '{', '[':
		depth := 0
		watch := d.watch != nil
		for d.i < len(d.b) {
			c := d.b[d.i]
			switch c {
			case '"':
				end, err := d.strSkipEnd(d.i)
				if err != nil {
					return err
				}
				if watch {
					if c := d.b[end-1]; c == '{' || c <= ' ' {
						d.watchStr(end)
					}
				}
				d.i = end + 1
				continue
			case '{':
				if watch && d.watch.maybeAt(d.b, d.i) {
					d.watchObj(d.i)
				}
				depth++
			case '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					d.i++
					return nil
				}
			}
			d.i++
		}
		return errEOF
	case 't':
		return d.lit("true")
	case 'f':
		return d.lit("false")
	case 'n':
		return d.lit("null")
	default:
		_, err := d.number()
		return err
	}
}

func (d *walker) lit(s string) error {
	if !bytes.HasPrefix(d.b[d.i:], []byte(s)) {
		return d.errAt("invalid literal")
	}
	d.i += len(s)
	return nil
}

// number consumes a number token and returns its bytes.
func (d *walker) number() ([]byte, error) {
	start := d.i
	for d.i < len(d.b) {
		c := d.b[d.i]
		if c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' {
			d.i++
			continue
		}
		break
	}
	if d.i == start {
		return nil, d.errAt("unexpected %q", d.b[d.i])
	}
	return d.b[start:d.i], nil
}

// Raw consumes the next value and returns its bytes (a sub-slice of the
// input).
func (d *walker) Raw() ([]byte, error) {
	d.ws()
	start := d.i
	if err := d.Skip(); err != nil {
		return nil, err
	}
	return d.b[start:d.i], nil
}

// Null consumes null.
func (d *walker) Null() error {
	d.ws()
	return d.lit("null")
}

// Bool consumes true or false.
func (d *walker) Bool() (bool, error) {
	d.ws()
	if bytes.HasPrefix(d.b[d.i:], []byte("true")) {
		d.i += 4
		return true, nil
	}
	if bytes.HasPrefix(d.b[d.i:], []byte("false")) {
		d.i += 5
		return false, nil
	}
	return false, d.errAt("expected a boolean")
}

// Float64 consumes a number.
func (d *walker) Float64() (float64, error) {
	d.ws()
	b, err := d.number()
	if err != nil {
		return 0, err
	}
	f, err := strconv.ParseFloat(unsafe.String(unsafe.SliceData(b), len(b)), 64)
	if err != nil {
		var ne *strconv.NumError
		if errors.As(err, &ne) && ne.Err == strconv.ErrRange {
			return f, nil
		}
		return 0, d.errAt("invalid number %q", b)
	}
	return f, nil
}

// StrBytes consumes a string and returns its text: a sub-slice of the
// input when it has no escapes, else a new slice.
func (d *walker) StrBytes() ([]byte, error) {
	return d.str(nil, true)
}

// StrAppend consumes a string and appends its text to dst.
func (d *walker) StrAppend(dst []byte) ([]byte, error) {
	d.ws()
	if d.i >= len(d.b) || d.b[d.i] != '"' {
		return dst, d.errAt("expected a string")
	}
	end, err := d.strSkipEnd(d.i)
	if err != nil {
		// No end: report what the escape-by-escape decoding reports.
		return strAppendSlow(d.b, d.i, dst)
	}
	body := d.b[d.i+1 : end]
	n := len(dst)
	dst = slices.Grow(dst, len(body))[:n+len(body)]
	m, _, bad := unescapeInto(dst[n:], body)
	if bad >= 0 {
		// The error quotes the escape as found in the input, which may
		// run past the string's end (a quote inside a damaged \u escape).
		_, _, err := unescapeOne(nil, d.b[d.i+1+bad:])
		return dst[:n], err
	}
	d.i = end + 1
	return dst[:n+m], nil
}

const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// unescapeInto decodes the JSON string body s (without quotes) into out,
// which must be at least len(s) long (decoding never lengthens), and
// returns the bytes written and whether all of s's raw bytes were ASCII
// (then the output is valid UTF-8 without checking: escapes decode to
// valid UTF-8). Lone or mispaired surrogate escapes become U+FFFD. An
// invalid escape stops it: bad is its index in s (-1 when there is none).
//
// Text is copied eight bytes at a time up to the next backslash: message
// text has an escape every few dozen bytes (\n, \u…), where a call to
// bytes.IndexByte per escape costs more than the copy.
func unescapeInto(out, s []byte) (n int, ascii bool, bad int) {
	var hi uint64 // OR of the raw bytes copied
	i, j := 0, 0
	for {
		for i+8 <= len(s) {
			v := binary.LittleEndian.Uint64(s[i:])
			binary.LittleEndian.PutUint64(out[j:], v)
			x := v ^ (lsb * '\\')
			if m := (x - lsb) &^ x & msb; m != 0 {
				// The lowest flagged byte is the first backslash.
				k := bits.TrailingZeros64(m) >> 3
				hi |= v & (1<<(8*k) - 1)
				i += k
				j += k
				goto escape
			}
			hi |= v
			i += 8
			j += 8
		}
		for ; i < len(s); i++ {
			c := s[i]
			if c == '\\' {
				goto escape
			}
			hi |= uint64(c)
			out[j] = c
			j++
		}
		return j, hi&msb == 0, -1
	escape:
		if i+1 < len(s) {
			if c := simpleEscape[s[i+1]]; c != 0 {
				out[j] = c
				i += 2
				j++
				continue
			}
		}
		w, k, ok := unescapeTo(out[j:], s[i:])
		if !ok {
			return j, false, i
		}
		i += k
		j += w
	}
}

// simpleEscape is what each two-byte escape (backslash, then the index)
// stands for; 0 for the others.
var simpleEscape = [256]byte{'"': '"', '\\': '\\', '/': '/', 'n': '\n', 't': '\t', 'r': '\r', 'b': '\b', 'f': '\f'}

// runEscape is simpleEscape without the escaped backslash, which the inner
// loops (unescapeRun, unescapeRunSWAR) leave to unescapeQuotedWith so that
// it notes a backslash in the text (textFacts); it is rare in text.
var runEscape = [256]byte{'"': '"', '/': '/', 'n': '\n', 't': '\t', 'r': '\r', 'b': '\b', 'f': '\f'}

// strAppendSlow decodes the string at b[i] (its opening quote) one
// escape at a time, each escape read from the input as it stands (an
// escape may run past a quote): StrAppend's way for a string without an
// end, so that its error is the first one met this way.
func strAppendSlow(b []byte, i int, dst []byte) ([]byte, error) {
	i++
	q := -1 // index of the next quote at or after i, when known
	for {
		if q < i {
			k := bytes.IndexByte(b[i:], '"')
			if k < 0 {
				return dst, errEOF
			}
			q = i + k
		}
		k := bytes.IndexByte(b[i:q], '\\')
		if k < 0 {
			return append(dst, b[i:q]...), nil
		}
		dst = append(dst, b[i:i+k]...)
		var (
			n   int
			err error
		)
		dst, n, err = unescapeOne(dst, b[i+k:])
		if err != nil {
			return dst, err
		}
		i += k + n
	}
}

// unescapeTo decodes the escape sequence at the start of s (s[0] is a
// backslash) into out and returns the bytes written and read; false when
// it is invalid (unescapeOne says why).
func unescapeTo(out, s []byte) (int, int, bool) {
	if len(s) < 2 {
		return 0, 0, false
	}
	if c := simpleEscape[s[1]]; c != 0 {
		out[0] = c
		return 1, 2, true
	}
	if s[1] != 'u' {
		return 0, 0, false
	}
	r, ok := hex4(s[2:])
	if !ok {
		return 0, 0, false
	}
	if utf16.IsSurrogate(r) {
		if r < 0xDC00 && len(s) >= 12 && s[6] == '\\' && s[7] == 'u' {
			if r2, ok := hex4(s[8:]); ok && r2 >= 0xDC00 && r2 <= 0xDFFF {
				return utf8.EncodeRune(out, utf16.DecodeRune(r, r2)), 12, true
			}
		}
		r = utf8.RuneError
	}
	return utf8.EncodeRune(out, r), 6, true
}

func (d *walker) str(dst []byte, alias bool) ([]byte, error) {
	d.ws()
	if d.i >= len(d.b) || d.b[d.i] != '"' {
		return dst, d.errAt("expected a string")
	}
	end, escaped, err := d.strEnd(d.i)
	if err != nil {
		return dst, err
	}
	s := d.b[d.i+1 : end]
	d.i = end + 1
	if !escaped {
		if alias {
			return s, nil
		}
		return append(dst, s...), nil
	}
	return unescape(dst, s)
}

// unescape appends the JSON string body s (without quotes) to dst. Lone or
// mispaired surrogate escapes become U+FFFD.
func unescape(dst, s []byte) ([]byte, error) {
	for len(s) > 0 {
		k := bytes.IndexByte(s, '\\')
		if k < 0 {
			return append(dst, s...), nil
		}
		dst = append(dst, s[:k]...)
		var (
			n   int
			err error
		)
		dst, n, err = unescapeOne(dst, s[k:])
		if err != nil {
			return dst, err
		}
		s = s[k+n:]
	}
	return dst, nil
}

// unescapeOne decodes the escape sequence at the start of s (s[0] is a
// backslash), appends it to dst and returns how many bytes it used.
func unescapeOne(dst, s []byte) ([]byte, int, error) {
	if len(s) < 2 {
		return dst, 0, errors.New("truncated escape")
	}
	switch c := s[1]; c {
	case '"', '\\', '/':
		return append(dst, c), 2, nil
	case 'n':
		return append(dst, '\n'), 2, nil
	case 't':
		return append(dst, '\t'), 2, nil
	case 'r':
		return append(dst, '\r'), 2, nil
	case 'b':
		return append(dst, '\b'), 2, nil
	case 'f':
		return append(dst, '\f'), 2, nil
	case 'u':
		r, ok := hex4(s[2:])
		if !ok {
			return dst, 0, fmt.Errorf("invalid escape %q", s[:min(len(s), 6)])
		}
		if utf16.IsSurrogate(r) {
			if r < 0xDC00 && len(s) >= 12 && s[6] == '\\' && s[7] == 'u' {
				if r2, ok := hex4(s[8:]); ok && r2 >= 0xDC00 && r2 <= 0xDFFF {
					return utf8.AppendRune(dst, utf16.DecodeRune(r, r2)), 12, nil
				}
			}
			r = utf8.RuneError
		}
		return utf8.AppendRune(dst, r), 6, nil
	}
	return dst, 0, fmt.Errorf("invalid escape %q", s[:2])
}

func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	h0, h1, h2, h3 := hexVal[b[0]], hexVal[b[1]], hexVal[b[2]], hexVal[b[3]]
	if (h0|h1|h2|h3)&0xf0 != 0 {
		return 0, false
	}
	return rune(h0)<<12 | rune(h1)<<8 | rune(h2)<<4 | rune(h3), true
}

// hexVal is each hex digit's value, 0xff for other bytes.
var hexVal = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = byte(c - '0')
	}
	for c := 'a'; c <= 'f'; c++ {
		t[c] = byte(c - 'a' + 10)
		t[c-'a'+'A'] = byte(c - 'a' + 10)
	}
	return t
}()

// ObjBytes calls f for each key of an object; f must consume the value.
// The key is valid only during the call.
func (d *walker) ObjBytes(f func(d *walker, key []byte) error) error {
	d.ws()
	if d.i >= len(d.b) || d.b[d.i] != '{' {
		return d.errAt("expected an object")
	}
	d.i++
	d.ws()
	if d.i < len(d.b) && d.b[d.i] == '}' {
		d.i++
		return nil
	}
	for {
		// Keys are short and plain, in Python's layout (`, "key": `):
		// take one ending in the first 32 bytes with its colon right
		// after here (quickEnd), the rest through StrBytes.
		var key []byte
		i := d.i
		if i < len(d.b) && d.b[i] == ' ' {
			i++
		}
		if i < len(d.b) && d.b[i] == '"' {
			if j, c := quickEnd(d.b, i+1); c == '"' && j+1 < len(d.b) && d.b[j+1] == ':' {
				key, d.i = d.b[i+1:j], j+2
			}
		}
		if key == nil {
			var err error
			if key, err = d.StrBytes(); err != nil {
				return err
			}
			d.ws()
			if d.i >= len(d.b) || d.b[d.i] != ':' {
				return d.errAt("expected ':' after key")
			}
			d.i++
		}
		if err := f(d, key); err != nil {
			return err
		}
		d.ws()
		if d.i >= len(d.b) {
			return errEOF
		}
		switch d.b[d.i] {
		case ',':
			d.i++
		case '}':
			d.i++
			return nil
		default:
			return d.errAt("expected ',' or '}'")
		}
	}
}

// watchObj notes (nested) when the '{' at b[p], nested in the
// conversation b opens and passed by maybeAt, is where the scanner would
// stop that conversation (value: sigAtWide).
func (d *walker) watchObj(p int) {
	if d.watch.opens(d.b[p:]) {
		d.nested = true
	}
}

// watchStr notes (nested) when the closing quote at b[q], whose string
// ends with '{' or white space, is where the scanner would stop the
// conversation: the quote opens the first key of a conversation after '{'
// (the string state was inverted by damage before it; str).
func (d *walker) watchStr(q int) {
	p := q - 1
	for p > 0 && isWS(d.b[p]) && q-p < 64 {
		p--
	}
	if d.b[p] == '{' && (d.watch.opens(d.b[p:]) || d.watch.damagedAt(d.b, p)) {
		d.nested = true
	}
}

// Arr calls f for each element of an array; f must consume the element.
func (d *walker) Arr(f func(d *walker) error) error {
	d.ws()
	if d.i >= len(d.b) || d.b[d.i] != '[' {
		return d.errAt("expected an array")
	}
	d.i++
	d.ws()
	if d.i < len(d.b) && d.b[d.i] == ']' {
		d.i++
		return nil
	}
	for {
		if err := f(d); err != nil {
			return err
		}
		d.ws()
		if d.i >= len(d.b) {
			return errEOF
		}
		switch d.b[d.i] {
		case ',':
			d.i++
			if d.watch != nil {
				// An object after ',' in an array decoded in full: where,
				// after damage, the next conversation can be met outside
				// Skip (the other objects decoded in full follow ':').
				d.ws()
				if d.i < len(d.b) && d.b[d.i] == '{' && d.watch.maybeAt(d.b, d.i) {
					d.watchObj(d.i)
				}
			}
		case ']':
			d.i++
			return nil
		default:
			return d.errAt("expected ',' or ']'")
		}
	}
}
