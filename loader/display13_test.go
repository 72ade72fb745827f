package loader

import (
	"fmt"
	"strings"
	"testing"

	"github.com/backchat/backchat/model"
)

// rawMsg is a message object with the given author, recipient, content and
// metadata JSON.
func rawMsg(id, role, name, recipient, content, metadata string) string {
	n := "null"
	if name != "" {
		n = fmt.Sprintf("%q", name)
	}
	return fmt.Sprintf(`{"id": %q, "author": {"role": %q, "name": %s, "metadata": {}}, "create_time": 1700000000.5, "content": %s, "status": "finished_successfully", "metadata": %s, "recipient": %q, "channel": null}`,
		id, role, n, content, metadata, recipient)
}

// textContent is a text content object holding one part.
func textContent(s string) string {
	return fmt.Sprintf(`{"content_type": "text", "parts": [%s]}`, jsonString(s))
}

func jsonString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '\n':
			b.WriteString(`\n`)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func loadOne(t *testing.T, c string) *model.Conversation {
	t.Helper()
	p := writeFile(t, t.TempDir(), "conversations.json", array(c))
	a := mustOpen(t, p)
	if len(a.Conversations) != 1 {
		t.Fatalf("%d conversations", len(a.Conversations))
	}
	return a.Conversations[0]
}

func nodeMsg(t *testing.T, c *model.Conversation, key string) *model.Message {
	t.Helper()
	for i := range c.Nodes {
		if c.Nodes[i].Key == key {
			return c.Nodes[i].Msg
		}
	}
	t.Fatalf("no node %q", key)
	return nil
}

// Canvas edits (canmore.update_textdoc "updates") are replayed on the
// document they edit, along each branch, so each edit holds the document's
// next version.
func TestCanvasReplay(t *testing.T) {
	create := `{"name": "calc", "type": "code/python", "content": "a = 1\nb = 2\nprint(a)\n"}`
	up1 := `{"updates": [{"pattern": "print\\(a\\)", "replacement": "print(a + b)"}]}`
	up2 := `{"updates": [{"pattern": "\\d", "multiple": true, "replacement": "7"}]}`
	whole := `{"updates": [{"pattern": ".*", "replacement": "print('rewritten')\n"}]}`
	nomatch := `{"updates": [{"pattern": "zzz", "replacement": "x = 0"}]}`
	c := loadOne(t, conv("cv", "canvas", "e2", 1700000100,
		node("r", "", "", "u"),
		node("u", "r", msg("u", "user", "write a calculator"), "cr"),
		node("cr", "u", rawMsg("cr", "assistant", "", "canmore.create_textdoc", textContent(create), "{}"), "ok"),
		node("ok", "cr", rawMsg("ok", "tool", "canmore.create_textdoc", "all", textContent("Successfully created text document 'calc'"), "{}"), "e1", "w"),
		node("e1", "ok", rawMsg("e1", "assistant", "", "canmore.update_textdoc", textContent(up1), "{}"), "e2"),
		node("e2", "e1", rawMsg("e2", "assistant", "", "canmore.update_textdoc", textContent(up2), "{}"), "bad"),
		node("bad", "e2", rawMsg("bad", "assistant", "", "canmore.update_textdoc", textContent(nomatch), "{}")),
		node("w", "ok", rawMsg("w", "assistant", "", "canmore.update_textdoc", textContent(whole), "{}")),
	))
	for _, tc := range []struct{ key, title, version, text string }{
		{"e1", "calc", "version 2", "a = 1\nb = 2\nprint(a + b)\n"},
		{"e2", "calc", "version 3", "a = 7\nb = 7\nprint(a + b)\n"},
		{"w", "calc", "version 2", "print('rewritten')\n"}, // the other branch edits version 1
		{"bad", "", "update", "x = 0"},                     // pattern not found: the edit as written
	} {
		b := nodeMsg(t, c, tc.key).Blocks[0]
		if b.Kind != model.BlockCanvas || b.Title() != tc.title || b.Summary() != tc.version || b.Text != tc.text {
			t.Errorf("%s: got %s %q %q %q, want %q %q %q", tc.key, b.Kind, b.Title(), b.Summary(), b.Text, tc.title, tc.version, tc.text)
		}
		if tc.title != "" && b.Lang() != "code/python" {
			t.Errorf("%s: type %q", tc.key, b.Lang())
		}
	}
}

