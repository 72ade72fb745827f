package exporter

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/backchat/backchat/internal/testkit/msgkit"
	"github.com/backchat/backchat/model"
)

// The HTML export describes tool output, browsing markers and unknown
// blocks with the same words as the renderer (issue 13): no raw 【…†…】
// marker, no token budget, an unknown block folded with its JSON indented,
// a process result's stdout as text.
func TestExportReadableToolContent(t *testing.T) {
	at := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	c := &model.Conversation{ID: "i13", Title: "tools", Created: at, Updated: at,
		Nodes: []model.Node{model.Node{Key: "r", Parent: model.NoNode}.WithChildren([]int32{1})}}
	add := func(m *model.Message) {
		n := int32(len(c.Nodes))
		c.Nodes[n-1].SetChildren([]int32{n})
		c.Nodes = append(c.Nodes, model.Node{Key: string(rune('a' + n)), Parent: n - 1, Msg: m})
		c.Current = n
	}
	c.Nodes[0].SetChildren(nil)
	add(msgkit.With(msgkit.With(&model.Message{Blocks: []model.Block{{Kind: model.BlockText, Text: "list files"}}}, msgkit.Fields{Role: model.RoleUser}), msgkit.Fields{Time: at}))
	add(msgkit.With(msgkit.With(&model.Message{Extra: &model.MessageExtra{AuthorName: "bash_tool"}, Visibility: model.Folded,
		Blocks: []model.Block{{Kind: model.BlockText, Text: `{"returncode":0,"stdout":"a.txt\nb.txt\n","stderr":""}`}}}, msgkit.Fields{Role: model.RoleTool}), msgkit.Fields{Time: at}))
	add(msgkit.With(msgkit.With(&model.Message{Extra: &model.MessageExtra{AuthorName: "browser"}, Visibility: model.Folded,
		Blocks: []model.Block{{Kind: model.BlockBrowsing, Text: "# 【0†Files†example.com】\ntext"}}}, msgkit.Fields{Role: model.RoleTool}), msgkit.Fields{Time: at}))
	add(msgkit.With(msgkit.With(&model.Message{Blocks: []model.Block{
		{Kind: model.BlockText, Text: "Two files."},
		model.Block{Kind: model.BlockUnknown, Extra: &model.BlockExtra{Raw: []byte(`{"type":"token_budget","remaining":7}`)}}.WithType("token_budget"),
		model.Block{Kind: model.BlockUnknown, Extra: &model.BlockExtra{Raw: []byte(`{"content_type":"interactive_timeline","events":[1,2]}`)}}.WithType("interactive_timeline"),
	}}, msgkit.Fields{Role: model.RoleAssistant}), msgkit.Fields{Time: at}))
	dst := newMemFS()
	if _, err := Export(context.Background(), dst, []*model.Conversation{c}, Options{Format: HTML}); err != nil {
		t.Fatal(err)
	}
	for _, body := range dst.files {
		s := string(body)
		for _, bad := range []string{"【", "token_budget", "unsupported content", "returncode"} {
			if strings.Contains(s, bad) {
				t.Errorf("html contains %q", bad)
			}
		}
		for _, want := range []string{
			"bash_tool → exit 0, 2 lines of output",
			"a.txt\nb.txt",
			"Files (example.com)",
			"<summary>interactive_timeline (1 field)</summary>",
			"&#34;events&#34;: [",
		} {
			if !strings.Contains(s, want) {
				t.Errorf("html lacks %q:\n%s", want, s)
			}
		}
	}
}
