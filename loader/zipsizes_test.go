package loader

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"fmt"
	"testing"

	"github.com/backchat/backchat/model"
)

// patchDeclaredSize sets the uncompressed size conversations.json's
// central directory entry declares (and, with local, its local header's
// and data descriptor's as well) to size(real).
func patchDeclaredSize(t testing.TB, z []byte, local bool, size func(real uint32) uint32) []byte {
	t.Helper()
	z = bytes.Clone(z)
	le := binary.LittleEndian
	name := []byte("conversations.json")
	patched := false
	for i := 0; i+46 <= len(z); i++ {
		switch le.Uint32(z[i:]) {
		case 0x02014b50: // central directory entry
			nl := int(le.Uint16(z[i+28:]))
			if bytes.Equal(z[i+46:i+46+nl], name) {
				le.PutUint32(z[i+24:], size(le.Uint32(z[i+24:])))
				patched = true
			}
		case 0x04034b50: // local header
			nl := int(le.Uint16(z[i+26:]))
			if local && bytes.Equal(z[i+30:i+30+nl], name) && le.Uint32(z[i+22:]) != 0 {
				le.PutUint32(z[i+22:], size(le.Uint32(z[i+22:])))
			}
		}
	}
	if !patched {
		t.Fatal("no central directory entry for conversations.json")
	}
	return z
}

// TestZipDeclaringLargerSizesLoads: a ZIP whose directory declares an
// entry larger (or smaller) than it inflates to loads every conversation
// the entry holds, and says the sizes disagree.
func TestZipDeclaringLargerSizesLoads(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		method uint16
		size   int64 // a small entry is inflated by one read
	}{{zip.Deflate, 20 << 10}, {zip.Deflate, 300 << 10}, {zip.Store, 300 << 10}} {
		method := c.method
		data, n := genDamageExport(t, c.size, 11)
		z := storedZip(t, data, method)
		for _, tc := range []struct {
			what string
			size func(uint32) uint32
			all  bool // every conversation loads (a smaller size cuts the entry)
		}{
			{"one byte larger", func(r uint32) uint32 { return r + 1 }, true},
			{"twice as large", func(r uint32) uint32 { return 2 * r }, true},
			{"4 GiB", func(uint32) uint32 { return 0xFFFFFFF0 }, true},
			{"one byte smaller", func(r uint32) uint32 { return r - 1 }, true},
			{"half", func(r uint32) uint32 { return r / 2 }, true},
		} {
			what := fmt.Sprintf("method %d, %d bytes, declared %s", method, len(data), tc.what)
			o := loadDamaged(t, dir, "export.zip", patchDeclaredSize(t, z, false, tc.size))
			if o.err != nil {
				t.Errorf("%s: %v", what, o.err)
				continue
			}
			if tc.all && o.loaded != n {
				t.Errorf("%s: %d of %d conversations loaded:\n%s", what, o.loaded, n, o)
			}
			if len(warningsOf(o.a, model.WarnData))+len(warningsOf(o.a, model.WarnTruncated))+o.skipped == 0 {
				t.Errorf("%s: no warning that the sizes disagree:\n%s", what, o)
			}
		}
	}
}

// TestZipDirectoryCRCZeroIsUnknown: an entry without a data descriptor
// whose headers give a CRC-32 of 0 (some ZIP writers leave it so;
// archive/zip takes 0 there for "not known" and checks nothing) loads
// without a CRC warning, as it did through zip.File.Open before
// openEntry. An entry with a data descriptor is checked as before.
func TestZipDirectoryCRCZeroIsUnknown(t *testing.T) {
	dir := t.TempDir()
	for _, method := range []uint16{zip.Deflate, zip.Store} {
		data, n := genDamageExport(t, 40<<10, 5)
		body := data
		if method == zip.Deflate {
			var c bytes.Buffer
			fw, _ := flate.NewWriter(&c, flate.DefaultCompression)
			fw.Write(data)
			fw.Close()
			body = c.Bytes()
		}
		var b bytes.Buffer
		zw := zip.NewWriter(&b)
		w, err := zw.CreateRaw(&zip.FileHeader{Name: "conversations.json", Method: method, CRC32: 0,
			CompressedSize64: uint64(len(body)), UncompressedSize64: uint64(len(data))})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(body)
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		o := loadDamaged(t, dir, "export.zip", b.Bytes())
		if o.err != nil {
			t.Fatalf("method %d: %v", method, o.err)
		}
		if o.loaded != n || len(o.a.Warnings) != 0 {
			t.Errorf("method %d: %d of %d conversations loaded, warnings:\n%s", method, o.loaded, n, o)
		}
		// Without its directory (cut there), the local header's CRC of 0
		// is unknown too: the warning is the missing directory's only.
		z := b.Bytes()
		o = loadDamaged(t, dir, "cut.zip", z[:bytes.Index(z, []byte("PK\x01\x02"))])
		if o.err != nil || o.loaded != n || hasWarning(o, model.WarnData, "CRC") {
			t.Errorf("method %d, cut before the directory: %d of %d loaded, warnings:\n%s", method, o.loaded, n, o)
		}
	}
}

