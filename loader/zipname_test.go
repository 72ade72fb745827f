package loader

import (
	"bytes"
	"slices"
	"testing"

	"github.com/klauspost/compress/zip"

	"github.com/backchat/backchat/internal/testkit/gen"
)

func TestDamagedConvName(t *testing.T) {
	for name, want := range map[string]bool{
		"conversations.json": true,
		"conversation.json":  true,
		"conversatXons.json": true,
		"conve11rsations.js": true, // FuzzDamage 1d8b1c24cb9c77b2
		"conve222rsations.j": true, // FuzzDamage a3d0de1aee5ace7a
		"c2222onversations.": true,
		"conve22rsaXions.js": true,
		"user.json":          false,
		"projects.json":      false,
		"observations.json":  false,
		"connections.json":   false,
		"annotations.json":   false,
		"translations.json":  false,
		"group_chats.json":   false,
		"file-AbC12345.png":  false,
	} {
		if got := damagedConvName(name); got != want {
			t.Errorf("damagedConvName(%q) = %v, want %v", name, got, want)
		}
	}
}

// FuzzDamage a3d0de1aee5ace7a: three bytes inserted into the local
// header's name of a deflated conversations.json ("conve222rsations.j"),
// with the ZIP's directory unreadable, loaded 0 of 6 conversations.
func TestZipLocalNameRunInserted(t *testing.T) {
	data, n := genBytes(t, gen.Config{Seed: 9, Conversations: 6, NoHuge: true})
	for _, method := range []uint16{zip.Store, zip.Deflate} {
		z := storedZip(t, data, method)
		cd := bytes.Index(z, []byte("PK\x01\x02"))
		z = slices.Insert(z, cd+10, '0') // the directory no longer reads
		z = slices.Insert(z, 30+len("conve"), '2', '2', '2')
		o := loadDamaged(t, t.TempDir(), "export.zip", z)
		if o.err != nil || o.loaded != n || o.skipped != 0 {
			t.Errorf("method %d: want %d loaded; got %s", method, n, o)
		}
	}
}

// FuzzDamage acd7343d70a1520f: a flip turned the local header's name into
// "conversati/ns.json" (the ZIP cut before its directory): its base name,
// "ns.json", is no conversation file's, but the whole name is a damaged
// one, at the archive's root. It loaded nothing.
func TestZipLocalNameSlash(t *testing.T) {
	data, n := genBytes(t, gen.Config{Seed: 9, Conversations: 6, NoHuge: true})
	spans := convSpans(t, data)
	for _, method := range []uint16{zip.Store, zip.Deflate} {
		z := storedZip(t, data, method)
		z[30+len("conversati")] = '/'
		off, size := entryData(t, storedZip(t, data, method))
		want := 3
		cut := off + spans[3][0] // the directory cut off, three conversations whole
		if method == zip.Deflate {
			want, cut = -1, off+size*2/3 // what inflates before the cut
		}
		z = z[:cut]
		o := loadDamaged(t, t.TempDir(), "export.zip", z)
		if o.err != nil || want >= 0 && o.loaded != want || o.loaded == 0 {
			t.Errorf("method %d: want %d of %d loaded; got %s", method, want, n, o)
		}
	}
}

// FuzzDamage 53aa089ae67e1a30: a flip in the local header's extra field
// length (0 -> 56) moved the data 56 bytes on, where the recorded size
// ended 20 bytes before the next entry's data descriptor, which passed for
// the next record: the directory was trusted and nothing loaded. The data
// descriptor must be where the data ends.
func TestZipDescriptorWhereDataEnds(t *testing.T) {
	data, n := genBytes(t, gen.Config{Seed: 9, Conversations: 6, NoHuge: true})
	z := storedZip(t, data, zip.Deflate)
	z[28] ^= '8'
	o := loadDamaged(t, t.TempDir(), "export.zip", z)
	if o.err != nil || o.loaded != n {
		t.Fatalf("want %d loaded; got %s", n, o)
	}
	// Intact, with descriptors (written streaming): the directory is read.
	for _, method := range []uint16{zip.Store, zip.Deflate} {
		z := storedZip(t, data, method)
		zr, err := zip.NewReader(bytes.NewReader(z), int64(len(z)))
		if err != nil {
			t.Fatal(err)
		}
		if zr.File[0].Flags&8 == 0 {
			t.Fatalf("method %d: no data descriptor", method)
		}
		if d := dirDamage(zr, bytes.NewReader(z), int64(len(z))); d != "" {
			t.Errorf("method %d: intact ZIP said damaged: %s", method, d)
		}
	}
}

// FuzzDamage e0637f796aacab22: "{{{{" inserted into the local header's
// name of a deflated conversations.json ("conversat{{{{ions.": the
// directory no longer reads, the data lies four bytes on). Probing for
// the data took the inserted "{{" for stored JSON: nothing loaded.
func TestZipProbeSkipsBracesInName(t *testing.T) {
	data, n := genBytes(t, gen.Config{Seed: 9, Conversations: 6, NoHuge: true})
	z := slices.Insert(storedZip(t, data, zip.Deflate), 30+len("conversat"), '{', '{', '{', '{')
	o := loadDamaged(t, t.TempDir(), "export.zip", z)
	if o.err != nil || o.loaded != n {
		t.Fatalf("want %d loaded; got %s", n, o)
	}
	for b, want := range map[string]bool{
		`[{"title": "a"`:               true,
		"[\n  {\n    \"title\": \"a\"": true,
		`{"conversations": [`:          true,
		`[{"tit`:                       true, // cut
		`[`:                            true,
		`{{{{ions.json`:                false,
		`{ions.json`:                   false,
		"[{\"a\x01\": 1":               false,
		`[ ]`:                          false,
		"\xEF\xBB\xBF [{\"title\"":     true,
	} {
		if got := looksJSON([]byte(b)); got != want {
			t.Errorf("looksJSON(%q) = %v, want %v", b, got, want)
		}
	}
}

// FuzzDamage 81f5338d7fc43583: the local header's name length damaged low
// (18 -> 5: "conve"), the ZIP cut before its directory: the name's bytes
// run on in the header ("conversations.json"), and the data is probed for
// after them. It loaded nothing.
func TestZipLocalNameLengthLow(t *testing.T) {
	data, _ := genBytes(t, gen.Config{Seed: 9, Conversations: 6, NoHuge: true})
	spans := convSpans(t, data)
	for _, method := range []uint16{zip.Store, zip.Deflate} {
		z := storedZip(t, data, method)
		off, size := entryData(t, z)
		z[26] = 5 // the name length
		want, cut := 4, off+spans[4][0]
		if method == zip.Deflate {
			want, cut = -1, off+size*2/3
		}
		o := loadDamaged(t, t.TempDir(), "export.zip", z[:cut])
		if o.err != nil || want >= 0 && o.loaded != want || o.loaded == 0 {
			t.Errorf("method %d: want %d loaded; got %s", method, want, o)
		}
	}
}
