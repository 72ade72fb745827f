package search

// Pair filters rule out phrases without reading text.
//
// A term of several words ("kubernetes cluster", "gpt-4o", "cardamom;
// memorable") that starts and ends with a word byte can match a field only
// where the field's folded text has consecutive words w1 … wk with w1
// ending in its first piece, w2 … wk-1 equal to the middle pieces, wk
// starting with its last piece, and between each two exactly the term's
// bytes between those pieces (the separator). So per conversation the
// index keeps a Bloom filter of the distinct adjacent word pairs of its
// fields (first word, separator, second word; never across two fields):
// a conversation whose filter lacks one of a term's pairs cannot hold the
// term and is not read. The others are verified against the text as
// before, so results are exact whatever the filter admits.
//
// Long conversations (big answers, code) hold both words of a phrase far
// more often than the phrase: on a generated export of that shape, 4,387
// of 4,431 conversations held "kubernetes" and "cluster", 447 the phrase,
// and reading the others was the whole cost of the query.
//
// A filter has pairBits bits per distinct pair (at least 64), pairHashes
// hashes each: about 3% of the conversations that lack a pair admit it.
// Storing the pairs themselves (next-word postings: each distinct
// (word, separator, next word) of a conversation, with its classes of
// field) decided two-word phrases without any text, but cost 0.30 × the
// text on the long shape and 0.50 × on the short one, against 0.08 × for
// these filters (see NOTES.md, Performance).

const (
	pairBits   = 8
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

// pairMay reports whether filter f (of a conversation) admits pair hash h.
func pairMay(f []uint64, h uint64) bool {
	m := uint64(len(f)) * 64
	h1, h2 := h&0xFFFFFFFF, h>>32|1
	for i := range uint64(pairHashes) {
		b := ((h1 + i*h2) & 0xFFFFFFFF) * m >> 32
		if f[b>>6]&(1<<(b&63)) == 0 {
			return false
		}
	}
	return true
}

// pairBuilder collects the current conversation's distinct pairs and the
// shard's filters (part of a wordBuilder).
type pairBuilder struct {
	tab  []pairSlot // open addressing; slots of other conversations count as empty
	cur  []uint64   // the current conversation's distinct pair hashes
	conv int32      // the current conversation's number in the shard
	out  pairFilters
}

// pairSlot holds a pair hash of conversation conv-1 (0: empty).
type pairSlot struct {
	h    uint64
	conv int32
}

// add records pair hash h in the current conversation.
func (pb *pairBuilder) add(h uint64) {
	if 2*(len(pb.cur)+1) > len(pb.tab) {
		pb.grow()
	}
	mask := uint64(len(pb.tab) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		e := &pb.tab[i]
		if e.conv != pb.conv+1 {
			*e = pairSlot{h: h, conv: pb.conv + 1}
			pb.cur = append(pb.cur, h)
			return
		}
		if e.h == h {
			return
		}
	}
}

// grow doubles the table, keeping the current conversation's slots.
func (pb *pairBuilder) grow() {
	tab := make([]pairSlot, max(2*len(pb.tab), 1<<12))
	mask := uint64(len(tab) - 1)
	for _, h := range pb.cur {
		i := h & mask
		for tab[i].conv == pb.conv+1 {
			i = (i + 1) & mask
		}
		tab[i] = pairSlot{h: h, conv: pb.conv + 1}
	}
	pb.tab = tab
}

// endConv writes the current conversation's filter.
func (pb *pairBuilder) endConv() {
	pf := &pb.out
	if len(pf.starts) == 0 {
		pf.starts = append(pf.starts, 0)
	}
	if n := len(pb.cur); n > 0 {
		words := max((n*pairBits+63)/64, 1)
		at := len(pf.bloom)
		for range words {
			pf.bloom = append(pf.bloom, 0)
		}
		f := pf.bloom[at:]
		m := uint64(words) * 64
		for _, h := range pb.cur {
			h1, h2 := h&0xFFFFFFFF, h>>32|1
			for i := range uint64(pairHashes) {
				b := ((h1 + i*h2) & 0xFFFFFFFF) * m >> 32
				f[b>>6] |= 1 << (b & 63)
			}
		}
	}
	pf.starts = append(pf.starts, uint32(len(pf.bloom)))
	pb.cur = pb.cur[:0]
	pb.conv++
}

// finish returns the shard's filters and resets the builder.
func (pb *pairBuilder) finish() pairFilters {
	out := pairFilters{bloom: clip(pb.out.bloom), starts: clip(pb.out.starts)}
	if len(out.starts) == 0 {
		out.starts = []uint32{0}
	}
	pb.out = pairFilters{
		bloom:  make([]uint64, 0, len(out.bloom)+len(out.bloom)/8),
		starts: make([]uint32, 0, len(out.starts)+len(out.starts)/8),
	}
	clear(pb.tab)
	pb.cur, pb.conv = pb.cur[:0], 0
	return out
}

// filter returns local conversation c's pair filter.
func (pf *pairFilters) filter(c int) []uint64 { return pf.bloom[pf.starts[c]:pf.starts[c+1]] }
