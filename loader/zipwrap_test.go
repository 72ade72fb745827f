package loader

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/klauspost/compress/zip"
)

// TestWrappedZip builds the kind of ZIP ChatGPT writes past 4 GiB: no
// ZIP64 records, 32-bit offsets that wrapped. A sparse hole stands in for
// 4 GiB of media, so the file takes a few KB of disk.
func TestWrappedZip(t *testing.T) {
	if testing.Short() || runtime.GOOS == "windows" {
		t.Skip("writes a sparse 4 GiB file (not sparse by default on Windows)")
	}
	p := filepath.Join(t.TempDir(), "big-export.zip")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	le := binary.LittleEndian
	type ent struct {
		name         string
		method       uint16
		crc          uint32
		csize, usize uint32
		off          int64
	}
	var ents []ent
	pos := int64(0)
	local := func(name string, method uint16, data []byte, raw []byte, usize int64) {
		h := make([]byte, 30)
		le.PutUint32(h, sigLocal)
		le.PutUint16(h[4:], 20)
		le.PutUint16(h[8:], method)
		crc := crc32.ChecksumIEEE(raw)
		le.PutUint32(h[14:], crc)
		le.PutUint32(h[18:], uint32(int64(len(data))))
		le.PutUint32(h[22:], uint32(usize))
		le.PutUint16(h[26:], uint16(len(name)))
		f.Write(h)
		f.WriteString(name)
		f.Write(data)
		ents = append(ents, ent{name, method, crc, uint32(len(data)), uint32(usize), pos})
		pos += int64(30 + len(name) + len(data))
	}
	files, _ := assetExport()
	conv := []byte(files["conversations.json"])
	var def bytes.Buffer
	fw, _ := flate.NewWriter(&def, flate.BestSpeed)
	fw.Write(conv)
	fw.Close()
	local("Export/conversations.json", 8, def.Bytes(), conv, int64(len(conv)))

	// 4 GiB + 1000 bytes of stored media, as a hole.
	const big = 1<<32 + 1000
	h := make([]byte, 30)
	le.PutUint32(h, sigLocal)
	le.PutUint32(h[18:], uint32(big&0xFFFFFFFF))
	le.PutUint32(h[22:], uint32(big&0xFFFFFFFF))
	le.PutUint16(h[26:], uint16(len("Export/big.mp4")))
	f.Write(h)
	f.WriteString("Export/big.mp4")
	ents = append(ents, ent{"Export/big.mp4", 0, 0, uint32(big & 0xFFFFFFFF), uint32(big & 0xFFFFFFFF), pos})
	pos += int64(30+len("Export/big.mp4")) + big
	if _, err := f.Seek(pos, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"file-upload1-photo.jpg", "user-u1/file_00aa-1234.png"} {
		local("Export/"+name, 0, []byte(files[name]), []byte(files[name]), int64(len(files[name])))
	}
	cdStart := pos
	var cd bytes.Buffer
	for _, e := range ents {
		c := make([]byte, 46)
		le.PutUint32(c, sigCentr)
		le.PutUint16(c[4:], 20)
		le.PutUint16(c[6:], 20)
		le.PutUint16(c[10:], e.method)
		le.PutUint32(c[16:], e.crc)
		le.PutUint32(c[20:], e.csize)
		le.PutUint32(c[24:], e.usize)
		le.PutUint16(c[28:], uint16(len(e.name)))
		le.PutUint32(c[42:], uint32(e.off&0xFFFFFFFF)) // wrapped
		cd.Write(c)
		cd.WriteString(e.name)
	}
	f.Write(cd.Bytes())
	end := make([]byte, 22)
	le.PutUint32(end, sigEnd)
	le.PutUint16(end[8:], uint16(len(ents)))
	le.PutUint16(end[10:], uint16(len(ents)))
	le.PutUint32(end[12:], uint32(cd.Len()))
	le.PutUint32(end[16:], uint32(cdStart&0xFFFFFFFF)) // wrapped
	f.Write(end)
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}

	// Guard: the regular reader must fail on this archive, or the test
	// would not exercise the fallback.
	rf, _ := os.Open(p)
	fi, _ := rf.Stat()
	if zr, err := zip.NewReader(rf, fi.Size()); err == nil && entriesReachable(zr) {
		t.Fatal("the regular ZIP reader copes; the test archive is not wrapped")
	}
	rf.Close()

	a := mustOpen(t, p)
	c := find(a, "cid")
	if c == nil || c.Source != p+":Export/conversations.json" {
		t.Fatalf("wrapped ZIP: %v %v", ids(a), a.Warnings)
	}
	var found, opened int
	for _, b := range c.Nodes[0].Msg.Blocks {
		if b.Asset() == nil || b.Asset().File == "" {
			continue
		}
		found++
		if rc, err := OpenAsset(c, b.Asset()); err == nil {
			got, _ := io.ReadAll(rc)
			rc.Close()
			if string(got) == files[b.Asset().File] {
				opened++
			}
		}
	}
	if found != 2 || opened != 2 {
		t.Errorf("assets found %d, opened %d; want 2 and 2", found, opened)
	}
}

// FuzzWrappedZip feeds arbitrary bytes to the wrapped-ZIP reader.
func FuzzWrappedZip(f *testing.F) {
	files, _ := assetExport()
	f.Add(writeZip(f, "", files))
	f.Add(toZip64(f, writeZip(f, "", map[string]string{"a/conversations.json": "[]"})))
	f.Fuzz(func(t *testing.T, data []byte) {
		r := bytes.NewReader(data)
		ents, err := readWrappedZip(r, int64(len(data)))
		if err != nil {
			return
		}
		for i := range ents {
			if rc, err := ents[i].open(r); err == nil {
				io.Copy(io.Discard, io.LimitReader(rc, 1<<20))
				rc.Close()
			}
		}
	})
}

// TestWrappedEntryBombRefused: an entry of a wrapped >4 GiB ZIP inflates
// under the same ratio bound as any other (ratioReader): 200 MB of zeros
// deflated to ~200 KB is refused past the grace.
func TestWrappedEntryBombRefused(t *testing.T) {
	var def bytes.Buffer
	fw, _ := flate.NewWriter(&def, flate.BestSpeed)
	zero := make([]byte, 1<<20)
	for range 200 {
		fw.Write(zero)
	}
	fw.Close()
	e := wrappedEntry{name: "conversations.json", method: 8, size: 200 << 20, dataOff: 0, dataEnd: int64(def.Len())}
	rc, err := e.open(bytes.NewReader(def.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	n, err := io.Copy(io.Discard, rc)
	if !errors.Is(err, errRatio) {
		t.Fatalf("inflated %d bytes from %d, error %v; want the ZIP bomb refused", n, def.Len(), err)
	}
}
