package loader

// The decoding worker and the JSON helpers every format's decoder uses
// (chatgpt_*.go, claude_*.go, deepseek_*.go, grok_*.go): lenient readers
// for strings, booleans, numbers, times, arrays and objects over the pull
// decoder in walker.go, and the fallbacks every format fills the same way.

import (
	"bytes"
	"math"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/go-faster/jx"

	"github.com/backchat/backchat/model"
)

// worker decodes conversations. It reads only the fields backchat needs,
// skips the rest, and builds model values directly (no wire structs, no
// map of mapping nodes). Strings are copied into its arena.
//
// Not safe for concurrent use: each decoding goroutine owns one.
type worker struct {
	a       *arena
	scratch []byte // reused buffer for unescaping strings
	textBuf []byte // reused buffer for joining parts
	fields  []rawField

	// per-conversation scratch, reused
	nodes     []rawNode
	childKeys [][]byte
	index     map[string]int32
	indexCap  int // the most keys index has held since it was made (build)
	notes     []string
	assets    *assetIndex // of the file being decoded; nil when none
	convID    string
	attach    map[string]attachment
	pending   []pendingAsset
	edits     []canvasEdit // canvas updates of the conversation, replayed once its tree is built
	segs      []partSeg    // parts scratch
	nodeKey   string       // key of the mapping node whose message is decoded
	// decoded is the text of the message being decoded that onlyString
	// decoded in one pass, with what the decode saw of it (textFacts), so
	// that finishText need not scan it for what they rule out; compared
	// by address; "" when none.
	decoded      string
	decodedFacts textFacts

	// shared holds one Go-heap copy of each short string that repeats from
	// message to message (status, recipient, model, content type): see
	// common.
	shared map[string]string
	// recent is a direct-mapped front of shared (shareSlot): most lookups
	// hit it with one compare instead of hashing for the map.
	recent [64]string

	// Slabs that messages and their blocks are carved from: one allocation
	// per many messages instead of one (or more) each. Elements are handed
	// out once and never reused, so the model stays immutable; a slab lives
	// as long as any message in it.
	msgSlab []model.Message
	blkSlab []model.Block

	// Speculative splitting (split.go): the worker's read window, and where
	// the last ChatGPT conversation decoded ended (bytes from its start;
	// 0 when it did not decode).
	win winBuf
	end int
	// watch, when set, is the file's conversation signature: a ChatGPT
	// decode then sets nested when the conversation holds the opening of
	// another one where the scanner would see it (walker.watch).
	watch  *signature
	nested bool

	// k, when set, compacts each conversation decoded once the load's
	// plain budget is spent (compact.go); side says which ones the
	// collector will still change (feedback: those are never compacted).
	k     Compactor
	side  sideSet
	plain *atomic.Int64 // the export's bytes whose text may stay decoded (Options.CompactPlain)
}

func newWorker(total int64) *worker {
	return &worker{a: newArena(total), index: make(map[string]int32)}
}

// forgetInput clears, over their whole capacity, the worker's scratch
// slices that point into the input it decoded (mapping nodes' parent keys,
// child keys, a content object's fields). Reset to length 0 for the next
// conversation, they still held the old ones past their length: after
// its read window is unmapped (split.go) or its chunk released, pointers
// into freed memory, and on the Go heap a chunk kept from the collector.
// Called when the worker frees its window and when it ends.
func (w *worker) forgetInput() {
	clear(w.fields[:cap(w.fields)])
	clear(w.childKeys[:cap(w.childKeys)])
	clear(w.nodes[:cap(w.nodes)])
	w.fields, w.childKeys, w.nodes = w.fields[:0], w.childKeys[:0], w.nodes[:0]
}

// dropInput clears the scratch a decode used, so that between decodes
// none of it points into the job's bytes, which the scanner releases (a
// 4 MiB chunk kept from the collector otherwise) or the split unmaps. The
// nodes and child keys are cleared up to their length (what lies beyond
// was cleared after an earlier decode): it costs a clear of what the
// decode wrote. The content fields are reset to length 0 after each
// object (content), so all of their few are cleared.
func (w *worker) dropInput() {
	clear(w.fields[:cap(w.fields)])
	clear(w.childKeys)
	clear(w.nodes)
	w.fields, w.childKeys, w.nodes = w.fields[:0], w.childKeys[:0], w.nodes[:0]
}

// msgSlabLen is how many messages a slab holds: as many as fill 168 KiB
// (2,150 of 80 bytes). A slab is a large allocation, rounded up to whole
// 8 KiB pages: 256 messages (43,008 bytes, 6 pages) left 14% of each slab
// unused, ~1.4 MB of a 250 MB export's peak RSS.
const msgSlabLen = (21 << 13) / unsafe.Sizeof(model.Message{})

