package main

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/backchat/backchat/internal/testkit/fixtures"
	"github.com/backchat/backchat/loader"
)

// chatgptFixtures are the ChatGPT exports among the shared external fixtures
// (relative to fixtures.External), named for their golden files.
var chatgptFixtures = []struct{ name, path string }{
	{"pkuppens-2023", "pkuppens-2023/conversations.excerpt.json"},
	{"chatgpt2graph", "chatgpt2graph/conversations.json"},
	{"echomine-001_simple_text", "echomine/001_simple_text/raw.json"},
	{"echomine-002_with_images", "echomine/002_with_images/raw.json"},
	{"echomine-003_with_code", "echomine/003_with_code/raw.json"},
	{"pionxzh-thinking-summaries", "pionxzh-chatgpt-exporter/thinking-summaries.json"},
	{"pionxzh-image-generation", "pionxzh-chatgpt-exporter/image-generation.json"},
}

// otherFixtures are the shared fixtures of other services, run the same way.
var otherFixtures = []struct{ name, path string }{
	{"anthropic-data", "anthropic-data/conversations.json"},
	{"anthropic-data-projects", "anthropic-data/projects.json"},
}

// TestShowFixtures runs `show` (text, and JSON with --all) with the real
// loader over every conversation of each ChatGPT fixture. The golden files in
// testdata/fixtures record the result; regenerate them with -update whenever
// the loader or the renderers change, and review the diff.
func TestShowFixtures(t *testing.T) {
	ext := fixtures.External(t)
	for _, fx := range append(slices.Clone(chatgptFixtures), otherFixtures...) {
		t.Run(fx.name, func(t *testing.T) {
			path := filepath.Join(ext, fx.path)
			arch, err := loader.OpenContext(context.Background(), loader.Options{}, path)
			if err != nil {
				t.Fatalf("loading %s: %v", path, err)
			}
			if len(arch.Conversations) == 0 {
				t.Fatalf("%s: no conversations", path)
			}
			var all bytes.Buffer
			for _, c := range arch.Conversations {
				for _, args := range [][]string{{"show"}, {"show", "--all", "--format", "json"}} {
					r := runReal(t, append(args, path, c.ID)...)
					if r.code != exitOK {
						t.Fatalf("show %s: exit %d: %s", c.ID, r.code, r.stderr)
					}
					if ch, bad := rawControl(r.stdout); bad {
						t.Errorf("show %s: raw control %U in output", c.ID, ch)
					}
					if d := displayDefects.FindString(r.stdout); d != "" && len(args) == 1 {
						t.Errorf("show %s: %q in output", c.ID, d)
					}
					all.WriteString("$ backchat " + strings.Join(append(args, fx.path, c.ID), " ") + "\n")
					all.WriteString(r.stdout)
					all.WriteString("\n")
				}
			}
			// Source paths are machine-specific; golden files name them relative.
			out := strings.ReplaceAll(all.String(), ext+string(filepath.Separator), "")
			checkGolden(t, filepath.Join("fixtures", fx.name), []byte(out))
		})
	}
}

// runReal runs the command line with the real loader, times in UTC.
func runReal(t *testing.T, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	a := newApp(strings.NewReader(""), &out, &errOut)
	a.loc = time.UTC
	a.isTerminal = func(w io.Writer) bool { return false }
	code := execute(context.Background(), a, args)
	return result{code, out.String(), errOut.String()}
}
