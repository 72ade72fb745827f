package loader

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/backchat/backchat/model"
)

func TestShapesOfTopLevel(t *testing.T) {
	dir := t.TempDir()
	one := simple("c1", "One", 1700000100)
	two := simple("c2", "Two", 1700000200)
	cases := map[string]string{
		"array.json":   array(one, two),
		"object.json":  two + "\n" + one, // single objects, one after another
		"wrapped.json": `{"version": 2, "conversations": ` + array(one, two) + `, "extra": {"a": [1]}}`,
		"bom.json":     "\ufeff  \n" + array(one, two),
		"comma.json":   "[" + one + ",\n" + two + ",\n]",
	}
	for name, content := range cases {
		t.Run(name, func(t *testing.T) {
			a := mustOpen(t, writeFile(t, dir, name, content))
			if got := ids(a); !slices.Equal(got, []string{"c2", "c1"}) {
				t.Errorf("ids = %v, want [c2 c1] (newest first)", got)
			}
			if len(a.Warnings) != 0 {
				t.Errorf("warnings: %v", a.Warnings)
			}
		})
	}
	a := mustOpen(t, writeFile(t, dir, "single.json", one))
	if len(a.Conversations) != 1 || a.Conversations[0].Title != "One" {
		t.Fatalf("single object: %v", ids(a))
	}
	c := a.Conversations[0]
	th := c.CurrentThread()
	if len(th) != 3 || c.Nodes[th[2]].Msg.Blocks[0].Text != "answer in c1" || c.Nodes[th[2]].Msg.Role() != model.RoleAssistant {
		t.Errorf("thread = %v", th)
	}
}

func TestBranchesCyclesOrphans(t *testing.T) {
	dir := t.TempDir()
	branchy := conv("b", "Branches", "a2", 1,
		node("r", "", "", "u"),
		node("u", "r", msg("u", "user", "q"), "a1", "a2"),
		node("a1", "u", msg("a1", "assistant", "first")),
		node("a2", "u", msg("a2", "assistant", "second")),
	)
	cyclic := conv("cy", "Cycle", "x", 1,
		node("x", "y", msg("x", "user", "x"), "y"),
		node("y", "x", msg("y", "assistant", "y"), "x"),
	)
	orphans := conv("or", "Orphans", "gone", 1,
		node("r", "", "", "a", "missing-child"),
		node("a", "r", msg("a", "user", "a")),
		node("lost", "nowhere", msg("lost", "user", "orphan")),
	)
	selfloop := conv("self", "Self", "s", 1, node("s", "s", msg("s", "user", "s"), "s"))
	a := mustOpen(t, writeFile(t, dir, "conversations.json", array(branchy, cyclic, orphans, selfloop)))
	if len(a.Conversations) != 4 {
		t.Fatalf("got %v", ids(a))
	}
	b := find(a, "b")
	u := b.Nodes[b.Nodes[b.Current].Parent]
	if len(u.Children()) != 2 || b.Nodes[u.Children()[0]].Key != "a1" || b.Nodes[u.Children()[1]].Key != "a2" || b.Nodes[b.Current].Key != "a2" {
		t.Errorf("branch: %+v current %d", u, b.Current)
	}
	cy := find(a, "cy")
	if th := cy.CurrentThread(); len(th) != 2 {
		t.Errorf("cycle thread = %v", th)
	}
	or := find(a, "or")
	if or.Current != model.NoNode || or.CurrentKey != "gone" {
		t.Errorf("dangling current: %d %q", or.Current, or.CurrentKey)
	}
	lost := or.Nodes[2]
	if lost.Key != "lost" || lost.Parent != model.NoNode || len(or.Nodes[0].Children()) != 1 {
		t.Errorf("orphans: %+v / root children %v", lost, or.Nodes[0].Children())
	}
	if th := or.CurrentThread(); len(th) == 0 {
		t.Error("no fallback thread for a dangling current_node")
	}
	if th := find(a, "self").CurrentThread(); len(th) != 1 {
		t.Errorf("self loop thread = %v", th)
	}
	data := warningsOf(a, model.WarnData)
	if len(data) == 0 {
		t.Error("dangling keys were not reported")
	}
	for _, w := range data {
		if w.ID != "or" {
			t.Errorf("unexpected data warning %v", w)
		}
	}
}

