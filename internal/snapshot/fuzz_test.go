package snapshot

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/backchat/backchat/model"
)

// FuzzOpen opens damaged snapshots and decodes every tree: errors, never a
// panic. The checksums stop most mutations at open; FuzzDecode reaches the
// decoders behind them.
func FuzzOpen(f *testing.F) {
	_, good := demoSnapshot(f)
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add(good[:HeaderSize])
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := OpenBytes(b, testFP)
		if err != nil {
			return
		}
		for _, c := range s.Archive.Conversations {
			c.Tree()
			_ = c.TreeErr()
		}
	})
}

// FuzzDecode runs the section decoders (tree blob, pool, meta, conversation
// table) over arbitrary bytes, as if they had passed their checksums.
func FuzzDecode(f *testing.F) {
	_, good := demoSnapshot(f)
	h, err := readHeader(good, testFP)
	if err != nil {
		f.Fatal(err)
	}
	s, err := OpenBytes(good, testFP)
	if err != nil {
		f.Fatal(err)
	}
	_ = s
	// Seeds: the first conversation's strings+blob, and each section.
	d := &dec{b: h.bytes(good, secConvtab)}
	for range d.count(1 << 20) { // skip the Sources lists
		for range d.count(1 << 20) {
			d.inline()
		}
	}
	f.Add(byte(0), h.bytes(good, secPool))
	f.Add(byte(1), h.bytes(good, secMeta))
	f.Add(byte(2), h.bytes(good, secConvtab))
	f.Add(byte(3), h.bytes(good, secData)[:4096])
	f.Fuzz(func(t *testing.T, kind byte, b []byte) {
		pool := []string{"user", "assistant", "text"}
		switch kind % 4 {
		case 0:
			_, _ = decodePool(b)
		case 1:
			_ = decodeMeta(b, nil2())
		case 2:
			// The conversation table with b as its own strings region.
			buf := append(append([]byte(nil), b...), b...)
			hh := header{}
			hh.secs[secConvtab] = section{off: 0, len: uint64(len(b))}
			hh.secs[secHstr] = section{off: uint64(len(b)), len: uint64(len(b))}
			hh.secs[secData] = section{off: 0, len: uint64(len(buf))}
			sn := &Snapshot{data: buf, Archive: nil2(), damaged: s.damaged}
			err := sn.decodeConvtabWith(&hh, pool, nil, 1<<30, 1)
			// Decoded in spans on several goroutines: the same answer.
			sp := &Snapshot{data: buf, Archive: nil2(), damaged: s.damaged}
			if perr := sp.decodeConvtabWith(&hh, pool, nil, 2, 3); fmt.Sprint(perr) != fmt.Sprint(err) ||
				len(sp.Archive.Conversations) != len(sn.Archive.Conversations) {
				t.Fatalf("in spans: %v, %d conversations; in order: %v, %d", perr, len(sp.Archive.Conversations), err, len(sn.Archive.Conversations))
			}
			if err == nil {
				for i, c := range sn.Archive.Conversations {
					if c.ID != sp.Archive.Conversations[i].ID || sn.refs[i].vstart != sp.refs[i].vstart {
						t.Fatalf("conversation %d differs in spans", i)
					}
					c.Tree()
				}
			}
		case 3:
			// A blob whose strings are the first half of b.
			half := len(b) / 2
			st := &strs{data: b, cur: 0, end: half, pool: pool}
			_, _ = decodeTree(b[half:], st)
		}
	})
}

func nil2() *model.Archive { return &model.Archive{} }

// FuzzChunks reads arbitrary bytes as a chunked frame (as if it had passed
// its checksum): its table and every chunk decode or fail, never panic,
// and a frame the writer made decodes to its bytes.
func FuzzChunks(f *testing.F) {
	raw := make([]byte, 0, 3*chunkSize)
	for i := 0; len(raw) < 3*chunkSize-20; i++ {
		raw = append(raw, "some text that repeats, number "...)
		raw = append(raw, byte('0'+i%10))
	}
	strLen := uint64(len(raw) - 10)
	stored, method := appendFrame(nil, nil, raw, []int{chunkSize, 2 * chunkSize, len(raw) - 10}, len(raw)-10)
	if method != frameChunks {
		f.Fatal("the seed frame was not compressed")
	}
	f.Add(stored, strLen, uint64(len(raw)))
	f.Add([]byte{1, 3, 0, 'a', 'b', 'c'}, uint64(3), uint64(3))
	f.Fuzz(func(t *testing.T, b []byte, sl, rawLen uint64) {
		if rawLen > 1<<20 || sl > rawLen {
			return
		}
		cs, ok := parseChunks(b, sl, rawLen)
		if !ok {
			return
		}
		out := make([]byte, rawLen)
		whole := true
		for _, c := range cs {
			whole = decodeChunk(out[c.start:c.end], b, c) && whole
		}
		if bytes.Equal(b, stored) && sl == strLen && (!whole || !bytes.Equal(out, raw)) {
			t.Fatal("the writer's frame does not decode to its bytes")
		}
	})
}
