package loader

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/backchat/backchat/model"
)

// hostileStrings are titles, ids and texts an attacker may put in an
// export: terminal escapes, bidi overrides, NUL and other controls, path
// traversal, invalid UTF-8 escapes, and sizes far beyond a real title.
var hostileStrings = []string{
	"\x1b[2J\x1b[H\x1b]0;pwned\x07title",
	"\x1b]8;;file:///etc/passwd\x1b\\link\x1b]8;;\x1b\\",
	"\u202egnp.exe",
	"nul\x00inside",
	"\r\n\t\b\f\v",
	"../../../../etc/passwd",
	`C:\Windows\System32`,
	"%s%n%x{{.}}$(rm -rf /)`id`",
	strings.Repeat("A", 1<<20),
	strings.Repeat("界\x1b", 100<<10),
	"",
}

// TestHostileConversations: conversations whose titles, ids and texts are
// hostile load as they are (the loader neither drops nor mangles them;
// showing them safely is the renderer's work), and a huge string costs no
// more than its size.
func TestHostileConversations(t *testing.T) {
	// rawConv is a conversation whose id, title and text are raw JSON
	// string contents.
	rawConv := func(id, title, text string, updated int) string {
		return fmt.Sprintf(`{"title": "%s", "create_time": 1, "update_time": %d, "mapping": {"m": {"id": "m", "message": {"id": "m", "author": {"role": "user"}, "content": {"content_type": "text", "parts": ["%s"]}}, "parent": null, "children": []}}, "current_node": "m", "id": "%s"}`, title, updated, text, id)
	}
	enc := func(s string) string {
		js, _ := json.Marshal(s)
		return string(js[1 : len(js)-1])
	}
	var convs []string
	for i, s := range hostileStrings {
		convs = append(convs, rawConv(fmt.Sprintf("h%d", i), enc(s), enc(s), 100+i))
		if s != "" { // the hostile string as the id too
			convs = append(convs, rawConv(enc(s), "as id", "x", 200+i))
		}
	}
	// A lone surrogate escape and raw invalid UTF-8.
	convs = append(convs, rawConv("surrogate", `\ud800 lone \udfff`, `\udc00`, 1))
	convs = append(convs, rawConv("badutf8", "\xff\xfe bad", "\xc0\x80", 1))
	p := writeFile(t, t.TempDir(), "conversations.json", array(convs...))
	a := mustOpen(t, p)
	for _, id := range []string{"surrogate", "badutf8"} {
		if c := find(a, id); c == nil {
			t.Errorf("%s: did not load", id)
		} else if !utf8.ValidString(c.Title) {
			t.Errorf("%s: title %q is not valid UTF-8", id, c.Title)
		}
	}
	for i, s := range hostileStrings {
		want := s
		c := find(a, fmt.Sprintf("h%d", i))
		if c == nil {
			t.Errorf("string %d: its conversation did not load", i)
			continue
		}
		if c.Title != want && !(s == "" && c.Title == "") {
			t.Errorf("string %d: title %q, want %q", i, trunc(c.Title), trunc(want))
		}
		if s != "" && find(a, want) == nil {
			t.Errorf("string %d: the conversation with it as its id did not load", i)
		}
	}
}

func trunc(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}

// TestHostileZipNames: ZIP entries named with ../, an absolute path, a
// backslash path or control characters are read in place (nothing is
// ever extracted, so no name can write anywhere); their conversations load
// and an asset pointer cannot climb out of the export.
func TestHostileZipNames(t *testing.T) {
	names := []string{
		"../../conversations.json",
		"/etc/conversations.json",
		`..\..\x\conversations.json`,
		"a/../../b/conversations.json",
		"dir\x1b[31m\x00\r/conversations.json",
		"\u202e/conversations.json",
	}
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for i, n := range names {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		id := fmt.Sprintf("z%d", i)
		w.Write([]byte(array(conv(id, "T", "m", float64(10+i), node("m", "", `{"id": "m", "author": {"role": "user"}, "content": {"content_type": "multimodal_text", "parts": [{"content_type": "image_asset_pointer", "asset_pointer": "file-service://file-../../../etc/passwd"}]}}`)))))
	}
	w, _ := zw.Create("../../../etc/passwd")
	w.Write([]byte("root:x:0:0"))
	zw.Close()
	dir := t.TempDir()
	p := filepath.Join(dir, "export.zip")
	if err := os.WriteFile(p, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	a, err := OpenContext(context.Background(), Options{}, p)
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for i, n := range names {
		if !strings.Contains(n, `\`) { // a backslash name is not a conversations.json to a ZIP
			want++
		}
		c := find(a, fmt.Sprintf("z%d", i))
		if c == nil {
			if !strings.Contains(n, `\`) {
				t.Errorf("entry %q: its conversation did not load", n)
			}
			continue
		}
		if c.Source != p+":"+n {
			t.Errorf("entry %q: source %q", n, c.Source)
		}
		for _, m := range c.Nodes {
			if m.Msg == nil {
				continue
			}
			for _, blk := range m.Msg.Blocks {
				if blk.Asset() == nil {
					continue
				}
				rc, err := OpenAsset(c, blk.Asset())
				if err == nil {
					got := new(bytes.Buffer)
					got.ReadFrom(rc)
					rc.Close()
					if strings.Contains(got.String(), "root:") {
						t.Errorf("entry %q: asset %q read the entry named ../../../etc/passwd", n, blk.Asset().File)
					}
				}
			}
		}
	}
	if len(a.Conversations) < want {
		t.Errorf("%d conversations, want %d", len(a.Conversations), want)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("loading wrote files beside the ZIP: %v", entries)
	}
}

// TestHostileShardNames: shard numbers that overflow, or leave a gap of
// a trillion, load their conversations and are warned about in one line
// (not a line per missing shard).
func TestHostileShardNames(t *testing.T) {
	dir := t.TempDir()
	for i, n := range []string{
		"conversations-000.json",
		"conversations-1000000000000.json",
		"conversations-99999999999999999999999999.json",
		"conversations-00000000000000000000000000000001.json",
	} {
		writeFile(t, dir, n, array(simple(fmt.Sprintf("s%d", i), "T", float64(10+i))))
	}
	writeFile(t, dir, "conversations--1.json", array(simple("neg", "T", 1)))
	a := mustOpen(t, dir)
	if len(a.Conversations) != 4 {
		t.Errorf("%d conversations, want the 4 shards' (conversations--1.json is no shard): %v", len(a.Conversations), ids(a))
	}
	for _, w := range a.Warnings {
		if len(w.Reason) > 400 {
			t.Errorf("a warning of %d bytes: %.200s…", len(w.Reason), w.Reason)
		}
	}
	if ws := warningsOf(a, model.WarnFile); len(ws) > 2 {
		t.Errorf("%d file warnings: %v", len(ws), ws)
	}
}
