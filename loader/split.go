package loader

import (
	"bytes"
	"context"
	"encoding/binary"
	"math/bits"
	"os"
	"runtime"
	"sync/atomic"

	"github.com/backchat/backchat/internal/anonmem"
	"github.com/backchat/backchat/model"
)

// Speculative splitting: a big plain JSON file (a conversation array on
// disk, not a ZIP entry) is decoded without the scanner's separate pass
// over its bytes. The file is cut into byte ranges (segments); the worker
// that takes a segment reads it itself, finds the first conversation
// opening in it (the file's signature, resync.go, right after "}," ) and
// decodes conversation after conversation straight from its window of the
// file: the decoder's own walk finds where each one ends. A segment's
// conversations count only when the segment before it ended exactly where
// this one's first conversation starts (then the guess was a real
// boundary), so results are delivered segment by segment in file order.
//
// Anything unusual — a conversation that does not decode, a separator that
// is not ',', a guess that does not line up, data after the array, a file
// that ends early, another format than ChatGPT's — stops the split: what
// was delivered stays, and the scanner reads the file again from its
// start, handing on only the conversations after those (scanSource), so
// damage is reported exactly as the scanner reports it.

// splitMin is the smallest file read by segments (tests lower it).
var splitMin int64 = bigLoad

// Segment sizes: small first segments so that the first conversations reach
// the UI fast, then doubling up to segMax (less in smaller files: see
// splitScale).
var (
	segFirst int64 = 1 << 20
	segMax   int64 = 16 << 20
)

// winSize is a worker's largest read window (smaller in smaller files: a
// winScale-th of the file, at least winMin, or
// half that below halfLoad); half of it, at most winMin,
// must be ahead of a conversation's start before it is decoded (a larger
// conversation is decoded again over a window that holds it). Variables
// for tests.
var (
	winSize = 8 << 20
	winMin  = 2 << 20
)

// splitScale: segments grow (by doubling) only up to a splitScale-th of
// the file, so that in a 250 MB file what a stop wastes (the segments
// decoded ahead, see runSplit) stays a small part of the peak RSS (4 MiB
// segments; 16 MiB ones were up to 0.26x of it), while files of 1 GB get
// segMax. The read windows scale the same way (winScale): 8 MiB windows
// were 0.07x of the peak at 250 MB.
const splitScale = 32

// winScale: a read window is at most a winScale-th of the file (1 MiB at
// 250 MB, halved below halfLoad; winSize at 1 GB).
const winScale = 100

// scaled returns the largest of from, 2*from, 4*from… up to top that fits
// scale times in size (from when none does).
func scaled(from, top, size, scale int64) int64 {
	v := from
	for v < top && 2*v*scale <= size {
		v *= 2
	}
	return min(v, max(top, from))
}

// halfLoad: below this input size, the read windows and the arena's
// chunks are half what the scaling gives them (at least 1 MiB): 1 MiB at
// 250 MB, where the two workers' 2 MiB windows and the unused ends of
// their 2 MiB chunks (faulted in whole) were up to 8 MB of the peak RSS,
// which comes at the end of the load. Files of 1 GB keep their 8 MiB.
// The conversations larger than a 1 MiB window cost little more: each is
// decoded over a window of its own size (winBuf), which then reads the
// rest of its segment and is unmapped when the segment ends (runSegment),
// or kept as the worker's window when it is at most twice the usual one.
const halfLoad = 512 << 20

// halved is v halved (at least 1 MiB) for an input of size bytes below
// halfLoad, v otherwise.
func halved(v, size int64) int64 {
	if size < halfLoad {
		return max(v/2, min(v, 1<<20))
	}
	return v
}

// splitWindow is a worker's read window for a file of size bytes.
func splitWindow(size int64) int {
	return int(halved(scaled(int64(min(winMin, winSize)), int64(winSize), size, winScale), size))
}

// splitSegMax is the largest segment of a file of size bytes.
func splitSegMax(size int64) int64 { return scaled(segFirst, segMax, size, splitScale) }

// ahead is how much of a window must be ahead of where a conversation is
// decoded or looked for.
func (r *splitRun) ahead() int { return min(winMin, r.win/2) }

