package loader

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/klauspost/compress/flate"
	"github.com/klauspost/compress/zip"

	"github.com/backchat/backchat/internal/testkit/gen"
	"github.com/backchat/backchat/model"
)

// Damaged input (issue 12): after k damaged bytes at least
// conversations-k-1 load, and the conversations reported skipped are
// exactly the ones that did not load.

// genDamageExport is a small generated export and its conversation count.
func genDamageExport(t testing.TB, size int64, seed int64) ([]byte, int) {
	t.Helper()
	var b bytes.Buffer
	st, err := gen.Write(&b, gen.Config{Seed: seed, TargetBytes: size, NoHuge: true})
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes(), st.Conversations
}

// convSpans returns the byte range of each conversation of an intact file.
func convSpans(t testing.TB, data []byte) [][2]int64 {
	t.Helper()
	var spans [][2]int64
	s := newScanner(bytes.NewReader(data), int64(len(data)))
	s.emit = func(b []byte, _ int, off int64) error {
		spans = append(spans, [2]int64{off, off + int64(len(b))})
		return nil
	}
	s.warn = func(k warnKind, i int, off int64, r string) { t.Fatalf("intact input warned: %s", r) }
	if err := s.run(); err != nil {
		t.Fatal(err)
	}
	return spans
}

// outcome is what a load of damaged input gave.
type outcome struct {
	loaded, skipped int
	err             error
	a               *model.Archive
}

func (o outcome) String() string {
	if o.err != nil {
		return "error: " + o.err.Error()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d loaded, %d skipped", o.loaded, o.skipped)
	for i, w := range o.a.Warnings {
		if i == 8 {
			fmt.Fprintf(&b, "\n  … %d more", len(o.a.Warnings)-8)
			break
		}
		b.WriteString("\n  " + w.String())
	}
	return b.String()
}

func loadDamaged(t testing.TB, dir, name string, data []byte) outcome {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return loadPath(t, p, Options{Workers: 2})
}

// loadPath loads p with opts.
func loadPath(t testing.TB, p string, opts Options) outcome {
	t.Helper()
	a, err := OpenContext(context.Background(), opts, p)
	if err != nil {
		return outcome{err: err}
	}
	o := outcome{loaded: len(a.Conversations), a: a}
	for _, w := range a.Warnings {
		if w.Kind == model.WarnSkipped {
			o.skipped++
		}
	}
	return o
}

// flip damages k distinct random bytes (each set to another value).
func flip(data []byte, r *rand.Rand, k int) []byte {
	d := bytes.Clone(data)
	for _, i := range r.Perm(len(d))[:k] {
		d[i] ^= byte(1 + r.IntN(255))
	}
	return d
}

// checkFlips asserts the property for k flips: conversations-k-1 load at
// least, and loaded + reported skipped == conversations.
func checkFlips(t *testing.T, what string, o outcome, n, k int) {
	t.Helper()
	if o.err != nil {
		if n-k-1 > 0 {
			t.Errorf("%s: %d flips: %v", what, k, o.err)
		}
		return
	}
	if o.loaded < n-k-1 || o.loaded+o.skipped != n {
		t.Errorf("%s: %d flips of %d conversations: %s", what, k, n, o)
	}
}

// checkCut asserts the property for a cut at byte c: every conversation
// wholly before it loads, and the one it goes through is reported.
func checkCut(t *testing.T, what string, o outcome, spans [][2]int64, c int64) {
	t.Helper()
	whole, partial := 0, 0
	for _, sp := range spans {
		switch {
		case sp[1] <= c:
			whole++
		case sp[0] < c:
			partial++
		}
	}
	if o.err != nil {
		if whole > 0 {
			t.Errorf("%s: cut at %d (%d whole conversations before it): %v", what, c, whole, o.err)
		}
		return
	}
	if o.loaded != whole || o.skipped != partial {
		t.Errorf("%s: cut at %d: want %d loaded, %d skipped; got %s", what, c, whole, partial, o)
	}
}

func TestDamagedJSONProperty(t *testing.T) {
	data, n := genDamageExport(t, 1<<20, 3)
	spans := convSpans(t, data)
	if len(spans) != n {
		t.Fatalf("%d spans, %d conversations", len(spans), n)
	}
	dir := t.TempDir()
	r := rand.New(rand.NewPCG(12, 1))
	for trial := range 80 {
		k := 1 + trial%5
		o := loadDamaged(t, dir, "conversations.json", flip(data, r, k))
		checkFlips(t, fmt.Sprintf("trial %d", trial), o, n, k)
	}
	for trial := range 25 {
		c := int64(r.IntN(len(data)))
		o := loadDamaged(t, dir, "conversations.json", data[:c])
		checkCut(t, fmt.Sprintf("trial %d", trial), o, spans, c)
	}
}

// storedZip puts data in a ZIP as conversations.json without compression
// (written streaming: with a data descriptor).
func storedZip(t testing.TB, data []byte, method uint16) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "conversations.json", Method: method})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(data)
	w2, _ := zw.Create("user.json")
	w2.Write([]byte(`{"id": "user"}`))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// entryData returns where conversations.json's data lies in z.
