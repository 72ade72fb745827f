package exporter

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/backchat/backchat/internal/testkit/fixtures"
	"github.com/backchat/backchat/loader"
	"github.com/backchat/backchat/model"
)

// exportFixtures are ChatGPT exports among the shared fixtures, chosen for
// images, code, reasoning, citations and 2023-era browsing.
var exportFixtures = []struct{ name, path string }{
	{"pkuppens-2023", "pkuppens-2023/conversations.excerpt.json"},
	{"echomine-002_with_images", "echomine/002_with_images/raw.json"},
	{"echomine-003_with_code", "echomine/003_with_code/raw.json"},
	{"pionxzh-thinking-summaries", "pionxzh-chatgpt-exporter/thinking-summaries.json"},
	{"pionxzh-image-generation", "pionxzh-chatgpt-exporter/image-generation.json"},
}

// TestGoldenFixtures exports each fixture in every format and compares the
// files with testdata/<fixture>.<format>.golden (go test -update rewrites
// them; review the diff).
func TestGoldenFixtures(t *testing.T) {
	ext := fixtures.External(t)
	for _, fx := range exportFixtures {
		path := filepath.Join(ext, fx.path)
		arch, err := loader.Open(path)
		if err != nil {
			t.Fatalf("loading %s: %v", path, err)
		}
		for _, f := range []Format{Markdown, HTML, JSON} {
			t.Run(fx.name+"/"+string(f), func(t *testing.T) {
				dst := newMemFS()
				sum, err := Export(context.Background(), dst, arch.Conversations, Options{
					Format: f, OpenAsset: loader.OpenAsset,
					// Fixture paths are machine-specific: show them relative.
					SourceName: func(p string) string { return filepath.ToSlash(strings.TrimPrefix(p, ext+string(filepath.Separator))) },
				})
				if err != nil {
					t.Fatal(err)
				}
				if sum.Written != len(arch.Conversations) {
					t.Errorf("written %d of %d", sum.Written, len(arch.Conversations))
				}
				out := dst.dump()
				if ch, bad := rawControl(out); bad {
					t.Errorf("raw control %U in the output", ch)
				}
				checkGolden(t, fx.name+"."+string(f), []byte(out))
			})
		}
	}
}

// rawControl reports the first control character a terminal would act on
// (C0 other than newline and tab, DEL, C1).
func rawControl(s string) (rune, bool) {
	for _, r := range s {
		if r < 0x20 && r != '\n' && r != '\t' || r == 0x7f || r >= 0x80 && r <= 0x9f {
			return r, true
		}
	}
	return 0, false
}

var _ = model.NoNode
