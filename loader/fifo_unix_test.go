//go:build unix

package loader

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/backchat/backchat/model"
)

// within runs f, failing the test when it takes more than 10 s (a read
// that blocks on a FIFO never ends; the goroutine is left behind).
func within(t *testing.T, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatalf("%s: still blocked after 10 s", what)
	}
}

// TestFIFORefused: a FIFO or a device given as the export, or named like
// a conversation file inside a folder export, is refused with an error or
// a warning naming what it is; nothing waits on it.
func TestFIFORefused(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "export.json")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	for _, c := range []struct{ path, want string }{{fifo, "named pipe"}, {"/dev/zero", "device"}} {
		var err error
		within(t, c.path, func() { _, err = OpenContext(context.Background(), Options{}, c.path) })
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("%s: error %v, want one saying it is %s, not a regular file", c.path, err, c.want)
		}
	}

	// A folder whose conversations.json is a FIFO, beside a real shard.
	folder := filepath.Join(dir, "export")
	writeFile(t, folder, "conversations-001.json", array(simple("c1", "One", 10)))
	if err := syscall.Mkfifo(filepath.Join(folder, "conversations.json"), 0o600); err != nil {
		t.Fatal(err)
	}
	var (
		a   *model.Archive
		err error
	)
	within(t, "folder with a FIFO", func() { a, err = OpenContext(context.Background(), Options{}, folder) })
	if err != nil || len(a.Conversations) != 1 {
		t.Fatalf("folder with a FIFO beside a shard: %v", err)
	}
	if ws := warningsOf(a, model.WarnFile); len(ws) != 1 || !strings.Contains(ws[0].Reason, "named pipe") || !strings.HasSuffix(ws[0].File, "conversations.json") {
		t.Errorf("want one warning naming the FIFO, got %v", a.Warnings)
	}

	// A folder holding only the FIFO.
	only := filepath.Join(dir, "only")
	writeFile(t, only, "notes.txt", "x")
	if err := syscall.Mkfifo(filepath.Join(only, "conversations.json"), 0o600); err != nil {
		t.Fatal(err)
	}
	within(t, "folder of a FIFO", func() { _, err = OpenContext(context.Background(), Options{}, only) })
	if err == nil || !strings.Contains(err.Error(), "named pipe") {
		t.Errorf("folder holding only a FIFO: error %v, want one naming the FIFO", err)
	}

	// An asset that is a FIFO.
	if err := syscall.Mkfifo(filepath.Join(folder, "file-x.png"), 0o600); err != nil {
		t.Fatal(err)
	}
	conv := &model.Conversation{Source: filepath.Join(folder, "conversations-001.json")}
	within(t, "asset FIFO", func() { _, err = OpenAsset(conv, &model.Asset{File: "file-x.png"}) })
	if err == nil || !strings.Contains(err.Error(), "named pipe") {
		t.Errorf("asset FIFO: error %v", err)
	}
}

// TestSymlinkedShards: a conversation file linked into a folder export is
// read when it leads to a regular file; a dangling link or a link to a
// FIFO is a warning naming it, never a silent skip or a block.
func TestSymlinkedShards(t *testing.T) {
	dir := t.TempDir()
	elsewhere := filepath.Join(dir, "kept")
	writeFile(t, elsewhere, "shard.json", array(simple("c2", "Two", 10)))
	folder := filepath.Join(dir, "export")
	writeFile(t, folder, "conversations-000.json", array(simple("c1", "One", 10)))
	link := func(target, name string) {
		t.Helper()
		if err := os.Symlink(target, filepath.Join(folder, name)); err != nil {
			t.Fatal(err)
		}
	}
	link(filepath.Join(elsewhere, "shard.json"), "conversations-001.json")
	link(filepath.Join(dir, "gone.json"), "conversations-002.json")
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe"), 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	link(filepath.Join(dir, "pipe"), "conversations-003.json")

	var (
		a   *model.Archive
		err error
	)
	within(t, "folder with links", func() { a, err = OpenContext(context.Background(), Options{}, folder) })
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Conversations) != 2 {
		t.Errorf("%d conversations, want both (the linked shard read)", len(a.Conversations))
	}
	var dangling, pipe bool
	for _, w := range warningsOf(a, model.WarnFile) {
		switch {
		case strings.HasSuffix(w.File, "conversations-002.json") && strings.Contains(w.Reason, "leads nowhere"):
			dangling = true
		case strings.HasSuffix(w.File, "conversations-003.json") && strings.Contains(w.Reason, "named pipe"):
			pipe = true
		}
	}
	if !dangling || !pipe {
		t.Errorf("want warnings for the dangling link and the link to a FIFO, got %v", a.Warnings)
	}
}
