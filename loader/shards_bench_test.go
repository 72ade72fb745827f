package loader

import (
	"archive/zip"
	"bytes"
	"fmt"
	"testing"
)

// BenchmarkOpenTinyShards loads a ZIP of 5,000 one-conversation shards
// (scripts/torture.sh shards-5000.zip): per-entry costs dominate.
func BenchmarkOpenTinyShards(b *testing.B) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := range 5000 {
		w, err := zw.Create(fmt.Sprintf("conversations-%03d.json", i))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := w.Write([]byte(array(simple(fmt.Sprintf("c%d", i), fmt.Sprintf("T%d", i), float64(1700000000+i))))); err != nil {
			b.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		b.Fatal(err)
	}
	p := writeFile(b, b.TempDir(), "shards.zip", buf.String())
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		a, err := Open(p)
		if err != nil {
			b.Fatal(err)
		}
		if len(a.Conversations) != 5000 {
			b.Fatalf("%d conversations", len(a.Conversations))
		}
	}
}
