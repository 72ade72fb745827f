package tui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/backchat/backchat/internal/testkit/msgkit"
	"github.com/backchat/backchat/model"
)

// testNow is the fixed clock of every test.
var testNow = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

func fixedNow() time.Time { return testNow }

// tm is a test message spec.
type tm struct {
	role   model.Role
	author string
	text   string
	vis    model.Visibility
	blocks []model.Block
	at     time.Duration // offset from the conversation's creation
	model  string
	recip  string
}

// buildConv makes a linear conversation from specs (root node first).
func buildConv(id, title string, created time.Time, msgs ...tm) *model.Conversation {
	c := &model.Conversation{ID: id, Title: title, Created: created, Updated: created.Add(time.Hour), Model: "gpt-4o"}
	c.Nodes = append(c.Nodes, model.Node{Key: "root", Parent: model.NoNode})
	for i, s := range msgs {
		n := int32(len(c.Nodes))
		m := msgkit.With(msgkit.With(&model.Message{ID: fmt.Sprintf("%s-m%d", id, i), Extra: &model.MessageExtra{AuthorName: s.author},
			Visibility: s.vis}, msgkit.Fields{Role: s.role, Model: s.model}), msgkit.Fields{Time: created.Add(s.at + time.Duration(i)*time.Minute), Recipient: s.recip})
		if m.Role() == model.RoleAssistant && m.Model() == "" {
			m.SetModel("gpt-4o")
		}
		m.Blocks = s.blocks
		if m.Blocks == nil {
			m.Blocks = []model.Block{{Kind: model.BlockText, Text: s.text}}
		}
		c.Nodes = append(c.Nodes, model.Node{Key: m.ID, Parent: n - 1, Msg: m})
		c.Nodes[n-1].AddChild(n)
	}
	c.Current = int32(len(c.Nodes) - 1)
	return c
}

// addBranch adds a sibling of node `of` (same parent) holding msg, later in
// time, and returns its index. It does not move Current.
func addBranch(c *model.Conversation, of int32, text string, later time.Duration) int32 {
	p := c.Nodes[of].Parent
	old := c.Nodes[of].Msg
	n := int32(len(c.Nodes))
	m := msgkit.With(msgkit.With(&model.Message{ID: fmt.Sprintf("%s-b%d", c.ID, n), Blocks: []model.Block{{Kind: model.BlockText, Text: text}}}, msgkit.Fields{Role: old.Role(), Model: old.Model()}), msgkit.Fields{Time: old.Time().Add(later)})
	c.Nodes = append(c.Nodes, model.Node{Key: m.ID, Parent: p, Msg: m})
	c.Nodes[p].AddChild(n)
	return n
}

const mdAnswer = "Here is a **generic** function:\n\n```go\nfunc Map[T, U any](xs []T, f func(T) U) []U {\n\tout := make([]U, 0, len(xs))\n\tfor _, x := range xs {\n\t\tout = append(out, f(x))\n\t}\n\treturn out\n}\n```\n\n| Type | Size |\n|---|---|\n| int | 8 |\n| bool | 1 |\n\n- first point\n- second point about generics\n"

