package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/backchat/backchat/model"
)

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"--bogus"},              // unknown flag
		{"ls", "--bogus", "x"},   // unknown subcommand flag
		{"--theme", "pink", "x"}, // bad theme
		{"ls", "--demo", "export.zip"},
	} {
		r := cli(t, archive(), args...)
		if r.code != exitUsage {
			t.Errorf("%q: exit %d, want %d (stderr %q)", args, r.code, exitUsage, r.stderr)
		}
		if !strings.Contains(r.stderr, "--help' for usage.") {
			t.Errorf("%q: no usage hint in %q", args, r.stderr)
		}
	}
}

func TestPartialLoadSucceedsWithWarnings(t *testing.T) {
	r := cli(t, archive(), "ls", "missing.zip", "more.json")
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	want := "backchat: warning: file: missing.zip: no such file\nbackchat: 1 load warning, 0 conversations skipped\n"
	if r.stderr != want {
		t.Errorf("stderr %q, want %q", r.stderr, want)
	}
	if strings.Count(r.stdout, "\n") != 1 {
		t.Errorf("stdout: %q", r.stdout)
	}
}

func TestNothingLoadedFails(t *testing.T) {
	r := cli(t, archive(), "ls", "missing.zip")
	if r.code != exitFail {
		t.Fatalf("exit %d", r.code)
	}
	if !strings.Contains(r.stderr, "warning: file: missing.zip") || !strings.Contains(r.stderr, "nothing could be loaded") {
		t.Errorf("stderr %q", r.stderr)
	}
	// An export that loads but holds no conversation also fails.
	r = cli(t, map[string][]*model.Conversation{"empty.json": nil}, "ls", "empty.json")
	if r.code != exitFail {
		t.Errorf("empty export: exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestVersion(t *testing.T) {
	r := cli(t, nil, "--version")
	if r.code != exitOK || r.stdout != "backchat dev\n" {
		t.Errorf("exit %d, stdout %q", r.code, r.stdout)
	}
}

func TestRootStartsBrowser(t *testing.T) {
	var got archiveSource
	var gotOpts browserOptions
	old := runBrowser
	t.Cleanup(func() { runBrowser = old })
	runBrowser = func(_ context.Context, src archiveSource, opts browserOptions) error {
		got, gotOpts = src, opts
		return nil
	}
	r := cli(t, nil, "--theme", "light", "a.zip", "b")
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if strings.Join(got.Paths, ",") != "a.zip,b" || got.Demo || gotOpts.Theme != "light" || gotOpts.Log == nil {
		t.Errorf("browser got %+v %+v", got, gotOpts)
	}
	runBrowser = func(context.Context, archiveSource, browserOptions) error { return failure(errors.New("quit badly")) }
	if r := cli(t, nil, "a.zip"); r.code != exitFail || !strings.Contains(r.stderr, "quit badly") {
		t.Errorf("browser error: exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestDemo(t *testing.T) {
	old, oldB := demoPaths, runBrowser
	t.Cleanup(func() { demoPaths, runBrowser = old, oldB })
	demoPaths = func() ([]string, func(), error) { return nil, nil, errors.New("disk full") }
	if r := cli(t, nil, "--demo", "ls"); r.code != exitFail || !strings.Contains(r.stderr, "demo archive: disk full") {
		t.Errorf("failing demo: exit %d, stderr %q", r.code, r.stderr)
	}
	cleaned := 0
	demoPaths = func() ([]string, func(), error) { return []string{"more.json"}, func() { cleaned++ }, nil }
	r := cli(t, archive(), "--demo", "show", "e-1")
	if r.code != exitOK || !strings.Contains(r.stdout, "evil") {
		t.Errorf("demo show: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	if cleaned != 1 {
		t.Errorf("demo folder cleaned up %d times, want 1", cleaned)
	}
	var src archiveSource
	runBrowser = func(_ context.Context, s archiveSource, _ browserOptions) error { src = s; return nil }
	if r := cli(t, nil, "--demo"); r.code != exitOK || !src.Demo || len(src.Paths) != 1 {
		t.Errorf("demo browser: exit %d, src %+v", r.code, src)
	}
}

func TestDebugLog(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_STATE_HOME", dir)
	path := filepath.Join(dir, "backchat", "backchat.log")
	if r := cli(t, archive(), "ls", "more.json"); r.code != exitOK {
		t.Fatal(r.stderr)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("log written without --debug: %v", err)
	}
	if r := cli(t, archive(), "--debug", "ls", "more.json"); r.code != exitOK {
		t.Fatal(r.stderr)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "loaded") || !strings.Contains(string(b), "conversations=1") {
		t.Errorf("log:\n%s", b)
	}
}

func TestProgress(t *testing.T) {
	var buf syncBuffer
	p := startProgress(&buf, time.Hour)
	p.update(1, 2)
	p.stop()
	if buf.String() != "" {
		t.Errorf("progress drawn before its delay: %q", buf.String())
	}
	p = startProgress(&buf, 0)
	p.update(512<<10, 1<<20)
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(buf.String(), "50%") && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	p.stop()
	out := buf.String()
	if !strings.HasPrefix(out, "\rloading…  50% (512 KB of 1.0 MB)") || !strings.HasSuffix(out, "\r\x1b[K") {
		t.Errorf("progress output %q", out)
	}
}

func TestVersionFromBuildInfo(t *testing.T) {
	vcs := func(kv ...string) []debug.BuildSetting {
		var out []debug.BuildSetting
		for i := 0; i+1 < len(kv); i += 2 {
			out = append(out, debug.BuildSetting{Key: kv[i], Value: kv[i+1]})
		}
		return out
	}
	for _, tc := range []struct {
		version  string
		settings []debug.BuildSetting
		want     string
	}{
		{"(devel)", nil, "dev"},
		{"", nil, "dev"},
		{"v1.2.3", nil, "v1.2.3"},
		{"v0.0.0-20261126225736-9f4c02762c5a", vcs("vcs.revision", "9f4c02762c5a01085ba3404438f8af113ab2a3e4", "vcs.time", "2026-11-26T22:57:36Z", "vcs.modified", "false"),
			"v0.0.0-20261126225736-9f4c02762c5a (revision 9f4c02762c5a, 2026-11-26T22:57:36Z)"},
		{"(devel)", vcs("vcs.revision", "abcdef", "vcs.modified", "true"), "devel (revision abcdef, modified)"},
	} {
		bi := &debug.BuildInfo{Main: debug.Module{Version: tc.version}, Settings: tc.settings}
		if got := versionFrom(bi); got != tc.want {
			t.Errorf("versionFrom(%q, %v) = %q, want %q", tc.version, tc.settings, got, tc.want)
		}
	}
}

// TestBrowserRefusesUnreadablePaths: a missing or unreadable path fails
// before the full screen opens, with the reason.
func TestBrowserRefusesUnreadablePaths(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope.zip")
	for path, want := range map[string]string{missing: "no such file or directory", "/proc/self/mem": "read /proc/self/mem"} {
		if _, err := os.Stat(path); path != missing && err != nil {
			continue // no /proc here
		}
		err := runBrowser(context.Background(), archiveSource{Paths: []string{path}}, browserOptions{})
		var ee *exitError
		if !errors.As(err, &ee) || ee.code != exitFail || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want exit 1 saying %q", path, err, want)
		}
	}
	if err := readable(t.TempDir()); err != nil {
		t.Errorf("an empty folder: %v", err)
	}
}

// TestMistypedCommand: a first argument that is no file and is close to a
// command's name is a usage error naming the command ("backchat stat"
// read as a PATH said only "open stat: no such file or directory").
func TestMistypedCommand(t *testing.T) {
	for args, want := range map[string]string{"stat": "did you mean backchat stats?", "sarch foo": "did you mean backchat search?"} {
		r := cli(t, nil, strings.Fields(args)...)
		if r.code != exitUsage || !strings.Contains(r.stderr, want) {
			t.Errorf("backchat %s: code %d, stderr %q; want exit 2 saying %q", args, r.code, r.stderr, want)
		}
	}
	// A missing path unlike any command keeps the loader's error.
	r := cli(t, nil, "nothing-like-a-command.zip")
	if strings.Contains(r.stderr, "did you mean") {
		t.Errorf("a plain missing file: %q", r.stderr)
	}
}
