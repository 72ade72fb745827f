package e2e

import (
	"os"
	"path/filepath"
	"testing"
)

// TestMain removes the binary the tests built (binary) when they end: each
// run left a directory of ~26 MB in the temporary folder.
func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		_ = os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}
