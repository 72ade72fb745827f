package main

import (
	"os"
	"os/exec"
	"testing"
)

func TestLocalActions(t *testing.T) {
	env := []string{"PAGER=most -s", "EDITOR= nano ", "DISPLAY=", "WAYLAND_DISPLAY=wayland-0", "TMPDIR=/tmp/x", "JUNK"}
	a := localActions(env, "linux")
	if !a.Local || a.Pager != "most -s" || a.Editor != "nano" || !a.Display || a.TempDir != "/tmp/x" || a.OpenAsset == nil {
		t.Errorf("linux with Wayland: got %+v", a)
	}
	if _, err := exec.LookPath("xdg-open"); (err == nil) != (a.Opener == "xdg-open") {
		t.Errorf("opener %q does not match whether xdg-open is installed (%v)", a.Opener, err)
	}
	if wd, _ := os.Getwd(); a.Dir != wd {
		t.Errorf("Dir: got %q, want the working directory %q", a.Dir, wd)
	}
	if a := localActions([]string{"DISPLAY="}, "linux"); a.Display || a.Pager != "" || a.Editor != "" {
		t.Errorf("linux without a display: got %+v", a)
	}
	if a := localActions([]string{"DISPLAY=:0", "DISPLAY="}, "freebsd"); a.Display {
		t.Error("the last DISPLAY (empty) should win")
	}
	if a := localActions(nil, "darwin"); !a.Display {
		t.Error("macOS always has a display")
	}
	if a := localActions([]string{"DISPLAY=:0"}, "windows"); a.Opener != "" {
		t.Errorf("windows: want no opener, got %q", a.Opener)
	}
}
