package loader

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/backchat/backchat/model"
)

// msg returns a message object with text parts.
func msg(id, role, text string) string {
	t, _ := json.Marshal(text)
	return fmt.Sprintf(`{"id": %q, "author": {"role": %q, "name": null, "metadata": {}}, "create_time": 1700000000.5, "content": {"content_type": "text", "parts": [%s]}, "status": "finished_successfully", "end_turn": true, "weight": 1.0, "metadata": {}, "recipient": "all", "channel": null}`, id, role, t)
}

// node returns a mapping entry; parent "" means null; message "" means null.
func node(key, parent, message string, children ...string) string {
	p := "null"
	if parent != "" {
		p = fmt.Sprintf("%q", parent)
	}
	if message == "" {
		message = "null"
	}
	ch, _ := json.Marshal(children)
	if children == nil {
		ch = []byte("[]")
	}
	return fmt.Sprintf(`%q: {"id": %q, "message": %s, "parent": %s, "children": %s}`, key, key, message, p, ch)
}

// conv returns a conversation object.
func conv(id, title, current string, updated float64, nodes ...string) string {
	t, _ := json.Marshal(title)
	return fmt.Sprintf(`{"title": %s, "create_time": 1700000000.25, "update_time": %v, "mapping": {%s}, "current_node": %q, "id": %q}`,
		t, updated, strings.Join(nodes, ", "), current, id)
}

// simple returns a three-node conversation: root → user → assistant.
func simple(id, title string, updated float64) string {
	return conv(id, title, id+"-a", updated,
		node(id+"-r", "", "", id+"-u"),
		node(id+"-u", id+"-r", msg(id+"-u", "user", "hello from "+id), id+"-a"),
		node(id+"-a", id+"-u", msg(id+"-a", "assistant", "answer in "+id)),
	)
}

func array(convs ...string) string { return "[" + strings.Join(convs, ", ") + "]" }

func writeFile(t testing.TB, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func mustOpen(t testing.TB, paths ...string) *model.Archive {
	t.Helper()
	a, err := Open(paths...)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func ids(a *model.Archive) []string {
	var out []string
	for _, c := range a.Conversations {
		out = append(out, c.ID)
	}
	return out
}

func find(a *model.Archive, id string) *model.Conversation {
	for _, c := range a.Conversations {
		if c.ID == id {
			return c
		}
	}
	return nil
}

func warningsOf(a *model.Archive, k model.WarningKind) []model.Warning {
	var out []model.Warning
	for _, w := range a.Warnings {
		if w.Kind == k {
			out = append(out, w)
		}
	}
	return out
}

// TestUnescapeInto checks the eight-bytes-at-a-time decoder against
// unescape on random string bodies: escapes at every distance, non-ASCII
// and invalid bytes, surrogates, bad escapes.
func TestUnescapeInto(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	pieces := []string{"a", "bcdefghij", "\\n", "\\\\", "\\\"", "\\/", "\\u0041", "\\u00e9", "\\ud83d\\ude00", "\\ud83d", "\\ude00x", "é", "\xff", "\xed\xa0\x80", "\\x", "\\u12", "\\", "\x00", "0123456789abcdef"}
	for n := range 5000 {
		var b []byte
		for range r.IntN(12) {
			b = append(b, pieces[r.IntN(len(pieces))]...)
		}
		if n%2 == 0 {
			b = append(bytes.Repeat([]byte{'z'}, r.IntN(20)), b...)
		}
		want, werr := unescape(nil, b)
		out := make([]byte, len(b))
		k, ascii, bad := unescapeInto(out, b)
		if (bad < 0) != (werr == nil) {
			t.Fatalf("%q: bad escape at %d, want error %v", b, bad, werr)
		}
		if bad >= 0 {
			if _, _, err := unescapeOne(nil, b[bad:]); err == nil || err.Error() != werr.Error() {
				t.Fatalf("%q: escape at %d gives %v, want %v", b, bad, err, werr)
			}
			continue
		}
		if got := out[:k]; !bytes.Equal(got, want) {
			t.Fatalf("%q: got %q, want %q", b, got, want)
		}
		if ascii && !utf8.Valid(out[:k]) {
			t.Fatalf("%q: ascii but %q is not valid UTF-8", b, out[:k])
		}
		if isASCII := !bytes.ContainsFunc(b, func(r rune) bool { return r >= 0x80 }); ascii != isASCII {
			t.Fatalf("%q: ascii %v", b, ascii)
		}
	}
}

// refStrAppend is StrAppend as it was before unescapeInto (one escape at a
// time, bytes.IndexByte between them): the reference for its results and
// error messages.
func refStrAppend(b []byte, i int, dst []byte) ([]byte, error) {
	i++
	q := -1
	for {
		if q < i {
			k := bytes.IndexByte(b[i:], '"')
			if k < 0 {
				return dst, errEOF
			}
			q = i + k
		}
		k := bytes.IndexByte(b[i:q], '\\')
		if k < 0 {
			return append(dst, b[i:q]...), nil
		}
		dst = append(dst, b[i:i+k]...)
		var (
			n   int
			err error
		)
		dst, n, err = unescapeOne(dst, b[i+k:])
		if err != nil {
			return dst, err
		}
		i += k + n
	}
}

// TestStrAppendAsBefore: StrAppend decodes and rejects what it did before
// it decoded eight bytes at a time, with the same error messages (they
// quote the input past a damaged string's end).
func TestStrAppendAsBefore(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	pieces := []string{"a", "bcdefghij", "\\n", "\\\\", "\\\"", "\\u0041", "\\ud83d\\ude00", "\\ud83d", "é", "\xff", "\\x", "\\u12", "\\ude0", "\\", "\"", "0123456789abcdef"}
	for range 20000 {
		b := []byte{'"'}
		for range r.IntN(10) {
			b = append(b, pieces[r.IntN(len(pieces))]...)
		}
		b = append(b, `", "x": 1}`[:r.IntN(10)]...)
		want, werr := refStrAppend(b, 0, nil)
		d := &walker{b: b}
		got, err := d.StrAppend(nil)
		if (err == nil) != (werr == nil) || err != nil && err.Error() != werr.Error() {
			t.Fatalf("%q: error %v, want %v", b, err, werr)
		}
		if err == nil && !bytes.Equal(got, want) {
			t.Fatalf("%q: got %q, want %q", b, got, want)
		}
	}
}