func TestNullsAndMissingKeys(t *testing.T) {
	dir := t.TempDir()
	content := `[
 {"mapping": {"n0": {"id": "n0", "children": ["n1"]},
   "n1": {"parent": "n0", "message": {"author": {"role": "user"}, "content": {"content_type": "text", "parts": ["hi", null, "there"]}}},
   "n2": {"parent": null, "children": null, "message": null},
   "n3": {"parent": "n1", "message": {"author": null, "create_time": "1700000001.5", "content": {"content_type": "text"}, "metadata": null, "status": null, "end_turn": null, "weight": null}}},
  "title": null, "create_time": null, "update_time": null, "current_node": null, "id": "nulls",
  "is_archived": null, "is_starred": true, "default_model_slug": null},
 {"mapping": {}, "conversation_id": "empty", "create_time": 1700000000, "update_time": "1700000005"},
 {"mapping": {"a": {"message": {"create_time": 1690000000, "content": {"content_type": "text", "parts": ["x"]}, "metadata": {"model_slug": "gpt-4"}}}}, "id": "timeless"}
]`
	a := mustOpen(t, writeFile(t, dir, "conversations.json", content))
	if len(a.Conversations) != 3 || len(warningsOf(a, model.WarnSkipped)) != 0 {
		t.Fatalf("got %v, warnings %v", ids(a), a.Warnings)
	}
	n := find(a, "nulls")
	if n.Title != "" || n.DisplayTitle() != "(untitled)" || !n.Starred || n.Archived || n.Current != model.NoNode {
		t.Errorf("nulls: %+v", n)
	}
	if got := n.Nodes[1].Msg.Blocks[0].Text; got != "hi\nthere" {
		t.Errorf("joined parts = %q", got)
	}
	if m := n.Nodes[3].Msg; m.Time().Unix() != 1700000001 || endTurnKnown(m) || m.Role() != "" {
		t.Errorf("n3 message = %+v", m)
	}
	if !n.Created.IsZero() {
		// No conversation time at all: the earliest message time is used.
		if n.Created.Unix() != 1700000001 {
			t.Errorf("created fallback = %v", n.Created)
		}
	}
	e := find(a, "empty")
	if e.Created.Unix() != 1700000000 || e.Updated.Unix() != 1700000005 || len(e.Nodes) != 0 {
		t.Errorf("empty: %+v", e)
	}
	ti := find(a, "timeless")
	if ti.Created.Unix() != 1690000000 || ti.Model != "gpt-4" {
		t.Errorf("fallbacks: created %v model %q", ti.Created, ti.Model)
	}
}

