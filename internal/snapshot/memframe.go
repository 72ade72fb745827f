package snapshot

import (
	"fmt"
	"slices"
	"sync"
	"unsafe"
	"weak"

	"github.com/backchat/backchat/model"
)

// A conversation's tree kept as a snapshot frame in memory from the
// browser's first load on, instead of decoded text in the loader's arena
// (loader.Options.Compact). A frame made here is standalone: every string
// is fresh (no pool), so it decodes alone.

// Compactor encodes trees into frames. Not safe for concurrent use: each
// loader worker owns one.
type Compactor struct {
	w       writer
	b       batch
	blob    enc
	scratch []byte
	out     []byte
}

// NewCompactor returns a Compactor; Free gives back its buffers.
func NewCompactor() *Compactor {
	k := &Compactor{}
	k.w.batch = &k.b
	return k
}

// Free gives back the Compactor's buffer.
func (k *Compactor) Free() {
	k.b.rawMem.free()
}

// frameInfo describes a frame as stored (Compact's result).
type frameInfo struct {
	Method         uint64
	StrLen, RawLen uint64
}

// Compact encodes nodes into a frame and returns it as stored (valid
// until the next Compact) and open, which, given where the caller keeps
// those bytes, returns the frame (loader.Compactor). A frame that does
// not compress is stored raw.
func (k *Compactor) Compact(nodes []model.Node) ([]byte, func(kept []byte) model.TreeSource) {
	stored, info := k.encode(nodes)
	return stored, func(kept []byte) model.TreeSource { return newMemFrame(kept, info) }
}

// encode encodes nodes into a frame and returns it as stored (valid
// until the next call) and what a MemFrame needs to read it.
func (k *Compactor) encode(nodes []model.Node) ([]byte, frameInfo) {
	w := &k.w
	w.conv, w.convStart, w.cuts, w.cutFrom = k.b.rawMem.s[:0], 0, k.b.cuts[:0], 0
	k.blob.b = k.blob.b[:0]
	w.encodeTree(&k.blob, nodes)
	strLen := len(w.conv)
	if strLen > 0 {
		w.cuts = append(w.cuts, len(w.conv))
	}
	appendConv(w, k.blob.b)
	raw, cuts := w.conv, w.cuts
	k.b.rawMem.s, k.b.cuts = raw[:0], cuts[:0]
	w.conv, w.cuts = nil, nil
	var method uint64
	k.scratch = slices.Grow(k.scratch[:0], len(raw)+16*(len(cuts)+2))
	k.out, method = appendFrame(k.out[:0], k.scratch, raw, cuts, strLen)
	return k.out, frameInfo{Method: method, StrLen: uint64(strLen), RawLen: uint64(len(raw))}
}

// memTexts holds the chunks of in-memory frames most recently read
// through At (a search's verified candidates and snippets), as a
// snapshot's textCache does, but smaller: the frames are there to keep
// the browser's memory within the export's size.
var memTexts = &textCache{max: 8 << 20}

// MemFrame is a frame held in memory (stored, which must not change and
// must stay valid as long as the MemFrame is used).
type MemFrame struct {
	stored []byte
	info   frameInfo
	mu     sync.Mutex
	chunks []chunk
	buf    weak.Pointer[byte] // the decompressed frame while anything holds it
}

// newMemFrame returns the frame stored (as Compact returned it, copied
// where the caller keeps it).
func newMemFrame(stored []byte, info frameInfo) *MemFrame {
	return &MemFrame{stored: stored, info: info}
}

// Size is the bytes of the frame's strings.
func (f *MemFrame) Size() int64 { return int64(f.info.StrLen) }

// raw returns the frame's strings and blob: the stored bytes themselves
// for a raw frame, else decompressed (once while anything holds them).
func (f *MemFrame) raw() ([]byte, error) {
	if f.info.Method == frameRaw {
		return f.stored, nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if p := f.buf.Value(); p != nil {
		return unsafe.Slice(p, f.info.RawLen), nil
	}
	if !f.parse() {
		return nil, corrupt("in-memory frame: chunk table")
	}
	out := make([]byte, f.info.RawLen)
	if at, ok := decodeChunks(out, f.stored, f.chunks); !ok {
		return nil, corrupt("in-memory frame: chunk at %d", at)
	}
	if len(out) > 0 {
		f.buf = weak.Make(&out[0])
	}
	return out, nil
}

// parse reads the frame's chunk table once (f.mu held); false when it is
// damaged.
func (f *MemFrame) parse() bool {
	if f.chunks == nil {
		cs, ok := parseChunks(f.stored, f.info.StrLen, f.info.RawLen)
		if !ok {
			return false
		}
		f.chunks = cs
	}
	return true
}

// Load decodes the tree.
func (f *MemFrame) Load() ([]model.Node, error) {
	whole, err := f.raw()
	if err != nil {
		return nil, err
	}
	s := &strs{data: whole, end: int(f.info.StrLen)}
	nodes, err := decodeTree(whole[f.info.StrLen:], s)
	if err != nil {
		return nil, fmt.Errorf("in-memory frame: %w", err)
	}
	return nodes, nil
}

// Locate returns the offset of the n bytes at p among the frame's
// strings, in the tree Load returned last (which must still be held).
func (f *MemFrame) Locate(p *byte, n int) (uint32, bool) {
	var base *byte
	if f.info.Method == frameRaw {
		if len(f.stored) == 0 {
			return 0, false
		}
		base = &f.stored[0]
	} else {
		f.mu.Lock()
		base = f.buf.Value()
		f.mu.Unlock()
		if base == nil {
			return 0, false
		}
	}
	lo, q := uintptr(unsafe.Pointer(base)), uintptr(unsafe.Pointer(p))
	if q < lo || q+uintptr(n) > lo+uintptr(f.info.StrLen) || f.info.StrLen > 1<<32-1 {
		return 0, false
	}
	return uint32(q - lo), true
}

// At returns a pointer to the n bytes at offset o of the frame's strings:
// in place for a raw frame or while a decoded tree holds them, else in
// their chunk, decompressed alone (a string never spans two chunks). nil
// when they are not the frame's.
func (f *MemFrame) At(o uint32, n int) *byte {
	end := uint64(o) + uint64(n)
	if end > f.info.StrLen || n == 0 {
		return nil
	}
	if f.info.Method == frameRaw {
		return &f.stored[o]
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if p := f.buf.Value(); p != nil {
		return &unsafe.Slice(p, f.info.RawLen)[o]
	}
	if !f.parse() {
		return nil
	}
	k, ok := chunkOf(f.chunks, uint64(o), n)
	if !ok {
		return nil
	}
	c := f.chunks[k]
	b := memTexts.get(f, k)
	if b == nil {
		b = make([]byte, c.end-c.start)
		if !decodeChunk(b, f.stored, c) {
			return nil
		}
		memTexts.put(f, k, b)
	}
	return &b[uint64(o)-c.start]
}
