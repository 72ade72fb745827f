package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestExportCommand(t *testing.T) {
	out := t.TempDir()
	r := cli(t, archive(), "export", "--format", "markdown", "--out", out, "export.zip", "more.json")
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "4 conversations") || !strings.Contains(r.stdout, "written 4, unchanged 0, skipped 0 conflicting") {
		t.Errorf("summary: %q", r.stdout)
	}
	doc := filepath.Join(out, "2025-06-03-regenerated-answer-abc-222.md")
	if _, err := os.Stat(doc); err != nil {
		t.Fatal(err)
	}

	r = cli(t, archive(), "export", "-f", "markdown", "-o", out, "export.zip", "more.json")
	if r.code != exitOK || !strings.Contains(r.stdout, "written 0, unchanged 4") {
		t.Errorf("re-run: exit %d %q", r.code, r.stdout)
	}

	if err := os.WriteFile(doc, []byte("edited"), 0o644); err != nil {
		t.Fatal(err)
	}
	r = cli(t, archive(), "export", "-o", out, "export.zip", "more.json")
	if r.code != exitFail || !strings.Contains(r.stderr, "conflict: 2025-06-03-regenerated-answer-abc-222.md") || !strings.Contains(r.stdout, "skipped 1 conflicting") {
		t.Errorf("conflict: exit %d\nstdout %q\nstderr %q", r.code, r.stdout, r.stderr)
	}
	if b, _ := os.ReadFile(doc); string(b) != "edited" {
		t.Errorf("conflicting file overwritten")
	}
	r = cli(t, archive(), "export", "--force", "-o", out, "export.zip", "more.json")
	if r.code != exitOK || !strings.Contains(r.stdout, "written 1, unchanged 3") {
		t.Errorf("force: exit %d %q %q", r.code, r.stdout, r.stderr)
	}

	// A query selects conversations.
	qout := t.TempDir()
	r = cli(t, archive(), "export", "-f", "json", "-o", qout, "-q", "rayleigh", "export.zip", "more.json")
	entries, _ := os.ReadDir(qout)
	if r.code != exitOK || len(entries) != 1 || !strings.HasSuffix(entries[0].Name(), "-abc-222.json") {
		t.Errorf("query export: exit %d %q %v", r.code, r.stderr, entries)
	}

	// A query matching nothing ends with status 1, as search does, and
	// writes nothing, not even --out.
	none := filepath.Join(t.TempDir(), "none")
	r = cli(t, archive(), "export", "-o", none, "-q", "zzqxnomatch", "export.zip", "more.json")
	if _, err := os.Stat(none); r.code != exitFail || !strings.Contains(r.stderr, "no conversation matches --query") || err == nil {
		t.Errorf("query matching nothing: exit %d %q %q, out dir: %v", r.code, r.stdout, r.stderr, err)
	}

	for _, args := range [][]string{
		{"export", "-o", out, "-f", "pdf", "export.zip"},
		{"export", "-f", "html", "export.zip"},
		{"export", "-o", out, "-q", "is:gone", "export.zip"},
	} {
		if r := cli(t, archive(), args...); r.code != exitUsage {
			t.Errorf("%v: exit %d, want usage error; %s", args, r.code, r.stderr)
		}
	}
}
