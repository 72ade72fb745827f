package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/backchat/backchat/internal/testkit/gen"
	"github.com/backchat/backchat/loader"
	"github.com/backchat/backchat/model"
)

// run runs the command line in-process with the real loader and the given
// environment (nothing else of the process's is seen).
func run(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	a, out, errOut := envApp(env)
	code := execute(context.Background(), a, args)
	return result{code, out.String(), errOut.String()}
}

// envApp is the app run uses (UTC, no terminal, only env's variables), for
// tests that change it further (its loader) before they execute it.
func envApp(env map[string]string) (a *app, out, errOut *bytes.Buffer) {
	out, errOut = new(bytes.Buffer), new(bytes.Buffer)
	a = newApp(strings.NewReader(""), out, errOut)
	a.loc = time.UTC
	a.isTerminal = func(io.Writer) bool { return false }
	a.getenv = func(k string) string { return env[k] }
	return a, out, errOut
}

// genExport writes a generated export ZIP to dir and returns its path.
func genExport(t *testing.T, dir, name string, cfg gen.Config) string {
	t.Helper()
	var b bytes.Buffer
	if _, err := gen.WriteZip(&b, cfg, 1); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestCommandsWithoutExport: every command given no EXPORT works on the
// library, and says exactly what it says about the export itself.
func TestCommandsWithoutExport(t *testing.T) {
	src := t.TempDir()
	lib := filepath.Join(t.TempDir(), "lib")
	env := map[string]string{"BACKCHAT_LIBRARY": lib}
	exp := genExport(t, src, "export.zip", gen.Config{Seed: 11, Conversations: 12, NoHuge: true})

	r := run(t, env, "import", exp)
	if r.code != exitOK || !strings.Contains(r.stdout, "copied "+exp) || !strings.Contains(r.stdout, "12 new, 0 updated, 0 no longer in the newest export") {
		t.Fatalf("import: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := run(t, env, "import", exp); r.code != exitOK || !strings.Contains(r.stdout, "already imported: "+exp) {
		t.Fatalf("import again: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	direct := run(t, env, "ls", "--json", exp)
	var first lsEntry
	if err := json.Unmarshal([]byte(strings.SplitN(direct.stdout, "\n", 2)[0]), &first); err != nil {
		t.Fatal(err)
	}
	word := strings.Fields(first.Title)[0]
	outDirect, outLib := filepath.Join(t.TempDir(), "direct"), filepath.Join(t.TempDir(), "lib")
	for _, args := range [][]string{
		{"ls"},
		{"show", first.ID[:8]},
		{"show", "--format", "markdown", "--all", first.ID},
		{"search", word},
		{"search", "--limit", "3", "title:" + word},
		{"stats", "--json"},
		{"stats", "--width", "100"},
	} {
		withPath := append(append([]string{}, args[:len(args)-1]...), exp, args[len(args)-1])
		if args[0] == "ls" || args[0] == "stats" {
			withPath = append(append([]string{}, args...), exp)
		}
		want := run(t, env, withPath...)
		got := run(t, env, args...)
		if got.code != exitOK || want.code != exitOK {
			t.Errorf("%q: exit %d (on the file: %d)\n%s", args, got.code, want.code, got.stderr)
			continue
		}
		if got.stdout != want.stdout || got.stdout == "" {
			t.Errorf("%q on the library differs from on the export:\n--- library ---\n%s\n--- export ---\n%s", args, got.stdout, want.stdout)
		}
	}
	if r := run(t, env, "export", "-f", "json", "-o", outLib); r.code != exitOK || !strings.Contains(r.stdout, "12 conversations to") {
		t.Errorf("export: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	run(t, env, "export", "-f", "json", "-o", outDirect, exp)
	dl, _ := os.ReadDir(outLib)
	dd, _ := os.ReadDir(outDirect)
	if len(dl) != len(dd) || len(dl) < 12 {
		t.Errorf("export wrote %d entries from the library, %d from the file", len(dl), len(dd))
	}

	// --library wins over the environment.
	other := map[string]string{"BACKCHAT_LIBRARY": filepath.Join(t.TempDir(), "nothing")}
	if r := run(t, other, "--library", lib, "ls"); r.code != exitOK || r.stdout != run(t, env, "ls").stdout {
		t.Errorf("--library: exit %d %s", r.code, r.stderr)
	}

	r = run(t, env, "library")
	if r.code != exitOK || !strings.Contains(r.stdout, "chatgpt") || !strings.Contains(r.stdout, " 12 ") ||
		!strings.Contains(r.stdout, "1 import, ") || !strings.Contains(r.stdout, "export.zip") {
		t.Errorf("library: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := run(t, env, "library", "verify"); r.code != exitOK || !strings.Contains(r.stdout, "1 import verified") {
		t.Errorf("library verify: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// Damage the copy: verify says so and fails.
	ents, _ := filepath.Glob(filepath.Join(lib, "imports", "*", "export.zip"))
	if len(ents) != 1 {
		t.Fatalf("copies %v", ents)
	}
	if err := os.WriteFile(ents[0], []byte("PK"), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := run(t, env, "library", "verify"); r.code != exitFail || !strings.Contains(r.stdout, "content changed") {
		t.Errorf("library verify on a damaged copy: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// TestEmptyLibrary: with nothing imported, every command says how to
// import and fails, without creating the library.
func TestEmptyLibrary(t *testing.T) {
	lib := filepath.Join(t.TempDir(), "lib")
	env := map[string]string{"BACKCHAT_LIBRARY": lib}
	for _, args := range [][]string{
		{}, {"ls"}, {"show", "abc"}, {"search", "x"}, {"stats"}, {"export", "-o", filepath.Join(t.TempDir(), "o")},
		{"serve", "--host-key", filepath.Join(t.TempDir(), "hk"), "--listen", "127.0.0.1:0"},
		{"library"}, {"library", "verify"},
	} {
		r := run(t, env, args...)
		if r.code != exitFail || !strings.Contains(r.stderr, "no exports imported yet: run backchat import EXPORT.zip") {
			t.Errorf("%q: exit %d, stderr %q", args, r.code, r.stderr)
		}
	}
	if _, err := os.Stat(lib); err == nil {
		t.Error("a read-only command created the library")
	}
	// --demo needs no library.
	if r := run(t, env, "ls", "--demo"); r.code != exitOK || r.stdout == "" {
		t.Errorf("ls --demo: exit %d %s", r.code, r.stderr)
	}
}

func TestImportErrors(t *testing.T) {
	src := t.TempDir()
	lib := filepath.Join(t.TempDir(), "lib")
	env := map[string]string{"BACKCHAT_LIBRARY": lib}
	good := genExport(t, src, "good.zip", gen.Config{Seed: 1, Conversations: 3, NoHuge: true})
	if r := run(t, env, "import"); r.code != exitUsage {
		t.Errorf("import with no EXPORT: exit %d", r.code)
	}
	if r := run(t, env, "import", "--demo", good); r.code != exitUsage {
		t.Errorf("import --demo: exit %d", r.code)
	}
	r := run(t, env, "import", filepath.Join(src, "missing.zip"), good)
	if r.code != exitFail || !strings.Contains(r.stderr, "not imported: ") || !strings.Contains(r.stderr, "missing.zip") ||
		!strings.Contains(r.stdout, "copied "+good) {
		t.Errorf("import missing + good: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := run(t, env, "ls"); r.code != exitOK || strings.Count(r.stdout, "\n") != 3 {
		t.Errorf("ls after a partial import: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// A library others can write to is refused.
	if err := os.Chmod(lib, 0o777); err != nil {
		t.Fatal(err)
	}
	if r := run(t, env, "ls"); r.code != exitFail || !strings.Contains(r.stderr, "writable by other users") {
		t.Errorf("ls on a 0777 library: exit %d %s", r.code, r.stderr)
	}
}

// TestImportComparesWithSnapshot: the import after the first compares
// with the library's snapshot (written after the first) and parses only
// the new export; with --no-cache it parses the library again; both print
// the same report.
func TestImportComparesWithSnapshot(t *testing.T) {
	src := t.TempDir()
	older := genExport(t, src, "older.zip", gen.Config{Seed: 21, Conversations: 20, NoHuge: true, Now: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)})
	newer := genExport(t, src, "newer.zip", gen.Config{Seed: 21, Conversations: 24, NoHuge: true, Now: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)})
	imp := func(env map[string]string, args ...string) (string, []string) {
		t.Helper()
		a, out, errOut := envApp(env)
		var loaded []string
		open := a.open
		a.open = func(ctx context.Context, o loader.Options, ps ...string) (*model.Archive, error) {
			// The snapshot of the new library loads every export (newer
			// with the older ones); the comparison must not.
			if !slices.ContainsFunc(ps, func(p string) bool { return strings.HasSuffix(p, "newer.zip") }) {
				loaded = append(loaded, ps...)
			}
			return open(ctx, o, ps...)
		}
		if code := execute(context.Background(), a, append([]string{"import"}, args...)); code != exitOK {
			t.Fatalf("import %v: exit %d\n%s%s", args, code, out.String(), errOut.String())
		}
		return out.String(), loaded
	}
	report := func(out string) string {
		_, rest, _ := strings.Cut(out, "\n") // after "copied …"
		return rest
	}
	var reports []string
	for _, noCache := range []bool{false, true} {
		env := map[string]string{"BACKCHAT_LIBRARY": filepath.Join(t.TempDir(), "lib")}
		var flags []string
		if noCache {
			flags = []string{"--no-cache"}
		}
		imp(env, append(flags, older)...)
		out, loaded := imp(env, append(flags, newer)...)
		var again []string
		for _, p := range loaded {
			if strings.HasSuffix(p, "older.zip") {
				again = append(again, p)
			}
		}
		if !noCache && len(again) > 0 {
			t.Errorf("the import parsed %v again although the library's snapshot was there", again)
		}
		if noCache && len(again) == 0 {
			t.Error("--no-cache: the import did not load the library (the test cannot see a load)")
		}
		reports = append(reports, report(out))
	}
	if !strings.Contains(reports[0], "4 new, 20 updated") {
		t.Errorf("report:\n%s", reports[0])
	}
	if reports[0] != reports[1] {
		t.Errorf("with the snapshot:\n%s\nwithout:\n%s", reports[0], reports[1])
	}
}

// TestImportAgainRepairsAndSaysSo: library verify names the way to mend a
// damaged import, and importing the original again says it repaired it.
func TestImportAgainRepairsAndSaysSo(t *testing.T) {
	src := t.TempDir()
	lib := filepath.Join(t.TempDir(), "lib")
	env := map[string]string{"BACKCHAT_LIBRARY": lib}
	zp := genExport(t, src, "export.zip", gen.Config{Seed: 3, Conversations: 4, NoHuge: true})
	if r := run(t, env, "import", zp); r.code != 0 {
		t.Fatalf("import: %d %s", r.code, r.stderr)
	}
	copies, _ := filepath.Glob(filepath.Join(lib, "imports", "*", "export.zip"))
	if len(copies) != 1 {
		t.Fatalf("library copies: %v", copies)
	}
	if err := os.WriteFile(copies[0], []byte("damaged"), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := run(t, env, "library", "verify"); r.code != 1 || !strings.Contains(r.stderr, "import the original export again") {
		t.Fatalf("verify: exit %d, stderr %q", r.code, r.stderr)
	}
	if r := run(t, env, "import", zp); r.code != 0 || !strings.Contains(r.stdout, "repaired: ") {
		t.Fatalf("import again: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	if r := run(t, env, "library", "verify"); r.code != 0 {
		t.Fatalf("verify after the repair: exit %d, %s", r.code, r.stderr)
	}
}

// TestImportRejectedNotCopied: an export the load finds no conversation in
// is only "not imported" (its copy removed), never "copied" first; the
// good one beside it is copied, and the lines follow the order given.
func TestImportRejectedNotCopied(t *testing.T) {
	src := t.TempDir()
	env := map[string]string{"BACKCHAT_LIBRARY": filepath.Join(t.TempDir(), "lib")}
	bad := filepath.Join(src, "notes.json")
	if err := os.WriteFile(bad, []byte(`{"notes": ["not an export"]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	good := genExport(t, src, "good.zip", gen.Config{Seed: 1, Conversations: 3, NoHuge: true})
	r := run(t, env, "import", bad, good)
	if r.code != exitFail || !strings.Contains(r.stderr, "not imported: "+bad) {
		t.Fatalf("import bad + good: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if strings.Contains(r.stdout, bad) {
		t.Errorf("the rejected export is said to be copied:\n%s", r.stdout)
	}
	if !strings.HasPrefix(r.stdout, "copied "+good+": ") {
		t.Errorf("the good export's line does not come first:\n%s", r.stdout)
	}
}
