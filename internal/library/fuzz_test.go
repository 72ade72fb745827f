package library

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzReadManifest: any manifest bytes give a manifest or an error, never a
// panic, and an accepted one never names a path outside the library.
func FuzzReadManifest(f *testing.F) {
	f.Add([]byte(`{"version":1,"imports":[{"hash":"` + strings.Repeat("ab", 32) + `","kind":"file","name":"export.zip","size":3}]}`))
	f.Add([]byte(`{"version":1,"imports":[{"hash":"` + strings.Repeat("ab", 32) + `","name":".."}]}`))
	f.Add([]byte(`{"version":2}`))
	f.Add([]byte(`{"imports":null}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		path := filepath.Join(dir, manifestName)
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		m, err := readManifest(path)
		if err != nil {
			return
		}
		l := &Library{Dir: dir, Manifest: m}
		for _, imp := range m.Imports {
			rel, err := filepath.Rel(filepath.Join(dir, importsDir), l.Path(imp))
			if err != nil || outside(rel) || strings.Count(filepath.ToSlash(rel), "/") != 1 {
				t.Fatalf("import %+v points at %s", imp, l.Path(imp))
			}
		}
		_, _ = l.Paths()
		_ = l.Fingerprint()
	})
}
