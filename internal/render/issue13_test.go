package render

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/backchat/backchat/internal/testkit/msgkit"
	"github.com/backchat/backchat/model"
)

// Each test here is one display defect of real exports (issue 13), from a
// small conversation written for it.

// showText renders c as `backchat show` does, with or without --all.
func showText(t *testing.T, c *model.Conversation, all bool) string {
	t.Helper()
	var b bytes.Buffer
	if err := Text(&b, c, Options{All: all, Location: time.UTC}); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func oneMessage(m ...*model.Message) *model.Conversation {
	tr := newTree("c13", "issue 13")
	p := int32(0)
	for i, mm := range m {
		p = tr.add(p, "n"+string(rune('a'+i)), mm)
	}
	tr.c.Current = p
	return tr.c
}

// 2023 browsing: 【N†title†domain】 and 【N†link text】 markers in browsing
// results and quotes are made readable (title, domain, [reference]) in every
// output; none is left raw.
func TestBrowsingMarkersReadable(t *testing.T) {
	browse := msgkit.With(msgkit.With(&model.Message{Extra: &model.MessageExtra{AuthorName: "browser", References: []model.Reference{{N: 1, Title: "Amazon.com: GeForce RTX 3070", URL: "https://www.amazon.com/s?k=3070"}}}, Visibility: model.Folded, Blocks: []model.Block{model.Block{Kind: model.BlockBrowsing, Text: "# 【0†Amazon.com: GeForce RTX 3070†www.amazon.com】\nResults…\n# 【1†rtx 3070 | Newegg.com†www.newegg.com】\nMore…\n  * 【23†PC Cases】 \nSee 【40†Here’s how it works】. Cited 【3:0†source】."}.WithType("tether_browsing_display")}}, msgkit.Fields{Role: model.RoleTool}), msgkit.Fields{Time: at(1)})
	quote := msgkit.With(msgkit.With(&model.Message{Extra: &model.MessageExtra{AuthorName: "browser"}, Visibility: model.Folded, Blocks: []model.Block{model.Block{Kind: model.BlockQuote, Extra: &model.BlockExtra{Title: "Newegg", Domain: "www.newegg.com"}, Text: "a quote 【2†Next page】"}.WithType("tether_quote")}}, msgkit.Fields{Role: model.RoleTool}), msgkit.Fields{Time: at(2)})
	user := msg(model.RoleUser, 3, text("I typed 【注意】 and 【1†x】 myself"))
	c := oneMessage(browse, quote, user)

	if got, want := Summary(browse), "▸ Browsed: Amazon.com: GeForce RTX 3070 (www.amazon.com) and 1 more result"; got != want {
		t.Errorf("Summary:\n got %q\nwant %q", got, want)
	}
	for _, all := range []bool{false, true} {
		out := showText(t, c, all)
		if strings.Contains(strings.ReplaceAll(out, "【1†x】", ""), "†") {
			t.Errorf("all=%v: a marker is left raw:\n%s", all, out)
		}
		if !strings.Contains(out, "【1†x】") {
			t.Errorf("all=%v: the user's own text was rewritten:\n%s", all, out)
		}
	}
	out := showText(t, c, true)
	for _, want := range []string{
		"# Amazon.com: GeForce RTX 3070 (www.amazon.com) [1]\n",
		"# rtx 3070 | Newegg.com (www.newegg.com)\n",
		"  * PC Cases \n",
		"See Here’s how it works. Cited.\n",
		"> a quote Next page\n",
		"[1] Amazon.com: GeForce RTX 3070 — https://www.amazon.com/s?k=3070",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("show --all lacks %q:\n%s", want, out)
		}
	}
	if b := Body(browse); strings.Contains(b, "【") {
		t.Errorf("Body keeps a marker:\n%s", b)
	}
}

