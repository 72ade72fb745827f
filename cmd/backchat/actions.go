package main

import (
	"os"
	"os/exec"
	"strings"

	"github.com/backchat/backchat/loader"
	"github.com/backchat/backchat/tui"
)

// localActions fills the browser's actions for a run on the user's own
// machine from the process environment env (os.Environ()) and the operating
// system goos (runtime.GOOS): $PAGER and $EDITOR, whether a graphical
// display is reachable, which program opens images, the working directory
// for w. The browser itself never reads the environment: an SSH server
// passes the zero tui.Actions instead.
func localActions(env []string, goos string) tui.Actions {
	get := func(name string) string {
		v := ""
		for _, kv := range env {
			if k, val, ok := strings.Cut(kv, "="); ok && k == name {
				v = val // the last one wins, as with getenv
			}
		}
		return strings.TrimSpace(v)
	}
	a := tui.Actions{
		Local:     true,
		Pager:     get("PAGER"),
		Editor:    get("EDITOR"),
		OpenAsset: loader.OpenAsset,
		TempDir:   get("TMPDIR"),
	}
	opener := ""
	switch goos {
	case "darwin":
		a.Display, opener = true, "open"
	case "windows":
		// No opener that takes a path and returns: i shows the path.
	default:
		a.Display = get("DISPLAY") != "" || get("WAYLAND_DISPLAY") != ""
		opener = "xdg-open"
	}
	if opener != "" {
		if _, err := exec.LookPath(opener); err == nil {
			a.Opener = opener
		}
	}
	if wd, err := os.Getwd(); err == nil {
		a.Dir = wd
	}
	return a
}
