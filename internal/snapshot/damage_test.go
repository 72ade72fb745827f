package snapshot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"unsafe"

	"github.com/backchat/backchat/internal/demo"
	"github.com/backchat/backchat/internal/testkit/msgkit"
	"github.com/backchat/backchat/loader"
	"github.com/backchat/backchat/model"
)

// demoSnapshot loads the demo archive and returns it with its snapshot's
// bytes (an index section of test bytes included).
func demoSnapshot(t testing.TB) (*model.Archive, []byte) {
	t.Helper()
	return demoSnapshotIndex(t, "index bytes")
}

// demoSnapshotIndex is demoSnapshot with index as the index section.
func demoSnapshotIndex(t testing.TB, index string) (*model.Archive, []byte) {
	t.Helper()
	dir, cleanup, err := demo.Dir()
	if err != nil {
		t.Fatal(err)
	}
	defer cleanup()
	arch, err := loader.OpenContext(context.Background(), loader.Options{}, dir)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "demo.snap")
	err = WriteFile(path, arch, Options{Fingerprint: testFP, Index: func(w io.Writer, textOffset func(*byte, int) (uint64, bool)) error {
		_, err := w.Write([]byte(index))
		return err
	}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return arch, b
}

var testFP = Fingerprint{9, 8, 7}

// checkOpened fails unless every conversation of s either equals want's or
// reports ErrCorrupt (and then s is Damaged): damage is never silent.
func checkOpened(t *testing.T, what string, want *model.Archive, s *Snapshot) {
	t.Helper()
	got := s.Archive
	if !reflect.DeepEqual(want.Warnings, got.Warnings) || !reflect.DeepEqual(want.Sources, got.Sources) ||
		!reflect.DeepEqual(want.Accounts, got.Accounts) || len(want.Conversations) != len(got.Conversations) {
		t.Fatalf("%s: opened with different meta", what)
	}
	damaged := false
	for i, w := range want.Conversations {
		g := got.Conversations[i]
		if w.ID != g.ID || w.Title != g.Title || !reflect.DeepEqual(w.Sources, g.Sources) || w.Updated != g.Updated {
			t.Fatalf("%s: conversation %d header differs", what, i)
		}
		if err := g.TreeErr(); err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("%s: %v, want ErrCorrupt", what, err)
			}
			damaged = true
			continue
		}
		if !reflect.DeepEqual(w.Nodes, g.Tree()) || !msgkit.SameChildren(w.Nodes, g.Tree()) {
			t.Fatalf("%s: conversation %s tree differs without an error", what, w.ID)
		}
	}
	if damaged != s.Damaged() {
		t.Fatalf("%s: Damaged()=%v, a tree failed: %v", what, s.Damaged(), damaged)
	}
}

// TestEveryFlippedByteIsCaught flips each byte of a snapshot in turn: it
// is refused at open, or the conversation holding the byte fails its
// checksum; nothing decodes to different content.
func TestEveryFlippedByteIsCaught(t *testing.T) {
	arch, good := demoSnapshot(t)
	// Every byte of the header and of the sections checked at open; in
	// the data section (one check per conversation, and a full compare
	// per flip) every 53rd byte.
	h, err := readHeader(good, testFP)
	if err != nil {
		t.Fatal(err)
	}
	data := h.secs[secData]
	refused, damaged := 0, 0
	for i := 0; i < len(good); i++ {
		if uint64(i) >= data.off && uint64(i) < data.off+data.len && (uint64(i)-data.off)%53 != 0 {
			continue
		}
		b := append([]byte(nil), good...)
		b[i] ^= 0x20
		s, err := OpenBytes(b, testFP)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrStale) {
				t.Fatalf("byte %d: %v is neither ErrCorrupt nor ErrStale", i, err)
			}
			refused++
			continue
		}
		checkOpened(t, "byte "+itoa(i), arch, s)
		if err := s.VerifyIndex(); err != nil {
			if !errors.Is(err, ErrCorrupt) || !s.Damaged() {
				t.Fatalf("byte %d: VerifyIndex: %v, damaged %v", i, err, s.Damaged())
			}
		} else if string(s.Index) != "index bytes" {
			t.Fatalf("byte %d: index %q passed its check", i, s.Index)
		}
		if s.Damaged() {
			damaged++
		}
	}
	t.Logf("%d bytes: %d refused at open, %d caught by a conversation's checksum", len(good), refused, damaged)
	if refused == 0 || damaged == 0 {
		t.Fatal("expected both kinds of detection")
	}
}

func itoa(i int) string { return fmt.Sprint(i) }

func TestCutSnapshotIsRefused(t *testing.T) {
	_, good := demoSnapshot(t)
	for _, n := range []int{0, 1, 8, 11, 12, HeaderSize - 1, HeaderSize, HeaderSize + 1, len(good) / 3, len(good) / 2, len(good) - 9, len(good) - 1} {
		if _, err := OpenBytes(good[:n], testFP); !errors.Is(err, ErrCorrupt) {
			t.Errorf("cut at %d of %d: err %v, want ErrCorrupt", n, len(good), err)
		}
	}
	long := append(append([]byte(nil), good...), 0)
	if _, err := OpenBytes(long, testFP); !errors.Is(err, ErrCorrupt) {
		t.Errorf("a byte appended: err %v, want ErrCorrupt", err)
	}
}

