package main

import (
	"context"
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
		a, out, errOut := envApp(env)
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

// importCountingLoads runs `backchat import PATHS...` with env and
// returns how many loads it made.
func importCountingLoads(t *testing.T, env map[string]string, paths ...string) int {
	t.Helper()
	a, out, errOut := envApp(env)
	loads := 0
	a.open = func(ctx context.Context, o loader.Options, ps ...string) (*model.Archive, error) {
		loads++
		return loader.OpenContext(ctx, o, ps...)
	}
	if code := execute(context.Background(), a, append([]string{"import"}, paths...)); code != exitOK {
		t.Fatalf("import %v: exit %d\n%s%s", paths, code, out.String(), errOut.String())
	}
	return loads
}

// TestFirstImportLoadsOnce: the first import into an empty library writes
// the snapshot from the archive it loaded for its report (the library is
// exactly the new exports) instead of parsing them a second time; the
// snapshot then answers as a load of the imports does (TestLibrarySnapshot).
func TestFirstImportLoadsOnce(t *testing.T) {
	src := t.TempDir()
	lib := filepath.Join(t.TempDir(), "lib")
	env := map[string]string{"BACKCHAT_LIBRARY": lib}
	imp := func(paths ...string) int { t.Helper(); return importCountingLoads(t, env, paths...) }
	// Given oldest first: the library's own order (Library.Ordered).
	a := genExport(t, src, "a.zip", gen.Config{Seed: 31, Conversations: 6, NoHuge: true, Now: time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)})
	b := genExport(t, src, "b.zip", gen.Config{Seed: 32, Conversations: 5, NoHuge: true, Now: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)})
	if n := imp(a, b); n != 1 {
		t.Errorf("first import of two exports: %d loads, want 1 (the snapshot from the report's load)", n)
	}
	if m, _ := filepath.Glob(filepath.Join(lib, "cache", "snapshot-*")); len(m) != 1 {
		t.Fatalf("no snapshot after the first import: %v", m)
	}
	want := run(t, env, "--no-cache", "ls", "--json")
	if got := run(t, env, "ls", "--json"); got.code != exitOK || got.stdout != want.stdout {
		t.Fatalf("ls from the first import's snapshot differs:\n%s\nwant\n%s", got.stdout, want.stdout)
	}
	c := genExport(t, src, "c.zip", gen.Config{Seed: 33, Conversations: 4, NoHuge: true})
	if n := imp(c); n != 1 {
		t.Errorf("second import: %d loads, want 1 (the new export, combined with the library's snapshot)", n)
	}
	sameAsInputs(t, env, "after the second import")
	// An export older than the library's sorts first: combined too.
	o := genExport(t, src, "o.zip", gen.Config{Seed: 31, Conversations: 9, NoHuge: true, Now: time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC)})
	if n := imp(o); n != 1 {
		t.Errorf("import of an older export: %d loads, want 1", n)
	}
	sameAsInputs(t, env, "after an older export")
	// One between the library's sorts neither first nor last: the
	// library is loaded again in its own order for its snapshot.
	mid := genExport(t, src, "mid.zip", gen.Config{Seed: 31, Conversations: 7, NoHuge: true, Now: time.Date(2026, 9, 15, 0, 0, 0, 0, time.UTC)})
	if n := imp(mid); n != 2 {
		t.Errorf("import of an export between the library's: %d loads, want 2 (the new export, then the library)", n)
	}
	sameAsInputs(t, env, "after an export between the library's")
}

// TestImportCombinesSnapshot: an export that shares conversations with
// the library (newer, older and equal update times, another title at an
// equal one) imported after it: the snapshot written from the library's
// old snapshot and the new export's load (loader.Combine) answers ls and
// export byte for byte as a load of the imports does.
func TestImportCombinesSnapshot(t *testing.T) {
	src := t.TempDir()
	lib := filepath.Join(t.TempDir(), "lib")
	env := map[string]string{"BACKCHAT_LIBRARY": lib}
	imp := func(paths ...string) int { t.Helper(); return importCountingLoads(t, env, paths...) }
	cfg := gen.Config{Seed: 51, Conversations: 12, NoHuge: true, Now: time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)}
	first := genExport(t, src, "first.zip", cfg)
	imp(first)
	// The same conversations a month later: the generator's times move
	// with Now, so every shared conversation is newer in the new export.
	cfg.Now, cfg.Conversations = cfg.Now.AddDate(0, 1, 0), 15
	if n := imp(genExport(t, src, "second.zip", cfg)); n != 1 {
		t.Errorf("second import: %d loads, want 1", n)
	}
	sameAsInputs(t, env, "after the second import")
	// The same content at the same times under another seed's extra
	// conversations: equal update times, the newer export wins them.
	cfg.Conversations = 20
	if n := imp(genExport(t, src, "third.zip", cfg)); n != 1 {
		t.Errorf("third import: %d loads, want 1", n)
	}
	sameAsInputs(t, env, "after the third import")
	other := genExport(t, src, "other.zip", gen.Config{Seed: 52, Conversations: 5, NoHuge: true, Now: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)})
	if n := imp(other); n != 1 {
		t.Errorf("import of another account's export: %d loads, want 1", n)
	}
	sameAsInputs(t, env, "after another account's export")
}

