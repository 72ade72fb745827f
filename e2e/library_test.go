package e2e

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/backchat/backchat/internal/testkit/fixtures"
	"github.com/backchat/backchat/internal/testkit/gen"
)

// libEnv is the environment of a backchat run on the library lib: never
// the user's own (HOME and XDG_DATA_HOME point into the test's folder too).
// A command writes a missing snapshot itself before it exits
// (BACKCHAT_SNAPSHOT_DETACH=0), so a test finds it in place and no writer
// outlives the test; TestSnapshotWriterDetached tests the detached one.
func libEnv(t *testing.T, lib string, extra ...string) []string {
	home := t.TempDir()
	env := append(os.Environ(), "BACKCHAT_LIBRARY="+lib, "HOME="+home, "XDG_DATA_HOME="+filepath.Join(home, "data"), "BACKCHAT_SNAPSHOT_DETACH=0")
	return append(env, extra...)
}

// backchat runs the binary to completion.
func backchat(t *testing.T, env []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(binary(t), args...)
	cmd.Env = env
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return o.String(), e.String(), ee.ExitCode()
	}
	if err != nil {
		t.Fatalf("backchat %q: %v", args, err)
	}
	return o.String(), e.String(), 0
}

// manifestImports reads the library's manifest.
func manifestImports(t *testing.T, lib string) []map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(lib, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Imports []map[string]any `json:"imports"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("manifest: %v\n%s", err, b)
	}
	return m.Imports
}

// listing names every entry under dir (relative) but the lock file.
func listing(t *testing.T, dir string) string {
	t.Helper()
	var out []string
	_ = filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err == nil && p != dir && fi.Name() != "lock" {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, rel+" "+fi.Mode().String())
		}
		return nil
	})
	return strings.Join(out, "\n")
}

// copies lists the temporary copies under lib.
func copies(lib string) []string {
	ms, _ := filepath.Glob(filepath.Join(lib, "imports", ".tmp-*", "*"))
	return ms
}

// waitCopying waits until a temporary copy under lib, other than those in
// old, holds at least n bytes.
func waitCopying(t *testing.T, lib string, old []string, n int64) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		for _, m := range copies(lib) {
			if slices.Contains(old, m) {
				continue
			}
			if fi, err := os.Stat(m); err == nil && fi.Size() >= n {
				return
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatal("no copy in progress seen")
}

// TestImportKilledMidCopy: an import killed with SIGKILL (or stopped with
// SIGINT) while copying leaves the library as it was; the next import
// removes the leftover and works.
func TestImportKilledMidCopy(t *testing.T) {
	dir := t.TempDir()
	lib := filepath.Join(dir, "lib")
	small, big := filepath.Join(dir, "small.json"), filepath.Join(dir, "big.json")
	writeArchive(t, small, gen.Config{Seed: 3, Conversations: 5, NoHuge: true})
	writeArchive(t, big, gen.Config{Seed: 4, TargetBytes: 24 << 20})
	env := libEnv(t, lib)
	if _, stderr, code := backchat(t, env, "import", small); code != 0 {
		t.Fatalf("first import: exit %d: %s", code, stderr)
	}
	manifest, _ := os.ReadFile(filepath.Join(lib, "manifest.json"))
	lsBefore, _, _ := backchat(t, env, "ls") // writes the library's snapshot
	before := listing(t, lib)

	for _, sig := range []os.Signal{syscall.SIGKILL, os.Interrupt} {
		// 20 ms per MiB copied: the 24 MiB copy takes ~0.5 s.
		old := copies(lib)
		cmd := exec.Command(binary(t), "import", big)
		cmd.Env = libEnv(t, lib, "BACKCHAT_TEST_IMPORT_DELAY=20ms")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		waitCopying(t, lib, old, 4<<20)
		if err := cmd.Process.Signal(sig); err != nil {
			t.Fatal(err)
		}
		err := cmd.Wait()
		if err == nil {
			t.Fatalf("%v: import finished anyway", sig)
		}
		if got, _ := os.ReadFile(filepath.Join(lib, "manifest.json")); !bytes.Equal(got, manifest) {
			t.Fatalf("%v: manifest changed:\n%s", sig, got)
		}
		after := listing(t, lib)
		if sig == os.Interrupt && after != before {
			t.Errorf("SIGINT: the import did not clean up after itself:\nbefore\n%s\nafter\n%s", before, after)
		}
		if sig == syscall.SIGKILL && !strings.Contains(after, ".tmp-") {
			t.Errorf("SIGKILL: no leftover copy (was the copy observed?)\n%s", after)
		}
		// The leftover is never listed.
		if out, _, code := backchat(t, env, "ls"); code != 0 || out != lsBefore {
			t.Errorf("%v: ls after the interrupted import differs (exit %d)", sig, code)
		}
		if out, _, _ := backchat(t, env, "library"); !strings.Contains(out, "1 import,") {
			t.Errorf("%v: library lists\n%s", sig, out)
		}
		// backchat library removed the leftover.
		if l := listing(t, lib); l != before {
			t.Errorf("%v: after backchat library:\n%s\nwant\n%s", sig, l, before)
		}
	}

	out, stderr, code := backchat(t, env, "import", big)
	if code != 0 || !strings.Contains(out, "copied "+big) {
		t.Fatalf("import after the kill: exit %d\n%s%s", code, out, stderr)
	}
	if l := listing(t, lib); strings.Contains(l, ".tmp-") {
		t.Errorf("leftover not removed by the next import:\n%s", l)
	}
	if n := len(manifestImports(t, lib)); n != 2 {
		t.Errorf("%d imports, want 2", n)
	}
	if out, _, code := backchat(t, env, "library", "verify"); code != 0 {
		t.Errorf("verify after recovery: exit %d\n%s", code, out)
	}
}

// TestConcurrentImports: imports started at once (one copy slowed so they
// overlap) all succeed, one after the other; the manifest holds each
// content once and nothing is lost.
func TestConcurrentImports(t *testing.T) {
	dir := t.TempDir()
	lib := filepath.Join(dir, "lib")
	var paths []string
	for i, seed := range []int64{5, 6, 7} {
		p := filepath.Join(dir, string(rune('a'+i))+".json")
		writeArchive(t, p, gen.Config{Seed: seed, Conversations: 40, NoHuge: true})
		paths = append(paths, p)
	}
	// The same content as a.json under another name.
	dup := filepath.Join(dir, "a-again.json")
	b, _ := os.ReadFile(paths[0])
	if err := os.WriteFile(dup, b, 0o644); err != nil {
		t.Fatal(err)
	}
	paths = append(paths, dup)

	type res struct {
		out, err string
		code     int
	}
	results := make([]res, len(paths))
	var wg sync.WaitGroup
	for i, p := range paths {
		wg.Go(func() {
			o, e, c := backchat(t, libEnv(t, lib, "BACKCHAT_TEST_IMPORT_DELAY=100ms"), "import", p)
			results[i] = res{o, e, c}
		})
	}
	wg.Wait()
	waited := 0
	for i, r := range results {
		if r.code != 0 {
			t.Errorf("import %s: exit %d\n%s%s", paths[i], r.code, r.out, r.err)
		}
		if strings.Contains(r.err, "waiting for another import") {
			waited++
		}
	}
	if waited == 0 {
		t.Error("no import waited for another: they did not overlap")
	}
	imps := manifestImports(t, lib)
	if len(imps) != 3 {
		t.Fatalf("manifest has %d imports, want 3: %v", len(imps), imps)
	}
	env := libEnv(t, lib)
	out, _, code := backchat(t, env, "ls", "--json")
	if n := strings.Count(out, "\n"); code != 0 || n != 120 {
		t.Errorf("ls: exit %d, %d conversations, want 120", code, n)
	}
	if out, _, code := backchat(t, env, "library", "verify"); code != 0 || !strings.Contains(out, "3 imports verified") {
		t.Errorf("verify: exit %d\n%s", code, out)
	}
}

// importFixture imports the repository's branches.json into a new library.
func importFixture(t *testing.T) (lib string, env []string) {
	t.Helper()
	lib = filepath.Join(t.TempDir(), "lib")
	env = libEnv(t, lib)
	src := filepath.Join(fixtures.RepoRoot(t), "testdata", "branches.json")
	if out, stderr, code := backchat(t, env, "import", src); code != 0 {
		t.Fatalf("import: exit %d\n%s%s", code, out, stderr)
	}
	return lib, env
}

// TestBrowserOnLibrary: `backchat` with no argument browses the library,
// and says how to import when it is empty.
func TestBrowserOnLibrary(t *testing.T) {
	lib, _ := importFixture(t)
	s := startSession(t, 100, 30, []string{"BACKCHAT_LIBRARY=" + lib}, binary(t), "--theme", "notty")
	s.waitText("Edited question", 10*time.Second)
	s.keys("q")
	s.waitText("[exit 0]", 10*time.Second)

	empty := startSession(t, 100, 30, []string{"BACKCHAT_LIBRARY=" + filepath.Join(t.TempDir(), "none")}, binary(t))
	scr := empty.waitText("[exit 1]", 10*time.Second)
	if !strings.Contains(strings.Join(strings.Fields(scr), " "), "no exports imported yet: run backchat import EXPORT.zip") {
		t.Errorf("empty library:\n%s", scr)
	}
}

// TestServeOnLibrary: `backchat serve` with no EXPORT serves the library.
func TestServeOnLibrary(t *testing.T) {
	lib, _ := importFixture(t)
	dir := t.TempDir()
	signer, authKeys := clientKey(t, dir)
	srv := startServe(t, binary(t), dir, "--library="+lib, authKeys, 2)
	cfg := &gossh.ClientConfig{
		User:            "lib",
		Auth:            []gossh.AuthMethod{gossh.PublicKeys(signer)},
		HostKeyCallback: gossh.FixedHostKey(readHostKey(t, filepath.Join(dir, "host_key"))),
		Timeout:         30 * time.Second,
	}
	s, err := openLoadSession(srv.addr, cfg)
	if err != nil {
		t.Fatalf("session: %v\n%s", err, srv.log())
	}
	defer s.client.Close()
	if _, err := s.out.waitFor(0, "Edited question", 20*time.Second, s.ended); err != nil {
		t.Fatalf("the library's conversation is not listed: %v", err)
	}
}

// TestSnapshotWriterDetached: a command that finds no snapshot prints its
// output, exits, and leaves the snapshot to a detached writer; the writer
// writes it (the next command reads it and prints the same), and a
// command run while it writes does not start a second one.
func TestSnapshotWriterDetached(t *testing.T) {
	dir := t.TempDir()
	lib := filepath.Join(dir, "lib")
	in := filepath.Join(dir, "export.json")
	writeArchive(t, in, gen.Config{Seed: 9, TargetBytes: 6 << 20})
	state := filepath.Join(dir, "state")
	env := libEnv(t, lib, "BACKCHAT_SNAPSHOT_DETACH=1", "XDG_STATE_HOME="+state)
	if _, stderr, code := backchat(t, env, "import", "--no-cache", in); code != 0 {
		t.Fatalf("import: exit %d: %s", code, stderr)
	}
	snaps := func() []string {
		ms, _ := filepath.Glob(filepath.Join(lib, "cache", "snapshot-*"))
		return ms
	}
	if len(snaps()) != 0 {
		t.Fatal("import --no-cache wrote a snapshot")
	}
	first, stderr, code := backchat(t, env, "--debug", "ls")
	if code != 0 || first == "" {
		t.Fatalf("ls: exit %d: %s", code, stderr)
	}
	// While the writer runs (or after it): must not write a second time.
	_, _, _ = backchat(t, env, "--debug", "stats")
	writers := func() int { return processesWith("__write-snapshot\x00--to\x00" + filepath.Join(lib, "cache")) }
	deadline := time.Now().Add(2 * time.Minute)
	for len(snaps()) == 0 || writers() > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("no snapshot 2 minutes after ls (snapshots %q, writers %d)", snaps(), writers())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if got := snaps(); len(got) != 1 {
		t.Fatalf("snapshots %q, want one", got)
	}
	fi, err := os.Stat(snaps()[0])
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("snapshot: %v, mode %v, want 0600", err, fi.Mode())
	}
	logText, err := os.ReadFile(filepath.Join(state, "backchat", "backchat.log"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(logText), "snapshot rebuilt"); n != 1 {
		t.Fatalf("the snapshot was written %d times, want once; debug log:\n%s", n, logText)
	}
	again, stderr, code := backchat(t, env, "ls")
	if code != 0 || again != first {
		t.Fatalf("ls from the snapshot differs (exit %d, %s)", code, stderr)
	}
	time.Sleep(200 * time.Millisecond)
	if writers() != 0 {
		t.Error("a writer started although the snapshot was there")
	}
}

// processesWith counts the running processes whose command line (its
// arguments joined by NULs, as /proc/PID/cmdline holds them) contains s.
func processesWith(s string) int {
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	n := 0
	for _, d := range dirs {
		if b, err := os.ReadFile(filepath.Join(d, "cmdline")); err == nil && strings.Contains(string(b), s) {
			n++
		}
	}
	return n
}