// readLimit is where segment t's reads stop unless more is needed
// (segWindow.limit): its end plus the lookahead, when windows are at least
// four times the lookahead (files from ~800 MB on: 8 MiB windows, 2 MiB
// ahead; long1g and conv1g 1.26 -> 1.10 GiB read for 0.93). Below, 0 (no
// limit): with a window only twice the lookahead, the conversations
// between the two sizes that start near a segment's end no longer fit
// (conv250: 30 -> 34 decoded twice, for 2% fewer bytes read).
func (r *splitRun) readLimit(t *segTask) int64 {
	if r.win < 4*r.ahead() {
		return 0
	}
	return t.hi + int64(r.ahead())
}

// splitMaxElem is the largest conversation the split decodes; a larger
// one (or one that seems to be: damage can make a conversation run on to
// the end of the file) stops the split and is left to the scanner, which
// reads any size up to maxElem. A variable for tests.
var splitMaxElem = 32 << 20

// splitDecodeHook, when set (tests), is called before each decode of the
// conversation at offset off over a window of need bytes.
var splitDecodeHook func(off int64, need int)

// planWin is the first window planSplit reads the file's start with.
const planWin = 1 << 20

// findBack is how far before a guessed conversation opening the "}," that
// must precede it is looked for.
const findBack = 256

// segTask is one segment: its nominal range [lo, hi) and, once decoded,
// what it found there.
type segTask struct {
	k      int
	lo, hi int64
	split  *splitRun

	start   int64 // offset of its first conversation; -1: none starts in [lo, hi)
	end     int64 // offset of the first conversation at or after hi, or of the array's ']'
	closed  bool  // the array's ']' was met (at end)
	dirty   bool  // something unusual: the split stops here
	results []result

	// The arena of the worker that decoded it and where that arena was
	// before; sent is set once any of its results is delivered. What a
	// stop leaves unsent is given back (runSplit).
	arena *arena
	mark  arenaMark
	sent  bool
}

// splitRun is what the segments of one file share.
type splitRun struct {
	f      *os.File
	size   int64
	src    *source
	assets *assetIndex
	format *format
	sig    *signature
	first  int64 // offset of the first conversation
	win    int   // a worker's read window
	segMax int64 // the largest segment
	abort  atomic.Bool
	done   chan *segTask
	// tasks is how many segments the file has, taken how many of them
	// workers have started: once all are, a worker that ends a segment
	// gives back its window and the unused end of its arena chunk at once
	// (the peak RSS is at the end of the load, while the other worker
	// decodes the last segment), not when the load ends.
	tasks int32
	taken atomic.Int32
}

// segWindow is a worker's view of part of the file: buf[:n] holds the
// bytes from file offset base.
type segWindow struct {
	f    *os.File
	size int64
	buf  winBuf
	base int64
	n    int
	// forget, when set, is called before a window is replaced by a larger
	// one: the decoding worker's scratch still points into it
	// (worker.forgetInput).
	forget func()
	// limit, when above 0, is where a read into the window stops unless
	// more is needed (splitRun.readLimit): what a full window read past a
	// segment's end held was never decoded (the next segment is another
	// read).
	limit int64
}

// winBuf is a read window's memory: mapped outside the Go heap where the
// platform allows it (arena_linux.go), so that it is given back to the
// system the moment it is freed. On the Go heap, the windows (two workers'
// 2 MiB ones, a planning one, those grown for large conversations) stayed
// in the RSS as garbage until the end of the load, when the load's GC
// target (gcpercent.go) ran no collection: ~5 MB of the peak at 250 MB.
type winBuf struct {
	b      []byte
	mapped bool // b came from anonmem.Map: free unmaps it
}

// newWinBuf returns a window of n bytes.
func newWinBuf(n int) winBuf {
	if b := anonmem.Map(n); b != nil {
		return winBuf{b, true}
	}
	return winBuf{make([]byte, n), false}
}

// free gives back the window's memory; nothing may use it afterwards.
func (w *winBuf) free() {
	if w.mapped {
		anonmem.Unmap(w.b)
	}
	*w = winBuf{}
}

