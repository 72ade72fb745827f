package loader

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/backchat/backchat/internal/testkit/gen"
	"github.com/backchat/backchat/model"
)

// genArray returns the conversations of a generated export, one raw JSON
// object each.
func genArray(t *testing.T, cfg gen.Config) []json.RawMessage {
	t.Helper()
	var b bytes.Buffer
	if _, err := gen.Write(&b, cfg); err != nil {
		t.Fatal(err)
	}
	var out []json.RawMessage
	if err := json.Unmarshal(b.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// edit rewrites top-level keys of a conversation object.
func edit(t *testing.T, raw json.RawMessage, kv map[string]any) json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	for k, v := range kv {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		m[k] = b
	}
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func field[T any](t *testing.T, raw json.RawMessage, key string) T {
	t.Helper()
	var m map[string]json.RawMessage
	var v T
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(m[key], &v); err != nil {
		t.Fatalf("%s: %v", key, err)
	}
	return v
}

func writeArray(t *testing.T, dir, name string, convs []json.RawMessage) {
	t.Helper()
	b, err := json.Marshal(convs)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, name, string(b))
}

// TestMergeExports loads an older export A and a newer export B in which
// some conversations were dropped, some edited, one is a stale copy, and
// some were added, and checks the union, the winners and the markers.
func TestMergeExports(t *testing.T) {
	a := genArray(t, gen.Config{Seed: 7, Conversations: 30, NoHuge: true})
	added := genArray(t, gen.Config{Seed: 99, Conversations: 4, NoHuge: true})
	idOf := func(raw json.RawMessage) string { return field[string](t, raw, "id") }
	latestA := 0.0
	for _, c := range a {
		latestA = max(latestA, field[float64](t, c, "update_time"))
	}

	dropped := map[string]bool{idOf(a[3]): true, idOf(a[10]): true, idOf(a[20]): true}
	edited := map[string]string{}
	stale := idOf(a[7])
	var b []json.RawMessage
	for i, c := range a {
		id := idOf(c)
		switch {
		case dropped[id]:
			continue
		case i == 1 || i == 5:
			title := fmt.Sprintf("edited %d", i)
			edited[id] = title
			c = edit(t, c, map[string]any{"title": title, "update_time": latestA + 86400 + float64(i)})
		case id == stale:
			c = edit(t, c, map[string]any{"title": "stale copy", "update_time": field[float64](t, c, "update_time") - 3600})
		}
		b = append(b, c)
	}
	b = append(b, added...)

	root := t.TempDir()
	dirA := filepath.Join(root, "old")
	dirB := filepath.Join(root, "new")
	writeArray(t, dirA, "conversations.json", a)
	// B comes in two shards: still one export.
	writeArray(t, dirB, "conversations-000.json", b[:len(b)/2])
	writeArray(t, dirB, "conversations-001.json", b[len(b)/2:])

	// Argument order must not matter: exports are ordered by time.
	for _, args := range [][]string{{dirA, dirB}, {dirB, dirA}} {
		arch := mustOpen(t, args...)
		if got, want := len(arch.Conversations), len(a)+len(added); got != want {
			t.Fatalf("%v: %d conversations, want %d", args, got, want)
		}
		addedIDs := map[string]bool{}
		for _, c := range added {
			addedIDs[idOf(c)] = true
		}
		titleA := map[string]string{}
		for _, c := range a {
			titleA[idOf(c)] = field[string](t, c, "title")
		}
		for _, c := range arch.Conversations {
			var wantSrc []string
			wantIn, wantTitle := true, titleA[c.ID]
			switch {
			case dropped[c.ID]:
				wantSrc, wantIn = []string{dirA}, false
			case addedIDs[c.ID]:
				wantSrc, wantTitle = []string{dirB}, c.Title
			case edited[c.ID] != "":
				wantSrc, wantTitle = []string{dirA, dirB}, edited[c.ID]
			default:
				wantSrc = []string{dirA, dirB}
			}
			if !slices.Equal(c.Sources, wantSrc) || c.InNewest != wantIn || c.Title != wantTitle {
				t.Errorf("%v: %s: sources %v in newest %v title %q; want %v %v %q",
					args, c.ID, c.Sources, c.InNewest, c.Title, wantSrc, wantIn, wantTitle)
			}
		}
		if c := find(arch, stale); c == nil || c.Title == "stale copy" {
			t.Errorf("%v: the stale copy in the newer export won", args)
		}
	}
}

func TestMergeTiesAndSingle(t *testing.T) {
	d1, d2 := t.TempDir(), t.TempDir()
	p1 := writeFile(t, d1, "conversations.json", array(simple("dup", "first", 5), simple("only1", "O1", 2)))
	p2 := writeFile(t, d2, "conversations.json", array(simple("dup", "second", 5)))

	// Equal update times: the later argument wins, and with equal newest
	// times the later argument is the newest export.
	a := mustOpen(t, p1, p2)
	if d := find(a, "dup"); d.Title != "second" || !slices.Equal(d.Sources, []string{p1, p2}) || !d.InNewest {
		t.Errorf("tie p1,p2: %q %v %v", d.Title, d.Sources, d.InNewest)
	}
	if o := find(a, "only1"); o.InNewest || !slices.Equal(o.Sources, []string{p1}) {
		t.Errorf("only1: %v %v", o.Sources, o.InNewest)
	}
	a = mustOpen(t, p2, p1)
	if d := find(a, "dup"); d.Title != "first" || !slices.Equal(d.Sources, []string{p2, p1}) {
		t.Errorf("tie p2,p1: %q %v", d.Title, d.Sources)
	}
	if o := find(a, "only1"); !o.InNewest {
		t.Errorf("only1 is in the newest export (the later argument)")
	}

	// One export (given twice): one source, always in the newest.
	a = mustOpen(t, p1, p1)
	for _, c := range a.Conversations {
		if !slices.Equal(c.Sources, []string{p1}) || !c.InNewest {
			t.Errorf("single export: %s: %v %v", c.ID, c.Sources, c.InNewest)
		}
	}
	if len(a.Sources) != 1 {
		t.Errorf("archive sources %v", a.Sources)
	}

	// Streamed conversations are never mutated afterwards.
	var streamed []*model.Conversation
	a, err := OpenContext(t.Context(), Options{OnConversation: func(c *model.Conversation) { streamed = append(streamed, c) }}, p1, p2)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range streamed {
		if len(c.Sources) != 1 || !c.InNewest {
			t.Errorf("streamed %s changed: %v %v", c.ID, c.Sources, c.InNewest)
		}
	}
	if o := find(a, "only1"); o.InNewest {
		t.Errorf("archive copy of only1 should not be in newest")
	}
}

func TestAudioSeconds(t *testing.T) {
	part := func(meta string) string {
		return `{"content_type": "audio_asset_pointer", "asset_pointer": "sediment://file_x", "format": "wav", "size_bytes": 10, "metadata": ` + meta + `}`
	}
	cases := []struct {
		meta string
		want float64
	}{
		{`{"start_timestamp": 1.5, "end_timestamp": 4.0}`, 2.5},
		{`{"start_timestamp": null, "end_timestamp": null, "start": 5.3, "end": 18.8}`, 13.5},
		{`{"start_timestamp": 3, "end_timestamp": 9, "start": 0, "end": 1}`, 6},
		{`{"start_timestamp": 9, "end_timestamp": 3}`, 0},
		{`{"start_timestamp": "x", "end_timestamp": 3}`, 0},
		{`{}`, 0},
		{`null`, 0},
	}
	for _, tc := range cases {
		m := fmt.Sprintf(`{"id": "m", "author": {"role": "assistant"}, "content": {"content_type": "multimodal_text", "parts": [%s]}, "metadata": {}}`, part(tc.meta))
		nested := fmt.Sprintf(`{"id": "n", "author": {"role": "user"}, "content": {"content_type": "multimodal_text", "parts": [{"content_type": "real_time_user_audio_video_asset_pointer", "audio_asset_pointer": %s}]}, "metadata": {}}`, part(tc.meta))
		p := writeFile(t, t.TempDir(), "conversations.json", array(conv("c", "t", "m", 1, node("r", "", "", "m"), node("m", "r", m, "n"), node("n", "m", nested))))
		a := mustOpen(t, p)
		c := find(a, "c")
		for _, k := range []int{1, 2} {
			blk := c.Nodes[k].Msg.Blocks[0]
			if blk.Kind != model.BlockAudio || blk.Asset() == nil {
				t.Fatalf("%s: node %d: block %+v", tc.meta, k, blk)
			}
			if d := blk.Asset().Seconds - tc.want; d > 1e-9 || d < -1e-9 {
				t.Errorf("%s: node %d: seconds %v, want %v", tc.meta, k, blk.Asset().Seconds, tc.want)
			}
		}
	}
}

// TestMergeTwoAccounts: exports that share no conversation are taken for
// two accounts: the newer one says nothing about the older one's
// conversations (none is marked deleted upstream), while a third export
// sharing a conversation with the first is that account's newer export.
func TestMergeTwoAccounts(t *testing.T) {
	d1, d2, d3 := t.TempDir(), t.TempDir(), t.TempDir()
	alice := writeFile(t, d1, "conversations.json", array(simple("a1", "Alice one", 2), simple("a2", "Alice two", 3)))
	bob := writeFile(t, d2, "conversations.json", array(simple("b1", "Bob one", 9)))
	a := mustOpen(t, alice, bob)
	for _, c := range a.Conversations {
		if !c.InNewest || c.NotInNewest() {
			t.Errorf("%s marked missing from the newest export of another account", c.ID)
		}
	}
	alice2 := writeFile(t, d3, "conversations.json", array(simple("a2", "Alice two", 3), simple("a3", "Alice three", 7)))
	a = mustOpen(t, alice, bob, alice2)
	for id, want := range map[string]bool{"a1": false, "a2": true, "a3": true, "b1": true} {
		if c := find(a, id); c.InNewest != want {
			t.Errorf("%s: InNewest %v, want %v (sources %v)", id, c.InNewest, want, c.Sources)
		}
	}
}
