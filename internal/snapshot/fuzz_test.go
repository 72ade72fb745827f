package snapshot

import (
	"github.com/backchat/backchat/model"
	"testing"
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
			if err := sn.decodeConvtab(&hh, pool); err == nil {
				for _, c := range sn.Archive.Conversations {
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
