package loader

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/backchat/backchat/internal/testkit/fixtures"
	"github.com/backchat/backchat/model"
)

// thread returns the messages of the current thread (all visibilities).
func thread(c *model.Conversation) []*model.Message {
	return c.Messages(c.CurrentThread(), model.Hidden)
}

func kinds(m *model.Message) []model.BlockKind {
	var out []model.BlockKind
	for _, b := range m.Blocks {
		out = append(out, b.Kind)
	}
	return out
}

func TestClaudeFixture(t *testing.T) {
	dir := filepath.Join(fixtures.External(t), "anthropic-data")
	a := mustOpen(t, dir)
	// memories.json is the one file of the export not read: named once.
	if len(a.Warnings) != 1 || !strings.HasPrefix(a.Warnings[0].Reason, "not read: memories.json") {
		t.Errorf("warnings: %v", a.Warnings)
	}
	c := find(a, "b49c0fc0-85d8-475c-bd2d-ee89f31f592c")
	if c == nil {
		t.Fatalf("conversation missing: %v", ids(a))
	}
	if c.Service != "claude" || c.Title != "Bleep bloop" || c.Created.IsZero() || !c.Updated.After(c.Created) {
		t.Errorf("conversation = %q %q %v %v", c.Service, c.Title, c.Created, c.Updated)
	}
	ms := thread(c)
	if len(ms) != 3 {
		t.Fatalf("thread has %d messages, want human, thinking, answer", len(ms))
	}
	if ms[0].Role() != model.RoleUser || ms[0].Visibility != model.Shown || !strings.HasPrefix(ms[0].Blocks[0].Text, "Tell me about") {
		t.Errorf("human = %+v", ms[0])
	}
	th := ms[1]
	if th.Role() != model.RoleAssistant || th.Visibility != model.Folded || th.Blocks[0].Kind != model.BlockThoughts ||
		th.Blocks[0].Summary() != "Probed dog saliva's antibacterial myths and scientific realities." ||
		!strings.HasPrefix(th.Blocks[0].Thoughts()[0].Content, "The user is asking") {
		t.Errorf("thinking = %+v", th)
	}
	ans := ms[2]
	if ans.Role() != model.RoleAssistant || ans.Visibility != model.Shown || len(ans.Blocks) != 1 ||
		!strings.HasPrefix(ans.Blocks[0].Text, "Dog saliva does contain") {
		t.Errorf("answer = %+v", ans)
	}
	// Pitfall 35: the answer is not the text field (thinking + answer).
	if strings.Contains(ans.Blocks[0].Text, "The user is asking") {
		t.Error("answer holds the thinking text")
	}
	if c.VisibleCount() != 3 {
		t.Errorf("visible = %d", c.VisibleCount())
	}

	// projects.json: the starter project as a pseudo-conversation.
	p := find(a, "0197b0fe-90c6-74a5-9da9-aa92c7e1f841")
	if p == nil {
		t.Fatalf("project missing: %v", ids(a))
	}
	if p.Title != "Project: How to use Claude" || p.Origin != model.OriginClaudeProject || p.Service != "claude" {
		t.Errorf("project = %q %q %q", p.Title, p.Origin, p.Service)
	}
	pm := thread(p)
	if len(pm) != 2 || pm[1].Blocks[0].Title() != "Claude prompting guide.md" || len(pm[1].Blocks[0].Text) < 1000 ||
		pm[0].Visibility != model.Shown || pm[1].Visibility != model.Shown {
		t.Errorf("project messages = %d %+v", len(pm), pm)
	}
	if len(a.Conversations) != 2 {
		t.Errorf("users.json or memories.json loaded as conversations: %v", ids(a))
	}
}