// ensure makes the window hold [off, off+need) (or up to the end of the
// file), reading as little as it can; false on a read error.
func (sw *segWindow) ensure(off int64, need int) bool {
	end := min(off+int64(need), sw.size)
	if off >= sw.base && end <= sw.base+int64(sw.n) {
		return true
	}
	var keep []byte // what is already read from off on
	if off >= sw.base && off <= sw.base+int64(sw.n) {
		keep = sw.buf.b[off-sw.base : sw.n]
	}
	if need > len(sw.buf.b) {
		nb := newWinBuf(need)
		copy(nb.b, keep)
		if sw.forget != nil {
			sw.forget()
		}
		sw.buf.free()
		sw.buf = nb
	} else {
		copy(sw.buf.b, keep)
	}
	buf := sw.buf.b
	sw.base, sw.n = off, len(keep)
	stop := len(buf) // read up to buf[:stop]
	if sw.limit > 0 {
		stop = int(min(int64(stop), max(sw.limit, end)-sw.base))
	}
	for sw.base+int64(sw.n) < sw.size && sw.n < stop {
		m, err := sw.f.ReadAt(buf[sw.n:min(stop, int(sw.size-sw.base))], sw.base+int64(sw.n))
		sw.n += m
		if err != nil && m == 0 {
			return false
		}
	}
	return sw.base+int64(sw.n) >= end
}

// at returns the window from file offset off on (off must be inside it).
func (sw *segWindow) at(off int64) []byte { return sw.buf.b[off-sw.base : sw.n] }

// atEOF reports whether the window reaches the end of the file.
func (sw *segWindow) atEOF() bool { return sw.base+int64(sw.n) >= sw.size }

// wsFrom returns the first offset at or after off that is not white space
// (the file's size at its end).
func (sw *segWindow) wsFrom(off int64) (int64, bool) {
	for {
		if !sw.ensure(off, 4096) {
			return off, false
		}
		b := sw.at(off)
		for i, c := range b {
			if !isWS(c) {
				return off + int64(i), true
			}
		}
		off += int64(len(b))
		if sw.atEOF() {
			return off, true
		}
	}
}

// runSegment decodes one segment with w and sends it to its run's done
// channel.
func (w *worker) runSegment(t *segTask) {
	defer func() {
		if p := recover(); p != nil {
			t.dirty = true
		}
		t.split.done <- t
	}()
	r := t.split
	r.taken.Add(1)
	sw := &segWindow{f: r.f, size: r.size, buf: w.win, forget: w.forgetInput, limit: r.readLimit(t)}
	w.win = winBuf{} // the segment's window owns it meanwhile
	if len(sw.buf.b) < r.win {
		sw.buf.free()
		sw.buf = newWinBuf(r.win)
	}
	defer func() {
		switch {
		case r.taken.Load() >= r.tasks:
			// No segment is left for this worker.
			w.forgetInput()
			sw.buf.free()
			w.a.drop()
		case len(sw.buf.b) <= 2*r.win:
			w.win = sw.buf
		default:
			w.forgetInput()
			sw.buf.free() // a window grown for a large conversation is not kept
		}
	}()
	t.arena, t.mark = w.a, w.a.mark()
	t.start, t.end = -1, -1
	w.watch = r.sig
	defer func() { w.watch = nil }()
	p := r.first
	if t.k > 0 {
		var ok bool
		if p, ok = t.find(sw); !ok {
			t.dirty = true
			return
		}
		if p < 0 {
			return // no conversation starts here
		}
	}
	t.start = p
	for local := 0; ; local++ {
		if p >= t.hi && local > 0 {
			t.end = p
			return
		}
		if r.abort.Load() {
			t.dirty = true
			return
		}
		need := r.ahead()
		var res result
		var end int64
		for try := 0; ; try++ {
			if !sw.ensure(p, need) {
				t.dirty = true
				return
			}
			if splitDecodeHook != nil {
				splitDecodeHook(p, need)
			}
			m := w.a.mark()
			res = w.decodeJob(job{data: sw.at(p), src: r.src, assets: r.assets, format: r.format, index: local, offset: p})
			if res.err == nil && w.end > 0 && w.nested {
				// It decoded, but through the opening of another
				// conversation: damage made it run on (FuzzDamage
				// a215cdc39ff3e071), where the scanner skips it and
				// keeps the next one. The scanner's.
				w.a.rewind(m)
				t.dirty = true
				return
			}
			if res.err == nil && w.end > 0 {
				end = p + int64(w.end)
				break
			}
			// Its strings are given back (res is dropped): nothing it
			// decoded stays in the arena.
			res = result{}
			w.a.rewind(m)
			// It did not decode. Once more only if it is a whole JSON
			// value larger than the window, over a window that holds it
			// exactly; anything else is the scanner's. Its end is found
			// by skipping (no copy into the arena: each decode copies the
			// conversation's text there, and a damaged one may run on to
			// the end of the file; doubling the window up to there took a
			// 250 MB export with one damaged byte from 250 to 800 MB of
			// RSS, and one more decode over a 32 MiB window still kept
			// ~60 MB).
			had := len(sw.at(p))
			if try > 0 || sw.atEOF() {
				t.dirty = true
				return
			}
			n, ok := valueLen(sw, p)
			if !ok || n <= had {
				t.dirty = true // it was whole in the window and did not decode
				return
			}
			need = n
		}
		if end-p > maxStr {
			// Maybe over a bound the scanner enforces: let it decide.
			t.dirty = true
			return
		}
		t.results = append(t.results, res)
		q, ok := sw.wsFrom(end)
		if !ok || q >= r.size {
			t.dirty = true // cut after a conversation: the scanner reports it
			return
		}
		sw.ensure(q, 1)
		switch sw.at(q)[0] {
		case ',':
			if q, ok = sw.wsFrom(q + 1); !ok || q >= r.size {
				t.dirty = true
				return
			}
			switch sw.at(q)[0] {
			case '{':
				p = q
				continue
			case ']': // a trailing comma, which the scanner accepts
			default:
				t.dirty = true
				return
			}
		case ']':
		default:
			t.dirty = true
			return
		}
		// The array ends at q: only white space may follow.
		t.end, t.closed = q, true
		if rest, ok := sw.wsFrom(q + 1); !ok || rest < r.size {
			t.dirty = true
		}
		return
	}
}

