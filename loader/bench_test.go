package loader

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkLoad loads a generated 20 MB conversations.json; b.SetBytes makes
// `go test -bench Load` report MB/s.
func BenchmarkLoad(b *testing.B) {
	data := genExport(20<<20, 42)
	p := filepath.Join(b.TempDir(), "conversations.json")
	if err := os.WriteFile(p, data, 0o600); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		a, err := OpenContext(context.Background(), Options{}, p)
		if err != nil || len(a.Conversations) == 0 {
			b.Fatal(err)
		}
	}
}

// BenchmarkScan measures the element scanner alone (no decoding).
func BenchmarkScan(b *testing.B) {
	data := genExport(20<<20, 42)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		s := newScanner(bytes.NewReader(data), int64(len(data)))
		n := 0
		s.emit = func([]byte, int, int64) error { n++; return nil }
		s.warn = func(warnKind, int, int64, string) {}
		if err := s.run(); err != nil || n == 0 {
			b.Fatal(err)
		}
	}
}
