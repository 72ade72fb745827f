package snapshot

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unsafe"
)

// TestTornSnapshotFileIsCaught is TestTornSnapshotIsCaught over files
// opened with Open, whose compressed frames are read with pread
// (lazyRef.stored) rather than through the mapping: a zeroed page or a
// file cut short (a read past its end) fails the conversation's checksum
// or read, never decodes to other content, never faults.
func TestTornSnapshotFileIsCaught(t *testing.T) {
	index := strings.Repeat("index bytes ", 300)
	arch, _ := demoSnapshotIndex(t, index)
	dir := t.TempDir()
	compressed := 0
	// The texts' offsets, as an index records them (TestIndexTextOffsets).
	type ref struct {
		off uint64
		s   string
	}
	var refs []ref
	src := filepath.Join(dir, "good.snap")
	err := WriteFile(src, arch, Options{Fingerprint: testFP, Index: func(w io.Writer, textOffset func(*byte, int) (uint64, bool)) error {
		for _, c := range arch.Conversations {
			for _, n := range c.Nodes {
				if n.Msg == nil {
					continue
				}
				for _, b := range n.Msg.Blocks {
					if b.Text == "" {
						continue
					}
					off, ok := textOffset(unsafe.StringData(b.Text), len(b.Text))
					if !ok {
						return fmt.Errorf("%q not found", b.Text)
					}
					refs = append(refs, ref{off, b.Text})
				}
			}
		}
		_, err := w.Write([]byte(index))
		return err
	}})
	if err != nil {
		t.Fatal(err)
	}
	good, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	// texts reads every text through TextAt (a chunk read alone once its
	// conversation's frame was checked, else the whole frame first): each
	// is the text written or nil, never another.
	texts := func(what string, s *Snapshot) {
		t.Helper()
		for _, r := range refs {
			if p := s.TextAt(r.off, len(r.s)); p != nil && unsafe.String(p, len(r.s)) != r.s {
				t.Fatalf("%s: text at %d is not %q", what, r.off, r.s)
			}
		}
	}
	check := func(what string, b []byte) {
		t.Helper()
		p := filepath.Join(dir, "s.snap")
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		s, err := Open(p, testFP)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("%s: %v, want ErrCorrupt", what, err)
			}
			return
		}
		defer s.Close()
		texts(what+", before the trees", s)
		dropTexts(s)
		texts(what+", before the trees, again", s) // frames checked: chunks read alone
		for i := range s.refs {
			if s.refs[i].method != frameRaw && s.refs[i].sh.file != nil {
				compressed++
			}
		}
		checkOpened(t, what, arch, s)
		texts(what+", after the trees", s)
		if err := s.VerifyIndex(); err != nil {
			if !errors.Is(err, ErrCorrupt) || !s.Damaged() {
				t.Fatalf("%s: VerifyIndex: %v, damaged %v", what, err, s.Damaged())
			}
		} else if string(s.Index) != index {
			t.Fatalf("%s: a changed index passed its check", what)
		}
	}
	const page = 4096
	for at := 0; at < len(good); at += page {
		b := append([]byte(nil), good...)
		clear(b[at:min(at+page, len(b))])
		check(fmt.Sprintf("page at %d zeroed", at), b)
		check(fmt.Sprintf("cut at %d", at), good[:at])
	}
	if compressed == 0 {
		t.Fatal("no compressed frame read from a file: the test covers nothing")
	}
}

// dropTexts empties s's cache of decompressed chunks.
func dropTexts(s *Snapshot) {
	if c := s.texts; c != nil {
		c.mu.Lock()
		c.m, c.order, c.bytes = nil, nil, 0
		c.mu.Unlock()
	}
}