// sameAsInputs checks that the library's snapshot answers ls --json and
// export --format json as a load of its imports (--no-cache) does.
func sameAsInputs(t *testing.T, env map[string]string, when string) {
	t.Helper()
	lib := env["BACKCHAT_LIBRARY"]
	if m, _ := filepath.Glob(filepath.Join(lib, "cache", "snapshot-*")); len(m) != 1 {
		t.Fatalf("%s: snapshots %v, want one", when, m)
	}
	want := run(t, env, "--no-cache", "ls", "--json")
	if got := run(t, env, "ls", "--json"); got.code != exitOK || got.stdout != want.stdout {
		t.Fatalf("%s: ls from the snapshot differs:\n%s\nwant\n%s", when, got.stdout, want.stdout)
	}
	wantDir, gotDir := t.TempDir(), t.TempDir()
	if r := run(t, env, "--no-cache", "export", "--format", "json", "--out", wantDir); r.code != exitOK {
		t.Fatalf("%s: export of the imports: exit %d: %s", when, r.code, r.stderr)
	}
	if r := run(t, env, "export", "--format", "json", "--out", gotDir); r.code != exitOK {
		t.Fatalf("%s: export from the snapshot: exit %d: %s", when, r.code, r.stderr)
	}
	if treeOf(t, gotDir) != treeOf(t, wantDir) {
		t.Fatalf("%s: the files exported from the snapshot differ from an export of the imports", when)
	}
}

// TestFirstImportOutOfOrderLoadsAgain: exports given newest first load in
// another order than the library's (oldest first), so the first import's
// own load is not the library's archive and the snapshot loads it again.
func TestFirstImportOutOfOrderLoadsAgain(t *testing.T) {
	src := t.TempDir()
	env := map[string]string{"BACKCHAT_LIBRARY": filepath.Join(t.TempDir(), "lib")}
	older := genExport(t, src, "older.zip", gen.Config{Seed: 41, Conversations: 5, NoHuge: true, Now: time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)})
	newer := genExport(t, src, "newer.zip", gen.Config{Seed: 41, Conversations: 6, NoHuge: true, Now: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)})
	a, out, errOut := envApp(env)
	loads := 0
	a.open = func(ctx context.Context, o loader.Options, ps ...string) (*model.Archive, error) {
		loads++
		return loader.OpenContext(ctx, o, ps...)
	}
	if code := execute(context.Background(), a, []string{"import", newer, older}); code != exitOK {
		t.Fatalf("import: exit %d\n%s%s", code, out, errOut)
	}
	if loads != 2 {
		t.Errorf("%d loads, want 2 (the report's, then the library's in its own order)", loads)
	}
	want := run(t, env, "--no-cache", "ls", "--json")
	if got := run(t, env, "ls", "--json"); got.stdout != want.stdout {
		t.Fatalf("ls from the snapshot differs:\n%s\nwant\n%s", got.stdout, want.stdout)
	}
}

// TestRepairRebuildsTheSnapshot: importing again an export whose copy was
// damaged repairs the copy and writes the snapshot again (the repaired
// copy is a new file, which the old snapshot's fingerprint does not
// match), so the next start still opens without loading.
func TestRepairRebuildsTheSnapshot(t *testing.T) {
	src := t.TempDir()
	lib := filepath.Join(t.TempDir(), "lib")
	env := map[string]string{"BACKCHAT_LIBRARY": lib}
	exp := genExport(t, src, "a.zip", gen.Config{Seed: 43, Conversations: 5, NoHuge: true})
	if r := run(t, env, "import", exp); r.code != exitOK {
		t.Fatalf("import: %d %s", r.code, r.stderr)
	}
	copies, _ := filepath.Glob(filepath.Join(lib, "imports", "*", "a.zip"))
	if len(copies) != 1 {
		t.Fatalf("copies: %v", copies)
	}
	b, err := os.ReadFile(copies[0])
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 1
	if err := os.WriteFile(copies[0], b, 0o600); err != nil {
		t.Fatal(err)
	}
	if r := run(t, env, "import", exp); r.code != exitOK || !strings.Contains(r.stdout+r.stderr, "repaired") {
		t.Fatalf("import again: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	a, out, errOut := envApp(env)
	a.open = func(ctx context.Context, o loader.Options, ps ...string) (*model.Archive, error) {
		t.Errorf("ls after the repair loaded %v instead of the snapshot", ps)
		return loader.OpenContext(ctx, o, ps...)
	}
	if code := execute(context.Background(), a, []string{"ls"}); code != exitOK {
		t.Fatalf("ls: exit %d\n%s%s", code, out, errOut)
	}
}
