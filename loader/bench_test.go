package loader

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/backchat/backchat/internal/testkit/gen"
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

// BenchmarkLoadTwoExports loads two generated 10 MB exports of the same
// account a month apart (same ids, every conversation updated), so every
// conversation is merged; MB/s counts both files.
func BenchmarkLoadTwoExports(b *testing.B) {
	dir := b.TempDir()
	var paths []string
	var total int64
	for i, now := range []time.Time{gen.DefaultNow, gen.DefaultNow.AddDate(0, 1, 0)} {
		var buf bytes.Buffer
		if _, err := gen.Write(&buf, gen.Config{Seed: 1, TargetBytes: 10 << 20, Now: now}); err != nil {
			b.Fatal(err)
		}
		p := filepath.Join(dir, fmt.Sprintf("export%d.json", i))
		if err := os.WriteFile(p, buf.Bytes(), 0o600); err != nil {
			b.Fatal(err)
		}
		paths = append(paths, p)
		total += int64(buf.Len())
	}
	b.SetBytes(total)
	for b.Loop() {
		a, err := OpenContext(context.Background(), Options{}, paths...)
		if err != nil || len(a.Conversations) == 0 || len(a.Conversations[0].Sources) != 2 {
			b.Fatal(err)
		}
	}
}
