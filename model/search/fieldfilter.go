package search

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"slices"
	"strings"
	"unsafe"

	"github.com/backchat/backchat/model"
)

// fieldFilters let a search read a candidate conversation's text without
// touching the model: walking Message and Block structs costs a cache miss
// or two per field, so a compact table of field records points at the text.
//
// Per field (title first, then every field in eachField order over Nodes):
//   - a fieldRec: where the field is, its length, whether it is pure ASCII
//     (matched without folding or a pre-scan), its message's role and
//     whether that message is Hidden;
//   - for a field of 2 KB or more that a search has read, a Bloom filter
//     per 1 KB block (see blockBytes and blockcache.go), so a term is then
//     looked for only in the blocks that may hold it;
//   - for the fields of a conversation with a word over maxWordLen only
//     (verified whole on every query), a Bloom filter (one hash) of the
//     field's folded trigrams, of bloomBits(len(text)) bits (about 1–2
//     bits per byte of text), so a term of t distinct trigrams passes a
//     field that lacks it with probability ≤ 0.63^t; fields shorter than
//     3 bytes have none.
type fieldFilters struct {
	recs     []fieldRec
	recStart []uint32 // per conversation: its first record; one extra at the end
	// fieldBloom holds, by record number in the shard, the field filters
	// of the conversations with a word over maxWordLen (see
	// addFieldFilters); nil for the others.
	fieldBloom map[uint32][]uint64
}

// fieldRec locates one searchable field (32 bytes on 64-bit machines). It keeps a pointer to
// the text itself: reaching it through Nodes, Msg and Blocks costs three
// dependent cache misses per field, which dominated common-word searches.
type fieldRec struct {
	text  *byte // the field's text (n bytes), owned by the model
	node  int32 // model.NoNode for the title
	block int32
	item  int32
	n     uint32 // text length in bytes
	field Field
	flags uint8 // recASCII, recHidden, role code << 2
}

// fieldRec flags.
const (
	recASCII  uint8 = 1 << 0
	recHidden uint8 = 1 << 1
	roleShift       = 2
	roleMask        = 7 // role code bits, after the shift
	// recOpaque marks a non-ASCII field whose every non-ASCII rune folds to
	// non-ASCII bytes only ("—", CJK, most emoji): an ASCII term is then
	// matched in place, as in an ASCII field (see scanSegments).
	recOpaque uint8 = 1 << 7
)

// Role codes kept in fieldRec flags: 0 is any other role.
var roleCodes = map[model.Role]uint8{model.RoleUser: 1, model.RoleAssistant: 2, model.RoleSystem: 3, model.RoleTool: 4}

const roleCodeUser = 1

// bloomBits is the Bloom filter size of a field of n bytes: a power of two
// ≥ n, at least 64; 0 below 3 bytes.
func bloomBits(n int) int {
	if n < 3 {
		return 0
	}
	if n <= 128 {
		return 64
	}
	return 1 << (bits.Len(uint(n-1)) - 1)
}

// bloomIndex maps a 24-bit trigram key into a filter of 2^logm bits
// (logm ≤ 40: the hash's bits from 24 up).
func bloomIndex(k uint32, logm int) uint32 { return bloomBit(hash64(k), logm) }

func bloomBit(hv uint64, logm int) uint32 { return uint32(hv>>24) & (1<<logm - 1) }

// beginConv starts a conversation of text bytes of searchable text: its
// field filters and its pair filter (pairs.go).
func (sb *shardBuilder) beginConv(text int64) {
	sb.recStart = append(sb.recStart, uint32(sb.recs.len()))
	sb.wb.pb.beginConv(text)
}

// addField indexes one field: record, block filters and words. flags
// carries the message's role code and hidden bit.
func (sb *shardBuilder) addField(s string, rec fieldRec) {
	rec.n = uint32(len(s))
	rec.text = unsafe.StringData(s)
	if isASCII(s) {
		rec.flags |= recASCII
		sb.fence = strings.Contains(s, "```")
	} else {
		var opaque bool
		sb.wfold, opaque = appendFoldOpaque(sb.wfold[:0], s)
		if opaque {
			rec.flags |= recOpaque
		}
		sb.fence = bytes.Contains(sb.wfold, []byte("```"))
	}
	sb.wb.rec = int32(sb.recs.len() - int(sb.recStart[len(sb.recStart)-1]))
	if rec.flags&recASCII != 0 {
		addWords(&sb.wb, s, classOfRec(&rec))
	} else {
		// The scratch is not changed while its words are read.
		addWords(&sb.wb, unsafe.String(unsafe.SliceData(sb.wfold), len(sb.wfold)), classOfRec(&rec))
	}
	sb.recs.push(rec)
}

