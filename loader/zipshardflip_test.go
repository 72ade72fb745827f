package loader

import (
	"archive/zip"
	"bytes"
	"path"
	"strings"
	"testing"
)

// shardZip is an export of three shards (two conversations each) and an
// image, written in that order.
func shardZip(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range []struct{ name, body string }{
		{"conversations-000.json", array(simple("c1", "One", 10), simple("c2", "Two", 11))},
		{"conversations-001.json", array(simple("c3", "Three", 12), simple("c4", "Four", 13))},
		{"conversations-002.json", array(simple("c5", "Five", 14), simple("c6", "Six", 15))},
		{"file-abc.png", "not really a png"},
	} {
		w, err := zw.Create(e.name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(e.body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestZipShardNameFlip: one flipped byte that turns a shard's name into
// another valid shard name, in the central directory or in the shard's
// local header, costs no conversation and names no shard twice: the name
// the other entries do not repeat is kept (the local header's when the
// directory repeats one), and the damage is told.
func TestZipShardNameFlip(t *testing.T) {
	for _, c := range []struct {
		what  string
		where func(z []byte) int // the offset of the shard's name to flip
	}{
		{"directory", func(z []byte) int {
			cd := bytes.Index(z, []byte("PK\x01\x02"))
			return cd + bytes.Index(z[cd:], []byte("conversations-001.json"))
		}},
		{"local header", func(z []byte) int { return bytes.Index(z, []byte("conversations-001.json")) }},
	} {
		t.Run(c.what, func(t *testing.T) {
			z := shardZip(t)
			at := c.where(z)
			if at < 0 {
				t.Fatal("no name to flip")
			}
			z[at+len("conversations-00")] = '0' // conversations-000.json
			p := writeFile(t, t.TempDir(), "export.zip", string(z))
			a, err := Open(p)
			if err != nil {
				t.Fatal(err)
			}
			if len(a.Conversations) != 6 {
				t.Errorf("%d conversations, want 6; warnings %v", len(a.Conversations), a.Warnings)
			}
			if len(a.Warnings) == 0 {
				t.Error("the damage was not told")
			}
			for _, cv := range a.Conversations {
				want := map[string]string{"c1": "000", "c2": "000", "c3": "001", "c4": "001", "c5": "002", "c6": "002"}[cv.ID]
				if got := path.Base(cv.Source); !strings.Contains(got, "conversations-"+want+".json") {
					t.Errorf("%s comes from %s, want conversations-%s.json", cv.ID, cv.Source, want)
				}
			}
		})
	}
}
