package render

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/backchat/backchat/model"
)

func TestMessageMarkdownIsThatPartOfMarkdown(t *testing.T) {
	c := sample()
	var whole bytes.Buffer
	if err := Markdown(&whole, c, Options{All: true, Location: time.UTC}); err != nil {
		t.Fatal(err)
	}
	found := 0
	for n := range c.Nodes {
		if c.Nodes[n].Msg == nil {
			continue
		}
		var one bytes.Buffer
		if err := MessageMarkdown(&one, c, int32(n), Options{Location: time.UTC}); err != nil {
			t.Fatal(err)
		}
		s := one.String()
		if !strings.HasPrefix(s, "## ") || !strings.HasSuffix(s, "\n") || strings.HasSuffix(s, "\n\n") {
			t.Errorf("node %d: want one \"## \" section ending in one newline, got %q", n, s)
		}
		if strings.Contains(whole.String(), strings.TrimRight(s, "\n")) {
			found++
		}
	}
	if found < 5 {
		t.Errorf("only %d messages rendered as the whole document renders them", found)
	}
	if err := MessageMarkdown(&bytes.Buffer{}, c, 0, Options{}); err == nil {
		t.Error("root node (no message): want an error")
	}
	if err := MessageMarkdown(&bytes.Buffer{}, c, 9999, Options{}); err == nil {
		t.Error("node out of range: want an error")
	}
	if err := MessageMarkdown(&bytes.Buffer{}, nil, 1, Options{}); err == nil {
		t.Error("nil conversation: want an error")
	}
}

func TestMessageMarkdownSanitised(t *testing.T) {
	c := hostile()
	for n := range c.Nodes {
		if c.Nodes[n].Msg == nil {
			continue
		}
		var b bytes.Buffer
		if err := MessageMarkdown(&b, c, int32(n), Options{Location: time.UTC}); err != nil {
			t.Fatal(err)
		}
		if r, bad := rawControl(b.String()); bad {
			t.Errorf("node %d: raw control %U in %q", n, r, b.String())
		}
	}
	for _, m := range []*model.Message{c.Nodes[c.Current].Msg} {
		for _, code := range CodeBlocks(m) {
			if r, bad := rawControl(code.Lang + code.Text); bad {
				t.Errorf("code block: raw control %U in %q", r, code)
			}
		}
	}
}

func TestCodeBlocks(t *testing.T) {
	m := &model.Message{Blocks: []model.Block{
		model.Block{Kind: model.BlockCode, Text: "print(1)\n"}.WithLang("python"),
		{Kind: model.BlockText, Text: "Intro\n\n```go\nfunc A() {}\n```\n\nthen\n\n1. step\n   ~~~~ sh  extra\n   ls -l\n     indented\n   ~~~~\n\ninline ```x``` here\n\n````\nnested ```\n````\n\n```\n\n```\n\n```rust\nfn main() {}\nunclosed"},
		model.Block{Kind: model.BlockCanvas, Text: "let x = 1"}.WithLang("code/js"),
		model.Block{Kind: model.BlockCanvas, Text: "# Doc\n```\nin doc\n```"}.WithLang("document"),
		{Kind: model.BlockExecOutput, Text: "not code"},
	}}
	want := []Code{
		{"python", "print(1)"},
		{"go", "func A() {}"},
		{"sh", "ls -l\n  indented"},
		{"", "nested ```"},
		{"rust", "fn main() {}\nunclosed"},
		{"js", "let x = 1"},
		{"", "in doc"},
	}
	got := CodeBlocks(m)
	if len(got) != len(want) {
		t.Fatalf("got %d blocks %q, want %d", len(got), got, len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("block %d: got %q, want %q", i, got[i], want[i])
		}
	}
	if CodeBlocks(nil) != nil {
		t.Error("nil message: want no blocks")
	}
}

func TestMarkdownOfAChosenThread(t *testing.T) {
	c := sample()
	all := Branches(c, true)
	if len(all) < 2 {
		t.Fatal("the sample should have branches")
	}
	alt := all[1].Thread
	var got, want bytes.Buffer
	if err := Markdown(&got, c, Options{Location: time.UTC, Thread: append(alt, 9999, -5)}); err != nil {
		t.Fatal(err)
	}
	// The chosen thread rendered as the only one: the messages of alt.
	for _, n := range alt {
		m := c.Nodes[n].Msg
		if m == nil || m.Visibility != model.Shown {
			continue
		}
		want.Reset()
		if err := MessageMarkdown(&want, c, n, Options{Location: time.UTC}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(got.String(), strings.TrimRight(want.String(), "\n")) {
			t.Errorf("message %d of the chosen thread is missing", n)
		}
	}
	var cur bytes.Buffer
	if err := Markdown(&cur, c, Options{Location: time.UTC}); err != nil {
		t.Fatal(err)
	}
	if got.String() == cur.String() || strings.Contains(got.String(), "# Branch") {
		t.Error("want the chosen thread alone, not the current thread or branch sections")
	}
}
