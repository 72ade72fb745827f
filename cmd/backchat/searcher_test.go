package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/backchat/backchat/model"
	"github.com/backchat/backchat/model/search/live"
)

// chatJSON is a one-exchange ChatGPT conversation updated at `updated`.
func chatJSON(id, title, text string, updated int) string {
	return fmt.Sprintf(`{"id": %q, "title": %q, "create_time": 1700000000, "update_time": %d, "current_node": "a",
	  "mapping": {"r": {"parent": null, "children": ["u"]},
	  "u": {"parent": "r", "children": ["a"], "message": {"author": {"role": "user"}, "content": {"content_type": "text", "parts": [%q]}}},
	  "a": {"parent": "u", "children": [], "message": {"author": {"role": "assistant"}, "recipient": "all", "content": {"content_type": "text", "parts": ["ok"]}}}}}`,
		id, title, updated, text)
}

// TestIndexingLoadSeveralExports: with several exports the archive holds
// merged copies; the browser's index must find them (and is:deleted must
// see their final InNewest), not only the streamed originals.
func TestIndexingLoadSeveralExports(t *testing.T) {
	dir := t.TempDir()
	older := filepath.Join(dir, "old.json")
	newer := filepath.Join(dir, "new.json")
	write := func(p string, convs ...string) {
		body := "["
		for i, c := range convs {
			if i > 0 {
				body += ", "
			}
			body += c
		}
		if err := os.WriteFile(p, []byte(body+"]"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(older, chatJSON("c1", "Kept", "zebrafish care", 1700000100), chatJSON("c2", "Gone upstream", "axolotl tank", 1700000200))
	write(newer, chatJSON("c1", "Kept", "zebrafish care, edited", 1700009000), chatJSON("c3", "New", "newt pond", 1700009100))

	s := live.New()
	var streamed []*model.Conversation
	a, err := indexingLoad([]string{older, newer}, nil, s, nil)(context.Background(),
		func(c *model.Conversation) { streamed = append(streamed, c) }, func(int64, int64) {})
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Conversations) != 3 || len(streamed) < 3 {
		t.Fatalf("archive %d conversations, streamed %d", len(a.Conversations), len(streamed))
	}
	for query, want := range map[string]string{"zebrafish": "c1", "axolotl": "c2", "newt": "c3", "is:deleted": "c2"} {
		res, err := s.Search(context.Background(), a.Conversations, query, live.Options{})
		if err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		if len(res.Convs) != 1 || a.Conversations[res.Convs[0]].ID != want {
			var got []string
			for _, i := range res.Convs {
				got = append(got, a.Conversations[i].ID)
			}
			t.Errorf("%s: got %v, want [%s]", query, got, want)
		}
	}
}
