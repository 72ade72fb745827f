package search

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/bits"
	"slices"
)

// Word postings decide most queries without reading any text.
//
// Folded text splits into words: maximal runs of word bytes (ASCII letters
// and digits, '_', and the folded form of every non-ASCII rune but CJK
// punctuation; see sepLen).
// A term that holds no other byte ("data", "kube", "needle000123zq",
// "café", "数据库") can only occur inside a word, so the words of a shard
// that contain it, and their conversations, are exactly the conversations
// it matches. Per shard the index keeps its distinct words (its vocabulary)
// and, per word, the list of conversations holding it with the number of
// occurrences per class of field (the title; each role, shown or hidden),
// so a query's matches, scope (role:, hidden messages, title:) and the
// counts ranking needs come from these lists alone.
//
// Terms with other bytes (phrases, "c++", "gpt-4o") split into their words
// ("pieces"): every piece must occur in a word of the same field, at a
// word's start or end or as a whole word as the term's other bytes demand,
// which narrows the candidates; they are then verified against the text.
//
// Words longer than maxWordLen bytes (base64, long CJK clauses) are not
// stored; a conversation holding one is marked "long" and is always
// verified against its text instead, so results stay exact.

const (
	maxWordLen = 128
	// Classes of field a word occurrence is counted in: the title, then
	// the role codes (0–4) of shown messages, then of hidden messages.
	classTitle   = 0
	classRoles   = 5
	numClasses   = 1 + 2*classRoles
	classUserOff = 1 + roleCodeUser // shown user messages
)

// classOfRec is the word class of a field record.
func classOfRec(rec *fieldRec) int {
	if rec.node < 0 {
		return classTitle
	}
	c := 1 + int(rec.flags>>roleShift&roleMask)
	if rec.flags&recHidden != 0 {
		c += classRoles
	}
	return c
}

// wordByte reports whether a folded byte is part of a word.
var wordByte = func() (t [256]bool) {
	for i := range t {
		b := byte(i)
		t[i] = 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' || b == '_' || b >= 0x80
	}
	return t
}()

// wordIndex is a shard's vocabulary and word postings.
type wordIndex struct {
	// vocab holds every word, each preceded by a 0 byte (a byte no word
	// has), and a final 0, so a substring found in it lies within one word
	// and "\x00w" / "w\x00" find words starting / ending with w.
	vocab  []byte
	starts []uint32 // per word: its first byte in vocab; one extra (len(vocab)) at the end
	offs   []uint32 // per word: its postings in post; one extra at the end
	// post holds per word, for each conversation holding it (ascending):
	// uvarint(local number delta), its classes and counts (a head byte and
	// what it calls for: putHead), then uvarint(the number of the first
	// field holding it, in the conversation's fieldRec order: no match of
	// a term holding it starts earlier).
	post  []byte
	long  []int32     // local numbers of conversations with a word over maxWordLen
	pairs pairFilters // per conversation, a filter of its adjacent word pairs (pairs.go)
}

func (w *wordIndex) bytes() int64 {
	return int64(len(w.vocab)) + int64(len(w.starts)+len(w.offs)+len(w.long))*4 + int64(len(w.post)) + w.pairs.bytes()
}

// word returns word number id.
func (w *wordIndex) word(id int) []byte { return w.vocab[w.starts[id] : w.starts[id+1]-1] }

// wordOfPos returns the word holding vocab position p.
func (w *wordIndex) wordOfPos(p int) int {
	i, found := slices.BinarySearch(w.starts, uint32(p))
	if !found {
		i--
	}
	return i
}

// wordBuilder builds a shard's wordIndex (part of a shardBuilder).
//
// A word of up to 16 bytes is looked up by its bytes packed into two
// uint64s (no word holds a 0 byte, so the packing is unique): most words
// are that short, and then adding one costs a multiplication and a probe.
type wordBuilder struct {
	tab    []wordSlot // open addressing by hash
	vocab  []byte
	starts []uint32
	tok    []byte // a long word being added, folded

	conv  int32     // conversations ended so far (the current one's number)
	rec   int32     // the field being added: its number in the conversation
	cur   []wordCur // per word: its occurrences in the current conversation
	words []uint32  // the current conversation's words
	// postings holds the collected postings, conversation-major, each as
	// its word (4 bytes, little-endian), the length of its encoding (one
	// byte: at most maxPostingBytes) and the encoding (class mask, counts,
	// first field as in wordIndex.post); a posting never spans two blocks
	// (a block's length ends its last one). ~8 bytes a posting, where a
	// struct of word, conversation and end plus a separate encoding
	// buffer grown by doubling took ~16 to ~20.
	postings chunks[byte]
	convPost []uint32 // per conversation ended: its postings (their number)
	long     bool     // the current conversation has a word over maxWordLen
	longs    []int32
	pb       pairBuilder // pair filters (pairs.go)
}

