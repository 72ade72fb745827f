package loader

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// genClaudeExport writes a deterministic Claude conversations.json of
// roughly size bytes: human turns, assistant turns with thinking, text with
// citations, and now and then a tool call and its result.
func genClaudeExport(size int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 2))
	var b bytes.Buffer
	b.WriteByte('[')
	for i := 0; b.Len() < size; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, `{"uuid": "conv-%d", "name": "Chat %d `, i, i)
		sentence(&b, r, 3)
		fmt.Fprintf(&b, `", "summary": "", "created_at": "2025-07-%02dT03:10:13.076141Z", "updated_at": "2025-07-%02dT04:10:27.139200Z", "account": {"uuid": "a"}, "chat_messages": [`, 1+i%28, 1+i%28)
		turns := 2 + r.IntN(20)
		for t := 0; t < turns; t++ {
			if t > 0 {
				b.WriteString(", ")
			}
			if t%2 == 0 {
				fmt.Fprintf(&b, `{"uuid": "m-%d-%d", "text": "`, i, t)
				sentence(&b, r, 20)
				b.WriteString(`", "content": [{"start_timestamp": "2025-07-06T03:10:13.605158Z", "stop_timestamp": "2025-07-06T03:10:13.605158Z", "flags": null, "type": "text", "text": "`)
				sentence(&b, r, 20)
				b.WriteString(`", "citations": []}], "sender": "human", "created_at": "2025-07-06T03:10:13.609691Z", "updated_at": "2025-07-06T03:10:13.609691Z", "attachments": [], "files": []}`)
				continue
			}
			fmt.Fprintf(&b, `{"uuid": "m-%d-%d", "text": "`, i, t)
			sentence(&b, r, 200)
			b.WriteString(`", "content": [{"type": "thinking", "thinking": "`)
			sentence(&b, r, 80)
			b.WriteString(`", "summaries": [{"summary": "Thinking"}, {"summary": "Thought it through"}], "cut_off": false, "start_timestamp": "2025-07-06T03:10:15.073199Z", "stop_timestamp": "2025-07-06T03:10:20.019846Z", "flags": null, "alternative_display_type": null}, `)
			if r.IntN(4) == 0 {
				b.WriteString(`{"type": "tool_use", "name": "web_search", "input": {"query": "`)
				sentence(&b, r, 4)
				b.WriteString(`"}}, {"type": "tool_result", "name": "web_search", "content": [{"type": "knowledge", "title": "Page", "url": "https://example.com/p", "text": "`)
				sentence(&b, r, 40)
				b.WriteString(`"}], "is_error": false}, `)
			}
			b.WriteString(`{"type": "text", "text": "`)
			sentence(&b, r, 120)
			b.WriteString(`", "citations": [{"uuid": "c", "title": "Page", "url": "https://example.com/p", "start_index": 1, "end_index": 4}]}], "sender": "assistant", "created_at": "2025-07-06T03:10:24.798798Z", "updated_at": "2025-07-06T03:10:24.798798Z", "attachments": [], "files": []}`)
		}
		b.WriteString("]}")
	}
	b.WriteString("]\n")
	return b.Bytes()
}

// BenchmarkLoadClaude loads a generated 20 MB Claude conversations.json
// through the same scanner and worker pipeline as ChatGPT.
func BenchmarkLoadClaude(b *testing.B) {
	data := genClaudeExport(20<<20, 42)
	p := filepath.Join(b.TempDir(), "conversations.json")
	if err := os.WriteFile(p, data, 0o600); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		a, err := OpenContext(context.Background(), Options{}, p)
		if err != nil || len(a.Conversations) == 0 || len(a.Warnings) != 0 {
			b.Fatal(err, len(a.Warnings))
		}
	}
}

func TestGenClaudeExportLoads(t *testing.T) {
	data := genClaudeExport(256<<10, 7)
	a := mustOpen(t, writeFile(t, t.TempDir(), "conversations.json", string(data)))
	if len(a.Warnings) != 0 || len(a.Conversations) < 10 {
		t.Fatalf("%d conversations, warnings %v", len(a.Conversations), a.Warnings)
	}
	for _, c := range a.Conversations {
		if c.Service != "claude" || c.VisibleCount() < 2 {
			t.Fatalf("%s: service %q, %d visible", c.ID, c.Service, c.VisibleCount())
		}
	}
}
