package loader

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/backchat/backchat/model"
)

// roles lists the roles of the current thread's shown and folded messages.
func roles(c *model.Conversation) []string {
	var out []string
	for _, m := range c.Messages(c.CurrentThread(), model.Folded) {
		out = append(out, string(m.Role())+" "+m.Blocks[0].Text)
	}
	return out
}

// A Claude export without parent_message_uuid whose chat_messages are not
// in time order (as in a real 2025 export): the thread follows created_at,
// the human first on a tie, the file order last.
func TestClaudeOutOfOrderMessages(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "conversations.json", `[{"uuid":"c1","name":"order","created_at":"2025-02-24T23:10:00Z","updated_at":"2025-02-24T23:20:00Z","chat_messages":[
	 {"uuid":"m1","sender":"human","created_at":"2025-02-24T23:10:23Z","content":[{"type":"text","text":"q1"}]},
	 {"uuid":"m2","sender":"assistant","created_at":"2025-02-24T23:11:17Z","content":[{"type":"text","text":"a2"}]},
	 {"uuid":"m3","sender":"assistant","created_at":"2025-02-24T23:10:47Z","content":[{"type":"text","text":"a1"}]},
	 {"uuid":"m4","sender":"human","created_at":"2025-02-24T23:11:12Z","content":[{"type":"text","text":"q2"}]},
	 {"uuid":"m5","sender":"assistant","created_at":"2025-02-24T23:12:00Z","content":[{"type":"text","text":"a3"}]},
	 {"uuid":"m6","sender":"human","created_at":"2025-02-24T23:12:00Z","content":[{"type":"text","text":"q3"}]},
	 {"uuid":"m7","sender":"human","created_at":"2025-02-24T23:13:00Z","content":[{"type":"text","text":"q4"}]},
	 {"uuid":"m8","sender":"human","created_at":"2025-02-24T23:13:00Z","content":[{"type":"text","text":"q5"}]}
	]}]`)
	a := mustOpen(t, p)
	got := strings.Join(roles(a.Conversations[0]), ", ")
	want := "user q1, assistant a1, user q2, assistant a2, user q3, assistant a3, user q4, user q5"
	if got != want {
		t.Errorf("thread = %s\nwant     %s", got, want)
	}
}

// When every message names its parent, the links decide and the array
// order does not; a message without a time keeps the file order.
func TestClaudeOrderLinksAndMissingTimes(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "conversations.json", `[{"uuid":"linked","chat_messages":[
	 {"uuid":"m2","parent_message_uuid":"m1","sender":"assistant","created_at":"2025-01-01T11:00:00Z","text":"a1"},
	 {"uuid":"m1","parent_message_uuid":"00000000-0000-4000-8000-000000000000","sender":"human","created_at":"2025-01-01T10:00:00Z","text":"q1"}
	]},{"uuid":"untimed","chat_messages":[
	 {"uuid":"n1","sender":"human","text":"q1"},
	 {"uuid":"n2","sender":"assistant","created_at":"2025-01-01T09:00:00Z","text":"a1"}
	]}]`)
	a := mustOpen(t, p)
	if got := strings.Join(roles(find(a, "linked")), ", "); got != "user q1, assistant a1" {
		t.Errorf("linked thread = %s", got)
	}
	if got := strings.Join(roles(find(a, "untimed")), ", "); got != "user q1, assistant a1" {
		t.Errorf("untimed thread = %s", got)
	}
}

// The real osteele export (parent_message_uuid on every message) keeps
// alternating speakers.
func TestClaudeRealLinkedThreadAlternates(t *testing.T) {
	a := mustOpen(t, filepath.Join("..", "testdata", "real", "claude-chat-viewer", "claude-bakery-chat.json"))
	c := a.Conversations[0]
	var last model.Role
	for _, m := range c.Messages(c.CurrentThread(), model.Shown) {
		if m.Role() == last && m.Role() == model.RoleUser {
			t.Errorf("two user messages in a row at %s", m.ID)
		}
		last = m.Role()
	}
}

