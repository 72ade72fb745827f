package loader

import (
	"unicode/utf8"
	"unsafe"
)

// arena hands out strings copied into large chunks, so that a load makes a
// few big allocations instead of one per string (fresh memory is what costs
// most on small VMs; see NOTES.md, "Performance"). Strings stay valid until the
// load's Release (loader.Options.Release), or as long as the process lives
// without one, when the chunks are off-heap; as long as any of them is
// referenced when they are Go memory.
//
// Not safe for concurrent use: each decoding worker owns one.
type arena struct {
	cur   []byte // free tail of the current chunk
	whole []byte // the current chunk (nil when unknown: see rewrite)
	chunk int    // size of the next chunk
	max   int    // chunk grows (doubling) up to max
	alloc func(n int) []byte
	// release gives back the memory of a chunk's free tail that no string
	// will use (whole pages of it); nil leaves it be (Go-heap chunks).
	release func(b []byte)

	// From the first mark until forget: every chunk and big string mapped,
	// in order, for rewind.
	logging bool
	log     [][]byte
}

// arenaMark is where an arena was: its free tail and how many chunks it
// had logged.
type arenaMark struct {
	cur []byte
	n   int
}

const (
	smallChunk = 1 << 20 // Go-heap chunk for small loads
	// hugeChunk is the largest off-heap chunk. Each chunk is faulted in
	// whole when mapped, so the free tail of each worker's current chunk
	// counts in the peak RSS: 64 MiB chunks cost up to 128 MiB on two
	// workers (1.3x the file on a 250 MB export of long conversations);
	// 8 MiB ones are as fast to fill. Smaller files get smaller chunks
	// (chunkScale).
	hugeChunk = 8 << 20
	// chunkScale: an off-heap chunk is at most a chunkScale-th of the load
	// (at least 2 MiB, then halved below halfLoad), so the workers' current
	// chunks stay ~1% of the file: 1 MiB at 250 MB (8 MiB ones were up to
	// 0.07x of its peak RSS), hugeChunk from 1 GB on.
	chunkScale = 100
	// bigLoad is the input size from which the off-heap arena is used.
	// Below it, Go-heap chunks are cheap and are freed with the archive.
	bigLoad = 64 << 20
)

// newArena returns an arena sized for a load of total input bytes.
func newArena(total int64) *arena {
	if total >= bigLoad {
		if alloc := offHeapAlloc(); alloc != nil {
			// Start small so the first conversations reach the UI fast
			// (faulting in 64 MiB takes tens of milliseconds), then grow.
			m := chunkMax(total)
			return &arena{chunk: min(2<<20, m), max: m, alloc: alloc, release: offHeapRelease}
		}
	}
	chunk := smallChunk
	if total < 8*smallChunk {
		chunk = smallChunk / 16
	}
	return &arena{chunk: chunk, max: chunk, alloc: func(n int) []byte { return make([]byte, n) }}
}

// chunkMax is the largest off-heap chunk for a load of total bytes.
// (halved below halfLoad: split.go).
func chunkMax(total int64) int {
	return int(halved(scaled(2<<20, hugeChunk, total, chunkScale), total))
}

// reserve returns a slice of n bytes (len n) to be filled by the caller.
func (a *arena) reserve(n int) []byte {
	b := a.room(n)[:n]
	a.take(b)
	return b
}

// room returns an empty slice with room for n bytes (cap n) without taking
// them: the caller writes at most n bytes into it by appending, then takes
// what it wrote with take (or nothing, by not calling take).
func (a *arena) room(n int) []byte {
	if n > len(a.cur) {
		if n > a.max/4 {
			// Big strings get their own allocation so chunks are not wasted.
			b := a.alloc(n)
			a.mapped(b)
			return b[:0:n]
		}
		for a.chunk < 4*n {
			a.chunk *= 2
		}
		a.drop() // what the old chunk has left is too short
		a.cur = a.alloc(a.chunk)
		a.whole = a.cur
		a.mapped(a.cur)
		a.chunk = min(2*a.chunk, a.max)
	}
	return a.cur[:0:n]
}