// wordSlot is a hash table slot: k1, k2 are the packed word (0, 0 for
// words over 16 bytes, compared by their bytes), id the word number + 1
// (0: empty).
type wordSlot struct {
	k1, k2 uint64
	hash   uint32
	id     uint32
}

// wordCur counts a word's occurrences in the current conversation.
type wordCur struct {
	stamp  int32              // conv+1 when the word is in words
	first  int32              // the first field holding it (math.MaxInt32 before)
	mask   uint16             // classes with a count
	counts [numClasses]uint16 // saturating: a density of 65,535 hits ranks as well
}

// maxPostingBytes bounds the bytes endConv encodes for one posting: its
// head byte, class mask, a count per class and its first field.
const maxPostingBytes = 1 + 3 + numClasses*3 + 5

// A posting's classes and counts start with a head byte h (persist format
// 4; format 3 had a uvarint mask and a uvarint count per class):
//   - h < headOne: one class, h / headCounts, counted h % headCounts + 1
//     times: the whole of it in one byte. A word in one class of field at
//     most headCounts times is 79% of the postings of the generated short
//     export and 60% of the long one; they took two bytes or more.
//   - headOne ≤ h < headGeneral: one class, h - headOne, counted
//     headCounts + 1 + uvarint that follows.
//   - h == headGeneral: uvarint(class mask), then uvarint(count) per set
//     class bit, lowest first.
//
// Other head values are malformed.
const (
	headCounts  = 21
	headOne     = numClasses * headCounts // 231
	headGeneral = headOne + numClasses    // 242
)

// putHead writes a posting's classes and counts (mask: the classes with a
// count; counts: by class, each ≥ 1 where mask has its bit) into p (room
// for maxPostingBytes), zeroes the counts it wrote and returns the bytes
// written.
func putHead(p []byte, mask uint16, counts *[numClasses]uint16) int {
	if mask&(mask-1) == 0 && mask != 0 {
		c := bits.TrailingZeros16(mask)
		v := int(counts[c])
		counts[c] = 0
		if v <= headCounts {
			p[0] = byte(c*headCounts + v - 1)
			return 1
		}
		p[0] = byte(headOne + c)
		return 1 + binary.PutUvarint(p[1:], uint64(v-headCounts-1))
	}
	p[0] = headGeneral
	n := 1 + binary.PutUvarint(p[1:], uint64(mask))
	for m := mask; m != 0; m &= m - 1 {
		k := bits.TrailingZeros16(m)
		n += binary.PutUvarint(p[n:], uint64(counts[k]))
		counts[k] = 0
	}
	return n
}

// postingRecMax bounds one posting's record in wordBuilder.postings:
// word, length, encoding.
const postingRecMax = 4 + 1 + maxPostingBytes