// A project already named "Project: X" is not listed as "Project: Project: X".
func TestClaudeProjectTitleNotDoubled(t *testing.T) {
	for name, want := range map[string]string{
		"Project: Garden": "Project: Garden",
		"project:Garden":  "Project: Garden",
		"Garden":          "Project: Garden",
		"Projects":        "Project: Projects",
	} {
		if got := projectTitle(name); got != want {
			t.Errorf("projectTitle(%q) = %q, want %q", name, got, want)
		}
	}
}

// In a folder, projects.json wrapped as {"projects": […]} (as a real
// export stored by a tool) or {"conversations": […]} is read.
func TestClaudeProjectsWrapped(t *testing.T) {
	for _, key := range []string{"projects", "conversations"} {
		dir := t.TempDir()
		writeFile(t, dir, "projects.json", `{"`+key+`":[{"uuid":"p1","name":"Project: Garden","description":"plants","prompt_template":"be brief","docs":[],"created_at":"2025-02-24T10:00:00Z"}]}`)
		a := mustOpen(t, dir)
		if len(a.Warnings) != 0 || len(a.Conversations) != 1 || a.Conversations[0].Title != "Project: Garden" {
			t.Errorf("%s: warnings %v, conversations %v", key, a.Warnings, ids(a))
		}
	}
}

// A single DeepSeek conversation carrying ChatGPT's keys (create_time,
// current_node, conversation_id; no inserted_at at the top) is DeepSeek,
// detected by its messages' fragments.
func TestDeepSeekWithChatGPTKeys(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "sample.json", `{"title":"ds","create_time":"2024-12-31T10:30:00+03:00","update_time":"2024-12-31T11:15:00+03:00",
	 "mapping":{"root":{"id":"root","parent":null,"children":["1"]},
	  "1":{"id":"1","parent":"root","children":["2","3"],"message":{"model":"deepseek-chat","inserted_at":"2024-12-31T10:30:15+03:00","fragments":[{"type":"REQUEST","content":"hello"}]}},
	  "2":{"id":"2","parent":"1","children":[],"message":{"model":"deepseek-chat","inserted_at":"2024-12-31T10:31:00+03:00","fragments":[{"type":"RESPONSE","content":"first"}]}},
	  "3":{"id":"3","parent":"1","children":[],"message":{"model":"deepseek-chat","inserted_at":"2024-12-31T10:30:30+03:00","fragments":[{"type":"RESPONSE","content":"chosen"}]}}},
	 "current_node":"3","conversation_id":"ds-1","gizmo_id":null,"is_archived":false}`)
	a := mustOpen(t, p)
	if len(a.Warnings) != 0 {
		t.Errorf("warnings: %v", a.Warnings)
	}
	c := find(a, "ds-1")
	if c == nil || c.Service != model.ServiceDeepSeek || c.Created.IsZero() {
		t.Fatalf("conversation = %+v (ids %v)", c, ids(a))
	}
	if got := strings.Join(roles(c), ", "); got != "user hello, assistant chosen" {
		t.Errorf("thread = %s", got)
	}
}

// A conversation whose format matched but whose messages hold nothing
// readable is loaded with a warning, never silently empty.
func TestEmptyConversationWarns(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "a/conversations.json", `[{"id":"e1","title":"odd","mapping":{"a":{"id":"a","message":{"id":"a","weird":true}}}}]`)
	writeFile(t, dir, "b/conversations.json", `[{"uuid":"e2","chat_messages":[{"uuid":"x","sender":"human","content":[{"type":"text","text":""}]}]}]`)
	a := mustOpen(t, dir)
	if len(a.Conversations) != 2 {
		t.Fatalf("conversations: %v", ids(a))
	}
	ws := warningsOf(a, model.WarnData)
	if len(ws) != 2 || !strings.Contains(ws[0].Reason+ws[1].Reason, "nothing to show") {
		t.Errorf("warnings = %v", a.Warnings)
	}
}

// The real Grok export: conversation_id and response_id give the ids (show
// can reach it), and a null first parent_response_id is no warning.
func TestGrokRealExportIDs(t *testing.T) {
	a := mustOpen(t, filepath.Join("..", "testdata", "real", "openwebui-importer", "grok_example.json"))
	if len(a.Warnings) != 0 {
		t.Errorf("warnings: %v", a.Warnings)
	}
	c := a.Conversations[0]
	if c.ID == "" || c.Service != model.ServiceGrok {
		t.Fatalf("conversation id %q service %q", c.ID, c.Service)
	}
	ms := c.Messages(c.CurrentThread(), model.Shown)
	if len(ms) != 10 {
		t.Errorf("thread has %d messages, want 10", len(ms))
	}
	for _, m := range ms {
		if m.ID == "" {
			t.Errorf("message without id: %+v", m)
		}
	}
}

