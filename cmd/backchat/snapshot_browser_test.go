package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/backchat/backchat/internal/snapshot"
	"github.com/backchat/backchat/model/search"
	"github.com/backchat/backchat/model/search/live"
)

// TestBrowserSnapshot: the browser gets a good snapshot ready (archive and
// index, nothing decoded); a conversation that fails its checksum reports
// ErrCorrupt and the snapshot is rebuilt in the background.
func TestBrowserSnapshot(t *testing.T) {
	in, snap, good := demoSnapshot(t)
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
	if src.Ready == nil || src.Ready.Searcher == nil || src.Loaded != nil {
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

// TestBrowserSnapshotIndexLater: the browser is ready while the index
// loads (live.NewIndexedLater's test: searches wait for it); an index
// that does not load marks the snapshot damaged (it is rebuilt from the
// inputs) and is built from the archive instead, so the browser's
// searches still answer.
func TestBrowserSnapshotIndexLater(t *testing.T) {
	in, snap, good := demoSnapshot(t)
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
	if src.Ready.Searcher == nil {
		t.Fatal("no searcher")
	}
	ix := src.Ready.Searcher.Index() // waits for the index
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

// TestBrowserSnapshotDamagedIndex: an index that loads but fails the
// checksum read after the browser opened it is not searched any longer:
// the archive is indexed again (answers then equal a fresh index's) and
// the snapshot is rebuilt.
func TestBrowserSnapshotDamagedIndex(t *testing.T) {
	in, snap, good := demoSnapshot(t)
	var fp snapshot.Fingerprint
	copy(fp[:], good[16:48]) // the header's fingerprint (internal/snapshot/format.go)
	idxOff, idxLen := section(good, 5)
	damaged := false
	// The last byte of the index whose flip still loads (its structure
	// holds) but fails the checksum.
	for at := idxOff + idxLen - 1; at > idxOff && !damaged; at-- {
		bad := append([]byte(nil), good...)
		bad[at] ^= 0x41
		s, err := snapshot.OpenBytes(bad, fp)
		if err != nil {
			continue
		}
		if _, err := loadSnapshotIndex(s); err == nil && s.VerifyIndex() != nil {
			damaged = os.WriteFile(snap, bad, 0o600) == nil
		}
		_ = s.Close()
	}
	if !damaged {
		t.Fatal("no byte of the index could be damaged so that it still loads")
	}

	var errOut bytes.Buffer
	a := newApp(strings.NewReader(""), &bytes.Buffer{}, &errOut)
	a.snapshotPath = func([]string) string { return snap }
	verify := make(chan struct{})
	a.verifyAfter = func(ctx context.Context) bool {
		select {
		case <-verify:
			return true
		case <-ctx.Done():
			return false
		}
	}
	bg, cancel := context.WithCancel(context.Background())
	defer cancel()
	src := a.browserSnapshot(context.Background(), bg, archiveSource{Paths: []string{in}})
	if src.Ready == nil || src.Ready.Searcher == nil {
		t.Fatalf("the snapshot is not ready: %+v (%s)", src, errOut.String())
	}
	srch := src.Ready.Searcher
	damagedIx := srch.Index() // the snapshot's, as loaded
	close(verify)
	for deadline := time.Now().Add(20 * time.Second); srch.Index() == damagedIx; {
		if time.Now().After(deadline) {
			t.Fatal("the damaged index is still searched")
		}
		time.Sleep(10 * time.Millisecond)
	}
	list := src.Ready.Archive.Conversations
	fresh := live.NewArchive(src.Ready.Archive)
	for _, q := range []string{"the", "carbonara", `"of the"`, "role:user a"} {
		want, err1 := fresh.Search(context.Background(), list, q, live.Options{})
		got, err2 := srch.Search(context.Background(), list, q, live.Options{})
		if err1 != nil || err2 != nil || !slices.Equal(want.Convs, got.Convs) || got.Indexing {
			t.Fatalf("%q after indexing again: %v (%v), want %v (%v)", q, got.Convs, err2, want.Convs, err1)
		}
	}
	a.snapWrites.Wait() // the rebuild
	s, err := snapshot.Open(snap, fp)
	if err != nil {
		t.Fatalf("the snapshot was not rebuilt: %v", err)
	}
	defer s.Close()
	if err := s.VerifyIndex(); err != nil {
		t.Fatalf("rebuilt snapshot's index: %v", err)
	}
}

// demoSnapshot writes the demo archive's snapshot (through `ls`) and
// returns the input, the snapshot's path and its bytes.
func demoSnapshot(t *testing.T) (in, snap string, good []byte) {
	t.Helper()
	in = snapshotInputs(t)["demo"]
	snap = filepath.Join(t.TempDir(), "s.snap")
	if r := snapRun(t, snap, false, "ls", in); r.code != exitOK {
		t.Fatal(r.stderr)
	}
	good, err := os.ReadFile(snap)
	if err != nil {
		t.Fatal(err)
	}
	return in, snap, good
}
