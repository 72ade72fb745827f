package main

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/backchat/backchat/loader"
	"github.com/backchat/backchat/model"
	"github.com/charmbracelet/x/ansi"
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

// TestLsMixedServices loads a ChatGPT ZIP and a Claude ZIP with the real
// loader: both are listed, a service column appears, and --json names the
// service of each conversation.
func TestLsMixedServices(t *testing.T) {
	dir := t.TempDir()
	gpt := writeTestZip(t, filepath.Join(dir, "chatgpt.zip"), "conversations.json",
		`[{"id": "g1", "title": "From ChatGPT", "create_time": 1700000000, "update_time": 1700000100, "current_node": "a",
		  "mapping": {"r": {"parent": null, "children": ["u"]}, "u": {"parent": "r", "children": ["a"], "message": {"author": {"role": "user"}, "content": {"content_type": "text", "parts": ["hi"]}}},
		  "a": {"parent": "u", "children": [], "message": {"author": {"role": "assistant"}, "recipient": "all", "content": {"content_type": "text", "parts": ["hello"]}}}}}]`)
	claude := writeTestZip(t, filepath.Join(dir, "claude.zip"), "conversations.json",
		`[{"uuid": "c1", "name": "From Claude", "created_at": "2025-07-06T03:10:13Z", "updated_at": "2025-07-06T03:10:27Z",
		  "chat_messages": [{"uuid": "m1", "sender": "human", "content": [{"type": "text", "text": "hi"}]},
		  {"uuid": "m2", "sender": "assistant", "content": [{"type": "thinking", "thinking": "hmm"}, {"type": "text", "text": "hello"}]}]}]`)
	r := runReal(t, "ls", gpt, claude)
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	// 3 visible: the thinking counts, folded.
	want := "2025-07-06  claude   3  -  From Claude\n2023-11-14  chatgpt  2  -  From ChatGPT\n"
	if r.stdout != want {
		t.Errorf("ls:\n%s\nwant:\n%s", r.stdout, want)
	}
	// One service: no column.
	if r := runReal(t, "ls", claude); r.stdout != "2025-07-06  3  -  From Claude\n" {
		t.Errorf("ls one service: %q", r.stdout)
	}
	r = runReal(t, "ls", "--json", gpt, claude)
	var services []string
	for _, line := range strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n") {
		var e lsEntry
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		services = append(services, e.ID+"="+e.Service)
	}
	if strings.Join(services, " ") != "c1=claude g1=chatgpt" {
		t.Errorf("ls --json services: %v", services)
	}
}

// writeTestZip writes a ZIP at p holding one file.
func writeTestZip(t *testing.T, p, name, content string) string {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(w, content); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
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

func TestEachPartCoversEachItemOnce(t *testing.T) {
	for _, n := range []int{0, 1, 999, 1000, 2001, 60014} {
		var mu sync.Mutex
		seen := make([]int, n)
		eachPart(n, func(lo, hi int) {
			mu.Lock()
			defer mu.Unlock()
			for i := lo; i < hi; i++ {
				seen[i]++
			}
		})
		for i, k := range seen {
			if k != 1 {
				t.Fatalf("n=%d: item %d done %d times", n, i, k)
			}
		}
	}
}

// TestLsJSONSaysWhyEmpty: `ls --json` gives a conversation with no visible
// message an empty_reason (the loader's warning about it), and none to a
// conversation that shows messages.
func TestLsJSONSaysWhyEmpty(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "conversations.json")
	content := `[{"id": "g1", "title": "Full", "create_time": 1700000000, "update_time": 1700000300, "current_node": "a",
	  "mapping": {"r": {"parent": null, "children": ["u"]}, "u": {"parent": "r", "children": ["a"], "message": {"author": {"role": "user"}, "content": {"content_type": "text", "parts": ["hi"]}}},
	  "a": {"parent": "u", "children": [], "message": {"author": {"role": "assistant"}, "recipient": "all", "content": {"content_type": "text", "parts": ["hello"]}}}}},
	 {"id": "g2", "title": "Empty", "create_time": 1700000000, "update_time": 1700000200, "current_node": "r",
	  "mapping": {"r": {"parent": null, "children": []}}},
	 {"id": "g3", "title": "Only system", "create_time": 1700000000, "update_time": 1700000100, "current_node": "s",
	  "mapping": {"r": {"parent": null, "children": ["s"]}, "s": {"parent": "r", "children": [], "message": {"author": {"role": "system"}, "content": {"content_type": "text", "parts": ["be brief"]}}}}}]`
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	r := runReal(t, "ls", "--json", p)
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	got := map[string]string{}
	for _, line := range strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n") {
		var e lsEntry
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		got[e.ID] = e.EmptyReason
		if e.Messages > 0 && strings.Contains(line, "empty_reason") {
			t.Errorf("a conversation with %d messages has an empty_reason: %s", e.Messages, line)
		}
	}
	if got["g1"] != "" || !strings.Contains(got["g2"], "no message found") || !strings.Contains(got["g3"], "hidden") {
		t.Errorf("empty_reason by id: %q", got)
	}
}

