package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// exportConv builds one conversation of a ChatGPT conversations.json: a
// linear chain of alternating user/assistant text messages.
func exportConv(id, title string, created float64, texts []string) map[string]any {
	mapping := map[string]any{}
	root := id + "-root"
	mapping[root] = map[string]any{"id": root, "message": nil, "parent": nil, "children": []string{}}
	prev := root
	for i, text := range texts {
		role := "user"
		if i%2 == 1 {
			role = "assistant"
		}
		nid := fmt.Sprintf("%s-m%03d", id, i)
		mapping[nid] = map[string]any{
			"id": nid,
			"message": map[string]any{
				"id": nid, "author": map[string]any{"role": role, "name": nil, "metadata": map[string]any{}},
				"create_time": created + float64(i*60), "update_time": nil,
				"content": map[string]any{"content_type": "text", "parts": []string{text}},
				"status":  "finished_successfully", "end_turn": true, "weight": 1.0,
				"metadata": map[string]any{}, "recipient": "all",
			},
			"parent": prev, "children": []string{},
		}
		p := mapping[prev].(map[string]any)
		p["children"] = append(p["children"].([]string), nid)
		prev = nid
	}
	return map[string]any{
		"id": id, "conversation_id": id, "title": title,
		"create_time": created, "update_time": created + float64(len(texts)*60),
		"mapping": mapping, "current_node": prev, "default_model_slug": "gpt-4o",
	}
}

// deepExport writes a conversations.json with a long conversation whose
// unique word occurs only in message 60 of 80, and two short ones.
func deepExport(t *testing.T, word string) string {
	t.Helper()
	var texts []string
	for i := 0; i < 80; i++ {
		text := fmt.Sprintf("Message number %d of a long chat about gardening, soil and compost.", i)
		if i == 60 {
			text = "Deep inside the chat: the secret word is " + word + ", remember it."
		}
		texts = append(texts, text)
	}
	convs := []any{
		exportConv("deep-0001", "A very long gardening chat", 1.76e9, texts),
		exportConv("short-0002", "Short chat about tea", 1.761e9, []string{"How do I brew green tea?", "Use water at 80 °C."}),
		exportConv("short-0003", "Another short chat", 1.762e9, []string{"Tell me about compost", "Compost is decomposed matter."}),
	}
	b, err := json.Marshal(convs)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "conversations.json")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// viewerText is the right-hand pane of a two-pane screen.
func viewerText(screen string) string {
	var b strings.Builder
	for _, l := range strings.Split(screen, "\n") {
		if i := strings.Index(l, "│"); i >= 0 {
			b.WriteString(l[i+len("│"):])
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// TestSearchDeepHit: a word that occurs only deep inside a long
// conversation finds exactly that conversation, enter opens it scrolled to
// the hit, and n stays on the one hit.
func TestSearchDeepHit(t *testing.T) {
	const word = "quokkaberry"
	file := deepExport(t, word)
	s := startSession(t, 100, 30, []string{"TERM=xterm-256color"}, binary(t), file, "--theme", "notty")
	const timeout = 10 * time.Second
	s.waitText("3 conversations", timeout)

	s.keys("/")
	s.typeText(word)
	scr := s.waitText("1 of 3 conversations match", timeout)
	if !strings.Contains(scr, "A very long gardening chat") || strings.Contains(scr, "Short chat about tea") ||
		strings.Contains(scr, "Another short chat") {
		t.Fatalf("want exactly the long conversation listed:\n%s", scr)
	}
	// The row quotes the hit under the title.
	s.waitFor("the snippet in the list", timeout, func(scr string) bool {
		for _, l := range strings.Split(scr, "\n") {
			if left, _, ok := strings.Cut(l, "│"); ok && strings.Contains(left, word) {
				return true
			}
		}
		return false
	})

	s.keys("Enter")
	scr = s.waitFor("the hit in the viewer", timeout, func(scr string) bool {
		// "n next hit" is in the viewer's help only: enter moved the focus.
		return strings.Contains(viewerText(scr), "secret word is "+word) && strings.Contains(scr, "hit 1/1") &&
			strings.Contains(scr, "n next hit")
	})
	if strings.Contains(viewerText(scr), "Message number 0 ") {
		t.Fatalf("the viewer did not scroll to the hit:\n%s", scr)
	}

	s.keys("n")
	s.waitFor("n on the only hit", timeout, func(scr string) bool {
		return strings.Contains(scr, "hit 1/1") && strings.Contains(viewerText(scr), word)
	})

	s.keys("q")
	s.waitText("[exit 0]", timeout)
}