// drop gives back the free tail of the current chunk: the arena moves to
// a new chunk, or will take no more strings (its worker is done). An
// off-heap chunk is faulted in whole when mapped, so without this each
// abandoned tail and each worker's last one stayed in the RSS (a 250 MB
// export of long conversations: 8 MB more after the load).
func (a *arena) drop() {
	if a.release != nil && len(a.cur) > 0 {
		a.release(a.cur)
	}
	a.cur, a.whole = nil, nil
}

// mapped records a chunk or big string mapped while logging.
func (a *arena) mapped(b []byte) {
	if a.logging {
		a.log = append(a.log, b)
	}
}

// mark returns where the arena is, for rewind; from the first mark on,
// the arena logs what it maps until forget.
func (a *arena) mark() arenaMark {
	a.logging = true
	return arenaMark{a.cur, len(a.log)}
}

// rewind takes back everything handed out since m, which nothing refers
// to any more (the caller's word): the strings of a conversation that did
// not decode, or of segments the split decoded ahead and then dropped
// (split.go). The chunks mapped since are given back whole; the arena goes
// on from where it was at m. Marks taken after m are void; earlier ones
// stay valid.
func (a *arena) rewind(m arenaMark) {
	if a.release != nil {
		for _, b := range a.log[m.n:] {
			a.release(b)
		}
	}
	clear(a.log[m.n:])
	a.log, a.cur = a.log[:m.n], m.cur
	a.whole = nil // m.cur may be in an earlier chunk
}

// rewindKeep is rewind that keeps the current chunk when it was mapped
// since m: everything handed out since m is taken back, the chunks mapped
// before it are given back, and so is the free tail the arena had at m;
// the arena goes on from the start of its current chunk. A compacted
// conversation (compact.go) that did not fit the tail left at its mark
// mapped a chunk, whole and faulted in: given back by rewind, the next one
// mapped another, and so on (on a 1 GB export, a third of the
// compaction's cost in madvise and faults).
func (a *arena) rewindKeep(m arenaMark) {
	n := len(a.log)
	if n == m.n || a.whole == nil || len(a.whole) == 0 || &a.log[n-1][0] != &a.whole[0] {
		a.rewind(m)
		return
	}
	whole := a.whole
	if a.release != nil {
		if len(m.cur) > 0 {
			a.release(m.cur)
		}
		for _, b := range a.log[m.n : n-1] {
			a.release(b)
		}
	}
	clear(a.log[m.n:])
	a.log = append(a.log[:m.n], whole)
	a.cur, a.whole = whole, whole
}

// forget stops logging: every mark is void.
func (a *arena) forget() {
	clear(a.log)
	a.log, a.logging = nil, false
}

// take marks b, written into the last room, as used.
func (a *arena) take(b []byte) {
	if len(b) > 0 && len(a.cur) > 0 && &a.cur[0] == &b[0] {
		a.cur = a.cur[len(b):]
	}
}

// str copies b into the arena and returns it as a valid UTF-8 string:
// invalid bytes become U+FFFD and CESU-8 surrogate pairs are re-paired.
func (a *arena) str(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if !utf8.Valid(b) {
		return a.strFixed(b)
	}
	d := a.reserve(len(b))
	copy(d, b)
	return unsafe.String(&d[0], len(d))
}

func (a *arena) strFixed(b []byte) string {
	fixed := fixUTF8(nil, b)
	d := a.reserve(len(fixed))
	copy(d, fixed)
	return unsafe.String(&d[0], len(d))
}

