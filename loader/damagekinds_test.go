package loader

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/klauspost/compress/zip"

	"github.com/backchat/backchat/internal/testkit/fixtures"
	"github.com/backchat/backchat/model"
)

// hasWarning reports whether o has a warning of kind whose text holds all
// of parts.
func hasWarning(o outcome, kind model.WarningKind, parts ...string) bool {
	if o.a == nil {
		return false
	}
	return slices.ContainsFunc(o.a.Warnings, func(w model.Warning) bool {
		if w.Kind != kind {
			return false
		}
		for _, p := range parts {
			if !strings.Contains(w.String(), p) {
				return false
			}
		}
		return true
	})
}

// splice replaces data[i:j] by s.
func splice(data []byte, i, j int, s string) []byte {
	return slices.Concat(data[:i], []byte(s), data[j:])
}

// TestDamageKinds: each damage of issue 12, with the count of what loads
// and what is reported.
func TestDamageKinds(t *testing.T) {
	data, n := genDamageExport(t, 400<<10, 21)
	spans := convSpans(t, data)
	if n < 10 {
		t.Fatalf("only %d conversations", n)
	}
	dir := t.TempDir()
	// A quote inside conversation 2 (the one closing its title).
	c2 := int(spans[2][0])
	q := c2 + bytes.Index(data[c2:], []byte(`", "create_time"`))
	between := int(spans[3][1]) + 1 // just after the ',' following conversation 3
	other, n2 := genDamageExport(t, 100<<10, 22)
	// Inside conversation 0, just before a mapping node {"id": …,
	// "message": … (which opens like a DeepSeek conversation).
	// Conversation 3's closing '}' and the quote closing conversation 4's
	// title damaged.
	c4 := int(spans[4][0])
	q4 := c4 + bytes.Index(data[c4:], []byte(`", "create_time"`))
	twoLost := splice(splice(data, q4, q4+1, "\x12"), int(spans[3][1])-1, int(spans[3][1]), "M")
	node := int(spans[0][0]) + bytes.Index(data[spans[0][0]:spans[0][1]], []byte(`{"id": `)) - 20

	cases := []struct {
		name           string
		data           []byte
		loaded, skiped int
		warn           model.WarningKind
		parts          []string
	}{
		{"bad byte (quote → 0x91)", splice(data, q, q+1, "\x91"), n - 1, 1, model.WarnSkipped,
			[]string{fmt.Sprintf("conversation 2 at byte %d", c2), "the next one starts at byte"}},
		{"missing closing quote", splice(data, q, q+1, ""), n - 1, 1, model.WarnSkipped,
			[]string{fmt.Sprintf("conversation 2 at byte %d", c2)}},
		{"stray ']' between conversations", splice(data, between, between, " ]"), n, 0, model.WarnData,
			[]string{"unexpected data after the conversation array was closed"}},
		{"NUL NUL between conversations", splice(data, between, between, "\x00\x00"), n, 0, model.WarnData,
			[]string{fmt.Sprintf("at byte %d", between), `expected a conversation ('{') or ']', found '\x00'`}},
		{"two arrays concatenated", slices.Concat(data, other), n + n2, 0, model.WarnData,
			[]string{"unexpected data after the conversation array"}},
		{"truncated", data[:spans[5][0]+100], 5, 1, model.WarnSkipped,
			[]string{fmt.Sprintf("conversation 5 at byte %d: the file ends at byte %d inside this conversation", spans[5][0], spans[5][0]+100)}},
		{"no ',' between conversations", splice(data, between-1, between, ""), n, 0, model.WarnData,
			[]string{"expected ',' between conversations"}},
		{"first '[' damaged", splice(data, 0, 1, "{"), n, 0, model.WarnData,
			[]string{"expected '[' at the start of the file"}},
		{"starts inside conversation 0", data[node:], n - 1, 1, model.WarnSkipped,
			[]string{"inside a conversation", fmt.Sprintf("skipped %d bytes", spans[1][0]-int64(node))}},
		{"'}' lost, next opening damaged", twoLost, n - 2, 2, model.WarnSkipped,
			[]string{fmt.Sprintf("conversation 3 at byte %d", spans[3][0]), fmt.Sprintf("the next one starts at byte %d", c4)}},
		{"conversation 0's '{' damaged", splice(data, 1, 2, "["), n - 1, 1, model.WarnSkipped,
			[]string{"conversation 0 at byte 1", "the conversation's opening is damaged"}},
		{"conversation 0's '{' damaged to a letter", splice(data, 1, 2, "K"), n - 1, 1, model.WarnSkipped,
			[]string{"conversation 0 at byte 1", fmt.Sprintf("up to the next conversation at byte %d", spans[1][0])}},
		{"'[[[[' before the conversations", splice(data, 0, 0, "[[[["), n, 0, model.WarnData,
			[]string{"found '[' before one; read on inside it"}},
		{"'<' before '[' (not an HTML page)", splice(data, 0, 0, "<"), n, 0, model.WarnData,
			[]string{`the file starts with "<[`}},
		{"junk before '['", splice(data, 0, 0, "222"), n, 0, model.WarnData,
			[]string{`the file starts with "222[`, "skipped 4 bytes up to the first conversation"}},
	}
	for _, c := range cases {
		o := loadDamaged(t, dir, "conversations.json", c.data)
		if testing.Verbose() {
			t.Logf("%s: %s", c.name, o)
		}
		if o.err != nil || o.loaded != c.loaded || o.skipped != c.skiped || !hasWarning(o, c.warn, c.parts...) {
			t.Errorf("%s: want %d loaded, %d skipped, a %v warning with %q; got %s", c.name, c.loaded, c.skiped, c.warn, c.parts, o)
		}
	}
}