// testArchive is the hand-made archive of the unit and golden tests.
func testArchive() *model.Archive {
	day := 24 * time.Hour
	u, a := model.RoleUser, model.RoleAssistant
	var cs []*model.Conversation

	cs = append(cs, buildConv("c-generics", "Go generics question", testNow.Add(-3*time.Hour),
		tm{role: u, text: "How do I write a generic Map in Go?"},
		tm{role: a, text: mdAnswer},
		tm{role: u, text: "And with generics constraints?"},
		tm{role: a, text: "Use a constraint interface such as `cmp.Ordered` for generics that compare."},
	))

	br := buildConv("c-branch", "Branched chat", testNow.Add(-day-2*time.Hour),
		tm{role: u, text: "Tell me a joke"},
		tm{role: a, text: "First answer: why did the gopher cross the road?"},
		tm{role: u, text: "Another one"},
		tm{role: a, text: "Second joke on the first branch."},
	)
	// Regenerate the first answer: the new branch is the newer sibling.
	alt := addBranch(br, 2, "Alternative answer: a knock-knock joke.", 5*time.Minute)
	_ = alt
	cs = append(cs, br)

	tool := buildConv("c-tool", "Tool use with python", testNow.Add(-3*day),
		tm{role: model.RoleSystem, text: "You are ChatGPT (hidden system prompt).", vis: model.Hidden},
		tm{role: u, text: "Compute 2**100 please"},
		tm{role: a, recip: "python", vis: model.Folded, blocks: []model.Block{model.Block{Kind: model.BlockCode, Text: "print(2**100)"}.WithLang("python")}},
		tm{role: model.RoleTool, author: "python", vis: model.Folded, blocks: []model.Block{{Kind: model.BlockExecOutput, Text: "1267650600228229401496703205376"}}},
		tm{role: a, blocks: []model.Block{{Kind: model.BlockReasoningRecap, Extra: &model.BlockExtra{Seconds: 12}}}, vis: model.Folded},
		tm{role: a, text: "2^100 = 1267650600228229401496703205376"},
	)
	cs = append(cs, tool)

	img := buildConv("c-image", "Image generation", testNow.Add(-20*day),
		tm{role: u, text: "Draw a cat in space"},
		tm{role: model.RoleTool, author: "dalle.text2im", blocks: []model.Block{{Kind: model.BlockImage, Extra: &model.BlockExtra{Asset: &model.Asset{
			Pointer: "file-service://file-abc", File: "file-abc-cat.webp", Size: 345678, Width: 1024, Height: 1024,
			Prompt: "A cat floating in space, watercolor"}}}}},
	)
	cs = append(cs, img)

	cs = append(cs, buildConv("c-wide", "日本語のタイトル 🎉 emoji and RTL שלום עולם", time.Date(2026, 10, 3, 9, 0, 0, 0, time.UTC),
		tm{role: u, text: "こんにちは 🎉 שלום"},
		tm{role: a, text: "はい、元気です。"},
	))

	gpt := buildConv("c-gpt", "Custom GPT chat", time.Date(2026, 2, 14, 9, 0, 0, 0, time.UTC),
		tm{role: u, text: "Plan my week"},
		tm{role: a, text: "Monday: rest."},
	)
	gpt.GizmoID = "g-planner"
	gpt.Starred = true
	gpt.Archived = true
	cs = append(cs, gpt)

	cs = append(cs, buildConv("c-untitled", "", time.Date(2024, 6, 1, 9, 0, 0, 0, time.UTC),
		tm{role: u, text: "no title here"},
	))

	model.SortNewestFirst(cs)
	return &model.Archive{Conversations: cs, Warnings: []model.Warning{
		{Kind: model.WarnSkipped, File: "conversations.json", Index: 7, Offset: 1234, Reason: "unexpected end of JSON"},
	}}
}

// evilConv carries terminal escape sequences in its title and body. It is
// kept out of the golden screens, whose text would otherwise depend on the
// sanitiser's choice of visible placeholders.
func evilConv() *model.Conversation {
	return buildConv("c-evil", "Evil \x1b]52;c;ZXZpbA==\x07 title \x1b[2J here", time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC),
		tm{role: model.RoleUser, text: "body \x1b[31mred\x1b[0m and \x1b]8;;http://x\x07link\x1b]8;;\x07"},
	)
}

// newTest builds a browser over the test archive at w×h, dark theme pinned,
// with every pending render done.
func newTest(t testing.TB, w, h int) *Model {
	t.Helper()
	m := New(Options{Archive: testArchive(), Theme: "dark", Width: w, Height: h, Now: fixedNow})
	run(t, m, m.Init())
	return m
}

// run executes cmd and every command it leads to, feeding messages back into
// Update synchronously. Ticks, quit and terminal queries are not run.
func run(t testing.TB, m *Model, cmd tea.Cmd) {
	t.Helper()
	queue := []tea.Cmd{cmd}
	start := time.Now()
	for steps := 0; len(queue) > 0; steps++ {
		if steps > 10000 || time.Since(start) > 30*time.Second {
			t.Fatal("run: too many commands")
		}
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		msg := c()
		switch msg := msg.(type) {
		case nil:
		case tea.BatchMsg:
			queue = append(queue, msg...)
		case themeTimeoutMsg, tea.QuitMsg:
		default:
			if fmt.Sprintf("%T", msg) == "tea.backgroundColorMsg" {
				continue
			}
			_, next := m.Update(msg)
			queue = append(queue, next)
		}
	}
}

// press sends keys (one per string: "j", "enter", "ctrl+d", or text) and
// settles.
func press(t testing.TB, m *Model, keys ...string) {
	t.Helper()
	for _, k := range keys {
		_, cmd := m.Update(keyMsg(k))
		run(t, m, cmd)
	}
}

// typeText types each rune of s.
func typeText(t testing.TB, m *Model, s string) {
	t.Helper()
	for _, r := range s {
		_, cmd := m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
		run(t, m, cmd)
	}
}

func keyMsg(k string) tea.KeyPressMsg {
	switch k {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "shift+tab":
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	case "ctrl+d":
		return tea.KeyPressMsg{Code: 'd', Mod: tea.ModCtrl}
	case "ctrl+u":
		return tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl}
	}
	if r, ok := strings.CutPrefix(k, "ctrl+"); ok && len(r) == 1 {
		return tea.KeyPressMsg{Code: rune(r[0]), Mod: tea.ModCtrl}
	}
	r := []rune(k)[0]
	return tea.KeyPressMsg{Code: r, Text: k}
}

// screen is the plain text of the view.
func screen(m *Model) string { return ansi.Strip(m.View().Content) }

func lipglossWidth(s string) int { return ansi.StringWidth(s) }
