package loader

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	"testing"

	"github.com/klauspost/compress/flate"
)

func deflated(t *testing.T, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	w, err := flate.NewWriter(&b, flate.DefaultCompression)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(w, s); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestInflaterReused: entries inflated one after the other share their
// inflater (its 32 KiB window is not allocated per entry: an export of
// 5,000 tiny shards allocated ~200 MB of them), each still reads its own
// content, and an entry closed cannot be read any more.
func TestInflaterReused(t *testing.T) {
	const n = 100
	entries := make([][]byte, n)
	for i := range entries {
		entries[i] = deflated(t, fmt.Sprintf("[{\"id\": \"c%d\"}]", i))
	}
	read := func(i int) {
		body, c := inflateBounded(bytes.NewReader(entries[i]), int64(len(entries[i])))
		got, err := io.ReadAll(body)
		if err != nil || string(got) != fmt.Sprintf("[{\"id\": \"c%d\"}]", i) {
			t.Fatalf("entry %d: %q, %v", i, got, err)
		}
		if err := c.Close(); err != nil {
			t.Fatal(err)
		}
		if _, err := body.Read(make([]byte, 1)); !errors.Is(err, errInflaterClosed) {
			t.Fatalf("entry %d read after its close: %v", i, err)
		}
	}
	read(0)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for i := 1; i < n; i++ {
		read(i)
	}
	runtime.ReadMemStats(&after)
	// One window per entry would be n × 32 KiB; under -race sync.Pool
	// drops a quarter of what it is given.
	if got := after.TotalAlloc - before.TotalAlloc; got > n*32<<10/2 {
		t.Errorf("%d entries allocated %d KB: an inflater each", n, got>>10)
	}
}