// chatgptNode is one mapping entry of a hand-written ChatGPT conversation.
func chatgptNode(id, parent string, children []string, role, text string, endTurn string) string {
	kids := `[]`
	if len(children) > 0 {
		kids = `["` + strings.Join(children, `","`) + `"]`
	}
	par := `null`
	if parent != "" {
		par = `"` + parent + `"`
	}
	msg := `null`
	if role != "" {
		msg = `{"id":"` + id + `","author":{"role":"` + role + `"},"create_time":1700000000,"content":{"content_type":"text","parts":["` + text + `"]},"end_turn":` + endTurn + `,"recipient":"all","metadata":{}}`
	}
	return `"` + id + `":{"id":"` + id + `","parent":` + par + `,"children":` + kids + `,"message":` + msg + `}`
}

// "Continue generating": an answer cut mid-word (end_turn false or null)
// and its continuations read as one shown message; the parts stay in the
// tree, hidden and marked, with their own text. A finished answer
// (end_turn true) followed by another, and a continuation that was
// regenerated (two children), are left apart.
func TestChatGPTContinuationsMerged(t *testing.T) {
	dir := t.TempDir()
	conv := func(id string, nodes ...string) string {
		return `{"id":"` + id + `","title":"t","create_time":1700000000,"mapping":{` + strings.Join(nodes, ",") + `},"current_node":"` + lastKey(nodes) + `"}`
	}
	merged := conv("merged",
		chatgptNode("r", "", []string{"u"}, "", "", "null"),
		chatgptNode("u", "r", []string{"a1"}, "user", "write a list", "null"),
		chatgptNode("a1", "u", []string{"a2"}, "assistant", "1. app", "false"),
		chatgptNode("a2", "a1", []string{"a3"}, "assistant", "les\\n2. pears", "null"),
		chatgptNode("a3", "a2", nil, "assistant", " and plums", "true"))
	apart := conv("apart",
		chatgptNode("r", "", []string{"u"}, "", "", "null"),
		chatgptNode("u", "r", []string{"a1"}, "user", "hi", "null"),
		chatgptNode("a1", "u", []string{"a2", "b2"}, "assistant", "cut", "false"),
		chatgptNode("b2", "a1", nil, "assistant", " other", "true"),
		chatgptNode("a2", "a1", []string{"a3"}, "assistant", " off", "true"),
		chatgptNode("a3", "a2", nil, "assistant", "Done.", "true"))
	p := writeFile(t, dir, "conversations.json", "["+merged+","+apart+"]")
	a := mustOpen(t, p)
	c := find(a, "merged")
	if got := strings.Join(roles(c), " | "); got != "user write a list | assistant 1. apples\n2. pears and plums" {
		t.Errorf("merged thread = %q", got)
	}
	all := c.Messages(c.CurrentThread(), model.Hidden)
	if len(all) != 4 || !all[2].Continuation || !all[3].Continuation || all[2].Visibility != model.Hidden ||
		all[2].Blocks[0].Text != "les\n2. pears" || all[3].Blocks[0].Text != " and plums" || all[1].Continuation {
		t.Errorf("parts not kept: %+v", all)
	}
	if got := strings.Join(roles(find(a, "apart")), " | "); got != "user hi | assistant cut | assistant  off | assistant Done." {
		t.Errorf("apart thread = %q", got)
	}
}

func lastKey(nodes []string) string {
	s := nodes[len(nodes)-1]
	return s[1 : strings.Index(s[1:], `"`)+1]
}

// chatHTMLFixture is a hand-written chat.html in the 2025 page's shape.
var chatHTMLFixture = filepath.Join("testdata", "chathtml", "chat.html")

