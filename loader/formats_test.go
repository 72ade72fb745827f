package loader

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/backchat/backchat/model"
	"github.com/backchat/backchat/model/search"
)

func TestDetectFormat(t *testing.T) {
	for elem, want := range map[string]string{
		simple("a", "A", 1): "ChatGPT",
		`{"mapping": {}}`:   "ChatGPT",
		`{"uuid": "u", "name": "n", "chat_messages": []}`:                                      "Claude",
		`{"chat_messages": [], "mapping": {}}`:                                                 "Claude",
		`{"uuid": "u", "messages": [{"role": "user", "content": "x"}]}`:                        "Claude",
		`{"uuid": "p", "name": "n", "docs": [], "prompt_template": ""}`:                        "Claude projects",
		`{"id": "d", "title": "t", "inserted_at": "2025-01-01T00:00:00+08:00", "mapping": {}}`: "DeepSeek",
		`{"conversation": {"id": "g"}, "responses": []}`:                                       "Grok",
		`{"uuid": "x", "full_name": "n", "email_address": "e"}`:                                "",
		`{"header": "Gemini Apps", "title": "Prompted hi", "time": "2025-01-01T00:00:00Z"}`:    "",
		`{"id": "m", "title": "no mapping"}`:                                                   "",
		`{}`:                                                                                   "",
		`{"mapping": `:                                                                         "ChatGPT", // keys seen before a cut count; the decoder reports the cut
		`{"mapping" 1}`:                                                                        "",
	} {
		got := ""
		if f := detectFormat([]byte(elem)); f != nil {
			got = f.name
		}
		if got != want {
			t.Errorf("detect(%.60s) = %q, want %q", elem, got, want)
		}
	}
}

// TestClaudeNotChatGPT is pitfall 31: a Claude bare array named like a
// ChatGPT file loads as Claude, never as an empty ChatGPT export.
func TestClaudeNotChatGPT(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "conversations.json", `[{"uuid": "u1", "name": "Hi", "chat_messages": [{"uuid": "m", "sender": "human", "content": [{"type": "text", "text": "hello"}]}]}]`)
	a := mustOpen(t, p)
	if len(a.Conversations) != 1 || a.Conversations[0].Service != "claude" || a.Conversations[0].VisibleCount() != 1 {
		t.Errorf("got %v %v", ids(a), a.Warnings)
	}
}

func TestUnknownFormat(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"gemini.json":  `[{"header": "Gemini Apps", "title": "Prompted hi"}, {"header": "Gemini Apps", "title": "Prompted ho"}]`,
		"users.json":   `[{"uuid": "x", "full_name": "n"}]`,
		"wrapped.json": `{"conversations": [{"foo": 1}]}`,
	} {
		_, err := Open(writeFile(t, dir, name, content))
		if err == nil || !errors.Is(err, errNotExport) {
			t.Errorf("%s: err = %v", name, err)
			continue
		}
		for _, f := range []string{"ChatGPT", "Claude", "DeepSeek", "Grok", name} {
			if !strings.Contains(err.Error(), f) {
				t.Errorf("%s: error %q does not name %s", name, err, f)
			}
		}
	}
	// Unrecognised objects before the first conversation are reported, and
	// the rest of the file still loads in its format.
	a := mustOpen(t, writeFile(t, dir, "mixed.json", array(`{"foo": 1}`, simple("s", "S", 1))))
	sk := warningsOf(a, model.WarnSkipped)
	if len(a.Conversations) != 1 || len(sk) != 1 || sk[0].Index != 0 || !strings.Contains(sk[0].Reason, `"foo"`) {
		t.Errorf("got %v, warnings %v", ids(a), a.Warnings)
	}
}

func TestErrNotExportNamesEveryFormat(t *testing.T) {
	for _, f := range formats {
		if !strings.Contains(f.name, " ") && !strings.Contains(errNotExport.Error(), f.name) {
			t.Errorf("errNotExport does not name %s", f.name)
		}
	}
	if got := formatNames(); got != "Claude, DeepSeek, Grok or ChatGPT" {
		t.Errorf("formatNames = %q", got)
	}
}

