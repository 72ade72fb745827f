package main

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/backchat/backchat/internal/demo"
	"github.com/backchat/backchat/internal/testkit/fixtures"
	"github.com/backchat/backchat/internal/testkit/gen"
	"github.com/backchat/backchat/loader"
	"github.com/backchat/backchat/model"
)

// snapRun runs the command line with the real loader and the snapshot at
// snap. With noLoad, loading the inputs fails the test: the run must come
// from the snapshot.
func snapRun(t *testing.T, snap string, noLoad bool, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	a := newApp(strings.NewReader(""), &out, &errOut)
	a.loc = time.UTC
	a.isTerminal = func(io.Writer) bool { return false }
	a.snapshotPath = func([]string) string { return snap }
	if noLoad {
		a.open = func(context.Context, loader.Options, ...string) (*model.Archive, error) {
			t.Helper()
			t.Errorf("%v: loaded the inputs instead of the snapshot", args)
			return loader.OpenContext(context.Background(), loader.Options{}, args[len(args)-1])
		}
	}
	code := execute(context.Background(), a, args)
	return result{code, out.String(), errOut.String()}
}

// snapshotInputs are exports to compare outputs on: the demo, generated
// exports of both shapes, the repository's real exports and the shared
// external fixtures (when present).
func snapshotInputs(t *testing.T) map[string]string {
	t.Helper()
	in := map[string]string{}
	dir, cleanup, err := demo.Dir()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cleanup)
	in["demo"] = dir
	tmp := t.TempDir()
	for name, shape := range map[string]gen.Shape{"short": gen.ShapeShort, "long": gen.ShapeLong} {
		p := filepath.Join(tmp, name+".json")
		var b bytes.Buffer
		if _, err := gen.Write(&b, gen.Config{Seed: 5, TargetBytes: 400 << 10, Shape: shape}); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		in["generated-"+name] = p
	}
	real, _ := filepath.Abs(filepath.Join("..", "..", "testdata", "real"))
	for _, fx := range realFixtures {
		in[fx.name] = filepath.Join(real, fx.path)
	}
	if _, err := os.Stat(filepath.Join(fixtures.RepoRoot(t), "..", "shared", "fixtures", "external")); err == nil {
		ext := fixtures.External(t)
		for _, fx := range append(append([]struct{ name, path string }{}, chatgptFixtures...), otherFixtures...) {
			in[fx.name] = filepath.Join(ext, fx.path)
		}
	}
	return in
}

// TestSnapshotOutputsEqualDirectLoad runs every command's output from a
// snapshot and from the export itself, on every fixture: they must be
// byte for byte equal.
func TestSnapshotOutputsEqualDirectLoad(t *testing.T) {
	for name, path := range snapshotInputs(t) {
		t.Run(name, func(t *testing.T) {
			snap := filepath.Join(t.TempDir(), "s.snap")
			first := snapRun(t, snap, false, "ls", path)
			if first.code != exitOK {
				t.Fatalf("ls: %d %s", first.code, first.stderr)
			}
			if _, err := os.Stat(snap); err != nil {
				t.Fatalf("no snapshot written: %v", err)
			}
			arch, err := loader.OpenContext(context.Background(), loader.Options{}, path)
			if err != nil && arch == nil {
				t.Fatal(err)
			}
			cmds := [][]string{{"ls"}, {"ls", "--json"}, {"stats"}, {"stats", "--json"}, {"search", "--all", "the"}, {"search", "--json", "is:code"}}
			for i, c := range arch.Conversations {
				if c.ID == "" || (i%3 != 0 && len(arch.Conversations) > 30) {
					continue
				}
				cmds = append(cmds, []string{"show", c.ID}, []string{"show", "--all", "--format", "json", c.ID}, []string{"show", "--format", "markdown", c.ID})
			}
			for _, args := range cmds {
				argv := append(append([]string{}, args...), path)
				if args[0] == "show" || args[0] == "search" { // show [flags] PATH ID, search PATH QUERY
					argv = append(append(append([]string{}, args[:len(args)-1]...), path), args[len(args)-1])
				}
				direct := snapRun(t, "", false, append([]string{"--no-cache"}, argv...)...)
				got := snapRun(t, snap, true, argv...)
				if got != direct {
					t.Errorf("%v differs from a snapshot:\ndirect %d %q\n%.400s\nsnapshot %d %q\n%.400s", args, direct.code, direct.stderr, direct.stdout,
						got.code, got.stderr, got.stdout)
				}
			}
			// Every export format, into two folders.
			for _, format := range []string{"json", "markdown", "html"} {
				d1, d2 := t.TempDir(), t.TempDir()
				r1 := snapRun(t, "", false, "--no-cache", "export", "--format", format, "--out", d1, path)
				r2 := snapRun(t, snap, true, "export", "--format", format, "--out", d2, path)
				if r1.code != r2.code || strings.ReplaceAll(r1.stdout, d1, "DIR") != strings.ReplaceAll(r2.stdout, d2, "DIR") {
					t.Errorf("export %s: %v / %v", format, r1, r2)
				}
				a, b := treeOf(t, d1), treeOf(t, d2)
				if format == "html" {
					// NOTE: the highlighter's colouring of a code block
					// without a language is not the same from run to run
					// (seen once in six runs on the generated long export,
					// without a snapshot involved); compare the text.
					a, b = spanTag.ReplaceAllString(a, ""), spanTag.ReplaceAllString(b, "")
				}
				if a != b {
					i := 0
					for i < min(len(a), len(b)) && a[i] == b[i] {
						i++
					}
					t.Errorf("export %s: files differ at byte %d:\n%q\n%q", format, i, a[max(i-200, 0):min(i+200, len(a))], b[max(i-200, 0):min(i+200, len(b))])
				}
			}
		})
	}
}

var spanTag = regexp.MustCompile(`</?span[^>]*>`)

// treeOf is a folder's files and contents as one string.
func treeOf(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		b.WriteString(rel + "\n" + string(data) + "\n")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestSnapshotWrittenAfterOutput: a command that prints and ends closes
// its stdout before its snapshot is written (a pipe reading it ends at the
// command's own time), and the process still writes the snapshot before it
// exits.
func TestSnapshotWrittenAfterOutput(t *testing.T) {
	in := snapshotInputs(t)["generated-long"]
	snap := filepath.Join(t.TempDir(), "a.snap")
	for _, args := range [][]string{{"ls", in}, {"search", in, "the"}, {"show", in, "nope"}} {
		_ = os.Remove(snap)
		var out, errOut bytes.Buffer
		a := newApp(strings.NewReader(""), &out, &errOut)
		a.isTerminal = func(io.Writer) bool { return false }
		a.snapshotPath = func([]string) string { return snap }
		closed := false
		a.closeOut = func() error {
			if _, err := os.Stat(snap); err == nil {
				t.Errorf("%v: the snapshot was written before stdout was closed", args)
			}
			if len(a.afterOutput) != 1 {
				t.Errorf("%v: %d snapshot writes waiting for the output, want 1", args, len(a.afterOutput))
			}
			closed = true
			return nil
		}
		execute(context.Background(), a, args)
		if !closed {
			t.Fatalf("%v: stdout not closed", args)
		}
		if _, err := os.Stat(snap); err != nil {
			t.Fatalf("%v: no snapshot after the run: %v (%s)", args, err, errOut.String())
		}
	}
}
