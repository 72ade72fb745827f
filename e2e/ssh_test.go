package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/backchat/backchat/internal/testkit/fixtures"
)

// TestServeOverOpenSSH runs scripts/e2e-ssh.sh against the real binary: the
// real OpenSSH client in tmux gets the browser, filters, quits, and the
// server keeps running, refuses strangers and exec, and drains on SIGTERM.
func TestServeOverOpenSSH(t *testing.T) {
	needTmux(t)
	for _, tool := range []string{"ssh", "ssh-keygen"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is not installed (.ci/run installs openssh-client)", tool)
			}
			t.Skipf("%s is not installed", tool)
		}
	}
	bin := binary(t)
	root := fixtures.RepoRoot(t)
	cmd := exec.Command("bash", filepath.Join(root, "scripts", "e2e-ssh.sh"))
	cmd.Dir = root
	cmd.Env = append(os.Environ(),
		"BACKCHAT_BIN="+bin,
		"ARCHIVE="+filepath.Join(root, "testdata", "branches.json"),
		"E2E_TITLE=Edited question",
		"E2E_FILTER=Regenerated",
		"E2E_EXPECT=1 of 2 conversations match",
	)
	out, err := cmd.CombinedOutput()
	t.Logf("%s", out)
	if err != nil {
		t.Fatalf("e2e-ssh.sh: %v", err)
	}
}
