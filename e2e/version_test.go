package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/backchat/backchat/internal/testkit/fixtures"
)

// TestVersionNamesRevision: a binary built with `go build` inside a clone
// reports the module version and the commit it was built from, not "dev".
func TestVersionNamesRevision(t *testing.T) {
	root := fixtures.RepoRoot(t)
	// A linked worktree's .git is a file, and go build stamps no revision
	// there (Go 1.26); a clone, as CI has, has the directory.
	if fi, err := os.Stat(filepath.Join(root, ".git")); err != nil || !fi.IsDir() {
		t.Skip("not a git clone (or a linked worktree): go build stamps no revision")
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	head, err := exec.Command("git", "-C", root, "rev-parse", "HEAD").Output()
	if err != nil {
		t.Fatalf("git rev-parse: %v", err)
	}
	out, err := exec.Command(binary(t), "--version").Output()
	if err != nil {
		t.Fatalf("--version: %v", err)
	}
	got := strings.TrimSpace(string(out))
	rev := strings.TrimSpace(string(head))[:12]
	if !strings.HasPrefix(got, "backchat v") || !strings.Contains(got, "revision "+rev) {
		t.Errorf("--version = %q, want the module version and revision %s", got, rev)
	}
}
