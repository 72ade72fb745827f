package search

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"testing"
)

// wantSums is decodeCounts's answer computed from the counts themselves.
func wantSums(mask uint16, counts [numClasses]uint16, scope uint16) (t, u, o uint32) {
	for c := range numClasses {
		if mask&(1<<c) == 0 || scope&(1<<c) == 0 {
			continue
		}
		switch {
		case c == classTitle:
			t += uint32(counts[c])
		case c == classUserOff || c == classUserOff+classRoles:
			u += uint32(counts[c])
		default:
			o += uint32(counts[c])
		}
	}
	return t, u, o
}

// encodePosting is what endConv writes for one posting after its word and
// length: head, counts, first field.
func encodePosting(mask uint16, counts [numClasses]uint16, first int32) []byte {
	p := make([]byte, maxPostingBytes)
	n := putHead(p, mask, &counts)
	for c, v := range counts {
		if v != 0 {
			panic("putHead left count of class " + string(rune('0'+c)))
		}
	}
	n += binary.PutUvarint(p[n:], uint64(first))
	return p[:n]
}

// TestPostingHeadRoundTrip: every class mask and count decodes to the
// same sums in every scope, and the common posting (one class, a few
// occurrences) takes one head byte.
func TestPostingHeadRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	scopes := []uint16{1<<numClasses - 1, 1 << classTitle, 1 << classUserOff, 0x2AA, 0}
	check := func(mask uint16, counts [numClasses]uint16, first int32) {
		t.Helper()
		p := encodePosting(mask, counts, first)
		if len(p) > maxPostingBytes {
			t.Fatalf("mask %#x: %d bytes > maxPostingBytes", mask, len(p))
		}
		for _, sc := range scopes {
			gt, gu, gotO, gf, n := decodeCounts(append(p, 0xFF), sc) // a byte after: n must stop before it
			wt, wu, wo := wantSums(mask, counts, sc)
			if n != len(p) || gf != first || gt != wt || gu != wu || gotO != wo {
				t.Fatalf("mask %#x counts %v first %d scope %#x: got %d %d %d first %d n %d, want %d %d %d first %d n %d",
					mask, counts, first, sc, gt, gu, gotO, gf, n, wt, wu, wo, first, len(p))
			}
		}
	}
	for c := range numClasses {
		for _, v := range []uint16{1, 2, headCounts - 1, headCounts, headCounts + 1, headCounts + 2, 200, 1000, math.MaxUint16} {
			var counts [numClasses]uint16
			counts[c] = v
			check(1<<c, counts, int32(v%7))
			if got := len(encodePosting(1<<c, counts, 3)); v <= headCounts && got != 2 {
				t.Errorf("class %d count %d: %d bytes with its first field, want 2 (one head byte)", c, v, got)
			}
		}
	}
	for range 20000 {
		mask := uint16(r.IntN(1<<numClasses-1) + 1)
		var counts [numClasses]uint16
		for c := range numClasses {
			if mask&(1<<c) != 0 {
				counts[c] = uint16(1 + r.IntN([]int{3, 30, 300, math.MaxUint16}[r.IntN(4)]))
			}
		}
		check(mask, counts, int32(r.IntN(1<<20)))
	}
}

// FuzzDecodeCounts: any bytes decode or are refused (n ≤ 0), never a
// panic nor a read past them; what putHead writes always decodes.
func FuzzDecodeCounts(f *testing.F) {
	f.Add([]byte{0}, uint16(0x7FF))
	f.Add([]byte{headOne, 0x80, 0x01, 0x05}, uint16(0x7FF))
	f.Add([]byte{headGeneral, 0x83, 0x01, 1, 2, 3, 0}, uint16(0x7FF))
	f.Add([]byte{0xFF, 0xFF}, uint16(1))
	f.Fuzz(func(t *testing.T, p []byte, scope uint16) {
		_, _, _, first, n := decodeCounts(p, scope)
		if n > len(p) {
			t.Fatalf("read %d of %d bytes", n, len(p))
		}
		if n > 0 && first < 0 {
			t.Fatalf("first field %d", first)
		}
		// The same bytes as a mask and counts: encoded, they decode.
		var counts [numClasses]uint16
		var mask uint16
		for i, b := range p {
			if c := i % numClasses; b != 0 {
				mask |= 1 << c
				counts[c] = max(uint16(b)*uint16(i+1), 1)
			}
		}
		want := counts
		enc := encodePosting(mask, counts, int32(len(p)))
		gt, gu, gotO, gf, gn := decodeCounts(enc, scope)
		wt, wu, wo := wantSums(mask, want, scope)
		if gn != len(enc) || gf != int32(len(p)) || gt != wt || gu != wu || gotO != wo {
			t.Fatalf("mask %#x counts %v: decoded %d %d %d first %d n %d", mask, want, gt, gu, gotO, gf, gn)
		}
	})
}
