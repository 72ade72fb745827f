package search

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"strings"
	"unicode/utf8"
	"unsafe"
)

// matcher finds one folded term in original text without folding ASCII
// text: most archive fields are pure ASCII, where folding is lower-casing,
// so the matcher anchors on the term's rarest byte in both cases (memchr
// speed) and compares case-insensitively around it. Fields with any
// non-ASCII byte are folded once into scratch space (with an offset map) and
// searched with bytes.Index.
type matcher struct {
	folded  string
	pat     []byte // folded as bytes, for bytes.Index
	ascii   bool   // folded is pure ASCII
	noSpace bool   // folded has no ' ' (a space can be no part of a match)
	// brk marks the ASCII bytes no match can include (their lower case is
	// not in folded): scanSegments cuts the text at them.
	brk    [2]uint64
	keys   []uint32 // distinct trigram keys, for field Bloom filters
	k      int      // anchor position in folded
	lo, up byte     // anchor byte in lower and upper case
	pk     int      // position of the rarest adjacent pair (len ≥ 2)
	p0, p1 uint64   // that pair's bytes |0x20, broadcast to 8 lanes
}

func newMatcher(folded string) matcher {
	m := matcher{folded: folded, pat: []byte(folded), ascii: isASCII(folded), keys: trigramKeys(folded),
		noSpace: !strings.Contains(folded, " ")}
	for c := range byte(utf8.RuneSelf) {
		l := c
		if 'A' <= c && c <= 'Z' {
			l = c + 'a' - 'A'
		}
		if strings.IndexByte(folded, l) < 0 {
			m.brk[c>>6] |= 1 << (c & 63)
		}
	}
	best := 1 << 30
	for i := 0; i < len(folded); i++ {
		if f := byteFreq(folded[i]); f < best {
			best, m.k = f, i
		}
	}
	bestPair := 1 << 30
	for i := 0; i+1 < len(folded); i++ {
		if f := byteFreq(folded[i]) + byteFreq(folded[i+1]); f < bestPair {
			bestPair, m.pk = f, i
		}
	}
	if len(folded) >= 2 {
		m.p0 = lanes * uint64(folded[m.pk]|0x20)
		m.p1 = lanes * uint64(folded[m.pk+1]|0x20)
	}
	if len(folded) > 0 {
		m.lo = folded[m.k]
		m.up = m.lo
		if 'a' <= m.lo && m.lo <= 'z' {
			m.up = m.lo - ('a' - 'A')
		}
	}
	return m
}

// byteFreq is a rough frequency rank of a lower-case byte in chat text
// (higher is more common), used to pick a rare anchor.
func byteFreq(b byte) int {
	const common = " etaoinsrhldcumfpgwybvk\nxjqz"
	if i := strings.IndexByte(common, b); i >= 0 {
		return 100 - i
	}
	if '0' <= b && b <= '9' {
		return 30
	}
	return 10
}

const (
	lanes = 0x0101010101010101
	highs = 0x8080808080808080
	case8 = 0x2020202020202020
)

// zeroBytes flags (in each byte's high bit) the zero bytes of x; a flagged
// byte above a true zero may be a false alarm, never the reverse.
func zeroBytes(x uint64) uint64 { return (x - lanes) &^ x & highs }

// indexPair returns the first match of m (len ≥ 2) in ASCII text s at or
// after from, or -1. It tests 8 positions at a time for the needle's
// rarest adjacent byte pair, case-insensitively (|0x20; false candidates
// are rejected by the full comparison), so frequent letters cost no more
// than rare ones: this is what keeps common words near memory speed.
func (m *matcher) indexPair(s string, from int) int {
	n, k := len(m.folded), m.pk
	last := len(s) - n + k // last position the pair may start at
	b := unsafe.Slice(unsafe.StringData(s), len(s))
	i := from + k
	// A byte of (x^p0)|(y^p1) is zero exactly where both bytes of the pair
	// match, so one zero test covers both.
	for end := min(len(s)-9, last); i <= end; i += 8 {
		x := binary.LittleEndian.Uint64(b[i:]) | case8
		y := binary.LittleEndian.Uint64(b[i+1:]) | case8
		for mask := zeroBytes((x ^ m.p0) | (y ^ m.p1)); mask != 0; mask &= mask - 1 {
			j := i + bits.TrailingZeros64(mask)/8
			if j > last {
				return -1
			}
			if equalLowerASCII(s[j-k:j-k+n], m.folded) {
				return j - k
			}
		}
	}
	p0, p1 := byte(m.p0), byte(m.p1)
	for ; i <= last; i++ {
		if s[i]|0x20 == p0 && s[i+1]|0x20 == p1 && equalLowerASCII(s[i-k:i-k+n], m.folded) {
			return i - k
		}
	}
	return -1
}

