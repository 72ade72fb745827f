package loader

import (
	"bytes"
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/klauspost/compress/zip"

	"github.com/backchat/backchat/internal/testkit/gen"
)

// FuzzDamage damages a valid export (byte flips, junk inserts, one cut)
// and checks issue 12's property on what loads: with d damages, at least
// conversations-d-1 load, and the conversations reported skipped are the
// ones lost (an inserted value standing as an element of the array may be
// reported as one more, at most one per insert). Mode 0 damages the JSON,
// mode 1 a ZIP storing it, mode 2 a ZIP deflating it (damage inside the
// deflate stream is only checked not to crash: see below).
//
// Each input is loaded as the browser's first load does too, keeping the
// conversations' trees compressed (Options.Compact; all of them, or
// those beyond the first third of the input when mode/3 is odd): that
// load must give the same error, warnings, conversations and trees
// (compactSame), by the scanner and, for mode 0, by the split.
//
//	go test ./loader -run '^$' -fuzz FuzzDamage -fuzzminimizetime 2s
func FuzzDamage(f *testing.F) {
	var b bytes.Buffer
	if _, err := gen.Write(&b, gen.Config{Seed: 9, Conversations: 6, NoHuge: true}); err != nil {
		f.Fatal(err)
	}
	data := b.Bytes()
	spans := convSpans(f, data)
	zips := [][]byte{nil, storedZip(f, data, zip.Store), storedZip(f, data, zip.Deflate)}
	offs := []int64{0, 0, 0}
	for m := 1; m < 3; m++ {
		offs[m], _ = entryData(f, zips[m])
	}
	// ops: 4 bytes each: kind, position (2 bytes, scaled to the input), value.
	f.Add(byte(0), []byte{0, 10, 0, 0x91})
	f.Add(byte(0), []byte{2, 128, 0, 0})
	f.Add(byte(0), []byte{1, 50, 0, 0, 1, 51, 0, ']'})
	f.Add(byte(1), []byte{2, 200, 0, 0})
	f.Add(byte(1), []byte{0, 255, 255, 1})
	f.Add(byte(1), []byte{1, 0, 0, '['}) // "[[[[" before the ZIP: it is still a ZIP
	f.Add(byte(2), []byte{2, 100, 0, 0})
	f.Add(byte(2), []byte{0, 254, 255, 7})
	// One flip in conversations.json's name, in the central directory
	// ("conversationS.json": dirDamage reads the local header, which
	// still names it) or in its local header (the directory names it):
	// the local-header name paths of ziplocal.go.
	for m := 1; m < 3; m++ {
		z := zips[m]
		cd := bytes.Index(z, []byte("PK\x01\x02"))
		for _, at := range []int{cd + 46, 30} {
			f.Add(byte(m), flipOp(at+len("conversation"), len(z), 0x20))
		}
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, mode byte, ops []byte) {
		third := mode/3%2 == 1
		mode %= 3
		orig, jOff := data, offs[mode]
		if mode > 0 {
			orig = zips[mode]
		}
		_, dataLen := int64(len(data)), int64(len(data))
		if mode == 2 {
			_, dataLen = entryData(t, orig)
		}
		// The cut first, then flips and inserts before it, each at a
		// position of the original (inserts from the last to the first).
		type op struct {
			kind byte
			pos  int64
			v    byte
		}
		var list []op
		cut := int64(len(orig))
		for ; len(ops) >= 4; ops = ops[4:] {
			o := op{ops[0] % 3, int64(int(ops[1])|int(ops[2])<<8) * int64(len(orig)) / 65536, ops[3]}
			if o.kind == 2 {
				cut = min(cut, o.pos)
			} else if len(list) < 8 {
				list = append(list, o)
			}
		}
		in := bytes.Clone(orig[:cut])
		flips, inserts := 0, 0
		inDeflate := mode == 2 && cut < jOff+dataLen
		slices.SortStableFunc(list, func(a, b op) int { return cmpInt64(b.pos, a.pos) })
		for _, o := range list {
			if o.pos >= cut || o.v == 0 {
				continue
			}
			if mode == 2 && o.pos >= jOff && o.pos < jOff+dataLen {
				inDeflate = true
			}
			if o.kind == 0 {
				in[o.pos] ^= o.v
				flips++
			} else {
				in = slices.Insert(in, int(o.pos), bytes.Repeat([]byte{o.v}, 1+int(o.v)%4)...)
				inserts++
			}
		}
		name := []string{"conversations.json", "export.zip", "export.zip"}[mode]
		o := loadDamaged(t, dir, name, in)
		plain := int64(0)
		if third {
			plain = int64(len(in)) / 3
		}
		compactSame(t, fmt.Sprintf("mode %d, %d flips, %d inserts, cut at %d", mode, flips, inserts, cut), filepath.Join(dir, name), o, plain)
		if mode == 0 {
			// Speculative splitting (split.go) loads it as the scanner does.
			sameLoad(t, what0(flips, inserts, cut), filepath.Join(dir, name))
			setSplit(t, true)
			compactSame(t, "split, "+what0(flips, inserts, cut), filepath.Join(dir, name), loadPath(t, filepath.Join(dir, name), Options{Workers: 2}), plain)
		}
		d := flips + inserts
		// Conversations begun and whole before the cut, in the JSON.
		jcut := min(max(cut-jOff, 0), int64(len(data)))
		if mode == 2 {
			jcut = int64(len(data))
		}
		begun, whole := 0, 0
		for _, sp := range spans {
			if sp[0] < jcut {
				begun++
			}
			if sp[1] <= jcut {
				whole++
			}
		}
		what := fmt.Sprintf("mode %d, %d flips, %d inserts, cut at %d of %d", mode, flips, inserts, cut, len(orig))
		if inDeflate {
			// Inflating damaged deflate data gives arbitrary text that can
			// mimic conversation openings (back-references copy earlier
			// ones): only the absence of a crash or hang is checked.
			return
		}
		if o.err != nil {
			if whole-d-1 > 0 {
				t.Fatalf("%s: %v", what, o.err)
			}
			return
		}
		lost := begun - o.loaded
		if o.loaded < whole-d-1 || o.skipped < lost || o.skipped > lost+inserts {
			t.Fatalf("%s: want at least %d loaded, %d+%d skipped; got %s", what, whole-d-1, lost, inserts, o)
		}
	})
}

// flipOp is the op that flips byte at of an input n bytes long (n at most
// 65536) with v.
func flipOp(at, n int, v byte) []byte {
	p := (at*65536 + n - 1) / n
	return []byte{0, byte(p), byte(p >> 8), v}
}

func what0(flips, inserts int, cut int64) string {
	return fmt.Sprintf("split: %d flips, %d inserts, cut at %d", flips, inserts, cut)
}

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