// TestZipDirectoryNameFlipKeepsTheShard: one flipped byte in a shard's
// name in the central directory (its local header intact) costs no
// conversation: the local headers are read instead, and the damage is
// told. An image entry's name is left alone.
func TestZipDirectoryNameFlipKeepsTheShard(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range map[string]string{
		"conversations-000.json": array(simple("c1", "One", 10), simple("c2", "Two", 11)),
		"conversations-001.json": array(simple("c3", "Three", 12), simple("c4", "Four", 13)),
		"file-abc.png":           "not really a png",
	} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	z := buf.Bytes()
	cd := bytes.Index(z, []byte("PK\x01\x02"))
	at := cd + bytes.Index(z[cd:], []byte("conversations-001.json"))
	if cd < 0 || at < cd {
		t.Fatal("no directory entry for the shard")
	}
	z[at+len("conversations-0")] = 'O' // conversations-0O1.json
	p := writeFile(t, t.TempDir(), "export.zip", string(z))
	a, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Conversations) != 4 {
		t.Errorf("%d conversations, want 4 (the shard named in its local header); warnings %v", len(a.Conversations), a.Warnings)
	}
	if len(a.Warnings) == 0 {
		t.Error("the damaged directory was not told")
	}
	for _, c := range []struct {
		name string
		near bool
	}{
		{"conversations.json", true}, {"conversatioms.json", true}, {"conversations-0O1.json", true},
		{"conversations-12345.json", true}, {"projects.jsoN", true}, {"prod-grok-backenD.json", true},
		{"file-abc.png", false}, {"conversations-0OO.json", false}, {"user.json", false}, {"chat.html", false},
	} {
		if got := nearConvName(c.name); got != c.near {
			t.Errorf("nearConvName(%q) = %v, want %v", c.name, got, c.near)
		}
	}
}

// TestZipExtraLengthFlipKeepsEveryConversation: a flip in the high byte of
// a local header's extra-field length (FuzzDamage's d5087298f347e1be) puts
// the data offset its header gives kilobytes into the entry's data, and
// the directory's offset with it. The entry's data is found by probing
// from the header, not taken from that offset because a space between
// two keys or a '{' of a message stands there: every conversation loads
// (was 9 of 10 and one skipped landing on the space; landing on the '{',
// none: "not a chat export").
func TestZipExtraLengthFlipKeepsEveryConversation(t *testing.T) {
	data, n := genDamageExport(t, 64<<10, 11)
	z := storedZip(t, data, zip.Store)
	off, _ := entryData(t, z)
	if binary.LittleEndian.Uint16(z[28:]) != 0 || off != 30+int64(len("conversations.json")) {
		t.Fatalf("the first entry's header is not the plain one the test patches (data at %d)", off)
	}
	ws := bytes.Index(data[4096:], []byte(", \"")) + 4096 + 1 // the space before a key
	brace := bytes.Index(data[4096:], []byte("{\"")) + 4096   // an object inside a conversation
	if ws <= 4096 || brace < 4096 {
		t.Fatal("no space or object to land on")
	}
	dir := t.TempDir()
	for _, at := range []int{ws, brace} {
		d := bytes.Clone(z)
		binary.LittleEndian.PutUint16(d[28:], uint16(at)) // the extra field runs to data[at]
		o := loadDamaged(t, dir, "export.zip", d)
		if o.err != nil || o.loaded != n || o.skipped != 0 {
			t.Errorf("data offset moved to %q…: %s, want %d loaded", data[at:at+8], o, n)
		}
	}
}