// find returns the offset of the first conversation opening in [lo, hi)
// that follows "}," (the end of the conversation before it), or -1 when
// there is none; false on a read error.
func (t *segTask) find(sw *segWindow) (int64, bool) {
	prefix := t.split.sig.prefix
	off := t.lo
	for off < t.hi {
		back := min(off, findBack)
		if !sw.ensure(off-back, int(back)+t.split.ahead()) {
			return 0, false
		}
		b := sw.at(off - back)
		i := bytes.Index(b[back:], prefix)
		if i < 0 {
			if sw.atEOF() {
				return -1, true
			}
			// Look again from where a prefix cut by the window's end
			// could start.
			off = max(off+1, off-back+int64(len(b)-len(prefix)+1))
			continue
		}
		i += int(back)
		cand := off - back + int64(i)
		if cand >= t.hi {
			return -1, true
		}
		if afterElementEnd(b[:i]) {
			if !sw.ensure(cand, sigLookahead) {
				return 0, false
			}
			if t.split.sig.matches(sw.at(cand), true) == sigYes {
				return cand, true
			}
		}
		off = cand + 1
	}
	return -1, true
}

// valueLen returns the length of the JSON object or array at file offset
// p by counting brackets outside strings (as walker.Skip does), reading
// the file through the window without growing it; false when the value is
// cut by the end of the file, is larger than splitMaxElem, or does not
// start with a bracket.
func valueLen(sw *segWindow, p int64) (int, bool) {
	var v valueScan
	for off := p; off-p < int64(splitMaxElem); {
		if !sw.ensure(off, len(sw.buf.b)) {
			return 0, false
		}
		b := sw.at(off)
		if len(b) == 0 {
			return 0, false
		}
		if off == p && b[0] != '{' && b[0] != '[' {
			return 0, false
		}
		if i := v.feed(b); i >= 0 {
			n := off - p + int64(i)
			return int(n), n <= int64(splitMaxElem)
		}
		off += int64(len(b))
	}
	return 0, false
}

// valueScan counts a JSON value's brackets outside strings, over the
// value's bytes given in pieces (valueLen).
type valueScan struct {
	depth      int
	inStr, esc bool
}

// feed scans the next piece b: the index in b just past the bracket that
// closes the value, or -1 when it is not in b.
func (v *valueScan) feed(b []byte) int {
	for i := 0; i < len(b); i++ {
		if v.inStr {
			// Inside a string only a quote or a backslash matters: skip
			// to the next, eight bytes at a time.
			if v.esc {
				v.esc = false
				continue
			}
			i = nextQuoteOrBackslash(b, i)
			if i == len(b) {
				break
			}
			v.esc, v.inStr = b[i] == '\\', b[i] != '"'
			continue
		}
		switch b[i] {
		case '"':
			v.inStr = true
		case '{', '[':
			v.depth++
		case '}', ']':
			v.depth--
			if v.depth == 0 {
				return i + 1
			}
		}
	}
	return -1
}