// Early-2025 reasoning came as a tool message with metadata.finished_text:
// it becomes a "Thought for …" recap and its steps, not a tool's output.
func TestToolReasoningBecomesThoughts(t *testing.T) {
	meta := `{"finished_text": "Thought for 1m 34s", "initial_text": "Reasoning", "finished_duration_sec": 94}`
	c := loadOne(t, conv("rs", "reasoning", "rs-a", 1700000100,
		node("r", "", "", "u"),
		node("u", "r", msg("u", "user", "convert this"), "th"),
		node("th", "u", rawMsg("th", "tool", "a8km123", "all", textContent("**Converting code**\n\nFirst I look.\n\n**Checking names**\n\nThen I check."), meta), "rs-a"),
		node("rs-a", "th", msg("rs-a", "assistant", "Here it is.")),
	))
	m := nodeMsg(t, c, "th")
	if m.Visibility != model.Folded || len(m.Blocks) != 2 {
		t.Fatalf("got %s with %d blocks", m.Visibility, len(m.Blocks))
	}
	if b := m.Blocks[0]; b.Kind != model.BlockReasoningRecap || b.Seconds() != 94 || b.Text != "Thought for 1m 34s" {
		t.Errorf("recap: %+v", b)
	}
	want := []model.Thought{{Summary: "Converting code", Content: "First I look."}, {Summary: "Checking names", Content: "Then I check."}}
	if b := m.Blocks[1]; b.Kind != model.BlockThoughts || fmt.Sprint(b.Thoughts()) != fmt.Sprint(want) {
		t.Errorf("thoughts: %+v", b)
	}
}

// Model-facing instructions of image generation (a ChatGPTAgentToolException
// "Before doing anything else, explicitly explain to the user…", "From now
// on, do not say or show ANYTHING") are hidden as chatgpt.com hides them;
// the generated image is shown.
func TestModelFacingToolMessagesHidden(t *testing.T) {
	exc := `{"content_type": "system_error", "name": "ChatGPTAgentToolException", "text": "Before doing anything else, explicitly explain to the user that you were unable to invoke the image_gen tool right now."}`
	img := `{"content_type": "multimodal_text", "parts": [{"content_type": "image_asset_pointer", "asset_pointer": "sediment://file_1", "size_bytes": 10, "width": 8, "height": 8}]}`
	call := textContent(`{"prompt": "a fox", "size": "1024x1024"}`)
	c := loadOne(t, conv("ig", "images", "done", 1700000100,
		node("r", "", "", "u"),
		node("u", "r", msg("u", "user", "draw a fox"), "call1"),
		node("call1", "u", rawMsg("call1", "assistant", "", "t2uay3k.sj1i4kz", call, "{}"), "exc"),
		node("exc", "call1", rawMsg("exc", "tool", "t2uay3k.sj1i4kz", "all", exc, "{}"), "call2"),
		node("call2", "exc", rawMsg("call2", "assistant", "", "t2uay3k.sj1i4kz", call, "{}"), "img"),
		node("img", "call2", rawMsg("img", "tool", "t2uay3k.sj1i4kz", "all", img, `{"image_gen_title": "Fox"}`), "end"),
		node("end", "img", rawMsg("end", "tool", "t2uay3k.sj1i4kz", "assistant", textContent("GPT-4o returned 1 images. From now on, do not say or show ANYTHING."), "{}"), "done"),
		node("done", "end", msg("done", "assistant", "Here is your fox.")),
	))
	for key, want := range map[string]model.Visibility{
		"call1": model.Folded, "exc": model.Hidden, "img": model.Shown, "end": model.Hidden, "done": model.Shown,
	} {
		if got := nodeMsg(t, c, key).Visibility; got != want {
			t.Errorf("%s: %s, want %s", key, got, want)
		}
	}
}

// A canvas payload cut off mid-string (an interrupted answer) still reads as
// the document so far, marked incomplete; a cut-off edit is replayed too.
func TestCanvasCutOff(t *testing.T) {
	cutCreate := `{"name":"page","type":"code/html","content":"<html>\n<head>\n  <title>Hi</ti`
	create := `{"name": "doc", "type": "document", "content": "old text"}`
	cutEdit := "{\n  \"updates\": [\n    {\n      \"pattern\": \".*\",\n      \"replacement\": \"new text \\u00e9 and mo\\u00"
	c := loadOne(t, conv("cc", "cut", "ed", 1700000100,
		node("r", "", "", "u"),
		node("u", "r", msg("u", "user", "make a page"), "cut"),
		node("cut", "u", rawMsg("cut", "assistant", "", "canmore.create_textdoc", textContent(cutCreate), "{}"), "cr"),
		node("cr", "cut", rawMsg("cr", "assistant", "", "canmore.create_textdoc", textContent(create), "{}"), "ed"),
		node("ed", "cr", rawMsg("ed", "assistant", "", "canmore.create_textdoc", textContent(cutEdit), "{}")),
	))
	for _, tc := range []struct{ key, title, summary, text string }{
		{"cut", "page", "incomplete", "<html>\n<head>\n  <title>Hi</ti"},
		{"ed", "doc", "version 2, incomplete", "new text é and mo"},
	} {
		b := nodeMsg(t, c, tc.key).Blocks[0]
		if b.Kind != model.BlockCanvas || b.Title() != tc.title || b.Summary() != tc.summary || b.Text != tc.text {
			t.Errorf("%s: got %s %q %q %q, want %q %q %q", tc.key, b.Kind, b.Title(), b.Summary(), b.Text, tc.title, tc.summary, tc.text)
		}
	}
}
