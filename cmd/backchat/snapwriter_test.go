package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/backchat/backchat/internal/snapshot"
)

// writerRun runs the hidden snapshot writer in process.
func writerRun(t *testing.T, args ...string) (code int, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	a := newApp(strings.NewReader(""), &out, &errOut)
	a.isTerminal = func(io.Writer) bool { return false }
	return execute(context.Background(), a, append([]string{snapWriterName}, args...)), errOut.String()
}

// TestSnapshotWriterCommand: the detached writer writes the snapshot of
// its inputs when they still have the fingerprint it was given, and
// writes nothing when they changed, when a good snapshot is there (unless
// --replace) or when another writer holds the folder's lock.
func TestSnapshotWriterCommand(t *testing.T) {
	src := snapshotInputs(t)["generated-long"]
	dir := t.TempDir()
	in := filepath.Join(dir, "conversations.json")
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(in, data, 0o600); err != nil {
		t.Fatal(err)
	}
	fp, err := fingerprintInputs([]string{in})
	if err != nil {
		t.Fatal(err)
	}
	hexFP := hex.EncodeToString(fp[:])
	snapDir := filepath.Join(dir, "cache")
	if err := os.Mkdir(snapDir, 0o700); err != nil {
		t.Fatal(err)
	}
	to := filepath.Join(snapDir, "snapshot-x")

	// Another writer holds the lock: nothing is written.
	unlock, err := lockSnapshotWriter(snapDir)
	if err != nil {
		t.Fatal(err)
	}
	if code, stderr := writerRun(t, "--to", to, "--fingerprint", hexFP, "--", in); code != 0 {
		t.Fatalf("busy: exit %d: %s", code, stderr)
	}
	unlock()
	if _, err := os.Stat(to); err == nil {
		t.Fatal("a writer wrote while another held the lock")
	}

	// Another fingerprint (the inputs changed since): nothing is written.
	other := fp
	other[0] ^= 1
	if code, stderr := writerRun(t, "--to", to, "--fingerprint", hex.EncodeToString(other[:]), "--", in); code != 0 {
		t.Fatalf("changed inputs: exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(to); err == nil {
		t.Fatal("a writer wrote the snapshot of inputs that changed")
	}

	// The inputs as they were: the snapshot is written and opens.
	if code, stderr := writerRun(t, "--to", to, "--fingerprint", hexFP, "--", in); code != 0 {
		t.Fatalf("write: exit %d: %s", code, stderr)
	}
	s, err := snapshot.Open(to, fp)
	if err != nil {
		t.Fatalf("the written snapshot does not open: %v", err)
	}
	n := len(s.Archive.Conversations)
	_ = s.Close()
	if n == 0 {
		t.Fatal("the written snapshot holds no conversations")
	}

	// A good snapshot is there: left alone, unless --replace.
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(to, old, old); err != nil {
		t.Fatal(err)
	}
	mtime := func() time.Time {
		fi, err := os.Stat(to)
		if err != nil {
			t.Fatal(err)
		}
		return fi.ModTime()
	}
	if code, stderr := writerRun(t, "--to", to, "--fingerprint", hexFP, "--", in); code != 0 {
		t.Fatalf("again: exit %d: %s", code, stderr)
	}
	if !mtime().Equal(old) {
		t.Error("a writer rewrote a good snapshot")
	}
	if code, stderr := writerRun(t, "--to", to, "--fingerprint", hexFP, "--replace", "--", in); code != 0 {
		t.Fatalf("replace: exit %d: %s", code, stderr)
	}
	if mtime().Equal(old) {
		t.Error("--replace did not write the snapshot again")
	}

	// Bad calls are usage errors.
	for _, args := range [][]string{
		{"--to", to, "--fingerprint", "zz", "--", in},
		{"--fingerprint", hexFP, "--", in},
		{"--to", to, "--fingerprint", hexFP, "--", "relative.json"},
	} {
		if code, _ := writerRun(t, args...); code != exitUsage {
			t.Errorf("%q: exit %d, want %d", args, code, exitUsage)
		}
	}
}

// TestDetachWrites: only the real process detaches its writes, and not
// with BACKCHAT_SNAPSHOT_DETACH=0.
func TestDetachWrites(t *testing.T) {
	a := newApp(strings.NewReader(""), io.Discard, io.Discard)
	env := map[string]string{}
	a.getenv = func(k string) string { return env[k] }
	if a.detachWrites() {
		t.Error("an in-process app (a test) detaches its writes")
	}
	a.detachable = true
	if a.detachWrites() != canDetach {
		t.Errorf("detachWrites = %v on a system where canDetach = %v", !canDetach, canDetach)
	}
	env["BACKCHAT_SNAPSHOT_DETACH"] = "0"
	if a.detachWrites() {
		t.Error("BACKCHAT_SNAPSHOT_DETACH=0 still detaches")
	}
}
