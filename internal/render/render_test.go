package render

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/backchat/backchat/internal/testkit/msgkit"
	"github.com/backchat/backchat/model"
	"github.com/charmbracelet/x/exp/golden"
)

type renderFunc func(*bytes.Buffer, *model.Conversation, Options) error

var formats = []struct {
	name string
	fn   renderFunc
}{
	{"text", func(b *bytes.Buffer, c *model.Conversation, o Options) error { return Text(b, c, o) }},
	{"markdown", func(b *bytes.Buffer, c *model.Conversation, o Options) error { return Markdown(b, c, o) }},
	{"json", func(b *bytes.Buffer, c *model.Conversation, o Options) error { return JSON(b, c, o) }},
}

func TestGolden(t *testing.T) {
	for _, f := range formats {
		for _, all := range []bool{false, true} {
			name := f.name
			if all {
				name += "_all"
			}
			t.Run(name, func(t *testing.T) {
				var buf bytes.Buffer
				if err := f.fn(&buf, sample(), Options{All: all, Location: time.UTC}); err != nil {
					t.Fatal(err)
				}
				golden.RequireEqual(t, buf.Bytes())
			})
		}
	}
}

// rawControl reports the first byte or rune a terminal would act on.
func rawControl(s string) (rune, bool) {
	for _, r := range s {
		if (r < 0x20 && r != '\n' && r != '\t') || (r >= 0x7f && r <= 0x9f) {
			return r, true
		}
	}
	return 0, false
}

func TestNoRawEscapes(t *testing.T) {
	for _, f := range formats {
		for _, all := range []bool{false, true} {
			var buf bytes.Buffer
			if err := f.fn(&buf, hostile(), Options{All: all, Location: time.UTC}); err != nil {
				t.Fatal(err)
			}
			if r, bad := rawControl(buf.String()); bad {
				t.Errorf("%s (all=%v): raw control %U in output:\n%q", f.name, all, r, buf.String())
			}
			if !strings.Contains(buf.String(), "red") || !strings.Contains(buf.String(), "blink") {
				t.Errorf("%s: printable text around escapes was lost:\n%s", f.name, buf.String())
			}
		}
	}
}

func TestCRLF(t *testing.T) {
	tr := newTree("crlf", "crlf")
	tr.c.Current = tr.add(0, "u", msg(model.RoleUser, 1, text("line one\r\nline two\r\n")))
	var buf bytes.Buffer
	if err := Text(&buf, tr.c, Options{Location: time.UTC}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "line one\nline two\n") {
		t.Errorf("CRLF not normalised: %q", buf.String())
	}
}