// nextQuoteOrBackslash is the index of the first '"' or '\\' in b from i
// on, len(b) when there is none.
func nextQuoteOrBackslash(b []byte, i int) int {
	for ; i+8 <= len(b); i += 8 {
		if m := quoteOrBackslash(binary.LittleEndian.Uint64(b[i:])); m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
	}
	for ; i < len(b); i++ {
		if b[i] == '"' || b[i] == '\\' {
			return i
		}
	}
	return i
}

// afterElementEnd reports whether b ends with '}' ',' (white space aside):
// what follows is the next element of an array of objects.
func afterElementEnd(b []byte) bool {
	i := len(b) - 1
	for i >= 0 && isWS(b[i]) {
		i--
	}
	if i < 0 || b[i] != ',' {
		return false
	}
	i--
	for i >= 0 && isWS(b[i]) {
		i--
	}
	return i >= 0 && b[i] == '}'
}

// planSplit decides whether src is read by segments: a plain file of at
// least splitMin bytes holding an array whose first element is a whole
// ChatGPT conversation within the first window. It returns nil otherwise.
func planSplit(src *source, f *os.File) *splitRun {
	if src.path == "" || src.size < splitMin {
		return nil
	}
	fi, err := f.Stat()
	if err != nil || fi.Size() != src.size {
		return nil
	}
	// A small window first: the first conversation is rarely large, and
	// this buffer is garbage once the plan is made.
	sw := &segWindow{f: f, size: src.size, buf: newWinBuf(min(winSize, planWin))}
	defer sw.buf.free() // what the plan keeps is copied (sig.clone)
	if !sw.ensure(0, len(sw.buf.b)) {
		return nil
	}
	b := sw.at(0)
	i := 0
	if bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}) {
		i = 3
	}
	for i < len(b) && isWS(b[i]) {
		i++
	}
	if i >= len(b) || b[i] != '[' {
		return nil
	}
	i++
	for i < len(b) && isWS(b[i]) {
		i++
	}
	if i >= len(b) || b[i] != '{' {
		return nil
	}
	first := int64(i)
	// The first conversation, whole: its format must be ChatGPT's.
	var elem []byte
	for need := len(sw.buf.b); ; need *= 2 {
		if !sw.ensure(first, need) {
			return nil
		}
		d := getWalker(sw.at(first))
		err := d.Skip()
		elem = d.b[:d.i]
		putWalker(d)
		if err == nil {
			break
		}
		if sw.atEOF() || need >= maxStr {
			return nil
		}
	}
	g, r := parseSig(elem, true)
	if r != sigYes || g.k2 == nil {
		return nil
	}
	if f := detectFormat(elem); f == nil || f.service != model.ServiceChatGPT || f.name != "ChatGPT" {
		return nil
	}
	var chatgpt *format
	for _, f := range formats {
		if f.name == "ChatGPT" {
			chatgpt = f
		}
	}
	sig := g.clone()
	sig.mend() // as the scanner learns it (scanner.learn)
	return &splitRun{f: f, size: src.size, src: src, format: chatgpt, sig: sig, first: first,
		win: splitWindow(src.size), segMax: splitSegMax(src.size)}
}

// segments cuts the file into segment tasks.
//
// Tried: the last segments shrinking with what is left (at most a
// quarter of it per worker) so that the two workers end together instead
// of one idling 10–30 ms while the other decodes the last 16 MiB: it
// raised `ls`'s peak RSS on long1g by ~5–15 MB (both workers' 8 MiB
// windows and chunk tails alive at the end of the load, where the peak
// is; a worker that finds no segment left frees them at once).
func (r *splitRun) segments() []*segTask {
	var ts []*segTask
	size := segFirst
	for lo := int64(0); lo < r.size; {
		hi := min(lo+size, r.size)
		if r.size-hi < size/2 {
			hi = r.size
		}
		ts = append(ts, &segTask{k: len(ts), lo: lo, hi: hi, split: r})
		lo = hi
		size = min(2*size, r.segMax)
	}
	return ts
}