// decode decodes the body of a JSON string (without its quotes; escaped
// when it holds a backslash) into the arena, as a valid UTF-8 string. Decoding never lengthens a body (an
// escape is longer than what it stands for), so it is decoded straight into
// the arena: one copy of the text instead of two through a scratch buffer.
// Invalid UTF-8 takes the slower way of str.
func (a *arena) decode(body []byte, escaped bool) (string, error) {
	if !escaped {
		return a.str(body), nil
	}
	room := a.room(len(body))[:len(body)]
	n, ascii, bad := unescapeInto(room, body)
	if bad >= 0 {
		_, _, err := unescapeOne(nil, body[bad:])
		return "", err
	}
	if n == 0 {
		return "", nil
	}
	out := room[:n]
	if !ascii && !utf8.Valid(out) {
		// Invalid UTF-8 to repair: copy it.
		return a.str(out), nil
	}
	a.take(out)
	return unsafe.String(&out[0], n), nil
}

// decodeQuoted decodes the JSON string whose body starts at s[0] (the
// byte after its opening quote) into the arena in one pass and returns it
// as a valid UTF-8 string, with the index of its closing quote in s. ok
// is false when that way cannot (see quoted); the caller then decodes
// the string the two-pass way (strSkipEnd, decode), which maps a chunk
// or reports the error.
func (a *arena) decodeQuoted(s []byte) (text string, end int, ok bool) {
	out, end, ascii, ok := a.quoted(s)
	if !ok {
		return "", 0, false
	}
	return a.keep(out, ascii), end, true
}

// quoted decodes the JSON string whose body starts at s[0] into the
// current chunk's free tail (unescapeQuoted) without taking it: keep
// does. ok is false when the string is longer than the free tail, an
// escape is invalid or the string has no end.
func (a *arena) quoted(s []byte) (out []byte, end int, ascii, ok bool) {
	out, end, ascii, _, ok = a.quotedFacts(s)
	return out, end, ascii, ok
}

// quotedFacts is quoted that also reports the text's facts
// (unescapeQuotedFacts).
func (a *arena) quotedFacts(s []byte) (out []byte, end int, ascii bool, facts textFacts, ok bool) {
	end, n, ascii, facts, ok := unescapeQuotedFacts(a.cur, s)
	if !ok {
		return nil, 0, false, 0, false
	}
	return a.cur[:n], end, ascii, facts, true
}

// keep takes out, just written by quoted, as a valid UTF-8 string.
func (a *arena) keep(out []byte, ascii bool) string {
	if len(out) == 0 {
		return ""
	}
	if !ascii && !utf8.Valid(out) {
		// Invalid UTF-8 to repair: copy it.
		return a.str(out)
	}
	a.take(out)
	return unsafe.String(&out[0], len(out))
}

// rewrite writes s over the bytes of old and returns them as a string,
// when old is a string this arena handed out from its current chunk and s
// is not longer; false otherwise (s is then left as it is). Nothing else
// may refer to old (the caller's word): its bytes change. A text rewritten
// after its decode (citations resolved, math normalised: finishText) was
// a second copy on the Go heap while the first stayed in the arena,
// unused: ~2 MB each on a 250 MB export of long conversations.
func (a *arena) rewrite(old, s string) (string, bool) {
	if len(s) == 0 || len(s) > len(old) || a.whole == nil {
		return "", false
	}
	lo := uintptr(unsafe.Pointer(unsafe.SliceData(a.whole)))
	used := lo + uintptr(len(a.whole)-len(a.cur)) // end of what was handed out
	p := uintptr(unsafe.Pointer(unsafe.StringData(old)))
	if p < lo || p+uintptr(len(old)) > used {
		return "", false
	}
	d := unsafe.Slice(unsafe.StringData(old), len(s)) // the arena's own bytes
	copy(d, s)
	return unsafe.String(&d[0], len(s)), true
}

// bytes copies b into the arena (used for raw JSON of unknown content).
func (a *arena) bytes(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	d := a.reserve(len(b))
	copy(d, b)
	return d
}