// recordingOut is an output that notes whether the load had been released
// when it was written to.
type recordingOut struct {
	bytes.Buffer
	released *bool
	early    bool
}

func (o *recordingOut) Write(p []byte) (int, error) {
	o.early = o.early || *o.released
	return o.Buffer.Write(p)
}

// TestLsReleasesTheLoadAfterItsOutput: ls hands the loader a Release and
// gives the load back once, after its output (text and JSON); a load whose
// snapshot is written afterwards is not released (the write reads it).
func TestLsReleasesTheLoadAfterItsOutput(t *testing.T) {
	for _, tc := range []struct {
		args     []string
		snapshot bool
	}{
		{[]string{"ls", "export.zip"}, false},
		{[]string{"ls", "--json", "export.zip"}, false},
		{[]string{"ls", "export.zip"}, true},
	} {
		released, calls, offered := false, 0, false
		out := &recordingOut{released: &released}
		a := newApp(strings.NewReader(""), out, io.Discard)
		a.loc = time.UTC
		a.isTerminal = func(io.Writer) bool { return false }
		a.getenv = emptyLibraryEnv(t)
		// The export is a file on disk: a snapshot's plan fingerprints it.
		dir := t.TempDir()
		path := filepath.Join(dir, "export.zip")
		if err := os.WriteFile(path, []byte("zip"), 0o600); err != nil {
			t.Fatal(err)
		}
		if tc.snapshot {
			a.snapshotPath = func([]string) string { return filepath.Join(dir, "s.snap") }
		}
		open := fakeOpen(map[string][]*model.Conversation{path: archive()["export.zip"]})
		a.open = func(ctx context.Context, o loader.Options, paths ...string) (*model.Archive, error) {
			arch, err := open(ctx, o, paths...)
			if o.Release != nil {
				offered = true
				o.Release(func() { released = true; calls++ })
			}
			return arch, err
		}
		args := append(tc.args[:len(tc.args)-1:len(tc.args)-1], path)
		if code := execute(context.Background(), a, args); code != exitOK {
			t.Fatalf("%v: exit %d", tc.args, code)
		}
		switch {
		case tc.snapshot && offered:
			t.Errorf("%v: a load with a snapshot to write was given a Release", tc.args)
		case tc.snapshot:
		case !offered:
			t.Errorf("%v: no Release given to the load", tc.args)
		case calls != 1:
			t.Errorf("%v: released %d times, want 1", tc.args, calls)
		case out.early:
			t.Errorf("%v: released before the output", tc.args)
		case out.Len() == 0:
			t.Errorf("%v: no output", tc.args)
		}
	}
}

