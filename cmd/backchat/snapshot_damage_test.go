package main

import (
	"context"
	"encoding/binary"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/backchat/backchat/internal/snapshot"
	"github.com/backchat/backchat/loader"
)

// section returns the offset and length of section i of a snapshot file
// (the layout documented in internal/snapshot/format.go).
func section(b []byte, i int) (off, n int) {
	e := b[56+24*i:]
	return int(binary.LittleEndian.Uint64(e[8:])), int(binary.LittleEndian.Uint64(e[16:]))
}

// TestDamagedSnapshotIsRebuilt damages a good snapshot in each way a file
// can be damaged or outdated: the command's output is the direct load's,
// the problem is said once, and the snapshot is good again afterwards.
func TestDamagedSnapshotIsRebuilt(t *testing.T) {
	in := snapshotInputs(t)["generated-short"]
	snap := filepath.Join(t.TempDir(), "s.snap")
	if r := snapRun(t, snap, false, "ls", in); r.code != exitOK {
		t.Fatal(r.stderr)
	}
	good, err := os.ReadFile(snap)
	if err != nil {
		t.Fatal(err)
	}
	// The first conversation of the archive is the first in the snapshot.
	arch, err := loader.OpenContext(context.Background(), loader.Options{}, in)
	if err != nil {
		t.Fatal(err)
	}
	firstID := arch.Conversations[0].ID
	if _, err := snapshot.OpenBytes(good, snapshot.Fingerprint{}); err == nil || !strings.Contains(err.Error(), "out of date") {
		t.Fatalf("a snapshot opened with another fingerprint: %v", err)
	}
	dataOff, _ := section(good, 0)
	convOff, convLen := section(good, 3)
	idxOff, idxLen := section(good, 5)
	flip := func(at int) func([]byte) []byte {
		return func(b []byte) []byte { b[at] ^= 0x41; return b }
	}
	cases := []struct {
		name   string
		damage func([]byte) []byte
		touch  bool     // change the input's modification time instead
		args   []string // the command that meets the damage
		say    string
	}{
		{"header", flip(30), false, []string{"ls"}, "snapshot damaged: rebuilding"},
		{"conversation table", flip(convOff + convLen/2), false, []string{"ls"}, "snapshot damaged: rebuilding"},
		{"first conversation", flip(dataOff + 3), false, []string{"show", "--all", "--format", "json", in, firstID}, "snapshot damaged: rebuilding"},
		{"index", flip(idxOff + idxLen/2), false, []string{"search", in, "the"}, "snapshot damaged: rebuilding"},
		{"cut in the middle", func(b []byte) []byte { return b[:len(b)/2] }, false, []string{"ls"}, "snapshot damaged: rebuilding"},
		{"cut at the end", func(b []byte) []byte { return b[:len(b)-1] }, false, []string{"ls"}, "snapshot damaged: rebuilding"},
		{"empty", func([]byte) []byte { return nil }, false, []string{"ls"}, "snapshot damaged: rebuilding"},
		{"format version", func(b []byte) []byte { b[8]++; return b }, false, []string{"ls"}, "snapshot out of date: rebuilding"},
		{"input changed", nil, true, []string{"ls"}, "snapshot out of date: rebuilding"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			args := tc.args
			if args[0] == "ls" {
				args = append(args, in)
			}
			want := snapRun(t, "", false, append([]string{"--no-cache"}, args...)...)
			if tc.touch {
				if err := os.WriteFile(snap, good, 0o600); err != nil {
					t.Fatal(err)
				}
				later := time.Now().Add(time.Duration(len(tc.name)) * time.Minute)
				if err := os.Chtimes(in, later, later); err != nil {
					t.Fatal(err)
				}
			} else if err := os.WriteFile(snap, tc.damage(append([]byte(nil), good...)), 0o600); err != nil {
				t.Fatal(err)
			}
			got := snapRun(t, snap, false, args...)
			if got.stdout != want.stdout || got.code != want.code {
				t.Fatalf("output differs from the direct load:\n%q\n%q", got.stdout, want.stdout)
			}
			if n := strings.Count(got.stderr, "backchat: "+tc.say); n != 1 || got.stderr != want.stderr+"backchat: "+tc.say+"\n" &&
				got.stderr != "backchat: "+tc.say+"\n"+want.stderr {
				t.Fatalf("stderr %q, want %q once", got.stderr, tc.say)
			}
			// Rebuilt: the next run reads the snapshot, silently.
			again := snapRun(t, snap, true, args...)
			if again.stdout != want.stdout || again.stderr != want.stderr {
				t.Fatalf("after the rebuild: %q %q", again.stdout, again.stderr)
			}
			fi, err := os.Stat(snap)
			if err != nil || fi.Mode().Perm() != 0o600 {
				t.Fatalf("rebuilt snapshot: %v %v", err, fi)
			}
			good, _ = os.ReadFile(snap)
		})
	}
}

