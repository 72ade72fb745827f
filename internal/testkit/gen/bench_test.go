package gen

import (
	"io"
	"testing"
)

// BenchmarkWrite measures generation speed (MB/s is the figure to report).
func BenchmarkWrite(b *testing.B) {
	const size = 64 << 20
	b.SetBytes(size)
	for b.Loop() {
		if _, err := Write(io.Discard, Config{Seed: 1, TargetBytes: size}); err != nil {
			b.Fatal(err)
		}
	}
}
