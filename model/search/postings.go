package search

import "runtime"

// The index is a set of shards, each covering a run of consecutive
// conversations (about shardText bytes of text). A shard holds the word
// postings of its conversations (words.go) and, per field, a record and
// Bloom filters of its trigrams (fieldfilter.go) for verifying candidates
// against the text. Neither words nor trigrams span two fields, since a
// term never matches across fields either.

// shard is the index of conversations [first, first+n).
type shard struct {
	first int32
	n     int32

	fieldFilters            // per-field records and Bloom filters (fieldfilter.go)
	words        wordIndex  // vocabulary and word postings (words.go)
	meta         []convMeta // per conversation, until Builder.meta takes it (Index.meta)
	// disk holds a loaded shard's records as saved, in place of recs, and
	// textAt finds their texts (see convRecs); nil for a built shard.
	disk   []diskRec
	textAt func(off uint64, n int) *byte
	// blocks are the block filters of the long fields searches read,
	// built on demand (blockcache.go).
	blocks blockCache
}

// hash64 is the one multiplicative hash of a 24-bit trigram key: bits 24
// and up pick the field Bloom bit (bloomIndex).
func hash64(k uint32) uint64 { return uint64(k) * 0x9E3779B97F4A7C15 }

// shardBuilder holds one worker's reusable scratch space. Not safe for
// concurrent use; each build worker owns one.
type shardBuilder struct {
	convs int    // conversations in the shard so far
	fold  []byte // folding scratch
	fence bool   // the last field added holds "```" (has:code)

	// The shard's field filters being built (fieldFilters).
	recs       chunks[fieldRec]
	recStart   []uint32
	fieldBloom map[uint32][]uint64

	wb    wordBuilder // the shard's word postings being built (words.go)
	wfold []byte      // folding scratch for words
}

// scratch maps its postings' and pair filters' blocks outside the heap
// (offMaps); release, or a cleanup if it is collected first, unmaps them.
func newShardBuilder() *shardBuilder {
	sb := &shardBuilder{}
	off := &offMaps{}
	sb.wb.postings.off, sb.wb.pb.bloom.off = off, off
	runtime.AddCleanup(sb, (*offMaps).free, off)
	return sb
}

// release gives back the scratch's blocks mapped outside the heap; sb
// must not be used again.
func (sb *shardBuilder) release() {
	sb.wb.postings.off.free()
	sb.wb.postings, sb.wb.pb.bloom = chunks[byte]{}, chunks[uint64]{}
}

// endConv closes the current conversation.
func (sb *shardBuilder) endConv() {
	sb.convs++
	long := sb.wb.long
	sb.wb.endConv()
	if long {
		sb.addFieldFilters(int(sb.recStart[len(sb.recStart)-1]))
	}
}

// finish turns what was collected into a shard, its arrays allocated at
// their final size, and resets the scratch for the next shard.
func (sb *shardBuilder) finish(first int32) *shard {
	ff := fieldFilters{
		recs:       sb.recs.exact(),
		recStart:   append(make([]uint32, 0, len(sb.recStart)+1), sb.recStart...),
		fieldBloom: sb.fieldBloom,
	}
	ff.recStart = append(ff.recStart, uint32(sb.recs.len()))
	var oh offHeap
	sh := &shard{first: first, n: int32(sb.convs), fieldFilters: ff, words: sb.wb.finish(&oh)}
	oh.attach(sh)
	sb.recs.reset(true) // records point at the model's text
	sb.recStart, sb.fieldBloom = sb.recStart[:0], nil
	sb.convs = 0
	return sh
}

// bytes is the memory the shard holds.
func (s *shard) bytes() int64 {
	return s.fieldFilters.bytes() + s.words.bytes()
}
