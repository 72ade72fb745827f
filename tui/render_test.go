package tui

import (
	"strings"
	"testing"

	"github.com/backchat/backchat/internal/render"
	"github.com/backchat/backchat/internal/testkit/msgkit"
	"github.com/backchat/backchat/model"
)

// The screen describes a message with the words `backchat show` uses: the
// shared renderer's summaries, headings and asset lines.
func TestScreenSpeaksLikeShow(t *testing.T) {
	m := newTest(t, 120, 40)
	selectConv(t, m, "c-tool")
	press(t, m, "enter")
	c := m.view.conv
	s := screen(m)
	folded := 0
	for n := range c.Nodes {
		msg := c.Nodes[n].Msg
		if msg == nil || msg.Visibility != model.Folded {
			continue
		}
		folded++
		if want := foldLine(render.Summary(msg), m.view.bodyWidth()-2); !strings.Contains(s, want) {
			t.Errorf("folded node %d: screen lacks %q:\n%s", n, want, s)
		}
	}
	if folded < 3 {
		t.Fatalf("fixture has %d folded messages, want 3", folded)
	}
	press(t, m, "t")
	s = screen(m)
	for n := range c.Nodes {
		msg := c.Nodes[n].Msg
		if msg == nil || msg.Visibility == model.Hidden {
			continue
		}
		h := render.MessageHeading(c, int32(n), m.view.loc)
		line := h.Role
		if h.Time != "" {
			line += " " + h.Time
		}
		if !strings.Contains(s, line) || h.Note != "" && !strings.Contains(s, line+" "+h.Note) && !strings.Contains(s, h.Model+" "+h.Note) {
			t.Errorf("node %d: screen lacks heading %+v:\n%s", n, h, s)
		}
	}

	press(t, m, "esc")
	selectConv(t, m, "c-image")
	s = screen(m)
	for n := range m.view.conv.Nodes {
		msg := m.view.conv.Nodes[n].Msg
		if msg == nil {
			continue
		}
		for _, b := range msg.Blocks {
			if b.Kind == model.BlockImage {
				if want := render.AssetShort("image", b.Asset()); !strings.Contains(s, want) {
					t.Errorf("screen lacks the asset line %q:\n%s", want, s)
				}
			}
		}
	}
}

// messageMarkdown is render.Body with tabs expanded and the maths as
// Unicode (render.MathText): nothing else of the screen's own is added to
// what Glamour is fed, and Body (what y copies) keeps the LaTeX source.
func TestMessageMarkdownIsBody(t *testing.T) {
	msg := msgkit.With(&model.Message{Blocks: []model.Block{
		{Kind: model.BlockText, Text: "a\tb \\(x\\)"}, model.Block{Kind: model.BlockCode, Text: "func f() {\n\treturn\n}"}.WithLang("go")}}, msgkit.Fields{Role: model.RoleAssistant})
	got := messageMarkdown(msg)
	if strings.Contains(got, "\t") || got != render.MathText(strings.ReplaceAll(render.Body(msg), "\t", "    ")) {
		t.Errorf("messageMarkdown = %q, render.Body = %q", got, render.Body(msg))
	}
	if strings.Contains(got, `\(x\)`) || !strings.Contains(render.Body(msg), `\(x\)`) {
		t.Errorf("the screen shows maths as Unicode, Body keeps the source: %q, %q", got, render.Body(msg))
	}
}
