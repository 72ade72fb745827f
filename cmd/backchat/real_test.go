package main

import (
	"bytes"
	"context"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/backchat/backchat/loader"
)

// realFixtures are the real exports committed under testdata/real (see
// testdata/real/PROVENANCE.md), named for their golden files.
var realFixtures = []struct{ name, path string }{
	{"real-claude-bakery-chat", "claude-chat-viewer/claude-bakery-chat.json"},
	{"real-openwebui-claude-excerpt", "openwebui-importer/claude_example.excerpt.json"},
	{"real-openwebui-gpt", "openwebui-importer/gpt_example.json"},
	{"real-openwebui-grok", "openwebui-importer/grok_example.json"},
}

// displayDefects are what a reader must never see in `show` of a real
// export (issue 13): raw 2023 browsing markers, private-use citation
// characters, unsupported-content lines.
var displayDefects = regexp.MustCompile(`【[^】]*†[^】]*】|[\x{E000}-\x{F8FF}]|unsupported content`)

// TestShowRealFixtures runs `show` (text, text --all, and JSON with --all)
// over every conversation of each committed real export; the golden files
// in testdata/fixtures record the result (go test -update rewrites them;
// review the diff). A conversation `show` cannot address records its error.
func TestShowRealFixtures(t *testing.T) {
	dir, err := filepath.Abs(filepath.Join("..", "..", "testdata", "real"))
	if err != nil {
		t.Fatal(err)
	}
	for _, fx := range realFixtures {
		t.Run(fx.name, func(t *testing.T) {
			path := filepath.Join(dir, fx.path)
			arch, err := loader.OpenContext(context.Background(), loader.Options{}, path)
			if err != nil {
				t.Fatalf("loading %s: %v", path, err)
			}
			if len(arch.Conversations) == 0 {
				t.Fatalf("%s: no conversations", path)
			}
			var all bytes.Buffer
			for _, c := range arch.Conversations {
				for _, args := range [][]string{{"show"}, {"show", "--all"}, {"show", "--all", "--format", "json"}} {
					all.WriteString("$ backchat " + strings.Join(append(args, fx.path, c.ID), " ") + "\n")
					r := runReal(t, append(args, path, c.ID)...)
					if r.code != exitOK {
						if c.ID != "" {
							t.Fatalf("show %s: exit %d: %s", c.ID, r.code, r.stderr)
						}
						// Known: a conversation without an id cannot be addressed.
						all.WriteString("exit " + strconv.Itoa(r.code) + ": " + r.stderr + "\n")
						continue
					}
					if ch, bad := rawControl(r.stdout); bad {
						t.Errorf("show %s: raw control %U in output", c.ID, ch)
					}
					if args[len(args)-1] != "json" {
						if d := displayDefects.FindString(r.stdout); d != "" {
							t.Errorf("show %s: %q in output", c.ID, d)
						}
					}
					all.WriteString(r.stdout)
					all.WriteString("\n")
				}
			}
			out := strings.ReplaceAll(all.String(), dir+string(filepath.Separator), "")
			checkGolden(t, filepath.Join("fixtures", fx.name), []byte(out))
		})
	}
}