func TestClaudeBlocks(t *testing.T) {
	a := mustOpen(t, filepath.Join("testdata", "claude", "conversations.json"))
	if len(a.Warnings) != 0 {
		t.Errorf("warnings: %v", a.Warnings)
	}
	c := find(a, "c-blocks")
	if c == nil {
		t.Fatalf("ids %v", ids(a))
	}
	ms := thread(c)
	type want struct {
		role  model.Role
		vis   model.Visibility
		kinds []model.BlockKind
	}
	wants := []want{
		{model.RoleUser, model.Shown, []model.BlockKind{model.BlockText, model.BlockQuote, model.BlockImage}}, // files + files_v2: one image
		{model.RoleAssistant, model.Folded, []model.BlockKind{model.BlockThoughts}},
		{model.RoleAssistant, model.Folded, []model.BlockKind{model.BlockCode}},   // web_search call
		{model.RoleTool, model.Folded, []model.BlockKind{model.BlockWebPage}},     // knowledge result
		{model.RoleAssistant, model.Folded, []model.BlockKind{model.BlockCanvas}}, // artifact create
		{model.RoleAssistant, model.Folded, []model.BlockKind{model.BlockCode}},   // repl
		{model.RoleTool, model.Folded, []model.BlockKind{model.BlockSystemError}}, // is_error
		{model.RoleAssistant, model.Shown, []model.BlockKind{model.BlockText, model.BlockUnknown}},
		{model.RoleUser, model.Shown, []model.BlockKind{model.BlockAudioTranscript}}, // voice note
		{model.RoleAssistant, model.Folded, []model.BlockKind{model.BlockCanvas}},    // tool-only turn: update…
		{model.RoleTool, model.Folded, []model.BlockKind{model.BlockText}},           // …and its result
		{model.RoleAssistant, model.Shown, []model.BlockKind{model.BlockText}},       // text fallback
	}
	if len(ms) != len(wants) {
		for _, m := range ms {
			t.Logf("%s %s %v", m.Role(), m.Visibility, kinds(m))
		}
		t.Fatalf("%d messages, want %d", len(ms), len(wants))
	}
	for i, w := range wants {
		if ms[i].Role() != w.role || ms[i].Visibility != w.vis || !slices.Equal(kinds(ms[i]), w.kinds) {
			t.Errorf("message %d = %s %s %v, want %s %s %v", i, ms[i].Role(), ms[i].Visibility, kinds(ms[i]), w.role, w.vis, w.kinds)
		}
	}
	if q := ms[0].Blocks[1]; q.Title() != "notes.txt" || q.Text != "hello notes" {
		t.Errorf("attachment = %+v", q)
	}
	if img := ms[0].Blocks[2]; img.Asset() == nil || !img.Asset().Missing || img.Asset().Name != "photo.png" || img.Asset().Pointer != "f-photo" || img.Asset().MIME != "image/png" {
		t.Errorf("file = %+v %+v", img, img.Asset())
	}
	if ms[1].Blocks[0].Summary() != "Thought about the file" || ms[1].Time().Second() != 2 {
		t.Errorf("thinking = %+v at %v", ms[1].Blocks[0], ms[1].Time())
	}
	if ms[2].Recipient() != "web_search" || !strings.Contains(ms[2].Blocks[0].Text, "hello notes meaning") {
		t.Errorf("tool use = %+v", ms[2])
	}
	if p := ms[3].Blocks[0]; ms[3].AuthorName() != "web_search" || p.URL() != "https://www.example.com/hello" || p.Domain() != "example.com" || p.Text != "A greeting." {
		t.Errorf("tool result = %+v", ms[3])
	}
	if cv := ms[4].Blocks[0]; cv.Title() != "greet.py" || cv.Lang() != "code/python" || cv.Text != "print('hi')" {
		t.Errorf("artifact = %+v", cv)
	}
	if cd := ms[5].Blocks[0]; cd.Lang() != "javascript" || cd.Text != "console.log(1)" {
		t.Errorf("repl = %+v", cd)
	}
	if e := ms[6].Blocks[0]; e.Title() != "repl" || e.Text != "boom" {
		t.Errorf("error = %+v", e)
	}
	ans := ms[7]
	if ans.Blocks[0].Text != "The file says hello." || len(ans.References()) != 1 || ans.References()[0].URL != "https://www.example.com/hello" {
		t.Errorf("answer = %+v refs %+v", ans.Blocks[0], ans.References())
	}
	if u := ans.Blocks[1]; u.Type() != "token_budget" || !strings.Contains(string(u.Raw()), `"remaining": 42`) {
		t.Errorf("unknown block = %+v %s", u, u.Raw())
	}
	if v := ms[8].Blocks[0]; v.Text != "spoken words" || v.Direction() != "in" {
		t.Errorf("voice note = %+v", v)
	}
	if cv := ms[9].Blocks[0]; cv.Text != "hello" || cv.Summary() != "update" {
		t.Errorf("artifact update = %+v", cv)
	}
	if ms[11].Blocks[0].Text != "fallback text when content is empty" {
		t.Errorf("fallback = %+v", ms[11].Blocks[0])
	}
	// Message ids survive the split; node keys stay unique.
	keys := map[string]bool{}
	for _, n := range c.Nodes {
		if keys[n.Key] {
			t.Errorf("duplicate key %q", n.Key)
		}
		keys[n.Key] = true
	}
	if ms[7].ID != "m2" || ms[1].ID != "m2" {
		t.Errorf("ids %q %q", ms[1].ID, ms[7].ID)
	}
}

