package loader

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strconv"
)

// genExport writes a deterministic, realistic-looking conversations.json
// array of roughly size bytes: linear chats with a regenerated branch now
// and then, code-interpreter turns, citations metadata, escapes and
// non-ASCII text, ints and floats for times.
func genExport(size int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 1))
	var b bytes.Buffer
	b.WriteByte('[')
	for i := 0; b.Len() < size; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		genConversation(&b, r, i)
	}
	b.WriteString("]\n")
	return b.Bytes()
}

var words = []string{"the", "model", "export", "conversation", "kubernetes", "cluster", "für", "naïve", "日本語", "emoji 😀",
	"quote \\\"x\\\"", "tab\\t", "line\\nbreak", "\\u00e9t\\u00e9", "back\\\\slash", "code", "function", "return", "value", "search"}

func sentence(b *bytes.Buffer, r *rand.Rand, n int) {
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(words[r.IntN(len(words))])
	}
}

func genConversation(b *bytes.Buffer, r *rand.Rand, i int) {
	id := fmt.Sprintf("conv-%08d", i)
	t := 1.6e9 + float64(i)*3600.5
	turns := 2 + r.IntN(30)
	fmt.Fprintf(b, `{"title": "Chat %d \u00e9", "create_time": %.6f, "update_time": %d, "mapping": {`, i, t, int64(t)+3600)
	fmt.Fprintf(b, `"root-%d": {"id": "root-%d", "message": null, "parent": null, "children": ["sys-%d"]}, `, i, i, i)
	fmt.Fprintf(b, `"sys-%d": {"id": "sys-%d", "message": {"id": "sys-%d", "author": {"role": "system", "name": null, "metadata": {}}, "create_time": null, "update_time": null, "content": {"content_type": "text", "parts": [""]}, "status": "finished_successfully", "end_turn": true, "weight": 0.0, "metadata": {"is_visually_hidden_from_conversation": true}, "recipient": "all", "channel": null}, "parent": "root-%d", "children": ["n-%d-0"]}`, i, i, i, i, i)
	parent := fmt.Sprintf("sys-%d", i)
	last := ""
	for k := 0; k < turns; k++ {
		key := fmt.Sprintf("n-%d-%d", i, k)
		next := fmt.Sprintf("n-%d-%d", i, k+1)
		children := `["` + next + `"]`
		if k == turns-1 {
			children = "[]"
		}
		role := "user"
		if k%2 == 1 {
			role = "assistant"
		}
		b.WriteString(", ")
		fmt.Fprintf(b, `"%s": {"id": "%s", "message": {"id": "%s", "author": {"role": "%s", "name": null, "metadata": {}}, "create_time": %.6f, "update_time": null, "content": `, key, key, key, role, t+float64(k)*10.25)
		switch {
		case role == "assistant" && r.IntN(6) == 0:
			b.WriteString(`{"content_type": "code", "language": "python", "response_format_name": null, "text": "import math\nprint(math.pi)\n`)
			sentence(b, r, 20)
			b.WriteString(`"}`)
		default:
			b.WriteString(`{"content_type": "text", "parts": ["`)
			sentence(b, r, 20+r.IntN(400))
			b.WriteString(`"]}`)
		}
		fmt.Fprintf(b, `, "status": "finished_successfully", "end_turn": %v, "weight": 1.0, "metadata": {"model_slug": "gpt-4o", "finish_details": {"type": "stop", "stop_tokens": [100260]}, "citations": [], "content_references": [], "is_complete": true, "message_type": null, "parent_id": "%s", "request_id": "8f1e2a3b4c5d6e7f-AMS", "timestamp_": "absolute"}, "recipient": "all", "channel": null}, "parent": "%s", "children": %s}`,
			role == "assistant", parent, parent, children)
		parent, last = key, key
	}
	fmt.Fprintf(b, `}, "moderation_results": [], "current_node": "%s", "plugin_ids": null, "conversation_id": "%s", "conversation_template_id": null, "gizmo_id": null, "is_archived": false, "safe_urls": [], "default_model_slug": "gpt-4o", "id": "%s"}`, last, id, id)
	_ = strconv.Itoa
}
