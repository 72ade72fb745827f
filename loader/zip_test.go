package loader

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/backchat/backchat/model"
)

// writeZip writes files (name → content) into a ZIP at p, deflated.
func writeZip(t testing.TB, p string, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, files[n])
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if p != "" {
		if err := os.WriteFile(p, buf.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

// toZip64 rewrites a small ZIP (no comment) the way ZIP64 writers store
// it: every central-directory entry keeps its local-header offset in a
// ZIP64 extra field (0xFFFFFFFF in the 32-bit slot), and the directory is
// found through a ZIP64 end record and locator.
func toZip64(t testing.TB, z []byte) []byte {
	t.Helper()
	le := binary.LittleEndian
	eocd := z[len(z)-22:]
	if le.Uint32(eocd) != 0x06054b50 {
		t.Fatal("no end of central directory")
	}
	entries := le.Uint16(eocd[10:])
	cdOff := le.Uint32(eocd[16:])
	cdSize := le.Uint32(eocd[12:])
	cd := z[cdOff : cdOff+cdSize]
	var newCD bytes.Buffer
	for i := 0; i < int(entries); i++ {
		if le.Uint32(cd) != 0x02014b50 {
			t.Fatal("bad central header")
		}
		nameLen, extraLen, commentLen := int(le.Uint16(cd[28:])), int(le.Uint16(cd[30:])), int(le.Uint16(cd[32:]))
		hdr := append([]byte(nil), cd[:46]...)
		off := le.Uint32(hdr[42:])
		le.PutUint32(hdr[42:], 0xFFFFFFFF)
		le.PutUint16(hdr[4:], 45)
		le.PutUint16(hdr[6:], 45)
		extra := append([]byte(nil), cd[46+nameLen:46+nameLen+extraLen]...)
		var x64 [12]byte
		le.PutUint16(x64[0:], 0x0001)
		le.PutUint16(x64[2:], 8)
		le.PutUint64(x64[4:], uint64(off))
		extra = append(x64[:], extra...)
		le.PutUint16(hdr[30:], uint16(len(extra)))
		newCD.Write(hdr)
		newCD.Write(cd[46 : 46+nameLen])
		newCD.Write(extra)
		newCD.Write(cd[46+nameLen+extraLen : 46+nameLen+extraLen+commentLen])
		cd = cd[46+nameLen+extraLen+commentLen:]
	}
	var out bytes.Buffer
	out.Write(z[:cdOff])
	out.Write(newCD.Bytes())
	end64 := uint64(out.Len())
	rec := make([]byte, 56)
	le.PutUint32(rec[0:], 0x06064b50)
	le.PutUint64(rec[4:], 44)
	le.PutUint16(rec[12:], 45)
	le.PutUint16(rec[14:], 45)
	le.PutUint64(rec[24:], uint64(entries))
	le.PutUint64(rec[32:], uint64(entries))
	le.PutUint64(rec[40:], uint64(newCD.Len()))
	le.PutUint64(rec[48:], uint64(cdOff))
	out.Write(rec)
	loc := make([]byte, 20)
	le.PutUint32(loc[0:], 0x07064b50)
	le.PutUint64(loc[8:], end64)
	le.PutUint32(loc[16:], 1)
	out.Write(loc)
	end := make([]byte, 22)
	le.PutUint32(end[0:], 0x06054b50)
	le.PutUint16(end[8:], 0xFFFF)
	le.PutUint16(end[10:], 0xFFFF)
	le.PutUint32(end[12:], 0xFFFFFFFF)
	le.PutUint32(end[16:], 0xFFFFFFFF)
	out.Write(end)
	return out.Bytes()
}

func TestZip(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"Export 2026/conversations-000.json":            array(simple("z1", "Z1", 1)),
		"Export 2026/conversations-001.json":            array(simple("z2", "Z2", 2)),
		"Export 2026/chat.html":                         "<html></html>",
		"__MACOSX/Export 2026/._conversations-000.json": "\x00\x05\x16\x07junk",
		"Export 2026/notes/readme.txt":                  "x",
	}
	z := writeZip(t, "", files)
	plain := filepath.Join(dir, "export.zip")
	os.WriteFile(plain, z, 0o600)
	z64 := filepath.Join(dir, "export64.zip")
	os.WriteFile(z64, toZip64(t, z), 0o600)
	for _, p := range []string{plain, z64} {
		a := mustOpen(t, p)
		if got := ids(a); !slices.Equal(got, []string{"z2", "z1"}) || len(a.Warnings) != 0 {
			t.Errorf("%s: ids %v warnings %v", p, got, a.Warnings)
		}
		if src := find(a, "z1").Source; src != p+":Export 2026/conversations-000.json" {
			t.Errorf("source = %q", src)
		}
	}
	// The ZIP64 rewrite must really be ZIP64 (guards the test itself).
	if b, _ := os.ReadFile(z64); !bytes.Contains(b, []byte{0x50, 0x4b, 0x06, 0x06}) {
		t.Fatal("no ZIP64 end record")
	}
	none := filepath.Join(dir, "none.zip")
	writeZip(t, none, map[string]string{"user.json": "{}"})
	if _, err := Open(none); err == nil || !strings.Contains(err.Error(), "no conversations.json") {
		t.Errorf("zip without conversations: %v", err)
	}
	broken := filepath.Join(dir, "broken.zip")
	os.WriteFile(broken, z[:len(z)/2], 0o600)
	// Cut in half: what its local headers hold before the cut loads, and
	// a warning says where the archive ends (here inside a conversation).
	if a, err := Open(broken); err != nil {
		t.Errorf("broken ZIP: %v", err)
	} else if !slices.ContainsFunc(a.Warnings, func(w model.Warning) bool {
		return strings.HasPrefix(w.Reason, fmt.Sprintf("the ZIP ends at byte %d, inside this conversation", len(z)/2))
	}) {
		t.Errorf("broken ZIP: %d conversations, warnings %v", len(a.Conversations), a.Warnings)
	}
}

// assetExport lays out every asset naming scheme of docs/formats.md#chatgpt-assets.
func assetExport() (map[string]string, string) {
	part := func(ptr string, extra string) string {
		return `{"content_type": "image_asset_pointer", "asset_pointer": "` + ptr + `"` + extra + `}`
	}
	m := `{"id": "m", "author": {"role": "user"}, "content": {"content_type": "multimodal_text", "parts": [` +
		strings.Join([]string{
			part("file-service://file-upload1", ""),
			part("sediment://file_00aa", ""),
			part("file-service://file-dalle9", `, "size_bytes": 7, "metadata": {"dalle": {"prompt": "a cat", "gen_id": "g"}}`),
			part("sediment://file_voice", ""),
			part("file-service://file-dat1", ""),
			part("file-service://file-nothere", ""),
		}, ", ") + `]}, "metadata": {"attachments": [{"id": "file-upload1", "name": "photo.jpg", "mime_type": "image/jpeg"}]}}`
	c := conv("cid", "Assets", "m", 1, node("m", "", m))
	return map[string]string{
		"conversations.json":                  "[" + c + "]",
		"file-upload1-photo.jpg":              "JPEG",
		"user-u1/file_00aa-1234.png":          "PNG",
		"dalle-generations/0b1c-uuid.webp":    "WEBP!!!", // 7 bytes
		"dalle-generations/other.webp":        "12345678",
		"cid/audio/file_voice-abc.wav":        "RIFF",
		"file-dat1.dat":                       "DAT",
		"conversation_asset_file_names.json":  `{"file-dat1.dat": "dalle-generations/original.webp"}`,
		"file-upload10-wrong-prefix-trap.jpg": "no",
	}, "cid"
}

func checkAssets(t *testing.T, a *model.Archive) {
	t.Helper()
	c := find(a, "cid")
	var got []model.Asset
	for _, b := range c.Nodes[0].Msg.Blocks {
		if b.Kind == model.BlockImage {
			got = append(got, *b.Asset())
		}
	}
	want := []struct{ file, content string }{
		{"file-upload1-photo.jpg", "JPEG"},
		{"user-u1/file_00aa-1234.png", "PNG"},
		{"dalle-generations/0b1c-uuid.webp", "WEBP!!!"},
		{"cid/audio/file_voice-abc.wav", "RIFF"},
		{"file-dat1.dat", "DAT"},
		{"", ""},
	}
	if len(got) != len(want) {
		t.Fatalf("assets: %+v", got)
	}
	for i, w := range want {
		if got[i].File != w.file || got[i].Missing != (w.file == "") {
			t.Errorf("asset %d (%s): file %q missing %v, want %q", i, got[i].Pointer, got[i].File, got[i].Missing, w.file)
			continue
		}
		if w.file == "" {
			if _, err := OpenAsset(c, &got[i]); err == nil {
				t.Errorf("missing asset opened")
			}
			continue
		}
		rc, err := OpenAsset(c, &got[i])
		if err != nil {
			t.Errorf("open %s: %v", w.file, err)
			continue
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		if string(b) != w.content {
			t.Errorf("%s holds %q", w.file, b)
		}
	}
	if got[0].Name != "photo.jpg" || got[0].MIME != "image/jpeg" || got[2].Prompt != "a cat" || got[4].Name != "original.webp" ||
		got[1].MIME != "image/png" || got[4].MIME != "image/webp" {
		t.Errorf("names: %+v", got)
	}
}

func TestAssetsInFolderAndZip(t *testing.T) {
	files, _ := assetExport()
	dir := t.TempDir()
	for n, c := range files {
		writeFile(t, dir, "export/"+n, c)
	}
	checkAssets(t, mustOpen(t, filepath.Join(dir, "export")))
	checkAssets(t, mustOpen(t, filepath.Join(dir, "export", "conversations.json")))

	zfiles := map[string]string{}
	for n, c := range files {
		zfiles["top/"+n] = c
	}
	zp := filepath.Join(dir, "my:export.zip") // a colon in the path too
	writeZip(t, zp, zfiles)
	checkAssets(t, mustOpen(t, zp))

	if _, err := OpenAsset(&model.Conversation{Source: zp + ":top/conversations.json"}, &model.Asset{File: "../../etc/passwd"}); err == nil {
		t.Error("path traversal accepted")
	}
}

func TestNestedZip(t *testing.T) {
	dir := t.TempDir()
	files, _ := assetExport()
	inner := writeZip(t, "", files)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.CreateHeader(&zip.FileHeader{Name: "Conversations__abc-part-001.zip", Method: zip.Store})
	w.Write(inner)
	w, _ = zw.CreateHeader(&zip.FileHeader{Name: "Files__abc-files-001.zip", Method: zip.Deflate})
	w.Write(writeZip(t, "", map[string]string{"dalle-generations/more.webp": "W"}))
	zw.Close()
	outer := filepath.Join(dir, "outer.zip")
	os.WriteFile(outer, buf.Bytes(), 0o600)
	a := mustOpen(t, outer)
	c := find(a, "cid")
	if c == nil || c.Source != outer+":Conversations__abc-part-001.zip:conversations.json" {
		t.Fatalf("nested: %v", ids(a))
	}
	checkAssets(t, a)

	// A deflated inner ZIP is read too (innerzip_test.go has more).
	deflated := filepath.Join(dir, "deflated.zip")
	writeZip(t, deflated, map[string]string{"Conversations__x-part-001.zip": string(inner)})
	checkAssets(t, mustOpen(t, deflated))
}