// addWords adds the words of s: ASCII text (lower-cased on the fly) or
// folded text. It reads eight bytes at a time while they are ASCII: one
// load classifies them and, for a word of up to 16 bytes, one or two are
// the word; other words are read byte by byte.
func addWords(wb *wordBuilder, s string, class int) {
	n := len(s)
	// prev is the last word of the field (-1: none, or a word over
	// maxWordLen), ending at prevEnd: each word is recorded with it as a
	// pair (pairs.go).
	prev, prevEnd, prevSuf := false, 0, uint32(0)
	next := func(pre, suf uint32, start, end int) {
		if prev {
			wb.pb.add(pairHash(prevSuf, pre, sepHash(s[prevEnd:start])))
		}
		prev, prevEnd, prevSuf = true, end, suf
	}
	for i := 0; i < n; {
		if i+16 <= n {
			if x := load64(s, i); x&highs == 0 {
				x = lower8(x)
				wm := wordMask8(x)
				if wm&(1<<7) == 0 { // s[i] is no word byte: skip to the next one
					if wm == 0 {
						i += 8
					} else {
						i += bits.TrailingZeros64(wm) / 8
					}
					continue
				}
				if nw := ^wm & highs; nw != 0 {
					l := bits.TrailingZeros64(nw) / 8 // the word is s[i:i+l]
					x &= 1<<(8*l) - 1
					wb.add(x, 0, nil, class)
					pre, suf := packedEnds(x, 0, l)
					next(pre, suf, i, i+l)
					i += l
					continue
				}
				if y := load64(s, i+8); y&highs == 0 {
					y = lower8(y)
					if nw := ^wordMask8(y) & highs; nw != 0 {
						l := bits.TrailingZeros64(nw) / 8 // the word is s[i:i+8+l]
						y &= 1<<(8*l) - 1
						wb.add(x, y, nil, class)
						pre, suf := packedEnds(x, y, 8+l)
						next(pre, suf, i, i+8+l)
						i += 8 + l
						continue
					}
				}
			}
		}
		if l := sepLen(s, i); l > 0 {
			i += l
			continue
		}
		j := i + 1
		for j < n && sepLen(s, j) == 0 {
			j++
		}
		if j-i > maxWordLen {
			wb.long = true
			prev = false
		} else {
			tok := wb.tok[:0]
			for k := i; k < j; k++ {
				c := s[k]
				if c < 0x80 {
					c = asciiLower[c]
				}
				tok = append(tok, c)
			}
			wb.tok = tok
			wb.addBytes(tok, class)
			next(prefix4(tok), suffix4(tok), i, j)
		}
		i = j
	}
}

// addBytes adds a folded word of at most maxWordLen bytes.
func (wb *wordBuilder) addBytes(w []byte, class int) {
	if len(w) > 16 {
		wb.add(0, 0, w, class)
		return
	}
	var k [2]uint64
	for i, c := range w {
		k[i/8] |= uint64(c) << (8 * (i % 8))
	}
	wb.add(k[0], k[1], nil, class)
}

// wordMask8 has the high bit of each byte of x (8 lower-cased ASCII
// bytes) set when the byte is a word byte: a–z, 0–9 or '_'. The additions
// cannot carry between bytes (each byte < 0x80).
func wordMask8(x uint64) uint64 {
	in := func(lo, hi byte) uint64 {
		ge := x + lanes*uint64(0x80-lo)
		gt := x + lanes*uint64(0x7f-hi)
		return ge &^ gt
	}
	return (in('a', 'z') | in('0', '9') | in('_', '_')) & highs
}

// sepLen is the length of the separator starting at f[i] in folded text,
// 0 when f[i] is a word byte: an ASCII byte other than a letter, digit or
// '_' (1), or CJK punctuation (3): U+3000–U+303F (ideographic space, 、。
// 「」…) and the fullwidth punctuation of U+FF00–U+FF65 (，！？：；（）…),
// so Chinese and Japanese sentences split into clauses. Every other
// non-ASCII byte is part of a word.
func sepLen[T string | []byte](f T, i int) int {
	c := f[i]
	if c < 0x80 {
		if wordByte[c] {
			return 0
		}
		return 1
	}
	if i+2 >= len(f) {
		return 0
	}
	switch c {
	case 0xE3: // U+3000–U+303F: E3 80 80–BF
		if f[i+1] == 0x80 {
			return 3
		}
	case 0xEF: // U+FF00–U+FF3F: EF BC 80–BF; U+FF40–U+FF7F: EF BD 80–BF
		b, d := f[i+1], f[i+2]
		switch {
		case b == 0xBC && (d <= 0x8F || 0x9A <= d && d <= 0xA0 || 0xBB <= d && d <= 0xBF):
			// punctuation, not the fullwidth digits (FF10–FF19) or capitals (FF21–FF3A)
			return 3
		case b == 0xBD && (d == 0x80 || 0x9B <= d && d <= 0xA5):
			return 3
		}
	}
	return 0
}

// wordHash hashes a word of more than 16 bytes.
func wordHash(b []byte) uint32 {
	h := uint64(len(b)) * 0x9E3779B97F4A7C15
	for len(b) >= 8 {
		h = (h ^ binary.LittleEndian.Uint64(b)) * 0xBF58476D1CE4E5B9
		h ^= h >> 31
		b = b[8:]
	}
	if len(b) > 0 {
		var x uint64
		for i, c := range b {
			x |= uint64(c) << (8 * i)
		}
		h = (h ^ x) * 0x94D049BB133111EB
	}
	h ^= h >> 29
	return uint32(h >> 32)
}