// runSplit decodes a file by segments (see planSplit), sending results in
// file order. It returns how many conversations were sent (indexes
// 0..n-1), the offset where they end, and whether the whole file was read;
// when not, the caller reads the rest with the scanner.
func runSplit(ctx context.Context, r *splitRun, workers int, jobs chan<- job, results chan<- result, progress func(int64)) (n int, complete bool) {
	r.assets = r.src.assets()
	tasks := r.segments()
	r.tasks = int32(len(tasks))
	r.done = make(chan *segTask, len(tasks))
	// At most ahead segments are decoded beyond the last one delivered, so
	// that a stop wastes little (their text stays in the arenas).
	ahead := max(workers, 1) + 2
	credits := make(chan struct{}, ahead)
	for range ahead {
		credits <- struct{}{}
	}
	stop := make(chan struct{})
	sent := make(chan int, 1)
	go func() {
		k := 0
		defer func() { sent <- k }()
		for _, t := range tasks {
			select {
			case <-credits:
			case <-stop:
				return
			case <-ctx.Done():
				return
			}
			select {
			case jobs <- job{seg: t}:
				k++
			case <-stop:
				return
			case <-ctx.Done():
				return
			}
		}
	}()

	received := 0
	// Deferred, so that a panic here (a progress callback's) still stops
	// the goroutine sending jobs before the load closes their channel.
	defer func() {
		r.abort.Store(true)
		close(stop)
		k := <-sent
		for received < k {
			<-r.done
			received++
		}
		giveBack(tasks)
	}()
	got := make(map[int]*segTask)
	expect := r.first
	closed, ok := false, true
	next := 0
	for next < len(tasks) && ok {
		var t *segTask
		select {
		case t = <-r.done:
		case <-ctx.Done():
			ok = false
			continue
		}
		received++
		got[t.k] = t
		for ok && got[next] != nil {
			t := got[next]
			delete(got, next)
			next++
			credits <- struct{}{}
			switch {
			case t.dirty:
				ok = false
			case t.start < 0:
				// Nothing starts here: the conversation before covers it,
				// or the array was closed before it.
				ok = closed || expect >= t.hi
				t.sent = ok
			case closed || t.start != expect:
				ok = false
			default:
				t.sent = true
				for _, res := range t.results {
					res.index = n
					select {
					case results <- res:
						n++
					case <-ctx.Done():
						ok = false
					}
					if !ok {
						break
					}
				}
				t.results = nil
				expect, closed = t.end, t.closed
			}
			if ok && progress != nil {
				progress(t.hi)
			}
		}
	}
	return n, ok && closed && next == len(tasks)
}

// giveBack gives back the arena memory of the segments a stop left unsent
// (decoded ahead, or the one that stopped the split: their results are
// dropped, the scanner decodes that part of the file again) and ends the
// arenas' logging. Each worker took its segments in file order and the
// unsent ones are the last, so each arena is rewound to where it was
// before its first unsent segment. It runs once every segment handed out
// is back: the workers that decoded them wait for their next job, and the
// channels order their accesses to the arenas before and after this.
func giveBack(tasks []*segTask) {
	first := make(map[*arena]*arenaMark) // nil: all sent
	for _, t := range tasks {
		if t.arena == nil {
			continue
		}
		if m, seen := first[t.arena]; !seen || m == nil && !t.sent {
			first[t.arena] = nil
			if !t.sent {
				first[t.arena] = &t.mark
			}
		}
	}
	for a, m := range first {
		if m != nil {
			a.rewind(*m)
		}
		a.forget()
	}
}

// trySplit reads src by segments when planSplit allows it. It returns how
// many conversations it sent (the first n of the file), whether that was
// all of the file, and the progress it reported (bytes of the file).
func trySplit(ctx context.Context, src *source, jobs chan<- job, results chan<- result, progress func(done, total int64), done, total int64) (n int, complete bool, reported int64) {
	if src.path == "" || src.size < splitMin {
		return 0, false, 0
	}
	f, err := os.Open(src.path)
	if err != nil {
		return 0, false, 0
	}
	defer f.Close()
	r := planSplit(src, f)
	if r == nil {
		return 0, false, 0
	}
	n, complete = runSplit(ctx, r, runtime.GOMAXPROCS(0), jobs, results, func(off int64) {
		reported = off
		if progress != nil {
			progress(done+off, max(total, done+off))
		}
	})
	return n, complete, reported
}
