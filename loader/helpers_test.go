package loader

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/backchat/backchat/model"
)

// msg returns a message object with text parts.
func msg(id, role, text string) string {
	t, _ := json.Marshal(text)
	return fmt.Sprintf(`{"id": %q, "author": {"role": %q, "name": null, "metadata": {}}, "create_time": 1700000000.5, "content": {"content_type": "text", "parts": [%s]}, "status": "finished_successfully", "end_turn": true, "weight": 1.0, "metadata": {}, "recipient": "all", "channel": null}`, id, role, t)
}

// node returns a mapping entry; parent "" means null; message "" means null.
func node(key, parent, message string, children ...string) string {
	p := "null"
	if parent != "" {
		p = fmt.Sprintf("%q", parent)
	}
	if message == "" {
		message = "null"
	}
	ch, _ := json.Marshal(children)
	if children == nil {
		ch = []byte("[]")
	}
	return fmt.Sprintf(`%q: {"id": %q, "message": %s, "parent": %s, "children": %s}`, key, key, message, p, ch)
}

// conv returns a conversation object.
func conv(id, title, current string, updated float64, nodes ...string) string {
	t, _ := json.Marshal(title)
	return fmt.Sprintf(`{"title": %s, "create_time": 1700000000.25, "update_time": %v, "mapping": {%s}, "current_node": %q, "id": %q}`,
		t, updated, strings.Join(nodes, ", "), current, id)
}

// simple returns a three-node conversation: root → user → assistant.
func simple(id, title string, updated float64) string {
	return conv(id, title, id+"-a", updated,
		node(id+"-r", "", "", id+"-u"),
		node(id+"-u", id+"-r", msg(id+"-u", "user", "hello from "+id), id+"-a"),
		node(id+"-a", id+"-u", msg(id+"-a", "assistant", "answer in "+id)),
	)
}

func array(convs ...string) string { return "[" + strings.Join(convs, ", ") + "]" }

func writeFile(t testing.TB, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func mustOpen(t testing.TB, paths ...string) *model.Archive {
	t.Helper()
	a, err := Open(paths...)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func ids(a *model.Archive) []string {
	var out []string
	for _, c := range a.Conversations {
		out = append(out, c.ID)
	}
	return out
}

func find(a *model.Archive, id string) *model.Conversation {
	for _, c := range a.Conversations {
		if c.ID == id {
			return c
		}
	}
	return nil
}

func warningsOf(a *model.Archive, k model.WarningKind) []model.Warning {
	var out []model.Warning
	for _, w := range a.Warnings {
		if w.Kind == k {
			out = append(out, w)
		}
	}
	return out
}
