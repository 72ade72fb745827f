package render

import (
	"time"

	"github.com/backchat/backchat/internal/testkit/msgkit"
	"github.com/backchat/backchat/model"
)

// at returns a fixed UTC time minutes after 2025-06-01 14:00.
func at(min int) time.Time {
	return time.Date(2025, 6, 1, 14, min, 0, 0, time.UTC)
}

// tree builds a conversation from (parent index, message) pairs; node 0 is a
// message-less root. current is the leaf the export marks.
type tree struct {
	c *model.Conversation
}

func newTree(id, title string) *tree {
	return &tree{c: &model.Conversation{
		ID: id, Title: title, Created: at(0), Updated: at(59), Model: "gpt-4o",
		Nodes: []model.Node{{Key: "root", Parent: model.NoNode}}, Current: model.NoNode,
	}}
}

// add appends a node under parent and returns its index.
func (t *tree) add(parent int32, key string, m *model.Message) int32 {
	n := int32(len(t.c.Nodes))
	t.c.Nodes = append(t.c.Nodes, model.Node{Key: key, Parent: parent, Msg: m})
	t.c.Nodes[parent].AddChild(n)
	return n
}

func text(s string) model.Block { return model.Block{Kind: model.BlockText, Text: s}.WithType("text") }

func msg(role model.Role, min int, blocks ...model.Block) *model.Message {
	m := msgkit.With(msgkit.With(&model.Message{ID: "m" + string(role) + time.Duration(min).String(), Blocks: blocks}, msgkit.Fields{Role: role}), msgkit.Fields{Recipient: "all", Time: at(min)})
	if role == model.RoleAssistant {
		m.SetModel("gpt-4o")
	}
	return m
}