func TestContentTypes(t *testing.T) {
	dir := t.TempDir()
	m := func(id, role, recipient, content, meta string) string {
		return `{"id": "` + id + `", "author": {"role": "` + role + `", "name": "tool"}, "recipient": "` + recipient + `", "content": ` + content + `, "metadata": ` + meta + `}`
	}
	nodes := []string{
		node("unk", "", m("unk", "assistant", "all", `{"content_type": "super_widget", "widget": {"a": [1, 2, "\u00e9"]}}`, `{}`)),
		node("canvas", "", m("canvas", "assistant", "canmore.create_textdoc", `{"content_type": "code", "language": "json", "text": "{\"name\": \"Plan\", \"type\": \"document\", \"content\": \"# Plan\\nstep\"}"}`, `{}`)),
		node("upd", "", m("upd", "assistant", "canmore.update_textdoc", `{"content_type": "code", "language": "json", "text": "{\"updates\": [{\"pattern\": \".*\", \"replacement\": \"new text\"}]}"}`, `{}`)),
		node("canvas2", "", m("canvas2", "assistant", "canmore.create_textdoc", `{"content_type": "text", "parts": [{"name": "Old", "type": "code/python", "content": "print(1)"}]}`, `{}`)),
		node("exec", "", m("exec", "tool", "all", `{"content_type": "execution_output", "text": "42"}`, `{"aggregate_result": {"messages": [{"message_type": "image", "image_url": "file-service://file-plot1", "width": 640, "height": 480}]}}`)),
		node("quote", "", m("quote", "tool", "all", `{"content_type": "tether_quote", "url": "https://e.x/a", "domain": "e.x", "title": "T", "text": "quoted"}`, `{}`)),
		node("web", "", m("web", "tool", "all", `{"content_type": "sonic_webpage", "url": "https://e.x", "domain": "e.x", "title": "P", "text": "page", "snippet": "snip"}`, `{}`)),
		node("recap", "", m("recap", "assistant", "all", `{"content_type": "reasoning_recap", "content": "Thought for 3s"}`, `{"finished_duration_sec": 3}`)),
		node("ctx", "", m("ctx", "user", "all", `{"content_type": "user_editable_context", "user_profile": "I am", "user_instructions": "Be brief"}`, `{"is_visually_hidden_from_conversation": true}`)),
		node("err", "", m("err", "tool", "all", `{"content_type": "system_error", "name": "GetDownloadLinkError", "text": "boom"}`, `{}`)),
		node("voice", "", m("voice", "user", "all", `{"content_type": "multimodal_text", "parts": [{"content_type": "audio_transcription", "text": "hello", "direction": "in"}, {"content_type": "real_time_user_audio_video_asset_pointer", "audio_asset_pointer": {"content_type": "audio_asset_pointer", "asset_pointer": "sediment://file_abc", "format": "wav", "size_bytes": 10}, "frames_asset_pointers": []}, {"content_type": "new_part_kind", "x": 1}, ""]}`, `{}`)),
		node("comp", "", m("comp", "tool", "all", `{"content_type": "computer_output", "screenshot": {"content_type": "image_asset_pointer", "asset_pointer": "sediment://file_shot"}, "state": {"type": "browser_state", "url": "https://s.x", "title": "Shot"}}`, `{}`)),
		node("th", "", m("th", "assistant", "all", `{"content_type": "thoughts", "thoughts": [{"summary": "S", "content": "C"}, {"summary": "S2"}]}`, `{}`)),
	}
	a := mustOpen(t, writeFile(t, dir, "c.json", conv("ct", "Types", "", 1, nodes...)))
	c := a.Conversations[0]
	blocks := map[string][]model.Block{}
	for _, n := range c.Nodes {
		blocks[n.Key] = n.Msg.Blocks
	}
	check := func(key string, ok bool) {
		t.Helper()
		if !ok {
			t.Errorf("%s: blocks %+v", key, blocks[key])
		}
	}
	u := blocks["unk"]
	check("unk", len(u) == 1 && u[0].Kind == model.BlockUnknown && u[0].Type() == "super_widget" &&
		compact(u[0].Raw()) == `{"content_type":"super_widget","widget":{"a":[1,2,"\u00e9"]}}`)
	cv := blocks["canvas"]
	check("canvas", len(cv) == 1 && cv[0].Kind == model.BlockCanvas && cv[0].Title() == "Plan" && cv[0].Lang() == "document" && cv[0].Text == "# Plan\nstep")
	cv2 := blocks["canvas2"]
	check("canvas2", len(cv2) == 1 && cv2[0].Kind == model.BlockCanvas && cv2[0].Title() == "Old" && cv2[0].Lang() == "code/python" && cv2[0].Text == "print(1)" && cv2[0].Type() == "text")
	up := blocks["upd"]
	check("upd", len(up) == 1 && up[0].Kind == model.BlockCanvas && up[0].Text == "new text")
	ex := blocks["exec"]
	check("exec", len(ex) == 1 && ex[0].Kind == model.BlockExecOutput && ex[0].Text == "42" && len(ex[0].Images()) == 1 &&
		ex[0].Images()[0].Pointer == "file-service://file-plot1" && ex[0].Images()[0].Width == 640)
	q := blocks["quote"]
	check("quote", len(q) == 1 && q[0].Kind == model.BlockQuote && q[0].URL() == "https://e.x/a" && q[0].Domain() == "e.x" && q[0].Title() == "T" && q[0].Text == "quoted")
	w := blocks["web"]
	check("web", len(w) == 1 && w[0].Kind == model.BlockWebPage && w[0].Summary() == "snip" && w[0].Text == "page")
	r := blocks["recap"]
	check("recap", len(r) == 1 && r[0].Kind == model.BlockReasoningRecap && r[0].Text == "Thought for 3s" && r[0].Seconds() == 3)
	cx := blocks["ctx"]
	check("ctx", len(cx) == 1 && cx[0].Kind == model.BlockContext && cx[0].Text == "I am\n\nBe brief")
	e := blocks["err"]
	check("err", len(e) == 1 && e[0].Kind == model.BlockSystemError && e[0].Title() == "GetDownloadLinkError" && e[0].Text == "boom")
	v := blocks["voice"]
	check("voice", len(v) == 3 && v[0].Kind == model.BlockAudioTranscript && v[0].Text == "hello" && v[0].Direction() == "in" &&
		v[1].Kind == model.BlockAudio && v[1].Asset().Pointer == "sediment://file_abc" && v[1].Asset().Size == 10 && v[1].Asset().MIME == "audio/wav" &&
		v[2].Kind == model.BlockUnknown && v[2].Type() == "new_part_kind")
	cp := blocks["comp"]
	check("comp", len(cp) == 2 && cp[0].Kind == model.BlockImage && cp[0].Asset().Pointer == "sediment://file_shot" && strings.Contains(cp[1].Text, "https://s.x"))
	th := blocks["th"]
	check("th", len(th) == 1 && th[0].Kind == model.BlockThoughts && len(th[0].Thoughts()) == 2 && th[0].Thoughts()[0].Content == "C")
}

