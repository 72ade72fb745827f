package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/backchat/backchat/internal/snapshot"
	"github.com/backchat/backchat/model/search"
)

// TestBrowserSnapshot: the browser gets a good snapshot ready (archive and
// index, nothing decoded); a conversation that fails its checksum reports
// ErrCorrupt and the snapshot is rebuilt in the background.
func TestBrowserSnapshot(t *testing.T) {
	in := snapshotInputs(t)["demo"]
	snap := filepath.Join(t.TempDir(), "s.snap")
	if r := snapRun(t, snap, false, "ls", in); r.code != exitOK {
		t.Fatal(r.stderr)
	}
	good, _ := os.ReadFile(snap)
	dataOff, _ := section(good, 0)
	bad := append([]byte(nil), good...)
	bad[dataOff+5] ^= 0x10 // in the first conversation's strings
	if err := os.WriteFile(snap, bad, 0o600); err != nil {
		t.Fatal(err)
	}

	var errOut bytes.Buffer
	a := newApp(strings.NewReader(""), &bytes.Buffer{}, &errOut)
	a.snapshotPath = func([]string) string { return snap }
	src := a.browserSnapshot(context.Background(), context.Background(), archiveSource{Paths: []string{in}})
	if src.Ready == nil || src.Ready.Index == nil || src.Loaded != nil {
		t.Fatalf("a good snapshot is not ready: %+v (%s)", src, errOut.String())
	}
	cs := src.Ready.Archive.Conversations
	for _, c := range cs {
		if c.TreeLoaded() {
			t.Fatal("a conversation was decoded to get ready")
		}
	}
	if err := cs[0].TreeErr(); !errors.Is(err, snapshot.ErrCorrupt) {
		t.Fatalf("damaged conversation: %v", err)
	}
	a.snapWrites.Wait() // the rebuild
	var fp snapshot.Fingerprint
	copy(fp[:], good[16:48]) // the header's fingerprint (internal/snapshot/format.go)
	s, err := snapshot.Open(snap, fp)
	if err != nil {
		t.Fatalf("the snapshot was not rebuilt: %v", err)
	}
	defer s.Close()
	for _, c := range s.Archive.Conversations {
		if err := c.TreeErr(); err != nil {
			t.Fatalf("rebuilt snapshot: %v", err)
		}
	}
	if _, err := loadSnapshotIndex(s); err != nil || s.VerifyIndex() != nil {
		t.Fatalf("rebuilt snapshot's index: %v", err)
	}
	if errOut.Len() != 0 {
		t.Errorf("the browser wrote to stderr: %q", errOut.String())
	}

	// Without a snapshot the browser loads, and writes one when done.
	if err := os.Remove(snap); err != nil {
		t.Fatal(err)
	}
	a = newApp(strings.NewReader(""), &bytes.Buffer{}, &errOut)
	a.snapshotPath = func([]string) string { return snap }
	src = a.browserSnapshot(context.Background(), context.Background(), archiveSource{Paths: []string{in}})
	if src.Ready != nil || src.Loaded == nil {
		t.Fatalf("no snapshot: %+v", src)
	}
}

// TestBrowserSnapshotIndexLater: the browser is ready before the index
// loads; an index that does not load marks the snapshot damaged (it is
// rebuilt from the inputs) and is built from the archive instead, so the
// browser's searches still answer.
func TestBrowserSnapshotIndexLater(t *testing.T) {
	in := snapshotInputs(t)["demo"]
	snap := filepath.Join(t.TempDir(), "s.snap")
	if r := snapRun(t, snap, false, "ls", in); r.code != exitOK {
		t.Fatal(r.stderr)
	}
	good, _ := os.ReadFile(snap)
	idxOff, _ := section(good, 5)
	bad := append([]byte(nil), good...)
	bad[idxOff] ^= 0xff // the index's conversation count
	if err := os.WriteFile(snap, bad, 0o600); err != nil {
		t.Fatal(err)
	}
	var errOut bytes.Buffer
	a := newApp(strings.NewReader(""), &bytes.Buffer{}, &errOut)
	a.snapshotPath = func([]string) string { return snap }
	src := a.browserSnapshot(context.Background(), context.Background(), archiveSource{Paths: []string{in}})
	if src.Ready == nil || src.Loaded != nil {
		t.Fatalf("a snapshot with a bad index is not shown: %+v (%s)", src, errOut.String())
	}
	if a.snap.Damaged() {
		t.Fatal("the index was read before the browser asked for it")
	}
	ix := src.Ready.Index()
	if ix == nil || ix.Len() != len(src.Ready.Archive.Conversations) || !a.snap.Damaged() {
		t.Fatalf("index %v, damaged %v", ix, a.snap.Damaged())
	}
	q, err := search.Parse("the")
	if err != nil {
		t.Fatal(err)
	}
	if res, err := ix.Search(context.Background(), q, search.Options{}); err != nil || res.Total == 0 {
		t.Fatalf("the built index answers %d, %v", res.Total, err)
	}
	a.snapWrites.Wait() // the rebuild
	var fp snapshot.Fingerprint
	copy(fp[:], good[16:48])
	s, err := snapshot.Open(snap, fp)
	if err != nil {
		t.Fatalf("the snapshot was not rebuilt: %v", err)
	}
	defer s.Close()
	if _, err := loadSnapshotIndex(s); err != nil {
		t.Fatalf("rebuilt snapshot's index: %v", err)
	}
}
