package tui

import (
	"context"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/backchat/backchat/internal/testkit/msgkit"
	"github.com/backchat/backchat/model"
)

// TestUserMessageKeepsLineBreaks: a user message typed as plain text keeps
// its line breaks on screen (Markdown joins a paragraph's lines); code
// fences inside it are left alone, and an assistant's Markdown still
// flows as Markdown.
func TestUserMessageKeepsLineBreaks(t *testing.T) {
	text := "first line\nsecond line\n\n```\ncode one\ncode two\n```\nafter the fence\nlast"
	rendered := func(role model.Role) []string {
		t.Helper()
		m := msgkit.With(&model.Message{Blocks: []model.Block{{Kind: model.BlockText, Text: text}}}, msgkit.Fields{Role: role})
		msg := renderCmd(context.Background(), newRenderPool(), renderKey{width: 60, style: "dark"}, m, -1)().(renderedMsg)
		if msg.err != nil {
			t.Fatal(msg.err)
		}
		lines := msg.lines
		for i, l := range lines {
			lines[i] = strings.TrimSpace(ansi.Strip(l))
		}
		return lines
	}
	has := func(lines []string, want string) bool {
		for _, l := range lines {
			if l == want {
				return true
			}
		}
		return false
	}
	user := rendered(model.RoleUser)
	for _, want := range []string{"first line", "second line", "code one", "code two", "after the fence", "last"} {
		if !has(user, want) {
			t.Errorf("user message: no line %q in\n%s", want, strings.Join(user, "\n"))
		}
	}
	for _, l := range user {
		if strings.HasSuffix(l, `\`) {
			t.Errorf("user message: a break shows as %q", l)
		}
	}
	if a := rendered(model.RoleAssistant); !has(a, "first line second line") {
		t.Errorf("assistant message: Markdown paragraphs should flow:\n%s", strings.Join(a, "\n"))
	}
}