// addFieldFilters gives every field of the conversation whose records
// start at recs[from] a Bloom filter of its folded trigrams. Only
// conversations the word postings cannot decide (a word over maxWordLen)
// have them: they are verified against their text on every query.
func (sb *shardBuilder) addFieldFilters(from int) {
	if sb.fieldBloom == nil {
		sb.fieldBloom = map[uint32][]uint64{}
	}
	for i := from; i < sb.recs.len(); i++ {
		sb.fieldBloom[uint32(i)] = fieldFilter(recText(sb.recs.at(i)), &sb.fold)
	}
}

// fieldFilter is the Bloom filter of the folded trigrams of s:
// bloomBits(len(s)) bits (nil below 3 bytes). fold is scratch space.
func fieldFilter(s string, fold *[]byte) []uint64 {
	m := bloomBits(len(s))
	if m == 0 {
		return nil
	}
	bl := make([]uint64, m/64)
	logm := bits.Len(uint(m)) - 1
	*fold = appendFold((*fold)[:0], s, nil)
	f := *fold
	var k uint32
	for i := range f {
		k = (k<<8 | uint32(f[i])) & 0xFFFFFF
		if i >= 2 {
			g := bloomBit(hash64(k), logm)
			bl[g>>6] |= 1 << (g & 63)
		}
	}
	return bl
}

func (ff *fieldFilters) bytes() int64 {
	n := int64(len(ff.recs))*int64(unsafe.Sizeof(fieldRec{})) + int64(len(ff.recStart))*4
	for _, b := range ff.fieldBloom {
		n += 40 + int64(len(b))*8
	}
	return n
}

// recText returns the text of a field record. NOTE: valid because the
// model is never mutated once loaded (its strings outlive the index).
func recText(r *fieldRec) string { return unsafe.String(r.text, r.n) }

// mayContain reports whether a field's Bloom filter admits every trigram
// key of a term (always true for terms without trigrams).
func mayContain(bloom []uint64, keys []uint32) bool {
	if len(keys) == 0 {
		return true
	}
	if len(bloom) == 0 {
		return false // field shorter than 3 bytes cannot hold a trigram
	}
	logm := bits.Len(uint(len(bloom)*64)) - 1
	for _, k := range keys {
		g := bloomIndex(k, logm)
		if bloom[g>>6]&(1<<(g&63)) == 0 {
			return false
		}
	}
	return true
}