// indexASCII returns the first match of m in ASCII text s at or after from,
// or -1. lastUp caches the next position of the upper-case anchor so a rare
// upper-case anchor is not rescanned for every lower-case candidate.
func (m *matcher) indexASCII(s string, from int, nextUp *int) int {
	n := len(m.folded)
	i := from + m.k
	for i+n-m.k <= len(s) {
		j := strings.IndexByte(s[i:], m.lo)
		if j >= 0 {
			j += i
		}
		if m.up != m.lo {
			if *nextUp < i {
				*nextUp = strings.IndexByte(s[i:], m.up)
				if *nextUp >= 0 {
					*nextUp += i
				} else {
					*nextUp = len(s)
				}
			}
			if *nextUp < len(s) && (j < 0 || *nextUp < j) {
				j = *nextUp
			}
		}
		if j < 0 {
			return -1
		}
		start := j - m.k
		if start+n > len(s) {
			return -1
		}
		if equalLowerASCII(s[start:start+n], m.folded) {
			return start
		}
		i = j + 1
	}
	return -1
}

// equalLowerASCII reports whether s lower-cased equals lower (ASCII only).
func equalLowerASCII(s, lower string) bool {
	for i := 0; i < len(s); i++ {
		if asciiLower[s[i]&0x7f] != lower[i] || s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// fieldScanner holds one worker's folding scratch. Not safe for concurrent
// use.
type fieldScanner struct {
	fold []byte
	src  []int32
	// exist: the caller only needs to know whether each term occurs (it
	// counts nothing), so in a field with runes that fold to ASCII a term
	// found in the raw text is not searched for again in the folded text.
	exist bool
}

// scan calls hit(t, off, n) for every non-overlapping match of each
// matcher ms[t], t in sel, in s, with offsets into the original s. hit returns false to stop
// the whole scan; scan then returns false.
//
// kind is the field's recASCII and recOpaque bits from the index (the
// caller knows them, so the text is not pre-scanned).
//
// NOTE: matches are reported term by term, each term's in text order (the
// ranking's choice of Result.Best depends on it).
//
// blocks, for an ASCII or opaque field, are its block filters (nil: none): blocks
// that cannot hold a match of a term are skipped.
func (fs *fieldScanner) scan(s string, kind uint8, blocks []uint64, ms []matcher, sel []int, hit func(t, off, n int) bool) bool {
	if kind&recASCII != 0 {
		for _, t := range sel {
			m := &ms[t]
			if !m.ascii || len(m.folded) > len(s) {
				continue
			}
			if blocks != nil && len(m.keys) > 0 && len(m.folded) <= maxBlockTerm {
				if !scanBlocks(s, 0, blocks, m, t, hit) {
					return false
				}
				continue
			}
			if !scanASCII(s, 0, m, t, hit) {
				return false
			}
		}
		return true
	}
	folded := false
	for _, t := range sel {
		m := &ms[t]
		if m.ascii && kind&recOpaque != 0 {
			// No non-ASCII byte can be part of a match: as in ASCII text.
			if len(m.folded) > len(s) {
				continue
			}
			if blocks != nil && len(m.keys) > 0 && len(m.folded) <= maxBlockTerm {
				if !scanBlocks(s, 0, blocks, m, t, hit) {
					return false
				}
				continue
			}
			if !scanASCII(s, 0, m, t, hit) {
				return false
			}
			continue
		}
		if m.ascii && fs.exist {
			// A case-insensitive match of ASCII bytes is a match of the
			// folded text too (ASCII runes fold to themselves, lower-cased):
			// when there is one, the fold is not needed to prove the term.
			found, stop := false, false
			if len(m.folded) <= len(s) {
				scanASCIIRuns(s, blocks, m, t, func(t, off, n int) bool {
					found = true
					if !hit(t, off, n) {
						stop = true
						return false
					}
					return true
				})
			}
			if stop {
				return false
			}
			if found {
				continue
			}
		}
		if m.ascii {
			var ok bool
			if blocks != nil && len(m.keys) > 0 && len(m.folded) <= maxBlockTerm {
				ok = fs.scanSegmentBlocks(s, blocks, m, t, hit)
			} else {
				ok = fs.scanSegments(s, 0, m, t, hit)
			}
			if !ok {
				return false
			}
			folded = false // scanSegments reuses the scratch
			continue
		}
		if !folded {
			fs.src = fs.src[:0]
			fs.fold = appendFold(fs.fold[:0], s, &fs.src)
			fs.src = append(fs.src, int32(len(s)))
			folded = true
		}
		if !fs.scanFolded(0, m, t, hit) {
			return false
		}
	}
	return true
}

// scanASCIIRuns reports the matches of ASCII term m in s made of ASCII
// bytes only (a case-insensitive match of the raw text), skipping those
// that would include a non-ASCII byte. blocks are s's block filters (nil:
// none); they hold its raw trigrams, so they rule out blocks here too.
func scanASCIIRuns(s string, blocks []uint64, m *matcher, t int, hit func(t, off, n int) bool) bool {
	ascii := func(t, off, n int) bool {
		if !isASCII(s[off : off+n]) {
			return true
		}
		return hit(t, off, n)
	}
	if blocks != nil && len(m.keys) > 0 && len(m.folded) <= maxBlockTerm {
		return scanBlocks(s, 0, blocks, m, t, ascii)
	}
	return scanASCII(s, 0, m, t, ascii)
}

// scanASCII reports the matches of ASCII term m in ASCII-only s (or text
// whose non-ASCII bytes no match can include), offsets shifted by base.
func scanASCII(s string, base int, m *matcher, t int, hit func(t, off, n int) bool) bool {
	nextUp := -1
	for from := 0; ; {
		var i int
		if len(m.folded) >= 2 {
			i = m.indexPair(s, from)
		} else {
			i = m.indexASCII(s, from, &nextUp)
		}
		if i < 0 {
			return true
		}
		if !hit(t, base+i, len(m.folded)) {
			return false
		}
		from = i + len(m.folded)
	}
}

// scanBlocks is scanASCII over ASCII (or opaque) text s from from, for a term of at
// least 3 and at most maxBlockTerm bytes, in the blocks whose filter admits
// its trigrams only (no match starts in another block). Matches are those
// of scanASCII, in order.
func scanBlocks(s string, from int, blocks []uint64, m *matcher, t int, hit func(t, off, n int) bool) bool {
	n := len(m.folded)
	nb := len(blocks) / blockWords
	pos := from // no match may start before pos (the last one's end)
	for b := from / blockBytes; b < nb; b++ {
		if !blockMay(blocks, b, m.keys) {
			continue
		}
		lo, hi := max(pos, b*blockBytes), min((b+1)*blockBytes, len(s))
		sub := s[:min(hi+n-1, len(s))] // matches starting in [lo, hi)
		for lo < hi {
			i := m.indexPair(sub, lo)
			if i < 0 {
				break
			}
			if !hit(t, i, n) {
				return false
			}
			lo = i + n
		}
		pos = max(pos, lo)
	}
	return true
}

// scanSegmentBlocks is scanSegments over the runs of blocks whose filter
// admits m (see markFoldBlocks). A block that does not admit m holds no
// rune that folds to ASCII near it, so text can be cut there without
// changing how the rest folds, a match starting in the run before it ends
// within len(m.folded) bytes of the run's end, and none starts in it.
func (fs *fieldScanner) scanSegmentBlocks(s string, blocks []uint64, m *matcher, t int, hit func(t, off, n int) bool) bool {
	nb := len(blocks) / blockWords
	for b := 0; b < nb; {
		if !blockMay(blocks, b, m.keys) {
			b++
			continue
		}
		e := b + 1
		for e < nb && blockMay(blocks, e, m.keys) {
			e++
		}
		lo, hi := b*blockBytes, len(s)
		if e < nb {
			hi = min(e*blockBytes+len(m.folded), len(s))
		}
		if !fs.scanSegments(s[lo:hi], lo, m, t, hit) {
			return false
		}
		b = e
	}
	return true
}

// scanFolded reports the matches of m in fs.fold (the folded text of the
// original s[base:], with fs.src mapping it back).
func (fs *fieldScanner) scanFolded(base int, m *matcher, t int, hit func(t, off, n int) bool) bool {
	f, pat := fs.fold, m.pat
	for from := 0; from+len(pat) <= len(f); {
		i := bytes.Index(f[from:], pat)
		if i < 0 {
			break
		}
		i += from
		off, end := fs.origRange(i, i+len(pat))
		if !hit(t, base+off, end-off) {
			return false
		}
		from = i + len(pat)
	}
	return true
}

// scanSegments finds an ASCII term in text with non-ASCII runes without
// folding all of it. A rune whose fold has no ASCII byte (CJK, emoji, "—",
// Greek, Cyrillic, invalid bytes) can be part of no match, so it splits the
// text into segments that are searched separately; a segment whose
// non-ASCII runes are all of that kind — or that has none — is searched in
// place like ASCII text, and only a segment holding a rune that folds to
// ASCII (é, ß, a combining mark between letters) is folded. Leading
// combining marks of a segment (the U+FE0F of "⚠️") join nothing and are
// skipped. When the term has no space, a space splits too, so only the
// words around such runes are folded ("température"), not their sentence.
// The matches are those of the folded text, in order, exactly.
//
// Offsets are shifted by base (s is the field's text from base on).
func (fs *fieldScanner) scanSegments(s string, base int, m *matcher, t int, hit func(t, off, n int) bool) bool {
	seg, mixed := 0, false
	clean := func(end int) bool { // s[seg:end] has no rune that folds to ASCII
		if end-seg < len(m.folded) {
			return true
		}
		return scanASCII(s[seg:end], base+seg, m, t, hit)
	}
	folded := func(from, end int) bool {
		part := s[from:end]
		fs.src = fs.src[:0]
		fs.fold = appendFold(fs.fold[:0], part, &fs.src)
		fs.src = append(fs.src, int32(len(part)))
		return fs.scanFolded(base+from, m, t, hit)
	}
	for i := 0; ; {
		j := asciiRun(s, i)
		if j >= len(s) {
			if mixed {
				return folded(seg, len(s))
			}
			return clean(len(s))
		}
		cls, w := runeClassAt(s, j)
		i = j + w
		switch {
		case cls == runeOpaque:
			var ok bool
			if mixed {
				ok = folded(seg, j)
			} else {
				ok = clean(j)
			}
			if !ok {
				return false
			}
			seg, mixed = i, false
		case cls == runeDropped && j == seg:
			seg = i
		case m.ascii:
			// Fold only the run around j between two ASCII bytes no match
			// can include (for a term without a space, a space is one):
			// what precedes it is clean ASCII, and folding is rune by
			// rune, so cutting there changes no match.
			ws := j
			for ws > seg && !m.isBreak(s[ws-1]) {
				ws--
			}
			if !clean(ws) {
				return false
			}
			we := i
			for we < len(s) && !m.isBreak(s[we]) {
				we++
			}
			if !folded(ws, we) {
				return false
			}
			seg, i = we, we
		default:
			mixed = true
		}
	}
}

// isBreak reports whether byte c is an ASCII byte no match of m includes.
func (m *matcher) isBreak(c byte) bool {
	return c < utf8.RuneSelf && m.brk[c>>6]&(1<<(c&63)) != 0
}

// origRange maps the folded byte range [i, j) back to the original text:
// from the start of the rune that produced byte i to the end of the rune
// that produced byte j-1 (so trailing dropped combining marks are included
// only when the match reaches the end of a rune's expansion).
func (fs *fieldScanner) origRange(i, j int) (int, int) {
	off := int(fs.src[i])
	last := fs.src[j-1]
	k := j
	for k < len(fs.src)-1 && fs.src[k] == last {
		k++
	}
	return off, int(fs.src[k])
}
