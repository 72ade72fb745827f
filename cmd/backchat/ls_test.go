package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestLs(t *testing.T) {
	r := cli(t, archive(), "ls", "export.zip", "more.json")
	if r.code != exitOK || r.stderr != "" {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	if c, bad := rawControl(r.stdout); bad {
		t.Errorf("raw control %U in ls output", c)
	}
	// The golden file leaves out the hostile title: its placeholders are
	// model.Sanitize's business, checked above only for safety.
	g := cli(t, archive(), "ls", "export.zip")
	checkGolden(t, "ls", []byte(g.stdout))
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if len(lines) != 4 || !strings.Contains(lines[0], "Regenerated answer") || !strings.Contains(lines[3], "(untitled)") {
		t.Errorf("want newest first, untimed last:\n%s", r.stdout)
	}
	// Titles start in the same column on every line.
	col := strings.Index(lines[0], "Regenerated")
	if got := strings.Index(lines[1], "evil"); got != col {
		t.Errorf("title columns not aligned: %d vs %d\n%s", got, col, r.stdout)
	}
}

func TestLsJSON(t *testing.T) {
	r := cli(t, archive(), "ls", "--json", "export.zip", "more.json")
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if c, bad := rawControl(r.stdout); bad {
		t.Errorf("raw control %U in ls --json output", c)
	}
	checkGolden(t, "ls_json", []byte(r.stdout))
	var entries []lsEntry
	for _, line := range strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n") {
		var e lsEntry
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		entries = append(entries, e)
	}
	if len(entries) != 4 {
		t.Fatalf("%d entries", len(entries))
	}
	first, last := entries[0], entries[3]
	if first.ID != "abc-222" || first.Branches != 1 || first.Messages != 2 || first.Updated == nil || *first.Updated != "2025-06-03T09:03:00Z" {
		t.Errorf("first entry: %+v", first)
	}
	if last.Updated != nil || last.Created != nil || last.Title != "" {
		t.Errorf("untimed entry should have null times and empty title: %+v", last)
	}
	if e := entries[2]; !e.Archived || !e.Starred || e.GizmoID != "g-xyz" || e.Messages != 1 {
		t.Errorf("hidden-prompt entry: %+v", e)
	}
	if entries[1].Title != archive()["more.json"][0].Title {
		t.Errorf("JSON title not exact: %q", entries[1].Title)
	}
}

func TestLsMarksNotInNewest(t *testing.T) {
	files := archive()
	for _, c := range files["export.zip"] {
		c.Sources, c.InNewest = []string{"old.zip", "export.zip"}, true
	}
	gone := files["export.zip"][0]
	gone.Sources, gone.InNewest = []string{"old.zip"}, false
	r := cli(t, files, "ls", "export.zip")
	var marked []string
	for _, line := range strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n") {
		if strings.HasSuffix(line, "(not in newest export)") {
			marked = append(marked, line)
		}
	}
	if len(marked) != 1 || !strings.Contains(marked[0], gone.Title) {
		t.Errorf("marked rows %q\n%s", marked, r.stdout)
	}
	r = cli(t, files, "ls", "--json", "export.zip")
	for _, line := range strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n") {
		var e lsEntry
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatal(err)
		}
		if want := e.ID != gone.ID; e.InNewest != want || len(e.Sources) == 0 {
			t.Errorf("%s: in_newest %v sources %v", e.ID, e.InNewest, e.Sources)
		}
	}
	r = cli(t, files, "show", "export.zip", gone.ID)
	if !strings.Contains(r.stdout, "Not in newest export") || !strings.Contains(r.stdout, "Exports: old.zip") {
		t.Errorf("show header:\n%s", r.stdout)
	}
}
