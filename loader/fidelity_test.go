package loader

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/backchat/backchat/model"
)

// roles lists the roles of the current thread's shown and folded messages.
func roles(c *model.Conversation) []string {
	var out []string
	for _, m := range c.Messages(c.CurrentThread(), model.Folded) {
		out = append(out, string(m.Role)+" "+m.Blocks[0].Text)
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
		if m.Role == last && m.Role == model.RoleUser {
			t.Errorf("two user messages in a row at %s", m.ID)
		}
		last = m.Role
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
	return s[1:strings.Index(s[1:], `"`)+1]
}