func TestMixedArchives(t *testing.T) {
	dir := t.TempDir()
	gpt := filepath.Join(dir, "chatgpt.zip")
	writeZip(t, gpt, map[string]string{"conversations.json": array(simple("g1", "From ChatGPT", 5))})
	claude, err := os.ReadFile(filepath.Join("testdata", "claude", "conversations.json"))
	if err != nil {
		t.Fatal(err)
	}
	cl := filepath.Join(dir, "claude.zip")
	writeZip(t, cl, map[string]string{
		"conversations.json": string(claude),
		"projects.json":      `[{"uuid": "p1", "name": "Proj", "docs": [{"uuid": "d1", "filename": "a.md", "content": "doc text"}]}]`,
		"users.json":         `[{"uuid": "x", "full_name": "n", "email_address": "e"}]`,
		"memories.json":      `[{"conversations_memory": "m", "account_uuid": "x"}]`,
	})
	a := mustOpen(t, gpt, cl)
	// memories.json is the one file of the export not read: named once.
	if len(a.Warnings) != 1 || !strings.HasSuffix(a.Warnings[0].File, ":memories.json") || !strings.HasPrefix(a.Warnings[0].Reason, "not read: memories.json") {
		t.Errorf("warnings: %v", a.Warnings)
	}
	if len(a.Accounts) != 1 || a.Accounts[0] != (model.Account{Service: model.ServiceClaude, ID: "x", Name: "n", Email: "e", Source: cl + ":users.json"}) {
		t.Errorf("accounts: %+v", a.Accounts)
	}
	byService := map[string][]string{}
	for _, c := range a.Conversations {
		byService[c.Service] = append(byService[c.Service], c.ID)
	}
	slices.Sort(byService["claude"])
	if !slices.Equal(byService["chatgpt"], []string{"g1"}) || !slices.Equal(byService["claude"], []string{"c-blocks", "c-branches", "c-legacy", "c-old", "p1"}) {
		t.Errorf("services = %v", byService)
	}
	if p := find(a, "p1"); p == nil || p.Origin != model.OriginClaudeProject || !strings.HasSuffix(p.Source, "claude.zip:projects.json") {
		t.Errorf("project = %+v", p)
	}
	// The search language's service: field tells them apart.
	b := search.NewBuilder()
	for _, c := range a.Conversations {
		b.Add(c)
	}
	ix := b.Build()
	for q, want := range map[string][]string{
		"service:claude":            {"c-blocks", "c-branches", "c-legacy", "c-old", "p1"},
		"service:chatgpt":           {"g1"},
		"-service:claude":           {"g1"},
		"service:claude hello":      {"c-blocks"},
		"service:chatgpt answer":    {"g1"},
		"service:deepseek anything": nil,
	} {
		pq, err := search.Parse(q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		res, err := ix.Search(context.Background(), pq, search.Options{})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range res.Results {
			got = append(got, r.Conv.ID)
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", q, got, want)
		}
	}
}

func TestDeepSeek(t *testing.T) {
	a := mustOpen(t, filepath.Join("testdata", "deepseek", "conversations.json"))
	if len(a.Warnings) != 0 || len(a.Conversations) != 1 {
		t.Fatalf("got %v %v", ids(a), a.Warnings)
	}
	c := a.Conversations[0]
	if c.ID != "ds-1" || c.Service != "deepseek" || c.Title != "DeepSeek sample" || c.Created.IsZero() || c.BranchPoints() != 1 {
		t.Errorf("conversation = %+v", c)
	}
	if c.Created.UTC().Hour() != 2 {
		t.Errorf("created %v: +08:00 offset lost", c.Created)
	}
	// Current = newest leaf: the regeneration (node 4).
	ms := thread(c)
	var got []string
	for _, m := range ms {
		got = append(got, string(m.Role())+"/"+m.Visibility.String())
	}
	if !slices.Equal(got, []string{"user/shown", "tool/folded", "assistant/shown"}) {
		t.Fatalf("thread = %v", got)
	}
	if p := ms[1].Blocks[0]; p.Kind != model.BlockWebPage || p.URL() != "https://en.wikipedia.org/wiki/Rayleigh_scattering" || p.Text != "Scattering of light" {
		t.Errorf("search = %+v", ms[1].Blocks)
	}
	if b := ms[2].Blocks; len(b) != 2 || b[0].Text != "Sunlight scatters off air molecules." || b[1].Kind != model.BlockUnknown || b[1].Type() != "NEW_THING" {
		t.Errorf("answer = %+v", b)
	}
	if c.Model != "deepseek-chat" && c.Model != "deepseek-reasoner" {
		t.Errorf("model = %q", c.Model)
	}
	// The other branch: thinking split before the answer.
	other := c.SwitchBranch(c.CurrentThread(), 2, -1)
	om := c.Messages(other, model.Hidden)
	if len(om) != 3 || om[1].Blocks[0].Kind != model.BlockThoughts || om[1].Visibility != model.Folded ||
		om[2].Blocks[0].Text != "Because of Rayleigh scattering." || om[2].Visibility != model.Shown {
		t.Errorf("other branch = %+v", om)
	}
}

func TestGrok(t *testing.T) {
	a := mustOpen(t, filepath.Join("testdata", "grok"))
	if len(a.Warnings) != 0 || len(a.Conversations) != 1 {
		t.Fatalf("got %v %v", ids(a), a.Warnings)
	}
	c := a.Conversations[0]
	if c.ID != "gk-1" || c.Service != "grok" || c.Title != "Grok sample" || c.Model != "grok-3" || c.Updated.IsZero() {
		t.Errorf("conversation = %+v", c)
	}
	ms := thread(c)
	if len(ms) != 2 || ms[0].Role() != model.RoleUser || ms[1].Role() != model.RoleAssistant || ms[1].Blocks[0].Text != "4" ||
		ms[0].Time().UnixMilli() != 1705312200000 || ms[1].Visibility != model.Shown {
		t.Errorf("messages = %+v", ms)
	}
}
