package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/backchat/backchat/internal/testkit/gen"
	"github.com/backchat/backchat/loader"
	"github.com/backchat/backchat/model"
)

// TestLibrarySnapshot: an import writes the library's snapshot
// (cache/snapshot-FINGERPRINT, 0600); commands read it without loading the
// imports; the next import writes the new one and removes the old one.
func TestLibrarySnapshot(t *testing.T) {
	src := t.TempDir()
	lib := filepath.Join(t.TempDir(), "lib")
	env := map[string]string{"BACKCHAT_LIBRARY": lib}
	runLib := func(noLoad bool, args ...string) result {
		t.Helper()
		var out, errOut bytes.Buffer
		a := newApp(strings.NewReader(""), &out, &errOut)
		a.loc = time.UTC
		a.isTerminal = func(io.Writer) bool { return false }
		a.getenv = func(k string) string { return env[k] }
		if noLoad {
			a.open = func(ctx context.Context, o loader.Options, paths ...string) (*model.Archive, error) {
				t.Errorf("%v: loaded the imports instead of the snapshot", args)
				return loader.OpenContext(ctx, o, paths...)
			}
		}
		code := execute(context.Background(), a, args)
		return result{code, out.String(), errOut.String()}
	}
	snaps := func() []string {
		m, _ := filepath.Glob(filepath.Join(lib, "cache", "snapshot-*"))
		return m
	}

	first := genExport(t, src, "a.zip", gen.Config{Seed: 21, Conversations: 9, NoHuge: true})
	if r := run(t, env, "import", first); r.code != exitOK {
		t.Fatalf("import: %d %s%s", r.code, r.stdout, r.stderr)
	}
	if len(snaps()) != 1 {
		t.Fatalf("import wrote no snapshot of the library: %v", snaps())
	}
	want := runLib(false, "--no-cache", "ls") // the imports, loaded
	if want.code != exitOK || len(snaps()) != 1 {
		t.Fatalf("ls on the library: exit %d, snapshots %v\n%s", want.code, snaps(), want.stderr)
	}
	fi, err := os.Stat(snaps()[0])
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("snapshot mode: %v %v", fi.Mode(), err)
	}
	if got := runLib(true, "ls"); got.code != exitOK || got.stdout != want.stdout {
		t.Fatalf("ls from the snapshot differs:\n%s\nwant\n%s", got.stdout, want.stdout)
	}
	old := snaps()[0]

	second := genExport(t, src, "b.zip", gen.Config{Seed: 22, Conversations: 4, NoHuge: true})
	if r := run(t, env, "import", second); r.code != exitOK {
		t.Fatalf("import: %d %s%s", r.code, r.stdout, r.stderr)
	}
	if s := snaps(); len(s) != 1 || s[0] == old {
		t.Fatalf("snapshots right after the second import: %v (old %s)", s, old)
	}
	after := runLib(false, "--no-cache", "ls")
	if after.code != exitOK || strings.Count(after.stdout, "\n") <= strings.Count(want.stdout, "\n") {
		t.Fatalf("ls after the second import: exit %d\n%s", after.code, after.stdout)
	}
	if s := snaps(); len(s) != 1 || s[0] == old {
		t.Fatalf("snapshots after the second import: %v (old %s)", s, old)
	}
	if got := runLib(true, "ls"); got.stdout != after.stdout {
		t.Fatalf("ls from the new snapshot differs")
	}
}
