package loader

import (
	"archive/zip"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/backchat/backchat/model"
)

// TestMissingShards: shards missing between the first and the last of a
// folder (in a folder export or a ZIP) are named in one warning per gap;
// shards in another folder are another series.
func TestMissingShards(t *testing.T) {
	dir := t.TempDir()
	shard := func(i int) string { return array(simple(fmt.Sprintf("c%d", i), "T", float64(10+i))) }
	folder := filepath.Join(dir, "export")
	for _, i := range []int{0, 2, 3, 7} {
		writeFile(t, folder, fmt.Sprintf("conversations-%03d.json", i), shard(i))
	}
	writeFile(t, filepath.Join(folder, "other"), "conversations-005.json", shard(5)) // a series of one
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, i := range []int{1, 3} {
		w, _ := zw.Create(fmt.Sprintf("part/conversations-%d.json", i))
		w.Write([]byte(shard(i)))
	}
	zw.Close()
	zp := filepath.Join(dir, "export.zip")
	if err := os.WriteFile(zp, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}

	a := mustOpen(t, folder)
	var got []string
	for _, w := range warningsOf(a, model.WarnFile) {
		got = append(got, w.File+": "+w.Reason)
	}
	want := []string{
		folder + ": conversations-001.json is missing between conversations-000.json and conversations-002.json",
		folder + ": conversations-004.json … conversations-006.json (3 shards) are missing between conversations-003.json and conversations-007.json",
	}
	if len(got) != len(want) {
		t.Fatalf("warnings %q, want %d", got, len(want))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("warning %q, want it to start %q", got[i], want[i])
		}
	}

	a = mustOpen(t, zp)
	ws := warningsOf(a, model.WarnFile)
	if len(ws) != 1 || ws[0].File != zp+":part" || !strings.HasPrefix(ws[0].Reason, "conversations-2.json is missing between conversations-1.json and conversations-3.json") {
		t.Errorf("ZIP: warnings %v", a.Warnings)
	}
	if len(a.Conversations) != 2 {
		t.Errorf("ZIP: %d conversations", len(a.Conversations))
	}
}