// sample is a conversation with every block kind, a regenerated answer
// (branch ‹1/2›, ‹2/2›), an edited question whose other version has its own
// fork, hidden and folded messages, references and a GPT id.
func sample() *model.Conversation {
	t := newTree("c0ffee00-1111-2222-3333-444455556666", "Every block kind")
	c := t.c
	c.GizmoID, c.Starred = "g-abc123", true

	sys := msg(model.RoleSystem, 0, text(""))
	sys.Visibility = model.Hidden
	n := t.add(0, "sys", sys)
	ctx := msg(model.RoleUser, 0, model.Block{Kind: model.BlockContext, Text: "I am a tester."}.WithType("user_editable_context"))
	ctx.Visibility = model.Hidden
	ctx.SetTime(time.Time{})
	n = t.add(n, "ctx", ctx)

	q1 := msg(model.RoleUser, 1, text("Plot y = x² please."),
		model.Block{Kind: model.BlockImage, Extra: &model.BlockExtra{Asset: &model.Asset{
			Pointer: "file-service://file-abc", File: "file-abc-photo.jpg", Size: 640100, Width: 1536, Height: 1152, Name: "photo.jpg"}}}.WithType("image_asset_pointer"),
		model.Block{Kind: model.BlockImage, Extra: &model.BlockExtra{Asset: &model.Asset{Pointer: "sediment://file_00ff", Missing: true}}}.WithType("image_asset_pointer"))
	u1 := t.add(n, "u1", q1)

	call := msg(model.RoleAssistant, 2, model.Block{Kind: model.BlockCode, Text: "import numpy as np\nx = np.arange(10)\nplt.plot(x, x**2)"}.WithLang("python").WithType("code"))
	call.SetRecipient("python")
	call.Visibility = model.Folded
	a := t.add(u1, "call", call)
	out := msg(model.RoleTool, 3, model.Block{Kind: model.BlockExecOutput, Text: "[<matplotlib.lines.Line2D>]\n", Extra: &model.BlockExtra{Images: []model.Asset{{Pointer: "file-service://file-plot", File: "file-plot.png", Size: 2048, Width: 640, Height: 480}}}}.WithType("execution_output"))
	out.Ext().AuthorName, out.Visibility = "python", model.Folded
	a = t.add(a, "out", out)
	th := msg(model.RoleAssistant, 4, model.Block{Kind: model.BlockThoughts, Extra: &model.BlockExtra{Thoughts: []model.Thought{
		{Summary: "Checking the curve", Content: "The parabola is symmetric."}, {Summary: "Done", Content: ""}}}}.WithType("thoughts"))
	th.Visibility = model.Folded
	a = t.add(a, "thoughts", th)
	rc := msg(model.RoleAssistant, 5, model.Block{Kind: model.BlockReasoningRecap, Text: "Thought for 47s", Extra: &model.BlockExtra{Seconds: 47}}.WithType("reasoning_recap"))
	rc.Visibility = model.Folded
	a = t.add(a, "recap", rc)
	search := msg(model.RoleAssistant, 6, model.Block{Kind: model.BlockCode, Text: `search("parabola focus")`}.WithLang("unknown").WithType("code"))
	search.SetRecipient("browser")
	search.Visibility = model.Folded
	a = t.add(a, "search", search)
	page := msg(model.RoleTool, 7, model.Block{Kind: model.BlockQuote, Extra: &model.BlockExtra{Title: "Parabola", URL: "https://en.wikipedia.org/wiki/Parabola", Domain: "en.wikipedia.org"},
		Text: "A parabola is a plane curve.\nIt is mirror-symmetric."}.WithType("tether_quote"))
	page.Ext().AuthorName, page.Visibility = "browser", model.Folded
	a = t.add(a, "quote", page)
	ans1 := msg(model.RoleAssistant, 8,
		text("Here is the plot [1]. The focus is at (0, ¼) [2].\n\n```js\nconsole.log(1)\n```"),
		model.Block{Kind: model.BlockCode, Text: "print(\"```\")"}.WithLang("python").WithType("code"),
		model.Block{Kind: model.BlockCanvas, Extra: &model.BlockExtra{Title: "notes.py"}, Text: "x = 1\n"}.WithLang("code/python").WithType("canvas"),
		model.Block{Kind: model.BlockWebPage, Extra: &model.BlockExtra{Title: "Focus", URL: "https://example.com/focus", Domain: "example.com"}, Text: "The focus…"}.WithType("sonic_webpage"),
		model.Block{Kind: model.BlockBrowsing, Extra: &model.BlockExtra{Summary: "Looked at 2 pages"}, Text: "【0†Parabola】"}.WithType("tether_browsing_display"),
		model.Block{Kind: model.BlockSystemError, Extra: &model.BlockExtra{Title: "GetDownloadLinkError"}, Text: "link expired"}.WithType("system_error"),
		model.Block{Kind: model.BlockUnknown, Extra: &model.BlockExtra{Raw: []byte(`{"content_type":"super_widget","x":1}`)}}.WithType("super_widget"),
		model.Block{Kind: model.BlockImage, Extra: &model.BlockExtra{Asset: &model.Asset{
			Pointer: "sediment://file_dall", File: "user-x/file_dall-1.png", Width: 1024, Height: 1024, Size: 3 << 20, Prompt: "a parabola at sunset"}}}.WithType("image_asset_pointer"))
	ans1.Ext().References = []model.Reference{{N: 1, Title: "Parabola", URL: "https://en.wikipedia.org/wiki/Parabola"}, {N: 2, URL: "https://example.com/focus"}, {N: 3}}
	t.add(a, "ans1", ans1)
	ans2 := msg(model.RoleAssistant, 9, text("A regenerated answer."))
	ans2.SetModel("gpt-4o-mini")
	last := t.add(a, "ans2", ans2)

	// An edited first question with its own regenerated pair of answers.
	q2 := msg(model.RoleUser, 20, text("Actually, plot y = x³."))
	u2 := t.add(n, "u2", q2)
	t.add(u2, "ans3", msg(model.RoleAssistant, 21, text("Cubic, done.")))
	t.add(u2, "ans4", msg(model.RoleAssistant, 22, model.Block{Kind: model.BlockAudioTranscript, Text: "Here is the cubic.", Extra: &model.BlockExtra{Direction: "out"}}.WithType("audio_transcription"),
		model.Block{Kind: model.BlockAudio, Extra: &model.BlockExtra{Asset: &model.Asset{Pointer: "sediment://file_voice", File: "c0ffee00/audio/file_voice.wav", Size: 512}}}.WithType("audio_asset_pointer")))

	c.Current = last
	c.CurrentKey = "ans2"
	return c
}

// hostile is a conversation whose title and body carry terminal escape
// sequences: CSI colour, OSC 52 clipboard write, BEL, C1 CSI and DEL.
func hostile() *model.Conversation {
	t := newTree("evil-1", "Title \x1b[31mred\x1b[0m \x1b]52;c;aGk=\x07 \u009b2J end\x7f")
	u := t.add(0, "u", msg(model.RoleUser, 1, text("body \x1b]52;c;ZXZpbA==\x07 and \x1b[2J clear \u009b31m c1\r\nnext")))
	a := msg(model.RoleAssistant, 2, text("ok"), model.Block{Kind: model.BlockCode, Text: "echo \x1b[5mblink"}.WithLang("sh\x1b[1m"))
	a.Ext().References = []model.Reference{{N: 1, Title: "t\x1b]0;pwned\x07", URL: "https://x.test/\x1b[K"}}
	t.c.Current = t.add(u, "a", a)
	t.c.Model = "gpt\x1b[1m-4"
	return t.c
}