// A chat.html on its own is read: its jsonData conversations, with the
// strings' HTML escapes undone (and JSON escapes kept).
func TestChatHTMLAlone(t *testing.T) {
	check := func(t *testing.T, a *model.Archive) {
		t.Helper()
		if len(a.Warnings) != 0 {
			t.Errorf("warnings: %v", a.Warnings)
		}
		c := find(a, "html-1")
		if c == nil {
			t.Fatalf("conversations: %v", ids(a))
		}
		if c.Title != "Fish & chips <3" {
			t.Errorf("title = %q", c.Title)
		}
		got := strings.Join(roles(c), " | ")
		if want := `user Say "hi" & quote 'it' é <b> | assistant He said "hi" \ back &amp; left`; got != want {
			t.Errorf("thread = %s\nwant     %s", got, want)
		}
	}
	t.Run("file", func(t *testing.T) { check(t, mustOpen(t, chatHTMLFixture)) })
	page, err := os.ReadFile(chatHTMLFixture)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("folder", func(t *testing.T) {
		dir := t.TempDir()
		writeFile(t, dir, "export/chat.html", string(page))
		writeFile(t, dir, "export/user.json", `{"id":"user-1","email":"a@example.com","chatgpt_plus_user":false}`)
		check(t, mustOpen(t, dir))
	})
	t.Run("zip", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "export.zip")
		writeZip(t, p, map[string]string{"chat.html": string(page)})
		check(t, mustOpen(t, p))
	})
}

// With conversations.json next to it, chat.html is not read and not
// reported.
func TestChatHTMLBesideConversations(t *testing.T) {
	page, err := os.ReadFile(chatHTMLFixture)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	writeFile(t, dir, "chat.html", string(page))
	writeFile(t, dir, "conversations.json", `[{"id":"json-1","title":"from json","mapping":{"r":{"id":"r","children":["u"]},"u":{"id":"u","parent":"r","message":{"id":"u","author":{"role":"user"},"content":{"content_type":"text","parts":["hi"]}}}}}]`)
	a := mustOpen(t, dir)
	if len(a.Warnings) != 0 || strings.Join(ids(a), ",") != "json-1" {
		t.Errorf("warnings %v, conversations %v", a.Warnings, ids(a))
	}
}

// An HTML page that is not an export page fails clearly; a page cut inside
// jsonData too.
func TestChatHTMLBad(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "page.html", "<html><body>hello</body></html>")
	if _, err := Open(p); err == nil || !strings.Contains(err.Error(), "jsonData") {
		t.Errorf("plain page: %v", err)
	}
	p = writeFile(t, dir, "chat.html", `<html><script>var jsonData = [{"title": "cut`)
	if _, err := Open(p); err == nil || !strings.Contains(err.Error(), "not closed") {
		t.Errorf("cut page: %v", err)
	}
}

func TestUnescapeJSONStrings(t *testing.T) {
	for in, want := range map[string]string{
		`["a &amp; b"]`:                 `["a & b"]`,
		`["&quot;q&quot; &#x27;&#39;"]`: `["\"q\" ''"]`,
		`["&lt;\"&gt;", "&bogus; & x"]`: `["<\">", "&bogus; & x"]`,
		`{"k&amp;": "\\&amp;"}`:         `{"k&": "\\&"}`,
		`["&#92;"]`:                     `["\\"]`,
		`["&#10;"]`:                     `["\u000a"]`,
	} {
		if got := string(unescapeJSONStrings([]byte(in))); got != want {
			t.Errorf("unescape(%s) = %s, want %s", in, got, want)
		}
	}
}

// FuzzChatHTML: extraction never panics; a valid JSON array embedded as
// jsonData comes back whole, and undoing the escapes keeps it valid JSON.
func FuzzChatHTML(f *testing.F) {
	f.Add([]byte(`[{"title": "a &amp; b &quot;c&quot;"}]`))
	f.Add([]byte(`[{"t": "&#x27;&#92;&#10;\\&amp;"}, "&#0;", "&lt"]`))
	f.Add([]byte(`[`))
	f.Fuzz(func(t *testing.T, in []byte) {
		page := append([]byte("<html><script>var jsonData = "), in...)
		data, err := chatHTMLJSON(page)
		if !json.Valid(in) || len(in) == 0 || in[0] != '[' {
			return
		}
		if err != nil {
			t.Fatalf("valid array %q: %v", in, err)
		}
		if !json.Valid(data) {
			t.Fatalf("unescaped %q is not valid JSON: %q", in, data)
		}
	})
}
