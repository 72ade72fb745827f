package loader

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/backchat/backchat/internal/testkit/fixtures"
	"github.com/backchat/backchat/model"
)

// decodeAll runs the scanner and one worker over data synchronously.
func decodeAll(data []byte) (convs []*model.Conversation, warns int, err error) {
	s := newScanner(bytes.NewReader(data), int64(len(data)))
	w := newWorker(0)
	src := &source{name: "fuzz.json"}
	s.warn = func(warnKind, int, int64, string) { warns++ }
	s.emit = func(b []byte, index int, off int64) error {
		cp := append([]byte(nil), b...)
		r := w.decodeJob(job{data: cp, src: src, index: index, offset: off})
		if r.err != nil {
			if strings.HasPrefix(r.err.Error(), "internal error") {
				panic(r.err) // decodeJob recovered a panic: that is a bug
			}
			warns++
		} else {
			convs = append(convs, r.conv)
		}
		return nil
	}
	err = s.run()
	if err != nil && !errors.Is(err, errNotJSON) {
		panic("scanner returned an unexpected error: " + err.Error())
	}
	return convs, warns, err
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte(array(simple("a", "A", 1), simple("b", "B\u00e9", 2))))
	f.Add([]byte(`{"conversations": [` + simple("w", "W", 1) + `]}`))
	f.Add([]byte(`[{"mapping": {"x": {"parent": "x", "children": ["x", "y"], "message": {"content": {"content_type": "multimodal_text", "parts": ["a", {"content_type": "image_asset_pointer"}, 1]}}}}, "current_node": "x"}]`))
	f.Add([]byte("[{\"title\": \"\xed\xa0\xbd\xed\xb8\x82\\ud800\", \"mapping\": {}}"))
	f.Add(genExport(4<<10, 3))
	// Claude, DeepSeek and Grok shapes (formats.go): hand-written exports,
	// plus odd values where the decoders branch.
	for _, dir := range []string{"claude", "deepseek", "grok"} {
		files, _ := filepath.Glob(filepath.Join("testdata", dir, "*.json"))
		for _, p := range files {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b)
			}
		}
	}
	f.Add([]byte(`[{"uuid": "u", "chat_messages": [{"uuid": "a", "parent_message_uuid": "a", "sender": 1, "content": [{"type": "tool_use", "input": [1]}, {"type": "tool_result", "content": "s", "is_error": null}, {"type": "thinking", "summaries": [1, {"summary": 2}]}, 7, {"type": "text", "citations": [{"details": 3}]}]}, {"uuid": "b", "parent_message_uuid": "a", "text": "\ud800", "content": null, "attachments": [{"file_size": "x"}], "files": [{}, {"file_uuid": "f"}]}]}]`))
	f.Add([]byte(`[{"uuid": "l", "chat_messages": [{"sender": "assistant", "text": "a<antThinking>b<antArtifact x=\"1\" title=\"t\">c</antArtifact><antArtifact <antThinking></antThinking>"}]}]`))
	f.Add([]byte(`[{"uuid": "p", "docs": [{"filename": null}, 1], "prompt_template": 3}]`))
	f.Add([]byte(`{"conversations": [{"conversation": {"create_time": {"$date": {"$date": {"$numberLong": "1"}}}}, "responses": [{"response": {"response": {"message": 1}}}, 2]}]}`))
	f.Add([]byte(`[{"mapping": {"root": {"parent": 3}, "1": {"parent": "1", "message": {"fragments": [{"type": "SEARCH", "results": [1]}, {"type": 5}]}}}, "inserted_at": 1}]`))
	// issue 13: DeepSeek with ChatGPT keys, continuations, Claude out of order.
	f.Add([]byte(`{"mapping": {"r": {"children": ["1"]}, "1": {"parent": "r", "message": {"fragments": [{"type": "REQUEST", "content": "q"}]}}}, "current_node": "1#0", "create_time": "2024-12-31T10:30:00+03:00", "conversation_id": 4}`))
	f.Add([]byte(`[{"id": "c", "current_node": "b", "mapping": {"a": {"children": ["b", "a"], "message": {"author": {"role": "assistant"}, "recipient": "all", "end_turn": false, "content": {"content_type": "text", "parts": ["x"]}}}, "b": {"parent": "a", "children": ["a"], "message": {"author": {"role": "assistant"}, "content": {"content_type": "text", "parts": ["y", {"content_type": "x"}]}}}}}]`))
	f.Add([]byte(`[{"uuid": "o", "chat_messages": [{"sender": "assistant", "created_at": "2025-01-01T00:00:02Z", "text": "a"}, {"sender": "human", "created_at": "2025-01-01T00:00:01Z", "text": "q"}, {"sender": "human", "created_at": "2025-01-01T00:00:02Z", "text": "q2", "parent_message_uuid": "zz"}]}]`))
	{
		// Seed with the shared fixtures when they are present (never required).
		root := filepath.Join(fixtures.RepoRoot(f), "..", "shared", "fixtures", "external")
		filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && filepath.Ext(p) == ".json" {
				if b, err := os.ReadFile(p); err == nil {
					f.Add(b)
				}
			}
			return nil
		})
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		convs, _, _ := decodeAll(data)
		for _, c := range convs {
			if !utf8.ValidString(c.Title) || !utf8.ValidString(c.ID) {
				t.Fatalf("invalid UTF-8 in %q / %q", c.Title, c.ID)
			}
			n := int32(len(c.Nodes))
			if c.Current != model.NoNode && (c.Current < 0 || c.Current >= n) {
				t.Fatalf("current %d out of range", c.Current)
			}
			for _, nd := range c.Nodes {
				if nd.Parent != model.NoNode && (nd.Parent < 0 || nd.Parent >= n) {
					t.Fatalf("parent %d out of range", nd.Parent)
				}
				for _, ch := range nd.Children() {
					if ch < 0 || ch >= n {
						t.Fatalf("child %d out of range", ch)
					}
				}
				if nd.Msg != nil {
					for _, b := range nd.Msg.Blocks {
						if !utf8.ValidString(b.Text) {
							t.Fatalf("invalid UTF-8 in block text %q", b.Text)
						}
					}
				}
			}
			c.CurrentThread()
		}
	})
}

// FuzzUnescape checks the walker's string decoding against encoding/json
// for every input that encoding/json accepts as a JSON string.
func FuzzUnescape(f *testing.F) {
	for _, s := range []string{`"plain"`, `"a\nb\t\"q\"\\ \/"`, `"\u00e9\ud83d\ude02"`, `"\ud800 lone"`, `"\udc00\ud800"`, `"bad \x"`, `"\u12"`, `"` + "\xff" + `"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d := getWalker(data)
		defer putWalker(d)
		got, err := d.StrAppend(nil)
		var want string
		if json.Unmarshal(data, &want) != nil {
			return // not a JSON string: only "no panic" applies
		}
		if err != nil {
			t.Fatalf("walker rejected %q: %v", data, err)
		}
		// encoding/json turns invalid UTF-8 into U+FFFD; the arena does the
		// same later, so compare after that step.
		if g := string(fixUTF8(nil, got)); g != want && !(utf8.ValidString(want) && strings.ContainsRune(want, utf8.RuneError)) {
			t.Fatalf("%q: got %q, want %q", data, g, want)
		}
	})
}