func TestStaleSnapshotIsRefused(t *testing.T) {
	_, good := demoSnapshot(t)
	if _, err := OpenBytes(good, Fingerprint{1}); !errors.Is(err, ErrStale) {
		t.Errorf("other fingerprint: %v, want ErrStale", err)
	}
	b := append([]byte(nil), good...)
	b[8]++ // the format version
	if _, err := OpenBytes(b, testFP); !errors.Is(err, ErrStale) {
		t.Errorf("other version: %v, want ErrStale", err)
	}
	if s, err := OpenBytes(good, testFP); err != nil || string(s.Index) != "index bytes" || s.Flags&FlagIndex == 0 {
		t.Fatalf("the good one: %v", err)
	}
}

func TestWriteFileIsPrivateAndAtomic(t *testing.T) {
	arch, _ := demoSnapshot(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "a.snap")
	if err := WriteFile(path, arch, Options{}); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
	before, _ := os.ReadFile(path)
	// Abandoned (the inputs changed): the old file stays, no temporary
	// file is left behind.
	arch2 := &model.Archive{Conversations: arch.Conversations[:1]}
	if err := WriteFile(path, arch2, Options{Valid: func() bool { return false }}); !errors.Is(err, ErrAbandoned) {
		t.Fatalf("abandoned write: %v", err)
	}
	// A failing index writer: same.
	failing := func(io.Writer, func(*byte, int) (uint64, bool)) error { return errors.New("boom") }
	if err := WriteFile(path, arch2, Options{Index: failing}); err == nil {
		t.Fatal("a failing index writer must fail the write")
	}
	after, _ := os.ReadFile(path)
	if !reflect.DeepEqual(before, after) {
		t.Error("a failed write changed the snapshot")
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Errorf("%d files in the folder, want only the snapshot", len(ents))
	}
}

// TestLazyTreesDecodeConcurrently reads every tree from many goroutines at
// once (run with -race).
func TestLazyTreesDecodeConcurrently(t *testing.T) {
	arch, good := demoSnapshot(t)
	s, err := OpenBytes(good, testFP)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cs := s.Archive.Conversations
			for i := range cs {
				c := cs[(i+g*7)%len(cs)]
				_ = c.VisibleCount()
				if len(c.Tree()) == 0 && c.TreeErr() != nil {
					t.Error(c.TreeErr())
				}
			}
		}()
	}
	wg.Wait()
	checkOpened(t, "concurrent", arch, s)
}

// TestIndexTextOffsets checks the offsets handed to an index writer: each
// searchable field's text (and a piece inside it) is found again at its
// offset after a reopen.
func TestIndexTextOffsets(t *testing.T) {
	arch, _ := demoSnapshot(t)
	type ref struct {
		off uint64
		s   string
	}
	var refs []ref
	path := filepath.Join(t.TempDir(), "a.snap")
	err := WriteFile(path, arch, Options{Index: func(w io.Writer, textOffset func(*byte, int) (uint64, bool)) error {
		for _, c := range arch.Conversations {
			// The searchable fields (model/search/fields.go).
			strs := []string{c.Title}
			for _, n := range c.Nodes {
				if n.Msg == nil {
					continue
				}
				for _, b := range n.Msg.Blocks {
					strs = append(strs, b.Text, b.Domain(), b.Title(), b.URL())
					if len(b.Text) > 4 {
						strs = append(strs, b.Text[2:len(b.Text)-1]) // a piece inside
					}
				}
			}
			for _, s := range strs {
				if s == "" {
					continue
				}
				off, ok := textOffset(unsafe.StringData(s), len(s))
				if !ok {
					return fmt.Errorf("%q not found", s)
				}
				refs = append(refs, ref{off, s})
			}
		}
		if _, ok := textOffset(&[]byte("elsewhere")[0], 9); ok {
			return errors.New("a pointer outside the archive was found")
		}
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	s, err := Open(path, Fingerprint{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, r := range refs {
		p := s.TextAt(r.off, len(r.s))
		if p == nil || unsafe.String(p, len(r.s)) != r.s {
			t.Fatalf("text at %d is not %q", r.off, r.s)
		}
	}
	if s.TextAt(uint64(s.Size()), 1) != nil || s.TextAt(uint64(s.Size())-1, 2) != nil {
		t.Error("TextAt past the end")
	}
}

// TestTornSnapshotIsCaught zeroes the snapshot's pages, one at a time and
// from each page on to the end, as a crash can leave a file that was
// renamed into place but never synced (WriteFile does not sync: the pages
// the system had not written back read as zeros or are cut off). Each is
// refused at open, or the conversation or index whose bytes were lost
// fails its checksum; nothing decodes to different content.
func TestTornSnapshotIsCaught(t *testing.T) {
	// An index of a few pages, so that some page holds only index bytes.
	index := strings.Repeat("index bytes ", 300)
	arch, good := demoSnapshotIndex(t, index)
	const page = 512 // a sector: a smaller unit than the system's pages
	check := func(what string, b []byte) {
		t.Helper()
		s, err := OpenBytes(b, testFP)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("%s: %v, want ErrCorrupt", what, err)
			}
			return
		}
		checkOpened(t, what, arch, s)
		if err := s.VerifyIndex(); err != nil {
			if !errors.Is(err, ErrCorrupt) || !s.Damaged() {
				t.Fatalf("%s: VerifyIndex: %v, damaged %v", what, err, s.Damaged())
			}
		} else if string(s.Index) != index {
			t.Fatalf("%s: a changed index passed its check", what)
		}
	}
	for at := 0; at < len(good); at += page {
		b := append([]byte(nil), good...)
		clear(b[at:min(at+page, len(b))])
		check(fmt.Sprintf("page at %d zeroed", at), b)
		b = append([]byte(nil), good...)
		clear(b[at:])
		check(fmt.Sprintf("zeros from %d on", at), b)
		check(fmt.Sprintf("cut at %d", at), good[:at])
	}
}
