package gen

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/backchat/backchat/internal/testkit/fixtures"
)

var update = flag.Bool("update", false, "rewrite the repo-root testdata/ fixtures")

const fixtureT0 = 1748779200.0 // 2025-06-01 12:00 UTC

// fixtureFiles returns every committed fixture by path relative to testdata/.
func fixtureFiles() map[string][]byte {
	arr := func(convs ...Obj) []byte {
		v := make([]any, len(convs))
		for i, c := range convs {
			v[i] = c
		}
		return Marshal(v)
	}
	files := map[string][]byte{}

	// branches.json: a regenerated answer (3 variants, current = 2nd) and an
	// edited question (2 variants, current = the edit).
	b := NewBuilder("c0ffee00-0000-4000-8000-000000000001", "Regenerated answer", fixtureT0, 1)
	b.HiddenSystem(1)
	u := b.User("What is a good name for a grey cat?")
	b.Assistant("How about **Ash**? It is short and matches the colour.")
	b.SetHead(u)
	second := b.Assistant("Some ideas: *Smokey*, *Earl Grey*, *Pebble* or *Misty*.")
	b.SetHead(u)
	b.Assistant("Try **Graphite** — a little unusual, easy to call.")
	b.SetHead(second)
	b.User("Earl Grey it is. Nickname?")
	b.Assistant("\"Earl\" for short, or \"Bergamot\" when they are being fancy.")
	regen := b.Object()

	b = NewBuilder("c0ffee00-0000-4000-8000-000000000002", "Edited question", fixtureT0+86400, 2)
	b.HiddenSystem(2)
	b.User("Convert 5 miles to km.")
	b.Assistant("5 miles ≈ 8.05 km.")
	mid := b.Head()
	b.User("And 10 miles?")
	b.Assistant("10 miles ≈ 16.09 km.")
	b.SetHead(mid)
	b.User("And a marathon (26.2 miles)?")
	b.Assistant("A marathon is 26.2 miles ≈ 42.195 km.")
	edit := b.Object()
	files["branches.json"] = arr(regen, edit)

	// cycle.json: a parent cycle with no root (a→b→c→a), plus a good one.
	msg := func(id, role, text string, t float64) Obj {
		return Obj{{"id", id}, {"author", Obj{{"role", role}, {"name", nil}, {"metadata", Obj{}}}},
			{"create_time", t}, {"update_time", nil}, {"content", Text(text)}, {"status", "finished_successfully"},
			{"end_turn", nil}, {"weight", 1.0}, {"metadata", Obj{}}, {"recipient", "all"}, {"channel", nil}}
	}
	node := func(id string, m any, parent any, children ...string) KV {
		if children == nil {
			children = []string{}
		}
		return KV{id, Obj{{"id", id}, {"message", m}, {"parent", parent}, {"children", children}}}
	}
	conv := func(id string, title any, ct, ut any, current any, mapping Obj) Obj {
		return Obj{{"title", title}, {"create_time", ct}, {"update_time", ut}, {"mapping", mapping},
			{"moderation_results", []any{}}, {"current_node", current}, {"conversation_id", id}, {"id", id}}
	}
	cycle := conv("cycle-1", "Parent cycle", fixtureT0, fixtureT0+30, "c", Obj{
		node("a", msg("a", "user", "I am a, my parent is c.", fixtureT0), "c", "b"),
		node("b", msg("b", "assistant", "I am b, my parent is a.", fixtureT0+10), "a", "c"),
		node("c", msg("c", "user", "I am c, my parent is b.", fixtureT0+20), "b", "a"),
	})
	selfLoop := conv("cycle-2", "Self parent", fixtureT0, fixtureT0+5, "s", Obj{
		node("root", nil, nil, "s"),
		node("s", msg("s", "user", "My parent is myself.", fixtureT0), "s", "s"),
	})
	good := conv("cycle-3", "Fine after the cycles", fixtureT0, fixtureT0+9, "g2", Obj{
		node("g0", nil, nil, "g1"),
		node("g1", msg("g1", "user", "Still here?", fixtureT0+1), "g0", "g2"),
		node("g2", msg("g2", "assistant", "Yes — the cycles above did not stop the load.", fixtureT0+9), "g1"),
	})
	files["cycle.json"] = arr(cycle, selfLoop, good)

	// orphans.json: parents and children that do not exist, a dangling
	// current_node, and a missing current_node.
	files["orphans.json"] = arr(
		conv("orphan-1", "Orphaned nodes", fixtureT0, fixtureT0+40, "o3", Obj{
			node("o0", nil, nil, "o1", "ghost-child"),
			node("o1", msg("o1", "user", "Hello from the real root's child.", fixtureT0+1), "o0", "o2"),
			node("o2", msg("o2", "assistant", "Hi! I am on the displayed path.", fixtureT0+2), "o1", "o3"),
			node("o3", msg("o3", "user", "Last message (current node).", fixtureT0+3), "o2"),
			node("x1", msg("x1", "user", "My parent does not exist.", fixtureT0+20), "ghost-parent", "x2"),
			node("x2", msg("x2", "assistant", "Child of an orphan.", fixtureT0+21), "x1"),
		}),
		conv("orphan-2", "Dangling current node", fixtureT0, fixtureT0+9, "does-not-exist", Obj{
			node("d0", nil, nil, "d1"),
			node("d1", msg("d1", "user", "Where does current_node point?", fixtureT0+1), "d0", "d2", "d3"),
			node("d2", msg("d2", "assistant", "Older answer.", fixtureT0+2), "d1"),
			node("d3", msg("d3", "assistant", "Newest leaf: pick me when current_node dangles.", fixtureT0+8), "d1"),
		}),
		Obj{{"title", "No current_node key"}, {"create_time", fixtureT0}, {"mapping", Obj{
			node("m0", nil, nil, "m1"),
			node("m1", msg("m1", "user", "There is no current_node field at all.", fixtureT0+1), "m0"),
		}}, {"id", "orphan-3"}},
	)

	// nulls.json: null or missing everything that can be.
	nullMsg := Obj{{"id", "n2"}, {"author", Obj{{"role", "assistant"}, {"name", nil}, {"metadata", nil}}},
		{"create_time", nil}, {"update_time", nil}, {"content", Obj{{"content_type", "text"}, {"parts", nil}}},
		{"status", nil}, {"end_turn", nil}, {"weight", nil}, {"metadata", nil}, {"recipient", nil}, {"channel", nil}}
	files["nulls.json"] = arr(
		Obj{{"title", nil}, {"create_time", nil}, {"update_time", nil}, {"mapping", Obj{
			KV{"n0", Obj{{"id", "n0"}, {"message", nil}, {"parent", nil}, {"children", nil}}},
			node("n1", msg("n1", "user", "Title, times and children are null here.", fixtureT0), "n0", "n2"),
			KV{"n2", Obj{{"id", "n2"}, {"message", nullMsg}, {"parent", "n1"}, {"children", []string{"n3"}}}},
			KV{"n3", Obj{{"id", "n3"}, {"message", nil}, {"parent", "n2"}, {"children", []string{"n4"}}}},
			KV{"n4", Obj{{"id", "n4"}, {"message", Obj{{"id", "n4"}, {"author", Obj{{"role", "assistant"}}},
				{"content", Obj{{"content_type", "text"}, {"parts", []any{nil, "after a null part", ""}}}}}}, {"parent", "n3"}}},
		}}, {"current_node", "n4"}, {"id", "nulls-1"}},
		// Tool-made shape: root without parent/message keys, no times at all.
		Obj{{"title", ""}, {"mapping", Obj{
			KV{"r", Obj{{"id", "r"}, {"children", []string{"m"}}}},
			KV{"m", Obj{{"id", "m"}, {"parent", "r"}, {"message", Obj{{"author", Obj{{"role", "user"}}},
				{"content", Obj{{"content_type", "text"}, {"parts", []string{"Empty title, no times, no ids on the message."}}}}}}}},
		}}, {"current_node", "m"}, {"id", "nulls-2"}},
		// Update time only (create_time missing): sort by update_time.
		Obj{{"title", "Only update_time"}, {"update_time", fixtureT0 + 500}, {"mapping", Obj{
			node("u0", nil, nil, "u1"),
			node("u1", msg("u1", "user", "create_time is missing on the conversation.", fixtureT0+400), "u0"),
		}}, {"current_node", "u1"}, {"id", "nulls-3"}},
	)

	// unknown-types.json: content types, part types, roles and keys the
	// loader has never heard of.
	b = NewBuilder("unknown-1", "Future content types", fixtureT0, 3)
	b.HiddenSystem(1)
	b.User("Show me something new.")
	b.Add(Msg{Role: "assistant", Content: Obj{{"content_type", "hologram_v2"}, {"frames", []any{1, 2, 3}}, {"caption", "A spinning cube"}}})
	b.Add(Msg{Role: "assistant", Content: Multimodal("Text before.", Obj{{"content_type", "smell_asset_pointer"}, {"asset_pointer", "scent://file_1"}}, "Text after.")})
	b.Add(Msg{Role: "critic", Content: Text("An author role nobody documented.")})
	b.Add(Msg{Role: "assistant", Content: Obj{{"content_type", "text"}, {"parts", []any{Obj{{"unexpected", "object part without content_type"}}, 42, true}}}})
	b.Add(Msg{Role: "assistant", Content: Obj{{"parts", []string{"content_type is missing"}}}})
	b.Assistant("Plain text still renders.")
	u1 := b.Object()
	u1 = u1.Set("brand_new_top_level_key", Obj{{"nested", []any{nil, 1.5}}})
	files["unknown-types.json"] = arr(u1)

	// escapes.json: terminal control sequences in titles and bodies.
	esc := []string{
		"OSC 52 clipboard \x1b]52;c;aGVsbG8=\x07 and clear screen \x1b[2J\x1b[H",
		"C1 CSI \u009b31mred\u009b0m and C1 OSC \u009d0;title\u009c",
		"bell \x07\x07 backspace ab\x08\x08XY carriage\rreturn",
		"hyperlink \x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\ done",
		"bidi \u202eevil.exe\u202c and zero-width \u200b\u200d",
		"title set \x1b]0;pwned\x07 cursor \x1b[10A\x1b[999C",
	}
	b = NewBuilder("escapes-1", "Evil \x1b]52;c;aGVsbG8=\x07title\x1b[2J\u009b31m", fixtureT0, 4)
	b.HiddenSystem(1)
	b.User(esc[0] + "\n" + esc[1])
	b.Assistant("```\n" + esc[2] + "\n```\n" + esc[3])
	b.User(esc[4])
	b.Add(Msg{Role: "tool", Name: "python\x1b[31m", Content: Obj{{"content_type", "execution_output"}, {"text", esc[5]}}})
	b.Assistant("Code answer:\n```go\nfmt.Print(\"\\x1b[2J\")\n```\nand a real one: \x1b[2J")
	e1 := b.Object()
	b = NewBuilder("escapes-2", "\x1b[2J\x1b[3J\x1bc", fixtureT0+60, 5)
	b.User("Title is only escape sequences.")
	b.Assistant("Sanitised, it must not be empty: show (untitled) or the visible remainder.")
	files["escapes.json"] = arr(e1, b.Object())

	// single-object.json, wrapped.json.
	b = NewBuilder("single-1", "A single conversation object", fixtureT0, 6)
	b.HiddenSystem(1)
	b.User("Is a bare object accepted?")
	b.Assistant("Yes — tools export one conversation as a bare object.")
	files["single-object.json"] = Marshal(b.Object())
	w1 := NewBuilder("wrapped-1", "Wrapped one", fixtureT0, 7)
	w1.User("First inside {\"conversations\": [...]}")
	w1.Assistant("Found.")
	w2 := NewBuilder("wrapped-2", "Wrapped two", fixtureT0+100, 8)
	w2.User("Second inside the wrapper.")
	w2.Assistant("Found too.")
	files["wrapped.json"] = Marshal(Obj{{"conversations", []any{w1.Object(), w2.Object()}}})

	// shards/: two complete arrays; "shard-dup" appears in both, the copy in
	// shard 001 is newer (update_time) and must win.
	mk := func(id, title string, t float64, seed uint64, q, a string) Obj {
		b := NewBuilder(id, title, t, seed)
		b.HiddenSystem(1)
		b.User(q)
		b.Assistant(a)
		return b.Object()
	}
	files["shards/conversations-000.json"] = arr(
		mk("shard-a", "Shard zero, first", fixtureT0, 10, "In shard 000?", "Yes."),
		mk("shard-dup", "Duplicate (old copy)", fixtureT0+10, 11, "Old copy?", "This is the OLD copy; the one in shard 001 is newer."),
	)
	files["shards/conversations-001.json"] = arr(
		mk("shard-b", "Shard one, first", fixtureT0+20, 12, "In shard 001?", "Yes."),
		mk("shard-dup", "Duplicate (new copy)", fixtureT0+5000, 13, "New copy?", "This is the NEW copy and should be kept."),
	)

	// truncated.json: three conversations, cut in the middle of the third.
	full := arr(
		mk("trunc-1", "Complete one", fixtureT0, 20, "First?", "Complete."),
		mk("trunc-2", "Complete two", fixtureT0+100, 21, "Second?", "Complete as well."),
		mk("trunc-3", "Cut off", fixtureT0+200, 22, "Third?", "This answer is cut off in the middle of the conversation object."),
	)
	cut := bytes.Index(full, []byte("in the middle of the conversation object"))
	files["truncated.json"] = full[:cut]

	// malformed-middle.json: valid JSON, but the 2nd conversation has the
	// wrong types (mapping is a string, times are strings, title a number).
	bad := Obj{{"title", 42}, {"create_time", "yesterday"}, {"update_time", Obj{}}, {"mapping", "not a mapping"},
		{"current_node", []any{"x"}}, {"id", "malformed-2"}}
	files["malformed-middle.json"] = arr(
		mk("malformed-1", "Good before", fixtureT0, 30, "Before the bad one?", "Loads."),
		bad,
		mk("malformed-3", "Good after", fixtureT0+300, 31, "After the bad one?", "Loads too."),
	)
	// malformed-syntax-middle.json: the 2nd conversation is not even JSON
	// (bad literal) though its brackets balance.
	good1 := Marshal(mk("syntax-1", "Good before", fixtureT0, 32, "Before?", "Loads."))
	good3 := Marshal(mk("syntax-3", "Good after", fixtureT0+300, 33, "After?", "Loads if the loader resyncs."))
	files["malformed-syntax-middle.json"] = []byte("[" + string(good1) + `, {"title": "Broken", "create_time": 17487792OO.0, "mapping": {"a": {"id": "a", "message": tru, "parent": null, "children": []}}, "current_node": "a", "id": "syntax-2"}, ` + string(good3) + "]")

	files["not-json.txt"] = []byte("This is not an export.\nIt is a plain text file someone renamed.\n{ not: json ]\n")
	return files
}

