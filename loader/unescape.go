package loader

import (
	"encoding/binary"
	"math/bits"
)

// unescapeQuoted decodes the JSON string whose body starts at s[0] (the
// byte after its opening quote) into out, in one pass up to its closing
// quote: the two-pass way (strSkipEnd finds the end, then unescapeInto
// copies) read every byte of the text twice. It returns the index of the
// closing quote in s, the bytes written and whether all of the raw
// (unescaped) bytes copied were ASCII (escapes decode to valid UTF-8).
//
// ok is false when it cannot finish: out runs short (decoding never
// lengthens, so out needs at most the body's length), an escape is
// invalid, or there is no closing quote. The caller then decodes the
// string the two-pass way, which reports the error; out holds garbage.
// When every escape before it is valid, the first quote not consumed by
// an escape is the quote strSkipEnd finds (an odd run of backslashes
// before a quote ends in the backslash that escapes it), so both ways
// agree on the end.
//
// unescapeRun, the plain-text inner loop, is SSE2 assembly on amd64
// (unescaperun_amd64.s) and unescapeRunSWAR elsewhere.
func unescapeQuoted(out, s []byte) (end, n int, ascii, ok bool) {
	end, n, ascii, _, ok = unescapeQuotedWith(false, out, s)
	return end, n, ascii, ok
}

// textFacts is what a decode saw of a text that spares later scans of it.
type textFacts uint8

const (
	// mayMark: a raw byte ≥ 0x80 was copied, or a \u escape stood for a
	// citation marker's character; without it the text holds no marker
	// (hasMarkers).
	mayMark textFacts = 1 << iota
	// hasSlash: the text holds a backslash (from \\ or \u005c); without
	// it, it holds no math delimiter (model.NormalizeMath).
	hasSlash
)

// unescapeQuotedFacts is unescapeQuoted that also reports the text's
// facts, so that the caller need not scan the text for what they rule out.
func unescapeQuotedFacts(out, s []byte) (end, n int, ascii bool, facts textFacts, ok bool) {
	return unescapeQuotedWith(false, out, s)
}

// unescapeQuotedWith is unescapeQuoted with unescapeRunSWAR as its inner
// loop when swar is set (tests try both; a branch, not a func value, so
// that unescapeRun is called directly).
func unescapeQuotedWith(swar bool, out, s []byte) (end, n int, ascii bool, facts textFacts, ok bool) {
	var hi bool // a raw byte ≥ 0x80 was copied
	i, j := 0, 0
	for {
		var (
			di, dj int
			h      bool
		)
		if swar {
			di, dj, h = unescapeRunSWAR(out[j:], s[i:])
		} else {
			di, dj, h = unescapeRun(out[j:], s[i:])
		}
		hi = hi || h
		i += di
		j += dj
		// run stopped at a quote or at a backslash it leaves to us, or
		// with under a block of input or room left: go on byte by byte.
		for i < len(s) && j < len(out) {
			c := s[i]
			if c == '"' || c == '\\' {
				break
			}
			if c >= 0x80 {
				hi = true
			}
			out[j] = c
			i++
			j++
		}
		if i >= len(s) {
			return 0, 0, false, 0, false // no end
		}
		c := s[i]
		if c == '"' {
			if hi {
				facts |= mayMark
			}
			return i, j, !hi, facts, true
		}
		if c != '\\' {
			return 0, 0, false, 0, false // out is full
		}
		if i+1 < len(s) && j < len(out) {
			if e := simpleEscape[s[i+1]]; e != 0 {
				if e == '\\' {
					facts |= hasSlash
				}
				out[j] = e
				i += 2
				j++
				continue
			}
		}
		if len(out)-j < utf8UTFMax {
			return 0, 0, false, 0, false
		}
		w, r, valid := unescapeTo(out[j:], s[i:])
		if !valid {
			return 0, 0, false, 0, false
		}
		switch {
		case w == 3 && markerChar(out[j:j+3]):
			facts |= mayMark
		case w == 1 && out[j] == '\\':
			facts |= hasSlash
		}
		i += r
		j += w
	}
}

// utf8UTFMax is the most bytes an escape decodes to (a surrogate pair).
const utf8UTFMax = 4

// unescapeRunSWAR decodes the start of a JSON string body, src, into dst
// eight bytes at a time: it copies plain text and decodes two-byte
// escapes (\n, \", …) and returns how much of src it read (i) and of dst
// it wrote (j), and whether a raw byte it copied had its high bit set.
// It stops at a quote (src[i] == '"'), at a backslash it leaves to the
// caller (\u, \\: see runEscape, an invalid escape, a backslash ending
// src), or with fewer than eight bytes of src or dst left. It may write
// up to seven bytes into dst past j. unescapeRun is the version used
// (SSE2 on amd64).
func unescapeRunSWAR(dst, src []byte) (i, j int, hi bool) {
	var h uint64
	for i+8 <= len(src) && j+8 <= len(dst) {
		v := binary.LittleEndian.Uint64(src[i:])
		binary.LittleEndian.PutUint64(dst[j:], v)
		m := quoteOrBackslash(v)
		if m == 0 {
			h |= v
			i += 8
			j += 8
			continue
		}
		// The lowest flagged byte is the first quote or backslash
		// (borrows only run towards the higher bytes).
		k := bits.TrailingZeros64(m) >> 3
		h |= v & (1<<(8*k) - 1)
		i += k
		j += k
		if src[i] == '"' || i+1 >= len(src) {
			break
		}
		e := runEscape[src[i+1]]
		if e == 0 {
			break
		}
		dst[j] = e // j < len(dst): the block was written there
		i += 2
		j++
	}
	return i, j, h&msb != 0
}
