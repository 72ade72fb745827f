// Package e2e drives the real backchat binary the way a person does: in tmux,
// with send-keys, reading the screen with capture-pane.
package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/backchat/backchat/internal/testkit/fixtures"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// binary builds cmd/backchat once per test run.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "backchat-e2e")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "backchat")
		cmd := exec.Command("go", "build", "-buildvcs=auto", "-o", binPath, "./cmd/backchat")
		cmd.Dir = fixtures.RepoRoot(t)
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// needTmux skips the test when tmux is absent, except in CI where it fails.
func needTmux(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("tmux is not installed (.ci/run installs it)")
		}
		t.Skip("tmux is not installed")
	}
}

// session is one tmux session running a command on its own tmux server.
type session struct {
	t      *testing.T
	socket string
	name   string
}

// startSession runs argv in a detached tmux session of the given size. The
// pane stays open after the command exits so its status can be read.
func startSession(t *testing.T, width, height int, env []string, argv ...string) *session {
	t.Helper()
	needTmux(t)
	s := &session{t: t, socket: filepath.Join(t.TempDir(), "tmux.sock"), name: "e2e"}
	shell := strings.Join(quoteAll(argv), " ") + "; echo \"[exit $?]\"; sleep 600"
	args := []string{"-S", s.socket, "-f", "/dev/null", "new-session", "-d", "-s", s.name,
		"-x", fmt.Sprint(width), "-y", fmt.Sprint(height)}
	for _, e := range env {
		args = append(args, "-e", e)
	}
	args = append(args, "sh", "-c", shell)
	if out, err := exec.Command("tmux", args...).CombinedOutput(); err != nil {
		t.Fatalf("tmux new-session: %v\n%s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("tmux", "-S", s.socket, "kill-server").Run() })
	return s
}

func quoteAll(argv []string) []string {
	q := make([]string, len(argv))
	for i, a := range argv {
		q[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	return q
}

// keys sends tmux key names (e.g. "j", "Enter", "Escape", "C-c").
func (s *session) keys(keys ...string) {
	s.t.Helper()
	args := append([]string{"-S", s.socket, "send-keys", "-t", s.name}, keys...)
	if out, err := exec.Command("tmux", args...).CombinedOutput(); err != nil {
		s.t.Fatalf("tmux send-keys %v: %v\n%s", keys, err, out)
	}
}

// typeText sends literal text.
func (s *session) typeText(text string) {
	s.t.Helper()
	if out, err := exec.Command("tmux", "-S", s.socket, "send-keys", "-t", s.name, "-l", text).CombinedOutput(); err != nil {
		s.t.Fatalf("tmux send-keys -l: %v\n%s", err, out)
	}
}

// screen returns the visible pane text.
func (s *session) screen() string {
	s.t.Helper()
	out, err := exec.Command("tmux", "-S", s.socket, "capture-pane", "-p", "-t", s.name).Output()
	if err != nil {
		s.t.Fatalf("tmux capture-pane: %v", err)
	}
	return string(out)
}

// waitFor polls the screen until cond holds or the timeout passes.
func (s *session) waitFor(what string, timeout time.Duration, cond func(screen string) bool) string {
	s.t.Helper()
	deadline := time.Now().Add(timeout)
	var scr string
	for time.Now().Before(deadline) {
		scr = s.screen()
		if cond(scr) {
			return scr
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.t.Fatalf("timed out after %v waiting for %s; screen:\n%s", timeout, what, scr)
	return scr
}

// waitText waits until the screen contains text.
func (s *session) waitText(text string, timeout time.Duration) string {
	s.t.Helper()
	return s.waitFor(fmt.Sprintf("%q", text), timeout, func(scr string) bool { return strings.Contains(scr, text) })
}

// count returns how many lines of the screen contain text.
func count(screen, text string) int {
	n := 0
	for _, l := range strings.Split(screen, "\n") {
		if strings.Contains(l, text) {
			n++
		}
	}
	return n
}