// TestSnapshotCacheOptIn: a plain export gets a snapshot only with
// --cache or BACKCHAT_CACHE=1, in a private folder of the user's cache;
// --no-cache neither reads nor writes one.
func TestSnapshotCacheOptIn(t *testing.T) {
	in := snapshotInputs(t)["generated-short"]
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache)
	t.Setenv("BACKCHAT_CACHE", "")
	dir := filepath.Join(cache, "backchat", "snapshots")
	runReal(t, "ls", in)
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("a snapshot folder without --cache: %v", err)
	}
	want := runReal(t, "--no-cache", "ls", in)
	runReal(t, "--cache", "--no-cache", "ls", in)
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("--no-cache wrote a snapshot: %v", err)
	}
	if r := runReal(t, "--cache", "ls", in); r != want {
		t.Fatalf("--cache: %v", r)
	}
	fi, err := os.Stat(dir)
	if err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("snapshot folder: %v %v", err, fi)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 || !strings.HasSuffix(ents[0].Name(), ".snap") {
		t.Fatalf("snapshot folder holds %v", ents)
	}
	snap := filepath.Join(dir, ents[0].Name())
	if fi, _ := os.Stat(snap); fi.Mode().Perm() != 0o600 {
		t.Fatalf("snapshot mode %v", fi.Mode().Perm())
	}
	// Damaged: --no-cache does not even look at it.
	b, _ := os.ReadFile(snap)
	if err := os.WriteFile(snap, b[:len(b)/2], 0o600); err != nil {
		t.Fatal(err)
	}
	if r := runReal(t, "--no-cache", "ls", in); r != want {
		t.Fatalf("--no-cache with a damaged snapshot: %v", r)
	}
	t.Setenv("BACKCHAT_CACHE", "1")
	if r := runReal(t, "ls", in); r.stdout != want.stdout || r.stderr != "backchat: snapshot damaged: rebuilding\n" {
		t.Fatalf("BACKCHAT_CACHE=1 with a damaged snapshot: %q", r.stderr)
	}
	if r := runReal(t, "ls", in); r != want {
		t.Fatalf("rebuilt: %v", r)
	}
	// The demo never gets one.
	runReal(t, "--cache", "--demo", "ls")
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Fatalf("--demo wrote a snapshot: %v", ents)
	}
}

// TestSnapshotFollowsFolderExports: a folder export's snapshot is out of
// date when a file inside it changes or is added, not only the folder.
func TestSnapshotFollowsFolderExports(t *testing.T) {
	dir := snapshotInputs(t)["demo"]
	snap := filepath.Join(t.TempDir(), "s.snap")
	want := snapRun(t, snap, false, "ls", dir)
	if r := snapRun(t, snap, true, "ls", dir); r != want {
		t.Fatalf("reopen: %v", r)
	}
	var inner string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && inner == "" && filepath.Dir(p) != dir {
			inner = p // a file in a subfolder: the folder's own mtime does not change
		}
		return err
	})
	if err != nil || inner == "" {
		t.Fatalf("no file in a subfolder of the demo: %v", err)
	}
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(inner, later, later); err != nil {
		t.Fatal(err)
	}
	if r := snapRun(t, snap, false, "ls", dir); r.stdout != want.stdout || r.stderr != "backchat: snapshot out of date: rebuilding\n" {
		t.Fatalf("after a file changed: %q", r.stderr)
	}
	if r := snapRun(t, snap, true, "ls", dir); r != want {
		t.Fatalf("rebuilt: %v", r)
	}
}

// TestDamagedSnapshotExport: an export from a snapshot whose first
// conversation is damaged writes every file as an export of the inputs
// does; the damaged conversation is never written from the snapshot (the
// run on the inputs that follows would then refuse to overwrite it).
func TestDamagedSnapshotExport(t *testing.T) {
	in := snapshotInputs(t)["generated-short"]
	snap := filepath.Join(t.TempDir(), "s.snap")
	if r := snapRun(t, snap, false, "ls", in); r.code != exitOK {
		t.Fatal(r.stderr)
	}
	b, err := os.ReadFile(snap)
	if err != nil {
		t.Fatal(err)
	}
	dataOff, _ := section(b, 0)
	b[dataOff+3] ^= 0x41
	if err := os.WriteFile(snap, b, 0o600); err != nil {
		t.Fatal(err)
	}
	want, got := t.TempDir(), t.TempDir()
	if r := snapRun(t, "", false, "--no-cache", "export", "--format", "json", "--out", want, in); r.code != exitOK {
		t.Fatalf("export of the inputs: exit %d: %s", r.code, r.stderr)
	}
	r := snapRun(t, snap, false, "export", "--format", "json", "--out", got, in)
	if r.code != exitOK || !strings.Contains(r.stderr, "snapshot damaged: rebuilding") {
		t.Fatalf("export from the damaged snapshot: exit %d: %s", r.code, r.stderr)
	}
	if treeOf(t, got) != treeOf(t, want) {
		t.Fatal("the files exported from the damaged snapshot differ from an export of the inputs")
	}
}