// TestLoadErrorNamesThePathOnce: a file that is not an export is named
// once in the error, by the load that failed ("loading PATH: not a chat
// export…"), not twice ("loading PATH: loader: PATH: …").
func TestLoadErrorNamesThePathOnce(t *testing.T) {
	p := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(p, []byte("hello, not an export\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := run(t, map[string]string{}, "--no-cache", "ls", p)
	if r.code == exitOK {
		t.Fatalf("ls of a text file succeeded:\n%s", r.stdout)
	}
	if n := strings.Count(r.stderr, p); n != 1 || !strings.Contains(r.stderr, "loading "+p+": not a chat export") || strings.Contains(r.stderr, "loader:") {
		t.Fatalf("stderr names the path %d times or reads otherwise:\n%s", n, r.stderr)
	}
}

// lsOnTerminal runs ls with stdout a terminal of unknown size (so 80
// columns, outWidth) and returns its lines.
func lsOnTerminal(t *testing.T, files map[string][]*model.Conversation, args ...string) []string {
	t.Helper()
	var out, errOut strings.Builder
	a := newApp(strings.NewReader(""), &out, &errOut)
	a.isTerminal = func(w io.Writer) bool { return w == io.Writer(&out) } // the terminal, not the writer holding it
	a.loc = time.UTC
	a.open = fakeOpen(files)
	if code := execute(t.Context(), a, append([]string{"ls"}, args...)); code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	return strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
}

// TestLsFitsTheTerminal: on a terminal each ls line fits its width: a long
// title is cut with "…", a conversation missing from the newest export
// keeps its note, and a model slug too long to leave the title 16 cells is
// cut too. Piped, and with --json, nothing is cut.
func TestLsFitsTheTerminal(t *testing.T) {
	long := "A very long title about planning a vegetable garden on a small balcony in the city"
	files := map[string][]*model.Conversation{"long.json": {
		conv("long-1", long, "gpt-4o", at(3, 9), "q", "a"),
		conv("long-2", "Another long title, this one about the history of the printing press in Europe", "gpt-4o", at(2, 9), "q", "a"),
		conv("short", "Short", "gpt-4o", at(1, 9), "q", "a"),
	}}
	for _, c := range files["long.json"] {
		c.Sources, c.InNewest = []string{"old.json", "long.json"}, true
	}
	gone := files["long.json"][1]
	gone.Sources, gone.InNewest = []string{"old.json"}, false
	lines := lsOnTerminal(t, files, "long.json")
	if len(lines) != 3 {
		t.Fatalf("%d lines: %q", len(lines), lines)
	}
	for _, l := range lines {
		if w := ansi.StringWidth(l); w > 80 {
			t.Errorf("a terminal line is %d cells wide: %q", w, l)
		}
	}
	if !strings.Contains(lines[0], "A very long title") || !strings.HasSuffix(lines[0], "…") {
		t.Errorf("long title not cut: %q", lines[0])
	}
	if !strings.Contains(lines[1], "Another long title") || !strings.HasSuffix(lines[1], "…  (not in newest export)") {
		t.Errorf("the note was lost or the title not cut: %q", lines[1])
	}
	if !strings.HasSuffix(lines[2], "  Short") {
		t.Errorf("short title changed: %q", lines[2])
	}

	// Piped and --json: whole.
	if r := cli(t, files, "ls", "long.json"); !strings.Contains(r.stdout, long+"\n") {
		t.Errorf("piped ls was cut:\n%s", r.stdout)
	}
	if js := lsOnTerminal(t, files, "--json", "long.json"); !strings.Contains(js[0], long) {
		t.Errorf("ls --json on a terminal was cut: %q", js[0])
	}

	// A model slug as long as the line leaves the title 16 cells.
	files["long.json"][2].Model = strings.Repeat("very-long-model-slug-", 5)
	lines = lsOnTerminal(t, files, "long.json")
	for _, l := range lines {
		if w := ansi.StringWidth(l); w > 80 {
			t.Errorf("with a long model, a line is %d cells wide: %q", w, l)
		}
	}
	if !strings.Contains(lines[2], "-very…  Short") || !strings.HasSuffix(lines[0], "  A very long tit…") {
		t.Errorf("the long model was not cut to leave the titles room:\n%s", strings.Join(lines, "\n"))
	}
}