// trigramKeys returns the distinct 24-bit trigram keys of folded text.
func trigramKeys(folded string) []uint32 {
	var out []uint32
	for i := 2; i < len(folded); i++ {
		k := uint32(folded[i-2])<<16 | uint32(folded[i-1])<<8 | uint32(folded[i])
		if !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

// Block filters: a long field also has a Bloom filter per blockBytes-byte
// block, once a search has read it (built in the background and kept: see
// blockcache.go), so an ASCII term whose trigrams a block lacks is not
// searched for in that block (see markFoldBlocks for
// fields with runes that fold to ASCII). A block's
// filter holds the trigrams that start in it or in the first blockOverlap
// bytes of the next block, so it covers every match that starts in the
// block of a term up to blockOverlap+2 bytes long (longer terms scan the
// whole field). A common word's first hit lies kilobytes into a long answer
// and a phrase's often nowhere: most blocks before it are skipped unread.
const (
	blockBytes    = 1024
	blockWords    = 16 // 1,024 bits per block: 1 bit per byte
	blockLog      = 10 // log2(blockWords*64)
	blockOverlap  = 64
	minBlockField = 2 * blockBytes
	// maxBlockTerm is the longest term block filters can rule out.
	maxBlockTerm = blockOverlap + 2
)

// blockCount is the number of block filters of a field of n bytes
// (0 below minBlockField).
func blockCount(n int) int {
	if n < minBlockField {
		return 0
	}
	return (n + blockBytes - 1) / blockBytes
}

// lowerByte lower-cases an ASCII letter; other bytes are kept.
func lowerByte(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + ('a' - 'A')
	}
	return c
}

// addBlockFilters appends the nb block filters of text s to bloom: the
// trigrams of its bytes, ASCII letters lower-cased and other bytes kept, so
// in an ASCII or opaque field (see recOpaque) every match of an ASCII term
// — always a run of ASCII bytes equal to it but for case — is covered.
func addBlockFilters(bloom []uint64, s string, nb int) []uint64 {
	start := len(bloom)
	bloom = slices.Grow(bloom, nb*blockWords)[:start+nb*blockWords]
	bl := bloom[start:]
	clear(bl)
	last := len(s) - 2 // trigrams start before last
	for b := range nb {
		lo := b * blockBytes
		hi := min(lo+blockBytes+blockOverlap, last)
		fillBlock((*[blockWords]uint64)(bl[b*blockWords:]), s, lo, hi)
	}
	return bloom
}

// fillBlock sets in filter f the trigrams of s starting in [lo, hi) (hi ≤
// len(s)-2), ASCII letters lower-cased. It reads eight bytes at a time,
// big-endian so that a trigram is three consecutive bytes of the word:
// six trigrams per load.
func fillBlock(f *[blockWords]uint64, s string, lo, hi int) {
	set := func(k uint64) {
		g := bloomIndex(uint32(k), blockLog)
		f[g>>6&(blockWords-1)] |= 1 << (g & 63)
	}
	p := lo
	for ; p+6 <= hi && p+8 <= len(s); p += 6 {
		x := lowerAny8(binary.BigEndian.Uint64(unsafe.Slice(unsafe.StringData(s[p:]), 8)))
		set(x >> 40 & 0xFFFFFF)
		set(x >> 32 & 0xFFFFFF)
		set(x >> 24 & 0xFFFFFF)
		set(x >> 16 & 0xFFFFFF)
		set(x >> 8 & 0xFFFFFF)
		set(x & 0xFFFFFF)
	}
	for ; p < hi; p++ {
		set(uint64(lowerByte(s[p]))<<16 | uint64(lowerByte(s[p+1]))<<8 | uint64(lowerByte(s[p+2])))
	}
}

// lowerAny8 lower-cases the ASCII letters among the eight bytes of x,
// keeping every other byte (non-ASCII ones included).
func lowerAny8(x uint64) uint64 {
	h := x &^ highs // each byte's low 7 bits: the additions cannot carry
	ge := h + lanes*(0x80-'A')
	gt := h + lanes*(0x80-'Z'-1)
	return x | ((ge&^gt)&^x&highs)>>2
}

// blockMay reports whether block b's filter (in blocks) admits every key.
func blockMay(blocks []uint64, b int, keys []uint32) bool {
	bl := blocks[b*blockWords : (b+1)*blockWords]
	for _, k := range keys {
		g := bloomIndex(k, blockLog)
		if bl[g>>6]&(1<<(g&63)) == 0 {
			return false
		}
	}
	return true
}

// markFoldBlocks sets every bit of the block filters (bl, of text s) that
// could hold a match changed by folding: a rune that folds to ASCII (é→e)
// or to nothing (a combining mark) may be part of a match whose folded
// trigrams are not the raw bytes'. Such a match starts at most
// maxBlockTerm bytes before the rune (its first bytes up to the rune are
// ASCII and part of the term), and a block's matches start in it, so
// blocks from the one holding j-maxBlockTerm to the one holding j+4 (a
// rune straddling the block's start) admit everything. In every other
// block the matches of an ASCII term are runs of ASCII bytes equal to it
// but for case, which the raw trigrams cover (see scanSegmentBlocks).
func markFoldBlocks(bl []uint64, s string) {
	nb := len(bl) / blockWords
	for i := 0; ; {
		j := asciiRun(s, i)
		if j >= len(s) {
			return
		}
		cls, w := runeClassAt(s, j)
		i = j + w
		if cls == runeOpaque {
			continue
		}
		lo, hi := max(j-maxBlockTerm, 0)/blockBytes, min((j+4)/blockBytes, nb-1)
		for b := lo; b <= hi; b++ {
			for k := range blockWords {
				bl[b*blockWords+k] = ^uint64(0)
			}
		}
	}
}