// Tool and plugin output that is JSON is summarised in one line, and shown
// for a reader when expanded: stdout/stderr as text, other JSON indented.
func TestJSONToolOutput(t *testing.T) {
	bash := msgkit.With(msgkit.With(&model.Message{Extra: &model.MessageExtra{AuthorName: "bash_tool"}, Visibility: model.Folded, Blocks: []model.Block{text(`{"returncode":0,"stdout":"one\ntwo\nthree\n","stderr":"warning: x\n"}`)}}, msgkit.Fields{Role: model.RoleTool}), msgkit.Fields{Time: at(1)})
	plugin := msgkit.With(msgkit.With(&model.Message{Extra: &model.MessageExtra{AuthorName: "linkReader.getContent"}, Visibility: model.Folded, Blocks: []model.Block{text(`{"statusCode":200,"statusText":"OK","headers":{"a":"b"},"content":{"title":"Lease terms","body":"…"}}`)}}, msgkit.Fields{Role: model.RoleTool}), msgkit.Fields{Time: at(2)})
	list := msgkit.With(msgkit.With(&model.Message{Extra: &model.MessageExtra{AuthorName: "canva.searchTemplates"}, Visibility: model.Folded, Blocks: []model.Block{text(`[{"title":"Dice Game Logo","url":"https://x"},{"title":"Other"}]`)}}, msgkit.Fields{Role: model.RoleTool}), msgkit.Fields{Time: at(3)})
	call := msgkit.With(msgkit.With(&model.Message{Visibility: model.Folded, Blocks: []model.Block{text("{\n  \"query\": \"leaflet for dice game\",\n  \"locale\": \"en-GB\"\n}")}}, msgkit.Fields{Role: model.RoleAssistant}), msgkit.Fields{Recipient: "canva.searchTemplates", Time: at(4)})
	exec := msgkit.With(msgkit.With(&model.Message{Extra: &model.MessageExtra{AuthorName: "python"}, Visibility: model.Folded, Blocks: []model.Block{{Kind: model.BlockExecOutput, Text: `{"exit_code": 1, "stdout": "", "stderr": "Traceback\nError"}`}}}, msgkit.Fields{Role: model.RoleTool}), msgkit.Fields{Time: at(5)})
	for m, want := range map[*model.Message]string{
		bash:   "▸ bash_tool → exit 0, 3 lines of output, 1 line on stderr",
		plugin: "▸ linkReader.getContent → HTTP 200 OK, “Lease terms”",
		list:   "▸ canva.searchTemplates → a list of 2 items: “Dice Game Logo”, …",
		call:   "▸ Called canva.searchTemplates: locale: “en-GB”, query: “leaflet for dice game”",
		exec:   "▸ python → exit 1, 0 lines of output, 2 lines on stderr",
	} {
		if got := Summary(m); got != want {
			t.Errorf("Summary:\n got %q\nwant %q", got, want)
		}
	}
	c := oneMessage(call, bash, plugin, exec)
	if out := showText(t, c, false); strings.Contains(out, `{"`) || strings.Contains(out, "▸ Called canva.searchTemplates: {") {
		t.Errorf("default view shows raw JSON:\n%s", out)
	}
	out := showText(t, c, true)
	for _, want := range []string{
		"Exit code 0\n\n```\none\ntwo\nthree\n```\n\nstderr:\n```\nwarning: x\n```",
		"```json\n{\n  \"statusCode\": 200,",
		"Exit code 1\n\nstderr:\n```\nTraceback\nError\n```",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("show --all lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, `"returncode"`) {
		t.Errorf("a process result is shown as JSON:\n%s", out)
	}
}

// 2025 image generation runs through a scrambled tool name
// ("t2uay3k.sj1i4kz"): the request reads as one, and the name is never shown
// as a speaker.
func TestScrambledImageTool(t *testing.T) {
	call := msgkit.With(msgkit.With(&model.Message{Visibility: model.Folded, Blocks: []model.Block{model.Block{Kind: model.BlockCode, Text: "{\n  \"prompt\": \"A fox reading in a library\",\n  \"size\": \"1024x1024\"\n}"}.WithLang("json")}}, msgkit.Fields{Role: model.RoleAssistant}), msgkit.Fields{Recipient: "t2uay3k.sj1i4kz", Time: at(1)})
	img := msgkit.With(msgkit.With(&model.Message{Extra: &model.MessageExtra{AuthorName: "t2uay3k.sj1i4kz"}, Blocks: []model.Block{{Kind: model.BlockImage, Extra: &model.BlockExtra{Asset: &model.Asset{Pointer: "sediment://file_1", Missing: true}}}}}, msgkit.Fields{Role: model.RoleTool}), msgkit.Fields{Time: at(2)})
	other := msgkit.With(msgkit.With(&model.Message{Extra: &model.MessageExtra{AuthorName: "q9zk2mx.a1b2c3d"}, Visibility: model.Folded, Blocks: []model.Block{text("done")}}, msgkit.Fields{Role: model.RoleTool}), msgkit.Fields{Time: at(3)})
	if got, want := Summary(call), "▸ Asked for an image: “A fox reading in a library”"; got != want {
		t.Errorf("Summary: got %q, want %q", got, want)
	}
	if got, want := Summary(other), "▸ Tool output (a tool): done"; got != want {
		t.Errorf("Summary: got %q, want %q", got, want)
	}
	c := oneMessage(call, img, other)
	for _, all := range []bool{false, true} {
		if out := showText(t, c, all); strings.Contains(out, "t2uay3k") || strings.Contains(out, "q9zk2mx") {
			t.Errorf("all=%v: scrambled name shown:\n%s", all, out)
		}
	}
	if got := MessageHeading(c, 2, time.UTC).Role; got != "Tool (image generation)" {
		t.Errorf("heading: %q", got)
	}
}

// Bookkeeping blocks (Claude's token_budget) are never shown, but stay in
// JSON; an unknown block is one folded line (type, field count) with its
// JSON indented only when expanded.
func TestBookkeepingAndUnknownBlocks(t *testing.T) {
	budget := model.Block{Kind: model.BlockUnknown, Extra: &model.BlockExtra{Raw: []byte(`{"type":"token_budget","remaining":42}`)}}.WithType("token_budget")
	widget := model.Block{Kind: model.BlockUnknown, Extra: &model.BlockExtra{Raw: []byte(`{"content_type":"interactive_timeline","title":"The spread of printing","events":[{"year":1440,"label":"Gutenberg"}]}`)}}.WithType("interactive_timeline")
	ans := msg(model.RoleAssistant, 1, text("An answer."), budget)
	mixed := msg(model.RoleAssistant, 2, text("See the timeline."), widget)
	folded := msg(model.RoleAssistant, 3, widget)
	folded.Visibility = model.Folded
	c := oneMessage(ans, mixed, folded)

	def := showText(t, c, false)
	all := showText(t, c, true)
	for _, out := range []string{def, all, Body(ans)} {
		if strings.Contains(out, "token_budget") || strings.Contains(out, "unsupported") {
			t.Errorf("bookkeeping or unsupported shown:\n%s", out)
		}
	}
	if !strings.Contains(def, "▸ interactive_timeline: The spread of printing (2 fields)\n") || strings.Contains(def, `"events"`) {
		t.Errorf("default view: want one folded line, no JSON:\n%s", def)
	}
	if got, want := Summary(folded), "▸ interactive_timeline: The spread of printing (2 fields)"; got != want {
		t.Errorf("Summary: got %q, want %q", got, want)
	}
	if !strings.Contains(all, "interactive_timeline: The spread of printing (2 fields)\n```json\n{\n  \"content_type\": \"interactive_timeline\",") {
		t.Errorf("--all: want the JSON indented in a code block:\n%s", all)
	}
	if !strings.Contains(Body(folded), "```json\n{\n") {
		t.Errorf("an expanded folded message's Body lacks its JSON:\n%s", Body(folded))
	}
	for _, l := range strings.Split(all, "\n") {
		if len(l) > 100 {
			t.Errorf("a long raw line: %q", l)
		}
	}
	var j bytes.Buffer
	if err := JSON(&j, c, Options{All: true}); err != nil {
		t.Fatal(err)
	}
	var doc ConversationJSON
	if err := json.Unmarshal(j.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if got := doc.Messages[0].Blocks[1]; got.Type != "token_budget" || !strings.Contains(string(got.Raw), `"remaining"`) {
		t.Errorf("JSON lost the token budget: %+v", got)
	}
}

// Early-2025 o1/o3 reasoning (loaded as a recap and thoughts) reads "Thought
// for 1m 34s", under the assistant's name, not as a tool's output.
func TestReasoningFold(t *testing.T) {
	m := msgkit.With(msgkit.With(&model.Message{Extra: &model.MessageExtra{AuthorName: "a8km123"}, Visibility: model.Folded, Blocks: []model.Block{
		{Kind: model.BlockReasoningRecap, Text: "推理关于代码转换，持续 1m 34s", Extra: &model.BlockExtra{Seconds: 94}},
		{Kind: model.BlockThoughts, Extra: &model.BlockExtra{Thoughts: []model.Thought{{Summary: "Converting code style", Content: "…"}, {Summary: "Checking", Content: "…"}}}},
	}}, msgkit.Fields{Role: model.RoleTool}), msgkit.Fields{Time: at(1)})
	if got, want := Summary(m), "▸ Thought for 1m 34s (2 steps)"; got != want {
		t.Errorf("Summary: got %q, want %q", got, want)
	}
	c := oneMessage(m)
	if got := MessageHeading(c, 1, time.UTC).Role; got != "ChatGPT" {
		t.Errorf("heading role %q, want ChatGPT", got)
	}
	if out := showText(t, c, true); strings.Contains(out, "a8km123") {
		t.Errorf("the reasoning tool's id is shown:\n%s", out)
	}
}

// A replayed canvas edit shows its document's name and version.
func TestCanvasVersion(t *testing.T) {
	m := msgkit.With(msgkit.With(&model.Message{Visibility: model.Folded, Blocks: []model.Block{model.Block{Kind: model.BlockCanvas, Extra: &model.BlockExtra{Title: "sales_analysis", Summary: "version 2"}, Text: "print(2)\n"}.WithLang("code/python")}}, msgkit.Fields{Role: model.RoleAssistant}), msgkit.Fields{Recipient: "canmore.update_textdoc", Time: at(1)})
	if got, want := Summary(m), "▸ Canvas: sales_analysis (code/python) — version 2"; got != want {
		t.Errorf("Summary: got %q, want %q", got, want)
	}
	if out := showText(t, oneMessage(m), true); !strings.Contains(out, "Canvas: sales_analysis (code/python) — version 2\n```python\nprint(2)\n```") {
		t.Errorf("show --all:\n%s", out)
	}
}