// TestDamagedFixture: one bad byte in the first conversation of a real
// 4-conversation export loses only that conversation; k flips or a cut
// anywhere keep the property.
func TestDamagedFixture(t *testing.T) {
	p := filepath.Join(fixtures.External(t), "pkuppens-2023", "conversations.excerpt.json")
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	spans := convSpans(t, data)
	n := len(spans)
	dir := t.TempDir()
	q := bytes.Index(data, []byte(`", "create_time"`)) // closes the first title
	o := loadDamaged(t, dir, "conversations.json", splice(data, q, q+1, "\x91"))
	if o.err != nil || o.loaded != n-1 || o.skipped != 1 {
		t.Errorf("bad byte in the first conversation: %s", o)
	}
	z := storedZip(t, data, zip.Deflate)
	r := rand.New(rand.NewPCG(14, 1))
	for trial := range 60 {
		k := 1 + trial%3
		checkFlips(t, fmt.Sprintf("trial %d", trial), loadDamaged(t, dir, "conversations.json", flip(data, r, k)), n, k)
		c := int64(r.IntN(len(data)))
		checkCut(t, fmt.Sprintf("trial %d", trial), loadDamaged(t, dir, "conversations.json", data[:c]), spans, c)
	}
	// The ZIP: cut in its directory, flipped in its directory's end.
	zo := loadDamaged(t, dir, "export.zip", z[:len(z)-30])
	if zo.loaded != n || !hasWarning(zo, model.WarnTruncated, fmt.Sprintf("the file ends at byte %d, without the archive's directory; entries read from their headers", len(z)-30)) {
		t.Errorf("ZIP cut in its directory: %s", zo)
	}
}

// TestDamagedZIPKinds: the ZIP damages of issue 12.
func TestDamagedZIPKinds(t *testing.T) {
	data, n := genDamageExport(t, 300<<10, 23)
	dir := t.TempDir()
	z := storedZip(t, data, zip.Deflate)
	dataOff, dataLen := entryData(t, z)
	end := bytes.LastIndex(z, []byte("PK\x05\x06"))
	cd := bytes.Index(z, []byte("PK\x01\x02"))
	le := func(b []byte, off int, v uint32) []byte {
		b = bytes.Clone(b)
		b[off], b[off+1], b[off+2], b[off+3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
		return b
	}
	stored := storedZip(t, data, zip.Store)
	sOff, _ := entryData(t, stored)
	badCRC := bytes.Clone(stored)
	// A letter inside a message text, in the stored entry's data.
	at := int(sOff) + bytes.Index(data[len(data)/2:], []byte(`"parts": ["`)) + len(data)/2 + 11
	badCRC[at] ^= 0x01

	cases := []struct {
		name   string
		data   []byte
		loaded int
		parts  []string
	}{
		{"flipped byte in the directory's end record", le(z, end+16, 0x7fff0000), n, []string{"entries read from their headers"}},
		{"flipped byte in a directory entry's name", splice(z, cd+46, cd+47, "X"), n, []string{"entries read from their headers"}},
		{"directory declares a smaller size", le(z, cd+20, uint32(dataLen/2)), n, []string{"entries read from their headers"}},
		{"directory declares ~4 GiB (0xFFFFFFFE)", le(le(z, cd+24, 0xFFFFFFFE), cd+20, 0xFFFFFFFE), n, []string{"entries read from their headers"}},
		{"truncated in the data", z[:dataOff+dataLen/2], -1, []string{"the ZIP ends at byte", "inside this conversation (everything before it was kept)"}},
		{"CRC mismatch", badCRC, n, []string{"conversations.json", "CRC-32 mismatch"}},
	}
	for _, c := range cases {
		o := loadDamaged(t, dir, "export.zip", c.data)
		if o.err != nil || (c.loaded >= 0 && o.loaded != c.loaded) || (c.loaded < 0 && o.loaded == 0) || o.loaded+o.skipped > n {
			t.Errorf("%s: want %d loaded; got %s", c.name, c.loaded, o)
			continue
		}
		if !slices.ContainsFunc(o.a.Warnings, func(w model.Warning) bool {
			for _, p := range c.parts {
				if !strings.Contains(w.String(), p) {
					return false
				}
			}
			return true
		}) {
			t.Errorf("%s: no warning with %q: %s", c.name, c.parts, o)
		}
	}
}

// TestDamagedDirectoryNameBesideChatHTML: a chat.html beside the
// conversations must not stop the headers from being read when the
// directory's name of conversations.json is damaged (it was read instead,
// and nothing loaded), nor send an intact ZIP to its headers.
func TestDamagedDirectoryNameBesideChatHTML(t *testing.T) {
	data, n := genDamageExport(t, 200<<10, 29)
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, e := range []struct {
		name string
		body []byte
	}{
		{"conversations.json", data},
		{"chat.html", []byte("<html><body><script>var jsonData = [];</script></body></html>")},
	} {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: zip.Deflate})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(e.body)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	z := b.Bytes()
	dir := t.TempDir()
	o := loadDamaged(t, dir, "intact.zip", z)
	if o.err != nil || o.loaded != n || len(o.a.Warnings) != 0 {
		t.Fatalf("intact: want %d loaded and no warning; got %s", n, o)
	}
	cd := bytes.Index(z, []byte("PK\x01\x02"))
	damaged := splice(z, cd+46, cd+47, "C") // Conversations.json
	o = loadDamaged(t, dir, "damaged.zip", damaged)
	if o.err != nil || o.loaded != n {
		t.Fatalf("damaged name: want %d loaded; got %s", n, o)
	}
	if !hasWarning(o, model.WarnData, "local headers") {
		t.Errorf("damaged name: no warning about reading the headers: %s", o)
	}
}
