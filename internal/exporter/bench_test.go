package exporter

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/backchat/backchat/internal/testkit/gen"
	"github.com/backchat/backchat/loader"
)

// BenchmarkExport renders a generated 10 MB export in each format into
// memory (no disk): MB/s is JSON input bytes per second.
func BenchmarkExport(b *testing.B) {
	var buf bytes.Buffer
	if _, err := gen.Write(&buf, gen.Config{Seed: 3, TargetBytes: 10 << 20}); err != nil {
		b.Fatal(err)
	}
	p := filepath.Join(b.TempDir(), "conversations.json")
	if err := os.WriteFile(p, buf.Bytes(), 0o600); err != nil {
		b.Fatal(err)
	}
	a, err := loader.Open(p)
	if err != nil {
		b.Fatal(err)
	}
	for _, f := range []Format{Markdown, HTML, JSON} {
		b.Run(string(f), func(b *testing.B) {
			b.SetBytes(int64(buf.Len()))
			for b.Loop() {
				if _, err := Export(context.Background(), newMemFS(), a.Conversations, Options{Format: f}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
