package loader

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/backchat/backchat/internal/testkit/gen"
)

// FuzzDamage a215cdc39ff3e071: two flips in a conversation (a space after
// a message's "id": becomes '[', the closing quote of a "status" key
// becomes 0x12) made the split's decode of it run on through the next
// conversation, giving one conversation with the first one's title and
// the next one's id, while the scanner skips the damaged one and keeps the
// next: the next one was lost on the split path.
func TestSplitDamagedRunsIntoNext(t *testing.T) {
	data, n := genBytes(t, gen.Config{Seed: 9, Conversations: 6, NoHuge: true})
	spans := convSpans(t, data)
	if n != 6 || len(spans) != 6 {
		t.Fatalf("%d conversations, %d spans", n, len(spans))
	}
	in := bytes.Clone(data)
	c1 := in[spans[1][0]:spans[1][1]]
	id := bytes.Index(c1, []byte(`"message": {"id": "`))
	status := bytes.Index(c1[max(id, 0):], []byte(`}"}, "status"`))
	if id < 0 || status < 0 {
		t.Fatal("the generator's output changed: the damage is not where it was")
	}
	c1[id+len(`"message": {"id":`)] = '['         // "id":["…
	c1[id+status+len(`}"}, "status`)] = '"' ^ '0' // "status\x12: "…
	path := writeTemp(t, "conversations.json", in)
	sameLoad(t, "a215cdc39ff3e071", path)

	// Split on, the next conversation loads whole: its title, its id.
	intact := loadDamaged(t, t.TempDir(), "conversations.json", data)
	setSplit(t, true)
	got := loadDamaged(t, filepath.Dir(path), "conversations.json", in)
	if got.loaded != 5 || got.skipped != 1 {
		t.Fatalf("want 5 loaded, 1 skipped; got %s", got)
	}
	want := intact.a.Conversations
	for _, c := range got.a.Conversations {
		if c.ID == want[1].ID {
			t.Fatalf("the damaged conversation (or one with its id) loaded: %q %q", c.ID, c.Title)
		}
	}
	found := false
	for _, c := range got.a.Conversations {
		if c.ID == want[2].ID {
			found = true
			if c.Title != want[2].Title || len(c.Nodes) != len(want[2].Nodes) {
				t.Errorf("conversation 2 loaded as %q (%d nodes), want %q (%d nodes)", c.Title, len(c.Nodes), want[2].Title, len(want[2].Nodes))
			}
		}
	}
	if !found {
		t.Errorf("conversation 2 (%q) is missing: %s", want[2].Title, got)
	}
}

// The walker's watch (split.go's decodes) sees a conversation opening
// where the scanner does: nested in a skipped value, or after a string
// whose quote damage inverted, and not in a citation-like object.
func TestWalkerWatchNested(t *testing.T) {
	g, r := parseSig([]byte(`{"title": "a", "create_time": 1}`), true)
	if r != sigYes {
		t.Fatal("signature")
	}
	sig := g.clone()
	conv := func(tail string) string {
		return `{"title": "a", "create_time": 1, "mapping": {"n": {"id": "n", "children": []}}, ` + tail
	}
	for _, c := range []struct {
		name, data string
		nested     bool
	}{
		{"intact", conv(`"safe_urls": [], "id": "c1"}`), false},
		{"citation", conv(`"x": [{"title": "t", "url": "u"}, {"title": "v", "url": "w"}], "id": "c1"}`), false},
		{"brace in text", conv(`"x": ["if (a) {", "b"], "id": "c1"}`), false},
		{"nested in a skipped value", conv(`"x": [[[], "id": "c1"}, {"title": "b", "create_time": 2, "mapping": {}}], "id": "c2"}`), true},
		{"after an inverted string", conv(`"x": ["a}, {"title": "b", "create_time": 2}"], "id": "c2"}`), true},
		{"damaged opening after an inverted string", conv(`"x": ["a}, {"titXe": "b", "create_time": 2}"], "id": "c2"}`), true},
		{"in an array decoded in full", `{"title": "a", "create_time": 1, "mapping": {"n": {"id": "n", "children": ["a", {"title": "b", "create_time": 2}]}}}`, true},
	} {
		w := newWorker(0)
		w.watch = sig
		_, err := w.conversation([]byte(c.data))
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
		}
		if w.nested != c.nested {
			t.Errorf("%s: nested %v, want %v", c.name, w.nested, c.nested)
		}
		w.watch = nil
		if _, err := w.conversation([]byte(c.data)); w.nested || err != nil {
			t.Errorf("%s: unwatched: nested %v, err %v", c.name, w.nested, err)
		}
	}
}