// newMessage returns a zero message from the worker's slab.
func (w *worker) newMessage() *model.Message {
	if len(w.msgSlab) == 0 {
		w.msgSlab = make([]model.Message, msgSlabLen)
	}
	m := &w.msgSlab[0]
	w.msgSlab = w.msgSlab[1:]
	return m
}

// blocks returns an empty slice with capacity n from the worker's slab; its
// capacity is exact, so appending beyond n reallocates instead of writing
// into a neighbour's blocks.
func (w *worker) blocks(n int) []model.Block {
	if n > 16 {
		return make([]model.Block, 0, n)
	}
	if len(w.blkSlab) < n {
		w.blkSlab = make([]model.Block, 256)
	}
	b := w.blkSlab[:0:n]
	w.blkSlab = w.blkSlab[n:]
	return b
}

// str reads a JSON string into the arena; null or any other type gives "".
func (w *worker) str(d *walker) (string, error) { return w.readStr(d, false) }

// Bounds of the worker's table of shared strings.
const (
	sharedLen = 64  // longest string shared
	sharedMax = 512 // strings in the table
)

// common reads a JSON string as str does, but a short unescaped one comes
// from the worker's table of shared strings: a message's role, author
// name, status, recipient, model and content type are a few dozen values
// in all, and one copy each per message took 2–6 MB of a 250 MB export's
// arena. The
// table's copies are on the Go heap, never in the arena (which may give
// back what a failed decode wrote: arena.rewind).
func (w *worker) common(d *walker) (string, error) { return w.readStr(d, true) }

// readStr is str, and common when shared is set.
func (w *worker) readStr(d *walker, shared bool) (string, error) {
	if d.Next() != tString {
		return "", d.Skip()
	}
	if !shared {
		if s, end, ok := w.a.decodeQuoted(d.b[d.i+1:]); ok {
			d.i += end + 2
			return s, nil
		}
	}
	end, err := d.strSkipEnd(d.i)
	if err != nil {
		return "", err
	}
	body := d.b[d.i+1 : end]
	d.i = end + 1
	if shared {
		if s, ok := w.share(body); ok {
			return s, nil
		}
	}
	// Decoded as if escaped: one pass that copies, unescapes and tells
	// ASCII (no UTF-8 check then).
	return w.a.decode(body, true)
}

// share returns the table's copy of b when b is short, valid UTF-8 with no
// backslash, and the table holds it or has room for it.
func (w *worker) share(b []byte) (string, bool) {
	if len(b) == 0 || len(b) > sharedLen {
		return "", false
	}
	// What recent holds came from shared: no backslash, valid UTF-8.
	slot := &w.recent[shareSlot(b)]
	if *slot == string(b) {
		return *slot, true
	}
	if bytes.IndexByte(b, '\\') >= 0 {
		return "", false
	}
	if s, ok := w.shared[string(b)]; ok {
		*slot = s
		return s, true
	}
	if len(w.shared) >= sharedMax || !utf8.Valid(b) {
		return "", false
	}
	if w.shared == nil {
		w.shared = make(map[string]string)
	}
	s := string(b)
	w.shared[s] = s
	*slot = s
	return s, true
}

// shareSlot is b's place in worker.recent (b is not empty).
func shareSlot(b []byte) int {
	return (len(b)*5 + int(b[0]) + int(b[len(b)-1])*3) & 63
}

// rawStr converts a captured raw JSON value into an arena string: the
// string's text when it is a JSON string, "" otherwise. Unescaped strings are
// copied straight from the input; escaped ones are decoded into scratch.
func (w *worker) rawStr(raw []byte) string {
	if len(raw) < 2 || raw[0] != '"' {
		return ""
	}
	if bytes.IndexByte(raw, '\\') < 0 {
		return w.a.str(raw[1 : len(raw)-1])
	}
	d := getWalker(raw)
	defer putWalker(d)
	b, err := d.StrAppend(w.scratch[:0])
	if err != nil {
		return ""
	}
	w.scratch = b[:0]
	return w.a.str(b)
}

// rawStr reads a JSON string as bytes valid while the input is; "" for other
// types.
func rawStr(d *walker) ([]byte, error) {
	if d.Next() != tString {
		return nil, d.Skip()
	}
	return d.StrBytes()
}

// boolean reads true/false; anything else (null, numbers) is false.
func boolean(d *walker) (bool, error) {
	if d.Next() != tBool {
		return false, d.Skip()
	}
	return d.Bool()
}

