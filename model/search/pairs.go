package search

import (
	"math"
	"math/bits"
	"slices"
)

// Pair filters rule out phrases without reading text.
//
// A term of several words ("kubernetes cluster", "gpt-4o", "cardamom;
// memorable") that starts and ends with a word byte can match a field only
// where the field's folded text has consecutive words w1 … wk with w1
// ending in its first piece, w2 … wk-1 equal to the middle pieces, wk
// starting with its last piece, and between each two exactly the term's
// bytes between those pieces (the separator). So per conversation the
// index keeps a Bloom filter of its distinct adjacent word pairs, within
// one field (never across two), each keyed by the last 4 bytes of the
// first word, the separator and the first 4 bytes of the second (pairHash):
// a conversation whose filter lacks one of a term's pairs cannot hold the
// term and is not read. The others are verified against the text as
// before, so results are exact whatever the filter admits.
//
// Long conversations (big answers, code) hold both words of a phrase far
// more often than the phrase: on the generated 250 MB export of that shape
// (backchat-gen -shape long), 4,387 of 4,431 conversations hold
// "kubernetes" and "cluster", 447 the phrase; reading the others was the
// whole cost of the query. With the filters about 580 are read.
//
// A filter has pairBits to 2×pairBits bits per distinct pair (a power of
// two words), pairHashes bits each in one word: about 3–10% of the
// conversations that lack a pair admit it. Storing the pairs themselves (next-word
// postings: per word and conversation, each distinct next word and
// separator with its classes of field) proved two-word phrases without
// any text, but cost 0.30 × the text on the long shape and 0.50 × on the
// short one, where these filters cost 0.07–0.13 × (see NOTES.md,
// Performance).

const (
	pairBits   = 5
	pairHashes = 3
	// maxPairProbes bounds the (first word, second word) combinations a
	// query probes per conversation for one pair of pieces; pieces that
	// many words hold (two letters: "is", "de") are not filtered.
	maxPairProbes = 64
)

// pairFilters is a shard's pair filters: flat slices only.
type pairFilters struct {
	bloom  []uint64 // every conversation's filter, back to back
	starts []uint32 // per conversation: its first word in bloom; one extra at the end
}

func (pf *pairFilters) bytes() int64 { return int64(len(pf.bloom))*8 + int64(len(pf.starts))*4 }

// pairHash hashes a pair: the last (up to) 4 bytes of the first word, the
// separator's hash (sepHash) and the first (up to) 4 bytes of the second
// word, each packed by pack4. Keying on these bytes rather than on word
// numbers makes one probe enough for "kubernetes cluster" however many
// words end in "kubernetes" or start with "cluster".
func pairHash(suf, pre uint32, sep uint64) uint64 {
	h := (uint64(suf)<<32 | uint64(pre)) ^ sep*0xBF58476D1CE4E5B9
	h *= 0x9E3779B97F4A7C15
	h ^= h >> 29
	h *= 0xBF58476D1CE4E5B9
	return h ^ h>>32
}

// sepHash hashes a separator: a one-byte separator is its byte.
func sepHash[T string | []byte](s T) uint64 {
	if len(s) == 1 {
		return uint64(s[0])
	}
	h := uint64(len(s)) << 56
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * 0x100000001B3
	}
	return h | 1<<63
}

// pack4 packs up to 4 bytes little-endian (no word holds a 0 byte, so a
// shorter word packs uniquely).
func pack4(b []byte) uint32 {
	var v uint32
	for i := range min(len(b), 4) {
		v |= uint32(b[i]) << (8 * i)
	}
	return v
}

// prefix4 and suffix4 are the packed first and last (up to) 4 bytes of a
// word.
func prefix4(w []byte) uint32 { return pack4(w) }

func suffix4(w []byte) uint32 { return pack4(w[max(len(w)-4, 0):]) }

// packedEnds returns prefix4 and suffix4 of a word of l bytes (1–16)
// packed little-endian into x and y (as wordBuilder.add takes it).
func packedEnds(x, y uint64, l int) (pre, suf uint32) {
	pre = uint32(x)
	switch o := l - 4; {
	case o <= 0:
		suf = uint32(x)
	case o <= 4:
		suf = uint32(x >> (8 * o))
	case o < 8:
		suf = uint32(x>>(8*o)) | uint32(y<<(8*(8-o)))
	default:
		suf = uint32(y >> (8 * (o - 8)))
	}
	return pre, suf
}

