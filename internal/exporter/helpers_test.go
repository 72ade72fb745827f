package exporter

import (
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// memFS is an in-memory FS that counts writes.
type memFS struct {
	mu     sync.Mutex
	files  map[string][]byte
	writes int
}

func newMemFS() *memFS { return &memFS{files: map[string][]byte{}} }

func (m *memFS) ReadFile(name string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.files[name]
	if !ok {
		return nil, fmt.Errorf("%s: %w", name, fs.ErrNotExist)
	}
	return slices.Clone(b), nil
}

func (m *memFS) WriteFile(name string, data []byte) error {
	if !fs.ValidPath(name) {
		return fmt.Errorf("invalid name %q", name)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.files[name] = slices.Clone(data)
	m.writes++
	return nil
}

// dump renders every file, sorted by name; binary files (images) by size only.
func (m *memFS) dump() string {
	var names []string
	for n := range m.files {
		names = append(names, n)
	}
	slices.Sort(names)
	var b strings.Builder
	for _, n := range names {
		data := m.files[n]
		if strings.HasSuffix(n, ".md") || strings.HasSuffix(n, ".html") || strings.HasSuffix(n, ".json") {
			fmt.Fprintf(&b, "=== %s ===\n%s\n", n, data)
		} else {
			fmt.Fprintf(&b, "=== %s (%d bytes) ===\n\n", n, len(data))
		}
	}
	return b.String()
}

func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(want) != string(got) {
		t.Errorf("%s differs from the golden file (go test ./internal/exporter -update rewrites it); first difference at byte %d", path, firstDiff(want, got))
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}