func TestJSONKeepsHostileTextExactly(t *testing.T) {
	var buf bytes.Buffer
	c := hostile()
	if err := JSON(&buf, c, Options{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `\u001b[31m`) || !strings.Contains(buf.String(), `\u009b`) || !strings.Contains(buf.String(), `\u007f`) {
		t.Errorf("JSON does not escape ESC, C1 and DEL:\n%s", buf.String())
	}
	var back ConversationJSON
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if back.Title != c.Title {
		t.Errorf("title round trip: got %q want %q", back.Title, c.Title)
	}
	if got := back.Messages[0].Blocks[0].Text; got != c.Nodes[1].Msg.Blocks[0].Text {
		t.Errorf("body round trip: got %q", got)
	}
}

func TestBranchesCoverEveryMessage(t *testing.T) {
	c := sample()
	seen := map[int32]int{}
	for _, br := range Branches(c, true) {
		for _, n := range br.Thread[br.From:] {
			seen[n]++
		}
	}
	for i := range c.Nodes {
		if seen[int32(i)] != 1 {
			t.Errorf("node %s listed %d times", c.Nodes[i].Key, seen[int32(i)])
		}
	}
	if got := len(Branches(c, false)); got != 1 {
		t.Errorf("without All: %d branches, want 1", got)
	}
}

func TestBranchesLongChain(t *testing.T) {
	// A 100,000-message chain with a fork at every 1,000th node must not
	// overflow the stack and lists each fork once.
	tr := newTree("long", "long")
	prev := int32(0)
	forks := 0
	for i := range 100_000 {
		n := tr.add(prev, "n", msg(model.RoleUser, 1, text("x")))
		if i%1000 == 0 {
			tr.add(prev, "alt", msg(model.RoleUser, 0, text("alt")))
			forks++
		}
		prev = n
	}
	tr.c.Current = prev
	if got := len(Branches(tr.c, true)); got != forks+1 {
		t.Fatalf("got %d branches, want %d", got, forks+1)
	}
}

func TestNil(t *testing.T) {
	var buf bytes.Buffer
	for _, f := range formats {
		if err := f.fn(&buf, nil, Options{}); err == nil {
			t.Errorf("%s: nil conversation accepted", f.name)
		}
	}
}

func TestSummary(t *testing.T) {
	for _, tc := range []struct {
		m    *model.Message
		want string
	}{
		{msgkit.With(&model.Message{Blocks: []model.Block{{Kind: model.BlockCode, Text: "a\nb\n"}}}, msgkit.Fields{Recipient: "python"}), "▸ Ran python (2 lines)"},
		{msgkit.With(&model.Message{Blocks: []model.Block{{Kind: model.BlockCode, Text: `{"search_query":[{"q":"go fuzz"}]}`}}}, msgkit.Fields{Recipient: "web.run"}), "▸ Searched the web: “go fuzz”"},
		{&model.Message{Blocks: []model.Block{{Kind: model.BlockReasoningRecap, Extra: &model.BlockExtra{Seconds: 125}}}}, "▸ Thought for 2m 5s"},
		{msgkit.With(&model.Message{Extra: &model.MessageExtra{AuthorName: "web"}, Blocks: []model.Block{{Kind: model.BlockWebPage, Extra: &model.BlockExtra{Title: "Go", Domain: "go.dev"}}}}, msgkit.Fields{Role: model.RoleTool}), "▸ Read page: Go (go.dev)"},
		{msgkit.With(&model.Message{Extra: &model.MessageExtra{AuthorName: "python"}, Blocks: []model.Block{{Kind: model.BlockExecOutput, Text: "\n42\n43"}}}, msgkit.Fields{Role: model.RoleTool}), "▸ Tool output (python): 42"},
		{msgkit.With(&model.Message{Extra: &model.MessageExtra{AuthorName: "bio"}, Blocks: []model.Block{{Kind: model.BlockText, Text: "Model set context updated."}, {Kind: model.BlockText, Text: "x"}}}, msgkit.Fields{Role: model.RoleTool}), "▸ Tool output (bio): Model set context updated. (+1 more)"},
		{msgkit.With(&model.Message{Extra: &model.MessageExtra{AuthorName: "x"}}, msgkit.Fields{Role: model.RoleTool}), "▸ x: (empty)"},
	} {
		if got := Summary(tc.m); got != tc.want {
			t.Errorf("got %q, want %q", got, tc.want)
		}
	}
}

func TestFormatSize(t *testing.T) {
	for n, want := range map[int64]string{0: "0 B", 1023: "1023 B", 640100: "625 KB", 3 << 20: "3.0 MB", 5 << 30: "5.0 GB"} {
		if got := FormatSize(n); got != want {
			t.Errorf("FormatSize(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestBranchesDetached(t *testing.T) {
	// A message whose parent is missing from the mapping becomes a second
	// root; a node the parent's child list omits is also unreachable by
	// walking children. --all must still print both.
	tr := newTree("detached", "detached")
	u := tr.add(0, "u", msg(model.RoleUser, 1, text("question")))
	tr.c.Current = tr.add(u, "a", msg(model.RoleAssistant, 2, text("answer")))
	orphan := int32(len(tr.c.Nodes))
	tr.c.Nodes = append(tr.c.Nodes, model.Node{Key: "orphan", Parent: model.NoNode, Msg: msg(model.RoleUser, 3, text("orphan text"))})
	tr.c.Nodes = append(tr.c.Nodes, model.Node{Key: "unlisted", Parent: u, Msg: msg(model.RoleAssistant, 4, text("unlisted text"))})
	tr.add(orphan, "orphan-reply", msg(model.RoleAssistant, 5, text("orphan reply")))
	var buf bytes.Buffer
	if err := Text(&buf, tr.c, Options{All: true, Location: time.UTC}); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(buf.String(), "detached messages"); n != 2 {
		t.Errorf("want 2 detached threads, got %d", n)
	}
	for _, want := range []string{"orphan text", "orphan reply", "unlisted text"} {
		if strings.Count(buf.String(), want) != 1 {
			t.Errorf("%q should appear once in:\n%s", want, buf.String())
		}
	}
	buf.Reset()
	if err := Text(&buf, tr.c, Options{Location: time.UTC}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "orphan") {
		t.Errorf("detached messages shown without All:\n%s", buf.String())
	}
}
