package loader

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/klauspost/compress/zip"

	"github.com/backchat/backchat/model"
)

// innerZipExport is an outer ZIP holding one deflated inner ZIP (a 2026
// split export) whose files are the conversations, their assets and side
// files.
func innerZipExport(t *testing.T, dir string) string {
	t.Helper()
	files, _ := assetExport()
	files["user.json"] = `{"id": "user-abc", "email": "a@example.com", "chatgpt_plus_user": true}`
	files["message_feedback.json"] = `[{"id": "m", "conversation_id": "cid", "rating": "thumbs_down", "create_time": "2026-01-02T03:04:05Z", "content": {"text": "wrong"}}]`
	files["shared_conversations.json"] = `[{"id": "share-1", "conversation_id": "cid", "title": "Assets"}]`
	files["shopping.json"] = `[]`
	inner := writeZip(t, "", files)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "Conversations__x-part-001.zip", Method: zip.Deflate})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(inner)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "export.zip")
	if err := os.WriteFile(p, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func checkInnerZip(t *testing.T, p string, a *model.Archive) {
	t.Helper()
	c := find(a, "cid")
	if c == nil || c.Source != p+":Conversations__x-part-001.zip:conversations.json" {
		t.Fatalf("conversation: %v", ids(a))
	}
	checkAssets(t, a)
	if m := c.Nodes[0].Msg; m.Feedback() == nil || m.Feedback().Rating != model.FeedbackDown || m.Feedback().Text != "wrong" {
		t.Errorf("feedback from the inner ZIP: %+v", m.Feedback())
	}
	if !c.Shared || c.ShareID != "share-1" {
		t.Errorf("shared from the inner ZIP: %v %q", c.Shared, c.ShareID)
	}
	if len(a.Accounts) != 1 || a.Accounts[0].Email != "a@example.com" || a.Accounts[0].Plan != "Plus" {
		t.Errorf("account from the inner ZIP: %+v", a.Accounts)
	}
	if !hasWarning(outcome{a: a}, model.WarnFile, "not read: shopping.json") {
		t.Errorf("no 'not read' warning for the inner ZIP's shopping.json: %v", a.Warnings)
	}
}

// TestDeflatedInnerZipInMemory: a small deflated inner ZIP is unpacked
// into memory, nothing is written to disk.
func TestDeflatedInnerZipInMemory(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", filepath.Join(tmp, "absent")) // a temporary file would fail
	p := innerZipExport(t, t.TempDir())
	checkInnerZip(t, p, mustOpen(t, p))
}

// TestDeflatedInnerZipTempFile: a deflated inner ZIP over innerMemMax is
// unpacked to a temporary file under os.TempDir(), gone after the load
// (and after an asset is read); with no usable temporary folder the error
// says so and gives the way out.
func TestDeflatedInnerZipTempFile(t *testing.T) {
	defer func(n int64) { innerMemMax = n }(innerMemMax)
	innerMemMax = 0
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	p := innerZipExport(t, t.TempDir())
	checkInnerZip(t, p, mustOpen(t, p))
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("left in the temporary folder: %v", left)
	}

	t.Setenv("TMPDIR", filepath.Join(tmp, "absent"))
	_, err := Open(p)
	if err == nil || !strings.Contains(err.Error(), "temporary file") || !strings.Contains(err.Error(), "extract the outer ZIP") {
		t.Errorf("no temporary folder: %v", err)
	}
}

// Unpacking a compressed inner ZIP stops when the load is cancelled.
func TestDeflatedInnerZipCancelled(t *testing.T) {
	defer func(n int64) { innerMemMax = n }(innerMemMax)
	innerMemMax = 0
	t.Setenv("TMPDIR", t.TempDir())
	p := innerZipExport(t, t.TempDir())
	zr, err := zip.OpenReader(p)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, _, err := openInnerZip(ctx, zr.File[0]); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	if _, err := OpenContext(ctx, Options{}, p); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled load: %v", err)
	}
	if left, _ := os.ReadDir(os.TempDir()); len(left) != 0 {
		t.Errorf("left in the temporary folder: %v", left)
	}
}

// TestInnerZipBombRefused: a compressed inner ZIP that declares more than
// innerBudget of its compressed size (160 MB of zeros in ~160 KB: the
// budget is 64 MiB and 100 times that, ~80 MB) is refused before anything
// is unpacked, with a warning saying so, and the rest of the export loads.
func TestInnerZipBombRefused(t *testing.T) {
	var ib bytes.Buffer
	iw := zip.NewWriter(&ib)
	w, _ := iw.Create("conversations.json")
	w.Write([]byte(array(simple("inner", "Inner", 20))))
	w, _ = iw.CreateHeader(&zip.FileHeader{Name: "padding.bin", Method: zip.Store})
	zero := make([]byte, 1<<20)
	for range 160 {
		w.Write(zero)
	}
	if err := iw.Close(); err != nil {
		t.Fatal(err)
	}
	var ob bytes.Buffer
	ow := zip.NewWriter(&ob)
	w, _ = ow.Create("conversations.json")
	w.Write([]byte(array(simple("outer", "Outer", 10))))
	w, _ = ow.CreateHeader(&zip.FileHeader{Name: "Conversations__x-part-001.zip", Method: zip.Deflate})
	w.Write(ib.Bytes())
	if err := ow.Close(); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "export.zip")
	if err := os.WriteFile(p, ob.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	a, err := OpenContext(context.Background(), Options{}, p)
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(a); len(got) != 1 || got[0] != "outer" {
		t.Errorf("conversations %v, want the outer one only", got)
	}
	ws := warningsOf(a, model.WarnFile)
	if len(ws) != 1 || !strings.Contains(ws[0].Reason, "Conversations__x-part-001.zip refused: ZIP bomb refused") || !strings.Contains(ws[0].Reason, "nothing was unpacked") {
		t.Errorf("want one warning refusing the inner ZIP before unpacking it, got %v", a.Warnings)
	}
}
