package loader

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/klauspost/compress/flate"
	"github.com/klauspost/compress/zip"

	"github.com/backchat/backchat/model"
)

// repeatReader yields n copies of c.
type repeatReader struct {
	c byte
	n int64
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return 0, io.EOF
	}
	k := int(min(int64(len(p)), r.n))
	for i := range p[:k] {
		p[i] = r.c
	}
	r.n -= int64(k)
	return k, nil
}

// boundScan runs a scanner over parts with the given limits and returns
// the emitted elements, the warnings and the largest buffer it used.
func boundScan(t *testing.T, maxElem, maxStr int64, parts ...io.Reader) (emitted int, warns []string, maxBuf int) {
	t.Helper()
	s := newScanner(io.MultiReader(parts...), 0)
	s.maxElem, s.maxStr = maxElem, maxStr
	s.emit = func(b []byte, _ int, _ int64) error {
		emitted++
		maxBuf = max(maxBuf, len(s.buf))
		return nil
	}
	s.warn = func(k warnKind, i int, off int64, r string) { warns = append(warns, r) }
	s.progress = func(int64) { maxBuf = max(maxBuf, len(s.buf)) }
	if err := s.run(); err != nil {
		t.Fatal(err)
	}
	return emitted, warns, maxBuf
}

const tinyConv = `{"title": "t", "create_time": 1, "mapping": {}}`

// TestWhitespaceNotBuffered: 256 MiB of spaces between two conversations
// cost no memory.
func TestWhitespaceNotBuffered(t *testing.T) {
	n, warns, maxBuf := boundScan(t, maxElem, maxStr,
		strings.NewReader("["+tinyConv+","), &repeatReader{' ', 256 << 20}, strings.NewReader(tinyConv+"]"))
	if n != 2 || len(warns) != 0 || maxBuf > 2*chunkSize {
		t.Errorf("%d elements, warnings %q, buffer %d bytes", n, warns, maxBuf)
	}
}

// TestStringBound: a string over the limit skips its conversation (one
// warning naming it), the others load, and the buffer stays small.
func TestStringBound(t *testing.T) {
	n, warns, maxBuf := boundScan(t, maxElem, 1<<20,
		strings.NewReader("["+tinyConv+`, {"title": "big", "create_time": 1, "mapping": {"a": "`),
		&repeatReader{'x', 24 << 20}, strings.NewReader(`"}}, `+tinyConv+"]"))
	if n != 2 || len(warns) != 1 || !strings.Contains(warns[0], "longer than 1 MiB, the limit of one string") || maxBuf > 2*chunkSize {
		t.Errorf("%d elements, warnings %q, buffer %d bytes", n, warns, maxBuf)
	}
}

// TestElementBound: a conversation over the limit is skipped and reported.
func TestElementBound(t *testing.T) {
	n, warns, maxBuf := boundScan(t, 2<<20, maxStr,
		strings.NewReader("["+tinyConv+`, {"title": "big", "create_time": 1, "mapping": [`),
		strings.NewReader(strings.Repeat(`"abc", `, 2<<20)), strings.NewReader(`"x"]}, `+tinyConv+"]"))
	if n != 2 || len(warns) != 1 || !strings.Contains(warns[0], "larger than 2 MiB, the limit of one conversation") || maxBuf > 2*chunkSize {
		t.Errorf("%d elements, warnings %q, buffer %d bytes", n, warns, maxBuf)
	}
}

// TestZipBombRefused: an entry inflating beyond maxRatio is refused with
// a clear warning; what came before loads.
func TestZipBombRefused(t *testing.T) {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, 9) })
	w, _ := zw.Create("conversations.json")
	io.WriteString(w, "["+simple("c1", "A", 1)+",")
	io.Copy(w, &repeatReader{' ', ratioGrace + 16<<20})
	io.WriteString(w, simple("c2", "B", 2)+"]")
	zw.Close()
	dir := t.TempDir()
	o := loadDamaged(t, dir, "bomb.zip", b.Bytes())
	if o.err != nil || o.loaded != 1 || !hasWarning(o, model.WarnTruncated, "ZIP bomb refused", "conversations.json") {
		t.Errorf("bomb (%d bytes): %s", b.Len(), o)
	}
}