func TestTitlesKeptVerbatim(t *testing.T) {
	dir := t.TempDir()
	title := "a\x1b[31mred\x07 \u202e \"q\" \\ tab\t nul\x00 é 😀"
	a := mustOpen(t, writeFile(t, dir, "c.json", array(simple("e", title, 1))))
	if got := a.Conversations[0].Title; got != title {
		t.Errorf("title = %q, want %q", got, title)
	}
}

func TestInvalidUTF8AndSurrogates(t *testing.T) {
	dir := t.TempDir()
	// CESU-8 emoji (U+1F602 as two 3-byte surrogates), a stray 0xFF, and
	// escaped lone and paired surrogates.
	raw := "[" + strings.Replace(simple("u", "T", 1), `"title": "T"`, `"title": `+"\"x\xed\xa0\xbd\xed\xb8\x82y\xffz \\ud83d\\ude02 \\ud800 end\"", 1) + "]"
	a := mustOpen(t, writeFile(t, dir, "c.json", raw))
	if got, want := a.Conversations[0].Title, "x😂y\ufffdz 😂 \ufffd end"; got != want {
		t.Errorf("title = %q, want %q", got, want)
	}
}

func TestLongChainAndHugeString(t *testing.T) {
	dir := t.TempDir()
	const n = 100000
	var b strings.Builder
	b.WriteString(`[{"id": "long", "title": "Long", "current_node": "n99999", "mapping": {`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		parent := ""
		if i > 0 {
			parent = "n" + itoa(i-1)
		}
		var kids []string
		if i < n-1 {
			kids = []string{"n" + itoa(i+1)}
		}
		b.WriteString(node("n"+itoa(i), parent, msg("n"+itoa(i), "user", "m"), kids...))
	}
	b.WriteString("}}, ")
	big := strings.Repeat("x\\n", 5<<20/3)
	b.WriteString(strings.Replace(simple("big", "Big", 2), `"hello from big"`, `"`+big+`"`, 1))
	b.WriteString("]")
	a := mustOpen(t, writeFile(t, dir, "conversations.json", b.String()))
	long := find(a, "long")
	if long == nil || len(long.Nodes) != n || len(long.CurrentThread()) != n {
		t.Fatalf("long chain: %v", ids(a))
	}
	bg := find(a, "big")
	if got := len(bg.Nodes[1].Msg.Blocks[0].Text); got != 2*(5<<20/3) {
		t.Errorf("big string length %d", got)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func TestShardsAndFolders(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "export/conversations-000.json", array(simple("s1", "S1", 1), simple("dup", "old", 5)))
	writeFile(t, dir, "export/conversations-001.json", array(simple("s2", "S2", 2), simple("dup", "new", 9)))
	writeFile(t, dir, "export/conversations.json.index", "not json")
	writeFile(t, dir, "export/user.json", `{"id": "user-1"}`)
	writeFile(t, dir, "__MACOSX/export/._conversations-000.json", "\x00\x05junk")
	a := mustOpen(t, dir)
	if got := ids(a); !slices.Equal(got, []string{"dup", "s2", "s1"}) {
		t.Errorf("ids = %v", got)
	}
	if d := find(a, "dup"); d.Title != "new" || !strings.HasSuffix(d.Source, "conversations-001.json") {
		t.Errorf("dedupe kept %q from %s", d.Title, d.Source)
	}
	if len(a.Warnings) != 0 {
		t.Errorf("warnings: %v", a.Warnings)
	}
	// Several paths merge the same way.
	other := writeFile(t, t.TempDir(), "conversations.json", array(simple("dup", "newest", 10), simple("s3", "S3", 3)))
	a = mustOpen(t, dir, other)
	if len(a.Conversations) != 4 || find(a, "dup").Title != "newest" || len(a.Sources) != 2 {
		t.Errorf("merge: %v", ids(a))
	}
}

func TestNotAnExport(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"garbage.json": "hello, I am not JSON",
		"empty.json":   "",
		"users.json":   `[{"uuid": "x", "full_name": "n", "email_address": "e"}]`,
		"numbers.json": `[1, 2, 3]`,
	} {
		_, err := Open(writeFile(t, dir, name, content))
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	_, err := Open(writeFile(t, dir, "garbage2.json", "\x00\x01binary"))
	if err == nil || !errors.Is(err, errNotExport) || !strings.Contains(err.Error(), "expected a ZIP, a folder or a JSON file") {
		t.Errorf("binary: %v", err)
	}
	empty := filepath.Join(dir, "nothing-here")
	os.Mkdir(empty, 0o755)
	if _, err := Open(empty); err == nil || !errors.Is(err, errNotExport) {
		t.Errorf("empty folder: %v", err)
	}
	if _, err := Open(filepath.Join(dir, "missing")); err == nil {
		t.Error("missing path loaded")
	}
	// A bad path next to a good one is a warning, not an error.
	good := writeFile(t, dir, "good/conversations.json", array(simple("g", "G", 1)))
	a, err := Open(good, filepath.Join(dir, "garbage.json"))
	if err != nil || len(a.Conversations) != 1 || len(warningsOf(a, model.WarnFile)) != 1 {
		t.Errorf("mixed: %v %v", err, a)
	}
	// An empty export is empty, not an error.
	if a, err := Open(writeFile(t, dir, "e/conversations.json", "[]")); err != nil || len(a.Conversations) != 0 {
		t.Errorf("empty array: %v", err)
	}
}

func TestTruncated(t *testing.T) {
	dir := t.TempDir()
	full := array(simple("t1", "A", 1), simple("t2", "B", 2), simple("t3", "C", 3))
	cut := full[:strings.Index(full, `"t3-a"`)+3]
	a := mustOpen(t, writeFile(t, dir, "conversations.json", cut))
	if got := ids(a); !slices.Equal(got, []string{"t2", "t1"}) {
		t.Errorf("ids = %v", got)
	}
	// The conversation the cut goes through is lost: reported as skipped.
	tr := warningsOf(a, model.WarnSkipped)
	if off := strings.Index(full, `{"title": "C"`); len(a.Warnings) != 1 || len(tr) != 1 || tr[0].Index != 2 || tr[0].Offset != int64(off) || !strings.Contains(tr[0].Reason, "ends at byte") {
		t.Errorf("truncation warnings: %v (want index 2 at %d)", a.Warnings, off)
	}
	// Cut inside a {"conversations": [...]} wrapper: one warning.
	wrapped := `{"conversations": ` + full
	a = mustOpen(t, writeFile(t, dir, "w.json", wrapped[:strings.Index(wrapped, `"t3-a"`)]))
	if len(a.Conversations) != 2 || len(a.Warnings) != 1 || a.Warnings[0].Kind != model.WarnSkipped {
		t.Errorf("wrapped cut: %v %v", ids(a), a.Warnings)
	}
	// Missing only the closing bracket.
	a = mustOpen(t, writeFile(t, dir, "c2.json", full[:len(full)-1]))
	if len(a.Conversations) != 3 || len(warningsOf(a, model.WarnTruncated)) != 1 {
		t.Errorf("missing ]: %v %v", ids(a), a.Warnings)
	}
	// Cut inside the first conversation: nothing loads, so an error.
	if _, err := Open(writeFile(t, dir, "c3.json", full[:40])); err == nil || !strings.Contains(err.Error(), "ends") {
		t.Errorf("cut in first: %v", err)
	}
}

func TestMalformedInTheMiddle(t *testing.T) {
	dir := t.TempDir()
	good1, good2 := simple("m1", "A", 1), simple("m3", "C", 3)
	bad := `{"id": "m2", "title": "B", "mapping": {"x": {"message": {"content": {"content_type": "text", "parts": [tru]}}}}}`
	notObj := `"just a string"`
	noMap := `{"id": "m4", "title": "no mapping"}`
	badMapping := `{"id": "m5", "mapping": [1, 2]}`
	content := array(good1, bad, notObj, good2, noMap, badMapping)
	a := mustOpen(t, writeFile(t, dir, "conversations.json", content))
	if got := ids(a); !slices.Equal(got, []string{"m3", "m1"}) {
		t.Errorf("ids = %v", got)
	}
	// A string where a conversation belongs is reported as data (no
	// conversation is lost with it); each object is a skipped conversation.
	sk := warningsOf(a, model.WarnSkipped)
	if len(sk) != 3 || len(warningsOf(a, model.WarnData)) != 1 || warningsOf(a, model.WarnData)[0].Offset != int64(strings.Index(content, notObj)) {
		t.Fatalf("skipped warnings: %v", a.Warnings)
	}
	want := []struct {
		index int
		off   int
		id    string
	}{
		{1, strings.Index(content, bad), "m2"},
		{3, strings.Index(content, noMap), "m4"},
		{4, strings.Index(content, badMapping), "m5"},
	}
	for i, w := range want {
		if sk[i].Index != w.index || sk[i].Offset != int64(w.off) || sk[i].ID != w.id || sk[i].Reason == "" {
			t.Errorf("warning %d = %+v, want index %d offset %d id %q", i, sk[i], w.index, w.off, w.id)
		}
	}
	// Data after the array is reported, not silently dropped (as data:
	// it holds no conversation, so none is counted as skipped).
	a = mustOpen(t, writeFile(t, dir, "c3.json", array(good1)+" [1]"))
	if len(a.Conversations) != 1 || len(warningsOf(a, model.WarnSkipped)) != 0 || len(warningsOf(a, model.WarnData)) != 1 {
		t.Errorf("trailing data: %v %v", ids(a), a.Warnings)
	}
	// Garbage between elements: resynchronised at the next object.
	content = `[` + good1 + ` oops ,` + good2 + `]`
	a = mustOpen(t, writeFile(t, dir, "c2.json", content))
	if len(a.Conversations) != 2 || len(warningsOf(a, model.WarnSkipped)) != 0 || len(warningsOf(a, model.WarnData)) != 1 {
		t.Errorf("resync: %v %v", ids(a), a.Warnings)
	}
}

func TestCallbacksAndCancel(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "conversations.json", string(genExport(3<<20, 7)))
	var seen int
	var last, total int64
	a, err := OpenContext(context.Background(), Options{
		Workers:        3,
		OnConversation: func(*model.Conversation) { seen++ },
		Progress: func(d, t int64) {
			if d < last {
				panic("progress went backwards")
			}
			last, total = d, t
		},
	}, p)
	if err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(p)
	if seen != len(a.Conversations) || last != fi.Size() || total != fi.Size() {
		t.Errorf("seen %d of %d, progress %d/%d of %d", seen, len(a.Conversations), last, total, fi.Size())
	}
	ctx, cancel := context.WithCancel(context.Background())
	_, err = OpenContext(ctx, Options{OnConversation: func(*model.Conversation) { cancel() }}, p)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled load: %v", err)
	}
}

