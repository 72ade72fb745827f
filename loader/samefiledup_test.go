package loader

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/backchat/backchat/model"
)

// A file holding one id twice keeps the copy updated last, as copies in
// several files or exports are merged, but says so: the other copy is not
// shown, and that must not happen without a word. Copies of an id in two
// exports are the documented merge and say nothing.
func TestSameIDTwiceInAFileIsReported(t *testing.T) {
	dir := t.TempDir()
	a := writeFile(t, dir, "a/conversations.json", array(
		simple("dup", "old copy", 100),
		simple("other", "other", 150),
		simple("dup", "new copy", 200),
		simple("dup", "middle copy", 150),
	))
	b := writeFile(t, dir, "b/conversations.json", array(simple("other", "other again", 300)))
	arch := mustOpen(t, filepath.Dir(a), filepath.Dir(b))
	if got := strings.Join(ids(arch), " "); got != "other dup" && got != "dup other" {
		t.Fatalf("ids %q", got)
	}
	if c := find(arch, "dup"); c == nil || c.Title != "new copy" {
		t.Fatalf("dup kept %+v", c)
	}
	ws := warningsOf(arch, model.WarnData)
	if len(ws) != 1 {
		t.Fatalf("data warnings %+v", ws)
	}
	w := ws[0]
	if w.ID != "dup" || w.Index != 0 || w.File != a || !strings.Contains(w.Reason, "conversations 0, 2 and 3 have the same id") {
		t.Errorf("warning %+v", w)
	}
}

// Which copies a load sees first does not decide what is reported: here
// another export's copy is newest and comes first (one worker, paths in
// order), so the file's two copies both lose to it as they arrive.
func TestSameIDTwiceInAFileBehindAnotherExport(t *testing.T) {
	dir := t.TempDir()
	a := writeFile(t, dir, "a/conversations.json", array(simple("dup", "newest, elsewhere", 300)))
	b := writeFile(t, dir, "b/conversations.json", array(
		simple("dup", "old copy", 100),
		simple("dup", "older copy", 50),
	))
	arch, err := OpenContext(context.Background(), Options{Workers: 1}, filepath.Dir(a), filepath.Dir(b))
	if err != nil {
		t.Fatal(err)
	}
	if c := find(arch, "dup"); c == nil || c.Title != "newest, elsewhere" {
		t.Fatalf("dup kept %+v", c)
	}
	ws := warningsOf(arch, model.WarnData)
	if len(ws) != 1 || ws[0].File != b || !strings.Contains(ws[0].Reason, "conversations 0 and 1 have the same id") {
		t.Errorf("data warnings %+v", ws)
	}
}