func TestClaudeBranchesAndOldNames(t *testing.T) {
	a := mustOpen(t, filepath.Join("testdata", "claude", "conversations.json"))
	c := find(a, "c-branches")
	if c.DisplayTitle() != "(untitled)" || c.BranchPoints() != 1 {
		t.Errorf("title %q, branch points %d", c.Title, c.BranchPoints())
	}
	var texts []string
	for _, m := range thread(c) {
		texts = append(texts, m.Blocks[0].Text)
	}
	// Current = the last message in array order (b4), through b2.
	if !slices.Equal(texts, []string{"first", "answer one", "more on one"}) {
		t.Errorf("current thread = %q", texts)
	}
	th := c.CurrentThread()
	other := c.SwitchBranch(th, 2, 1)
	if got := c.Messages(other, model.Hidden); len(got) != 2 || got[1].Blocks[0].Text != "answer two" {
		t.Errorf("other branch = %v", got)
	}

	old := find(a, "c-old")
	ms := thread(old)
	if len(ms) != 2 || ms[0].Role() != model.RoleUser || len(ms[0].Blocks) != 1 || ms[0].Blocks[0].Text != "old question" ||
		ms[1].Role() != model.RoleAssistant || ms[1].Blocks[0].Text != "old answer" {
		t.Errorf("old format = %+v", ms)
	}
}

func TestClaudeCurrentLeafAndBadParents(t *testing.T) {
	dir := t.TempDir()
	content := `[{"uuid": "x", "name": "n", "current_leaf_message_uuid": "a1", "chat_messages": [
		{"uuid": "h", "sender": "human", "content": [{"type": "text", "text": "q"}]},
		{"uuid": "a1", "parent_message_uuid": "h", "sender": "assistant", "content": [{"type": "text", "text": "one"}]},
		{"uuid": "a2", "parent_message_uuid": "h", "sender": "assistant", "content": [{"type": "text", "text": "two"}]},
		{"uuid": "a3", "parent_message_uuid": "nowhere", "sender": "assistant", "content": [{"type": "text", "text": "three"}]},
		{"uuid": "a4", "parent_message_uuid": "a4", "sender": "assistant", "content": []},
		"not an object"]}]`
	a := mustOpen(t, writeFile(t, dir, "conversations.json", content))
	c := a.Conversations[0]
	ms := thread(c)
	if len(ms) != 2 || ms[1].Blocks[0].Text != "one" {
		t.Errorf("current leaf not followed: %+v", ms)
	}
	if n := len(warningsOf(a, model.WarnData)); n != 2 {
		t.Errorf("data warnings = %v", a.Warnings)
	}
	// Every message is kept, even those with dangling parents or no content.
	msgs := 0
	for _, n := range c.Nodes {
		if n.Msg != nil {
			msgs++
		}
	}
	if msgs != 5 {
		t.Errorf("%d messages kept, want 5", msgs)
	}
}

func TestClaudeLegacyInlineArtifacts(t *testing.T) {
	a := mustOpen(t, filepath.Join("testdata", "claude", "conversations.json"))
	c := find(a, "c-legacy")
	ms := thread(c)
	var got []string
	for _, m := range ms {
		got = append(got, string(m.Role())+"/"+m.Visibility.String()+"/"+m.Blocks[0].Kind.String())
	}
	want := []string{"user/shown/text", "assistant/shown/text", "assistant/folded/thoughts", "assistant/folded/canvas",
		"assistant/shown/text", "assistant/folded/canvas"}
	if !slices.Equal(got, want) {
		t.Fatalf("thread = %v\nwant %v", got, want)
	}
	if ms[0].Blocks[0].Text != "write a script <antArtifact> is just text from a human" {
		t.Errorf("human text changed: %q", ms[0].Blocks[0].Text)
	}
	if ms[1].Blocks[0].Text != "Here is a script:" || ms[4].Blocks[0].Text != "Run it with bash." {
		t.Errorf("text around artifacts: %q %q", ms[1].Blocks[0].Text, ms[4].Blocks[0].Text)
	}
	if th := ms[2].Blocks[0].Thoughts()[0].Content; th != "Self-contained and reusable: a good artifact." {
		t.Errorf("thinking = %q", th)
	}
	if cv := ms[3].Blocks[0]; cv.Title() != "Toggle Script" || cv.Lang() != "code/bash" || cv.Text != "#!/bin/bash\necho hi" || ms[3].Recipient() != "artifacts" {
		t.Errorf("artifact = %+v", cv)
	}
	if cv := ms[5].Blocks[0]; cv.Title() != "Unclosed" || cv.Lang() != "document" || cv.Text != "# never closed" {
		t.Errorf("unclosed artifact = %+v", cv)
	}
}