// compact strips insignificant whitespace from JSON (escapes stay as they are).
func compact(b []byte) string {
	var out bytes.Buffer
	if err := json.Compact(&out, b); err != nil {
		return "invalid JSON: " + err.Error()
	}
	return out.String()
}

// TestSharedScanBuffers loads, through the concurrent pipeline (elements
// handed to workers inside the scanner's ref-counted buffers), an export
// of many chunks with elements larger than a chunk between small ones, and
// checks every conversation against the synchronous copying path.
func TestSharedScanBuffers(t *testing.T) {
	gen := genExport(9<<20, 3)
	var b strings.Builder
	b.Write(gen[:len(gen)-1]) // drop ']'
	for i, n := range []int{6 << 20, 1, 9 << 20} {
		b.WriteString(", ")
		id := "huge" + itoa(i)
		b.WriteString(strings.Replace(simple(id, "Huge", 2), `"hello from `+id+`"`, `"`+strings.Repeat("y\\u00e9", n/7+1)+`"`, 1))
		for j := range 50 {
			b.WriteString(", " + simple("small"+itoa(i)+"-"+itoa(j), "Small", 3))
		}
	}
	b.WriteString("]")
	data := b.String()
	want, _, _ := decodeAll([]byte(data))
	a, err := OpenContext(context.Background(), Options{Workers: 2}, writeFile(t, t.TempDir(), "conversations.json", data))
	if err != nil {
		t.Fatal(err)
	}
	sum := func(c *model.Conversation) string {
		var s strings.Builder
		s.WriteString(c.ID + "|" + c.Title)
		for _, n := range c.Nodes {
			s.WriteString("|" + n.Key)
			if n.Msg != nil {
				for _, bl := range n.Msg.Blocks {
					s.WriteString("|" + bl.Text)
				}
			}
		}
		return s.String()
	}
	got := make(map[string]string)
	for _, c := range a.Conversations {
		got[c.ID] = sum(c)
	}
	if len(want) < 100 {
		t.Fatalf("only %d conversations generated", len(want))
	}
	for _, c := range want {
		if g, ok := got[c.ID]; !ok || g != sum(c) {
			t.Fatalf("conversation %q differs between the pipeline and the synchronous decode", c.ID)
		}
	}
}

func endTurnKnown(m *model.Message) bool {
	_, known := m.EndTurn()
	return known
}
