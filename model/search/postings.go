package search

import (
	"encoding/binary"
	"math/bits"
	"slices"
)

// The index is a set of shards, each covering a run of consecutive
// conversations (about shardText bytes of text). A shard maps every trigram
// of folded text, hashed into 2^bucketBits buckets, to the list of its
// conversations that contain it: local conversation numbers, delta-encoded
// as uvarints. Hash collisions and trigrams split across terms only add
// candidates; every candidate is verified against the original text, so the
// index never decides a match on its own.
//
// Trigrams never span two fields (the window restarts at each field), since
// a term never matches across fields either.

const (
	bucketBits = 17
	numBuckets = 1 << bucketBits
	maxLists   = 32 // posting lists intersected per shard and query at most
)

// shard is the posting index of conversations [first, first+n).
type shard struct {
	first int32
	n     int32
	offs  []uint32 // numBuckets+1 offsets into data
	data  []byte   // uvarint deltas of local conversation numbers

	fieldFilters            // per-field records and Bloom filters (fieldfilter.go)
	meta         []convMeta // per conversation, for Index.meta
}

// trigramHash hashes three folded bytes to a bucket.
func trigramHash(a, b, c byte) uint32 {
	return hashKey(uint32(a)<<16 | uint32(b)<<8 | uint32(c))
}

// hash64 is the one multiplicative hash of a 24-bit trigram key: its top
// bucketBits bits pick the posting bucket, bits 24 and up the field Bloom
// bit (bloomIndex), so indexing a byte costs one multiplication.
func hash64(k uint32) uint64 { return uint64(k) * 0x9E3779B97F4A7C15 }

// hashKey hashes a 24-bit trigram key to a bucket.
func hashKey(k uint32) uint32 { return uint32(hash64(k) >> (64 - bucketBits)) }

// shardBuilder holds one worker's reusable scratch space. Not safe for
// concurrent use; each build worker owns one.
//
// Per conversation, trigrams set bits in a 16 KB bitset (it stays in L1
// cache, and setting a bit needs no branch); endConv turns the set bits into
// the conversation's sorted bucket run and clears them.
type shardBuilder struct {
	bits    [numBuckets / 64]uint64
	last    []int32  // per bucket: last local conv written (finish)
	buckets []uint32 // distinct buckets per conversation, conversations in order
	ends    []int    // end of each conversation's run in buckets
	fold    []byte   // folding scratch

	ff    fieldFilters // the shard's field filters being built
	fence bool         // the last field added holds "```" (has:code)
}

func newShardBuilder() *shardBuilder {
	return &shardBuilder{last: make([]int32, numBuckets), buckets: make([]uint32, 0, defaultShardText/4)}
}

// endConv closes the current conversation's bucket run.
func (sb *shardBuilder) endConv() {
	for w, x := range sb.bits {
		for x != 0 {
			sb.buckets = append(sb.buckets, uint32(w*64+bits.TrailingZeros64(x)))
			x &= x - 1
		}
	}
	clear(sb.bits[:])
	sb.ends = append(sb.ends, len(sb.buckets))
}

// finish turns the collected runs into a shard and resets the scratch.
func (sb *shardBuilder) finish(first int32) *shard {
	n := int32(len(sb.ends))
	offs := make([]uint32, numBuckets+1)
	for i := range sb.last {
		sb.last[i] = -1
	}
	// Pass 1: bytes per bucket.
	start := 0
	for conv, end := range sb.ends {
		for _, h := range sb.buckets[start:end] {
			offs[h+1] += uint32(uvarintLen(uint64(int32(conv) - sb.last[h])))
			sb.last[h] = int32(conv)
		}
		start = end
	}
	for i := 1; i <= numBuckets; i++ {
		offs[i] += offs[i-1]
	}
	data := make([]byte, offs[numBuckets])
	// Pass 2: write, with pos[h] advancing from offs[h].
	pos := make([]uint32, numBuckets)
	copy(pos, offs[:numBuckets])
	for i := range sb.last {
		sb.last[i] = -1
	}
	start = 0
	for conv, end := range sb.ends {
		for _, h := range sb.buckets[start:end] {
			p := pos[h]
			p += uint32(binary.PutUvarint(data[p:], uint64(int32(conv)-sb.last[h])))
			pos[h] = p
			sb.last[h] = int32(conv)
		}
		start = end
	}
	sb.buckets = sb.buckets[:0]
	sb.ends = sb.ends[:0]
	sh := &shard{first: first, n: n, offs: offs, data: data, fieldFilters: sb.ff.take()}
	return sh
}

func uvarintLen(v uint64) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}

// postingLen is the encoded size of a bucket's list: a cheap proxy for its
// length, used to intersect the rarest lists first.
func (s *shard) postingLen(h uint32) int { return int(s.offs[h+1] - s.offs[h]) }

// decode appends the local conversation numbers of bucket h to dst.
func (s *shard) decode(h uint32, dst []int32) []int32 {
	p := s.data[s.offs[h]:s.offs[h+1]]
	conv := int32(-1)
	for len(p) > 0 {
		d, w := binary.Uvarint(p)
		if w <= 0 {
			break // cannot happen: we wrote it
		}
		conv += int32(d)
		dst = append(dst, conv)
		p = p[w:]
	}
	return dst
}

// termBuckets returns the distinct buckets of a folded term's trigrams.
func termBuckets(folded string, dst []uint32) []uint32 {
	for i := 2; i < len(folded); i++ {
		h := trigramHash(folded[i-2], folded[i-1], folded[i])
		if !slices.Contains(dst, h) {
			dst = append(dst, h)
		}
	}
	return dst
}

// candidates returns the local conversations of s whose postings contain
// every bucket in hs (nil hs: every conversation). scratch is reused.
func (s *shard) candidates(hs []uint32, scratch []int32) []int32 {
	out := scratch[:0]
	if len(hs) == 0 {
		for i := range s.n {
			out = append(out, i)
		}
		return out
	}
	hs = slices.Clone(hs)
	slices.SortFunc(hs, func(a, b uint32) int { return s.postingLen(a) - s.postingLen(b) })
	if len(hs) > maxLists {
		hs = hs[:maxLists] // the rarest lists already narrow enough; verify does the rest
	}
	out = s.decode(hs[0], out)
	if len(hs) == 1 || len(out) == 0 {
		return out
	}
	keep := make([]uint16, s.n) // per conversation: how many lists it appears in
	for _, c := range out {
		keep[c] = 1
	}
	var tmp []int32
	for k, h := range hs[1:] {
		tmp = s.decode(h, tmp[:0])
		want := uint16(k + 1)
		for _, c := range tmp {
			if keep[c] == want {
				keep[c] = want + 1
			}
		}
	}
	want := uint16(len(hs))
	j := 0
	for _, c := range out {
		if keep[c] == want {
			out[j] = c
			j++
		}
	}
	return out[:j]
}

// bytes is the memory the shard holds.
func (s *shard) bytes() int64 {
	return int64(len(s.offs))*4 + int64(len(s.data)) + s.fieldFilters.bytes()
}