// add counts one occurrence of a word in a field of the given class: k1,
// k2 are the packed word when it has at most 16 bytes, else 0 and tok
// holds it.
func (wb *wordBuilder) add(k1, k2 uint64, tok []byte, class int) {
	if len(wb.tab) == 0 {
		wb.tab = make([]wordSlot, 1<<12)
	}
	var h uint32
	if k1 != 0 {
		h = uint32(((k1 ^ k2*0xBF58476D1CE4E5B9) * 0x9E3779B97F4A7C15) >> 32)
	} else {
		h = wordHash(tok)
	}
	mask := uint32(len(wb.tab) - 1)
	i := h & mask
	var id uint32
	for {
		e := &wb.tab[i]
		if e.id == 0 {
			id = wb.newWord(e, k1, k2, h, tok)
			break
		}
		if e.hash == h && e.k1 == k1 && e.k2 == k2 && (k1 != 0 || bytes.Equal(wb.word(e.id-1), tok)) {
			id = e.id - 1
			break
		}
		i = (i + 1) & mask
	}
	c := &wb.cur[id]
	// Branch-free: the word is appended to words, and kept there only when
	// it is new in this conversation.
	nw := len(wb.words)
	wb.words = append(wb.words, id)
	if c.stamp == wb.conv+1 {
		wb.words = wb.words[:nw]
	}
	c.stamp = wb.conv + 1
	c.first = min(c.first, wb.rec)
	c.mask |= 1 << class
	if c.counts[class] != math.MaxUint16 {
		c.counts[class]++
	}
}

// newWord stores a new word in empty slot e and returns its number.
func (wb *wordBuilder) newWord(e *wordSlot, k1, k2 uint64, h uint32, tok []byte) uint32 {
	id := uint32(len(wb.cur))
	wb.vocab = append(wb.vocab, 0)
	wb.starts = append(wb.starts, uint32(len(wb.vocab)))
	if k1 != 0 {
		for _, k := range [2]uint64{k1, k2} {
			for ; k != 0; k >>= 8 {
				wb.vocab = append(wb.vocab, byte(k))
			}
		}
	} else {
		wb.vocab = append(wb.vocab, tok...)
	}
	wb.cur = append(wb.cur, wordCur{first: math.MaxInt32})
	*e = wordSlot{k1: k1, k2: k2, hash: h, id: id + 1}
	if 2*len(wb.cur) > len(wb.tab) {
		wb.grow()
	}
	return id
}

// word returns word id while building.
func (wb *wordBuilder) word(id uint32) []byte {
	end := len(wb.vocab)
	if int(id)+1 < len(wb.starts) {
		end = int(wb.starts[id+1]) - 1
	}
	return wb.vocab[wb.starts[id]:end]
}

func (wb *wordBuilder) grow() {
	tab := make([]wordSlot, 2*len(wb.tab))
	mask := uint32(len(tab) - 1)
	for _, e := range wb.tab {
		if e.id == 0 {
			continue
		}
		i := e.hash & mask
		for tab[i].id != 0 {
			i = (i + 1) & mask
		}
		tab[i] = e
	}
	wb.tab = tab
}

// endConv records the current conversation's words.
func (wb *wordBuilder) endConv() {
	for _, id := range wb.words {
		pc := &wb.postings
		if cap(pc.cur)-len(pc.cur) < postingRecMax {
			pc.next()
		}
		rec := pc.cur[len(pc.cur) : len(pc.cur)+postingRecMax]
		binary.LittleEndian.PutUint32(rec, id)
		c := &wb.cur[id]
		n := 5 + putHead(rec[5:], c.mask, &c.counts)
		n += binary.PutUvarint(rec[n:], uint64(c.first))
		rec[4] = byte(n - 5)
		c.mask, c.first = 0, math.MaxInt32
		pc.cur = pc.cur[:len(pc.cur)+n]
	}
	wb.convPost = append(wb.convPost, uint32(len(wb.words)))
	wb.words = wb.words[:0]
	wb.pb.endConv()
	if wb.long {
		wb.longs = append(wb.longs, wb.conv)
		wb.long = false
	}
	wb.conv++
}

