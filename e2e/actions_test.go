package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestActionsInTmux drives the action keys of the real binary in tmux over
// the demo archive: y copies through OSC 52 (tmux, with set-clipboard on,
// turns it into a paste buffer we can read back), o runs the pager and
// comes back, w writes a Markdown file into the working directory, i shows
// where it extracted an image when there is no display, S opens the stats.
func TestActionsInTmux(t *testing.T) {
	bin := binary(t)
	work := t.TempDir()
	tmp := t.TempDir()
	pager := filepath.Join(t.TempDir(), "pager")
	// A pager that shows its file's first line and waits for a key.
	script := "#!/bin/sh\nhead -n 1 \"$1\"; echo PAGER-DONE; read x\n"
	if err := os.WriteFile(pager, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	s := startSession(t, 120, 35, []string{"PAGER=" + pager, "DISPLAY=", "WAYLAND_DISPLAY=", "TMPDIR=" + tmp},
		"sh", "-c", "cd \"$0\" && exec \"$1\" --demo --theme dark", work, bin)
	if out, err := exec.Command("tmux", "-S", s.socket, "set", "-g", "set-clipboard", "on").CombinedOutput(); err != nil {
		t.Fatalf("tmux set: %v\n%s", err, out)
	}
	s.waitText("Weeknight carbonara", 10*time.Second)

	s.keys("y")
	s.waitText("copied your message as Markdown", 5*time.Second)
	var buf string
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		out, _ := exec.Command("tmux", "-S", s.socket, "show-buffer").Output()
		if buf = string(out); buf != "" {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !strings.HasPrefix(buf, "## You · ") || !strings.Contains(buf, "carbonara without scrambling the eggs?") {
		t.Fatalf("tmux paste buffer after y: %q", buf)
	}

	s.keys("o")
	s.waitText("PAGER-DONE", 5*time.Second)
	if scr := s.screen(); !strings.Contains(scr, "# Weeknight carbonara") {
		t.Errorf("the pager did not get the conversation:\n%s", scr)
	}
	s.keys("Enter")
	s.waitText("closed the pager", 5*time.Second)

	s.keys("w")
	scr := s.waitText("wrote "+work, 5*time.Second)
	files, _ := filepath.Glob(filepath.Join(work, "*-weeknight-carbonara-*.md"))
	if len(files) != 1 {
		t.Fatalf("w: files %v\n%s", files, scr)
	}
	if b, _ := os.ReadFile(files[0]); !strings.HasPrefix(string(b), "# Weeknight carbonara\n") {
		t.Errorf("w wrote:\n%.200s", b)
	}

	// The fox conversation has a generated image two messages down.
	s.typeText("/")
	s.typeText("fox reading")
	s.keys("Enter")
	s.waitText("Fox reading in a library", 5*time.Second)
	for i := 0; i < 30 && !strings.Contains(s.screen(), "extracted to"); i++ {
		s.keys("i")
		time.Sleep(150 * time.Millisecond)
		if strings.Contains(s.screen(), "extracted to") {
			break
		}
		s.keys("j", "j", "j")
	}
	scr = s.waitText("no display: image extracted to "+tmp, 5*time.Second)
	imgs, _ := filepath.Glob(filepath.Join(tmp, "backchat-*", "*.png"))
	if len(imgs) == 0 {
		t.Errorf("no extracted image under %s:\n%s", tmp, scr)
	}

	s.keys("S")
	s.waitText("backchat stats", 5*time.Second)
	s.keys("q")
	s.waitFor("the browser back", 5*time.Second, func(scr string) bool { return !strings.Contains(scr, "backchat stats") })
	s.keys("q")
	s.waitText("[exit 0]", 5*time.Second)
	if left, _ := filepath.Glob(filepath.Join(tmp, "backchat-*")); len(left) != 0 {
		t.Errorf("temporary directories left behind: %v", left)
	}
}
