package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/backchat/backchat/internal/library"
	"github.com/backchat/backchat/model"
	"github.com/backchat/backchat/tui"
)

// TestLibraryWarningsNameTheImport: a load warning about a library import
// names the file the user imported, not the library's copy of it
// (imports/HASH/NAME), whether the library is loaded or reopened from its
// snapshot.
func TestLibraryWarningsNameTheImport(t *testing.T) {
	src := t.TempDir()
	lib := filepath.Join(t.TempDir(), "lib")
	env := map[string]string{"BACKCHAT_LIBRARY": lib}
	exp := filepath.Join(src, "my-export.json")
	const convs = `[{"id":"conv-empty","title":"Nothing here","create_time":1751796000,"update_time":1751796000,"mapping":{},"current_node":null},
{"id":"conv-ok","title":"Something","create_time":1751796000,"update_time":1751796100,"mapping":{"r":{"id":"r","message":null,"parent":null,"children":["m1"]},"m1":{"id":"m1","parent":"r","children":[],"message":{"id":"m1","author":{"role":"user"},"create_time":1751796000,"content":{"content_type":"text","parts":["hello"]},"status":"finished_successfully","weight":1}}},"current_node":"m1"}]`
	if err := os.WriteFile(exp, []byte(convs), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := run(t, env, "import", exp); r.code != 0 {
		t.Fatalf("import: %d %s", r.code, r.stderr)
	}
	for _, args := range [][]string{{"--no-cache", "ls"}, {"ls"}, {"ls"}} {
		r := run(t, env, args...)
		if r.code != 0 {
			t.Fatalf("%v: %d %s", args, r.code, r.stderr)
		}
		if !strings.Contains(r.stderr, "warning: data: "+exp+" conversation 0") || strings.Contains(r.stderr, "imports") {
			t.Errorf("%v: the warning does not name the import %s:\n%s", args, exp, r.stderr)
		}
	}
	// The browser's W pane: loaded, then reopened from the snapshot.
	for _, cache := range []bool{false, true} {
		a, _, _ := envApp(env)
		a.noCache = !cache
		src, err := a.source(nil)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		if cache {
			if src = a.browserSnapshot(ctx, ctx, src); src.Ready == nil {
				t.Fatal("the library's snapshot did not reopen")
			}
		}
		var o tui.Options
		browserSource(&o, src, 0)
		arch := o.Archive
		if o.Load != nil {
			if arch, err = o.Load(ctx, func(*model.Conversation) {}, nil); err != nil {
				t.Fatal(err)
			}
		}
		if len(arch.Warnings) != 1 || arch.Warnings[0].File != exp {
			t.Errorf("browser (snapshot %v): warnings %+v, want one about %s", cache, arch.Warnings, exp)
		}
	}
}

func TestOriginalsReplacesEveryCopy(t *testing.T) {
	l := &library.Library{Dir: "/lib", Manifest: library.Manifest{Imports: []library.Import{
		{Hash: strings.Repeat("a", 64), Name: "export.zip", Original: "/home/u/Downloads/export.zip"},
		{Hash: strings.Repeat("b", 64), Name: "conversations.json"},
	}}}
	ws := []model.Warning{
		{File: l.Path(l.Manifest.Imports[0]) + ":conversations.json", Reason: "read " + l.Path(l.Manifest.Imports[0]) + ": unexpected EOF"},
		{File: l.Path(l.Manifest.Imports[1]), Reason: "no message"},
		{File: "/elsewhere/x.json", Reason: "odd"},
	}
	got := originals(l, ws)
	want := []model.Warning{
		{File: "/home/u/Downloads/export.zip:conversations.json", Reason: "read /home/u/Downloads/export.zip: unexpected EOF"},
		{File: "conversations.json", Reason: "no message"},
		{File: "/elsewhere/x.json", Reason: "odd"},
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("warning %d: %+v, want %+v", i, got[i], want[i])
		}
	}
	if ws[0].File == got[0].File {
		t.Error("originals changed the warnings it was given (a snapshot being written may read them)")
	}
}