// TestWriteFixtures keeps testdata/ in sync with the code above. Run with
// -update to rewrite the files; otherwise it fails when they drift.
func TestWriteFixtures(t *testing.T) {
	dir := filepath.Join(fixtures.RepoRoot(t), "testdata")
	for name, data := range fixtureFiles() {
		if len(data) > 100<<10 {
			t.Errorf("%s is %d bytes; fixtures stay under 100 KB", name, len(data))
		}
		path := filepath.Join(dir, filepath.FromSlash(name))
		if *update {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("%v (run go test ./internal/testkit/gen -run TestWriteFixtures -update)", err)
			continue
		}
		if !bytes.Equal(got, data) {
			t.Errorf("testdata/%s drifted from fixtures_test.go (run with -update)", name)
		}
	}
}

func TestWriteChain(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteChain(&buf, 1000); err != nil {
		t.Fatal(err)
	}
	var convs []wireConv
	if err := json.Unmarshal(buf.Bytes(), &convs); err != nil {
		t.Fatal(err)
	}
	if len(convs) != 1 || len(convs[0].Mapping) != 1001 || convs[0].CurrentNode != "n1000" {
		t.Fatalf("chain: %d convs", len(convs))
	}
	// Walk from current_node to the root iteratively.
	steps, id := 0, convs[0].CurrentNode
	for {
		n := convs[0].Mapping[id]
		if n.Parent == nil {
			break
		}
		id = *n.Parent
		steps++
	}
	if steps != 1000 || !strings.HasPrefix(buf.String(), `[{"title": "Chain of 1000 messages"`) {
		t.Errorf("walked %d steps", steps)
	}
}
