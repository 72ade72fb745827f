package loader

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// tinyShardsZip is a ZIP of n shards conversations-000.json … holding
// one small conversation each (a 2026 export of a big account cut fine).
func tinyShardsZip(t testing.TB, dir string, n int) string {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for i := range n {
		w, err := zw.Create(fmt.Sprintf("conversations-%03d.json", i))
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(array(simple(fmt.Sprintf("c%d", i), fmt.Sprintf("Chat %d", i), float64(10+i)))))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "export.zip")
	if err := os.WriteFile(p, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestManyTinyShardsAllocateLittle: the buffers a ZIP entry is read
// through are sized by the entry, so that 300 shards of ~300 bytes
// allocate a few MB in all, not a full set of read-ahead buffers (3 MiB)
// each (900 MB; 5,000 such shards took 12 s to load).
func TestManyTinyShardsAllocateLittle(t *testing.T) {
	const n = 300
	p := tinyShardsZip(t, t.TempDir(), n)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	a, err := OpenContext(context.Background(), Options{}, p)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Conversations) != n {
		t.Fatalf("%d conversations, want %d", len(a.Conversations), n)
	}
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("%d tiny shards: %.1f MB allocated (%d KB a shard)", n, float64(alloc)/1e6, alloc/n>>10)
	if alloc > 128<<10*n {
		t.Errorf("%d tiny shards allocated %.1f MB (%d KB a shard), want at most 128 KB a shard (a deflate window is 32)", n, float64(alloc)/1e6, alloc/n>>10)
	}
}