// pairMay reports whether filter f (of a conversation; a power of two
// words) admits pair hash h. The filter is blocked: a pair's pairHashes
// bits all lie in one word (pairWord, pairMask), so a probe costs one
// cache miss, not three, at a slightly higher false positive rate.
func pairMay(f []uint64, h uint64) bool {
	m := pairMask(h)
	return f[pairWord(h, len(f))]&m == m
}

// pairWord is the word of a filter of n words (a power of two) holding
// pair hash h: folding the filter in half keeps it (see endConv).
func pairWord(h uint64, n int) int { return int(h & uint64(n-1)) }

// pairMask is the bits of pair hash h within its word.
func pairMask(h uint64) uint64 {
	var m uint64
	for i := range pairHashes {
		m |= 1 << (h >> (32 + 6*i) & 63)
	}
	return m
}

// pairBuilder builds a shard's pair filters (part of a wordBuilder).
//
// Each conversation's pairs go into a filter sized for the most pairs its
// text can hold (buf); at its end the number of distinct pairs is
// estimated from the bits set, and the filter is folded (its halves OR-ed,
// which keeps every pair) down to the power of two that gives about
// pairBits bits per pair. No table of the distinct pairs is kept: a pair
// costs three bit sets in a buffer that stays in the cache.
type pairBuilder struct {
	buf    []uint64
	bloom  chunks[uint64] // the filters of the conversations ended so far
	starts []uint32       // per conversation ended: its filter's start; one extra at the end
}

// beginConv sizes the buffer for a conversation of text bytes.
func (pb *pairBuilder) beginConv(text int64) {
	// Two bits per byte of text: 16 per pair at one pair per 8 bytes (a
	// generated export has one per 8–12), room to fold. Denser text only
	// fills the filter more (more conversations are read, none missed).
	words := max(1, int(min(text, 1<<30)*2/64))
	words = 1 << bits.Len(uint(words-1))
	if cap(pb.buf) < words {
		pb.buf = make([]uint64, words)
	}
	pb.buf = pb.buf[:words]
	clear(pb.buf)
}

// add records pair hash h in the current conversation.
func (pb *pairBuilder) add(h uint64) { pb.buf[pairWord(h, len(pb.buf))] |= pairMask(h) }

// endConv folds the current conversation's filter and appends it.
func (pb *pairBuilder) endConv() {
	if len(pb.starts) == 0 {
		pb.starts = append(pb.starts, 0)
	}
	f := pb.buf
	set := 0
	for _, w := range f {
		set += bits.OnesCount64(w)
	}
	if set > 0 {
		// The distinct pairs n of a filter of m bits with x set:
		// n ≈ -(m/k) ln(1 - x/m).
		m := float64(len(f) * 64)
		n := -m / pairHashes * math.Log1p(-min(float64(set)/m, 1-1/m))
		want := max(1, int(n*pairBits/64+0.5)) // words: it ends with pairBits to 2×pairBits bits per pair
		for len(f) >= 2*want && len(f) > 1 {
			h := len(f) / 2
			for i := range h {
				f[i] |= f[h+i]
			}
			f = f[:h]
		}
		pb.bloom.pushAll(f)
	}
	pb.starts = append(pb.starts, uint32(pb.bloom.len()))
}

// finish returns the shard's filters, allocated by oh, and resets the
// builder.
func (pb *pairBuilder) finish(oh *offHeap) pairFilters {
	out := pairFilters{starts: slices.Clone(pb.starts)}
	if n := pb.bloom.len(); n > 0 {
		out.bloom = pb.bloom.appendTo(oh.uint64s(n)[:0])
	}
	if len(out.starts) == 0 {
		out.starts = []uint32{0}
	}
	pb.bloom.reset(false)
	pb.starts = pb.starts[:0]
	return out
}

// filter returns local conversation c's pair filter.
func (pf *pairFilters) filter(c int) []uint64 { return pf.bloom[pf.starts[c]:pf.starts[c+1]] }