// eachPosting calls f with every collected posting in order: its word,
// conversation and encoding (mask, counts, first field).
func (wb *wordBuilder) eachPosting(f func(word uint32, conv int32, enc []byte)) {
	conv, left := int32(0), uint32(0)
	wb.postings.each(func(b []byte) {
		for len(b) > 0 {
			for left == 0 {
				left = wb.convPost[conv]
				conv++
			}
			n := 5 + int(b[4])
			f(binary.LittleEndian.Uint32(b), conv-1, b[5:n])
			b = b[n:]
			left--
		}
	})
}

// finish returns the shard's wordIndex, its postings and pair filters
// allocated by oh, and resets the builder.
func (wb *wordBuilder) finish(oh *offHeap) wordIndex {
	nw := len(wb.cur)
	offs := make([]uint32, nw+1)
	last := make([]int32, nw) // per word: last conversation written + 1
	wb.eachPosting(func(word uint32, conv int32, enc []byte) {
		offs[word+1] += uint32(uvarintLen(uint64(conv+1-last[word])) + len(enc))
		last[word] = conv + 1
	})
	for i := 1; i <= nw; i++ {
		offs[i] += offs[i-1]
	}
	post := oh.bytes(int(offs[nw]))
	pos := slices.Clone(offs[:nw])
	clear(last)
	wb.eachPosting(func(word uint32, conv int32, enc []byte) {
		p := pos[word]
		p += uint32(binary.PutUvarint(post[p:], uint64(conv+1-last[word])))
		p += uint32(copy(post[p:], enc))
		pos[word] = p
		last[word] = conv + 1
	})
	vocab := append(slices.Clone(wb.vocab), 0) // a 0 after the last word too
	w := wordIndex{
		vocab:  vocab,
		starts: append(slices.Clone(wb.starts), uint32(len(vocab))),
		offs:   offs,
		post:   post,
		long:   slices.Clone(wb.longs),
		pairs:  wb.pb.finish(oh),
	}
	clear(wb.tab)
	wb.vocab, wb.starts, wb.cur = wb.vocab[:0], wb.starts[:0], wb.cur[:0]
	wb.postings.reset(false)
	wb.convPost, wb.longs, wb.words = wb.convPost[:0], wb.longs[:0], wb.words[:0]
	wb.conv, wb.long = 0, false
	return w
}

// decodeCounts decodes one posting's classes and counts (putHead) and
// first field at p: the sums of counts in scope by tier (title, user,
// other), the first field, and the bytes read (≤ 0 when p is malformed).
func decodeCounts(p []byte, scope uint16) (title, user, other uint32, first int32, n int) {
	if len(p) == 0 {
		return 0, 0, 0, 0, -1
	}
	var sum [3]uint32 // by tier: title, user, other
	switch h := int(p[0]); {
	case h < headOne:
		if c := h / headCounts; scope&(1<<c) != 0 {
			sum[classTier[c]] += uint32(h%headCounts + 1)
		}
		n = 1
	case h < headGeneral:
		v, w := binary.Uvarint(p[1:])
		if w <= 0 || v > math.MaxUint16 {
			return 0, 0, 0, 0, -1
		}
		if c := h - headOne; scope&(1<<c) != 0 {
			sum[classTier[c]] += uint32(v) + headCounts + 1
		}
		n = 1 + w
	case h == headGeneral:
		m, w := binary.Uvarint(p[1:])
		if w <= 0 || m >= 1<<numClasses {
			return 0, 0, 0, 0, -1
		}
		n = 1 + w
		for m != 0 {
			c := bits.TrailingZeros64(m)
			m &= m - 1
			v, w := binary.Uvarint(p[n:])
			if w <= 0 {
				return 0, 0, 0, 0, -1
			}
			n += w
			if scope&(1<<c) != 0 {
				sum[classTier[c]] += uint32(v)
			}
		}
	default:
		return 0, 0, 0, 0, -1
	}
	f, w := binary.Uvarint(p[n:])
	if w <= 0 || f > math.MaxInt32 {
		return 0, 0, 0, 0, -1
	}
	return sum[0], sum[1], sum[2], int32(f), n + w
}

// classTier is the ranking tier of a class of field: 0 the title, 1 a
// user message (shown or hidden), 2 any other.
var classTier = func() (t [numClasses]uint8) {
	for c := range t {
		switch {
		case c == classTitle:
			t[c] = 0
		case c == classUserOff || c == classUserOff+classRoles:
			t[c] = 1
		default:
			t[c] = 2
		}
	}
	return t
}()

func uvarintLen(v uint64) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}