// number reads a number, or a string holding one; ok is false otherwise.
func number(d *walker) (f float64, ok bool, err error) {
	switch d.Next() {
	case tNumber:
		f, err = d.Float64()
		return f, err == nil && !math.IsNaN(f) && !math.IsInf(f, 0), err
	case tString:
		b, err := d.StrBytes()
		if err != nil {
			return 0, false, err
		}
		f, perr := strconv.ParseFloat(strings.TrimSpace(string(b)), 64)
		if perr != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return 0, false, nil
		}
		return f, true, nil
	}
	return 0, false, d.Skip()
}

// epoch reads a time: float or integer epoch seconds (milliseconds when
// implausibly large), a numeric string, or an RFC 3339 string. Zero when
// absent or unusable.
func epoch(d *walker) (time.Time, error) {
	if d.Next() == tString {
		b, err := d.StrBytes()
		if err != nil {
			return time.Time{}, err
		}
		s := strings.TrimSpace(string(b))
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return fromEpoch(f), nil
		}
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			return t.UTC(), nil
		}
		return time.Time{}, nil
	}
	f, ok, err := number(d)
	if !ok {
		return time.Time{}, err
	}
	return fromEpoch(f), nil
}

func fromEpoch(f float64) time.Time {
	if math.IsNaN(f) || math.IsInf(f, 0) || f == 0 {
		return time.Time{}
	}
	if math.Abs(f) > 1e11 { // milliseconds
		f /= 1000
	}
	if math.Abs(f) > 1e11 {
		return time.Time{}
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)).UTC()
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

func (w *worker) note(s string) {
	for _, n := range w.notes {
		if n == s {
			return
		}
	}
	w.notes = append(w.notes, s)
}

// fillFallbacks fills what a conversation's own fields left empty, the same
// way for every format: Created ← Updated ← earliest message time; Model ←
// the latest message's model.
func fillFallbacks(c *model.Conversation) {
	var earliest, latest time.Time
	latestModel := ""
	for i := range c.Nodes {
		m := c.Nodes[i].Msg
		if m == nil {
			continue
		}
		t := m.Time()
		if !t.IsZero() && (earliest.IsZero() || t.Before(earliest)) {
			earliest = t
		}
		if slug := m.Model(); slug != "" && (latestModel == "" || !t.Before(latest)) {
			latest, latestModel = t, slug
		}
	}
	if c.Created.IsZero() {
		c.Created = c.Updated
	}
	if c.Created.IsZero() {
		c.Created = earliest
	}
	if c.Model == "" {
		c.Model = latestModel
	}
}

// arr runs f on each element of an array value; other types are skipped.
func arr(d *walker, f func(d *walker) error) error {
	if d.Next() != tArray {
		return d.Skip()
	}
	return d.Arr(f)
}

// obj runs f on each key of an object value; other types are skipped.
func obj(d *walker, f func(d *walker, key []byte) error) error {
	if d.Next() != tObject {
		return d.Skip()
	}
	return d.ObjBytes(f)
}

// eachPart runs f on each element of a parts array.
func (w *worker) eachPart(parts []byte, f func(d *walker) error) error {
	if len(parts) == 0 || parts[0] != '[' {
		return nil
	}
	d := getWalker(parts)
	defer putWalker(d)
	return d.Arr(f)
}

// rawField is one key of a content object with its raw value.
type rawField struct {
	key []byte
	raw []byte
}

// rebuild writes fields back as one JSON object (an unknown content type's
// Raw) into the arena. Values are byte-for-byte as in the export.
func (w *worker) rebuild(fields []rawField) []byte {
	wr := jx.Writer{Buf: w.textBuf[:0]}
	wr.RawStr("{")
	for i, f := range fields {
		if i > 0 {
			wr.RawStr(", ")
		}
		wr.ByteStr(f.key)
		wr.RawStr(": ")
		wr.Raw(f.raw)
	}
	wr.RawStr("}")
	out := w.a.bytes(wr.Buf)
	w.textBuf = wr.Buf[:0]
	return out
}

func nonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// getWalkerOnce returns a walker over b for a single use; it is not
// returned to the pool (short-lived, rare values).
func getWalkerOnce(b []byte) *walker { return &walker{b: b} }

// domainOf is the host of a URL, without "www.".
func domainOf(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
	} else {
		return ""
	}
	if i := strings.IndexAny(u, "/?#"); i >= 0 {
		u = u[:i]
	}
	return strings.TrimPrefix(u, "www.")
}