func entryData(t testing.TB, z []byte) (off, n int64) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(z), int64(len(z)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name == "conversations.json" {
			off, err := f.DataOffset()
			if err != nil {
				t.Fatal(err)
			}
			return off, int64(f.CompressedSize64)
		}
	}
	t.Fatal("no conversations.json")
	return 0, 0
}

func TestDamagedZIPProperty(t *testing.T) {
	data, n := genDamageExport(t, 1<<20, 5)
	spans := convSpans(t, data)
	dir := t.TempDir()
	r := rand.New(rand.NewPCG(13, 1))
	for _, method := range []uint16{zip.Store, zip.Deflate} {
		z := storedZip(t, data, method)
		dataOff, dataLen := entryData(t, z)
		name := map[uint16]string{zip.Store: "stored", zip.Deflate: "deflated"}[method]
		for trial := range 40 {
			k := 1 + trial%4
			d := flip(z, r, k)
			inData := 0
			for i := range d {
				if d[i] != z[i] && int64(i) >= dataOff && int64(i) < dataOff+dataLen {
					inData++
				}
			}
			o := loadDamaged(t, dir, "export.zip", d)
			if method == zip.Deflate && inData > 0 {
				// A damaged deflate stream cannot be resumed: what was
				// inflated before the damage loads, and nothing more is
				// reported than was lost.
				if o.err == nil && o.loaded+o.skipped > n {
					t.Errorf("%s trial %d: %d flips in the data: %s", name, trial, k, o)
				}
				continue
			}
			checkFlips(t, fmt.Sprintf("%s trial %d", name, trial), o, n, k)
		}
		for trial := range 20 {
			c := dataOff + int64(r.IntN(int(dataLen)))
			if trial%5 == 0 { // also cuts in the headers and directory
				c = int64(r.IntN(len(z)))
			}
			// What can be read up to the cut, uncompressed.
			readable := min(max(c-dataOff, 0), int64(len(data)))
			if method == zip.Deflate {
				out, _ := io.ReadAll(flate.NewReader(bytes.NewReader(z[dataOff:min(c, dataOff+dataLen)])))
				readable = int64(len(out))
				if c <= dataOff {
					readable = 0
				}
			}
			o := loadDamaged(t, dir, "export.zip", z[:c])
			if c >= dataOff+dataLen {
				checkFlips(t, fmt.Sprintf("%s cut at %d (after the data)", name, c), o, n, 0)
				continue
			}
			checkCut(t, fmt.Sprintf("%s trial %d", name, trial), o, spans, readable)
			// The cut is told once: where it fell in a conversation, else
			// as the archive's missing directory.
			if o.err == nil && !slices.ContainsFunc(o.a.Warnings, func(w model.Warning) bool {
				return strings.Contains(w.Reason, fmt.Sprintf("the file ends at byte %d, without the archive's directory; entries read from their headers", c)) ||
					strings.HasPrefix(w.Reason, fmt.Sprintf("the ZIP ends at byte %d, inside this conversation", c))
			}) {
				t.Errorf("%s cut at %d: no warning names it: %s", name, c, o)
			}
		}
	}
}

// TestOpeningDamagedIntoArrayEnd: a conversation's '{' damaged into ']'
// closes the array early; that conversation is reported skipped and every
// other one loads, whether it was the first (no opening learned yet) or a
// later one.
func TestOpeningDamagedIntoArrayEnd(t *testing.T) {
	data, n := genDamageExport(t, 64<<10, 3)
	spans := convSpans(t, data)
	if len(spans) < 4 {
		t.Fatalf("%d conversations: the test is too weak", len(spans))
	}
	for _, k := range []int{0, 2, len(spans) - 1} {
		in := bytes.Clone(data)
		in[spans[k][0]] = ']'
		o := loadDamaged(t, t.TempDir(), "conversations.json", in)
		if o.err != nil || o.loaded != n-1 || o.skipped != 1 {
			t.Errorf("conversation %d of %d: want %d loaded, 1 skipped; got %s", k, n, n-1, o)
		}
	}
}

// TestStrayArrayBeforeConversations: bytes that open an array ("[x",
// "[1, [") inserted where a conversation belongs, before the first one or
// between two, do not swallow the conversations after them as one array
// element: the array is read as malformed data up to the next conversation
// opening and every conversation loads (FuzzDamage c2d08524f3285183:
// "[[on[{…" loaded nothing; between two, the rest of the file was one
// skipped element and its conversations were lost without a word).
func TestStrayArrayBeforeConversations(t *testing.T) {
	data, n := genDamageExport(t, 64<<10, 3)
	spans := convSpans(t, data)
	if len(spans) < 4 {
		t.Fatalf("%d conversations: the test is too weak", len(spans))
	}
	for _, k := range []int{0, 2} {
		for _, junk := range []string{"[on", "[x", "[1, [", "[\"a\", [[", "[ ["} {
			at, dir := spans[k][0], t.TempDir()
			in := slices.Concat(data[:at], []byte(junk), data[at:])
			o := loadDamaged(t, dir, "conversations.json", in)
			if o.err != nil || o.loaded != n || o.skipped != 0 {
				t.Errorf("%q before conversation %d of %d: want %d loaded; got %s", junk, k, n, n, o)
			}
			sameLoad(t, fmt.Sprintf("%q before conversation %d", junk, k), filepath.Join(dir, "conversations.json"))
		}
	}
}
