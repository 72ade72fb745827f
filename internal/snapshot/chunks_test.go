package snapshot

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"unsafe"

	"github.com/backchat/backchat/internal/testkit/gen"
	"github.com/backchat/backchat/loader"
	"github.com/backchat/backchat/model"
)

// textRef is a searchable text and the offset its snapshot gave it.
type textRef struct {
	conv int
	off  uint64
	s    string
}

// searchable lists c's texts the search index covers (model/search/fields.go).
func searchable(c *model.Conversation) []string {
	strs := []string{c.Title}
	for _, n := range c.Tree() {
		if n.Msg == nil {
			continue
		}
		for _, b := range n.Msg.Blocks {
			strs = append(strs, b.Text, b.Title(), b.URL())
		}
	}
	return strs
}

// longSnapshot writes a generated export of the long shape (conversations
// of many chunks) with an index section recording every searchable text's
// offset, and returns the archive, the snapshot's path and the offsets.
// Its frames fill several of the writer's batches (compress.go).
func longSnapshot(t *testing.T) (*model.Archive, string, []textRef) {
	t.Helper()
	var b bytes.Buffer
	if _, err := gen.Write(&b, gen.Config{Seed: 7, TargetBytes: 4 << 20, Shape: gen.ShapeLong}); err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(t.TempDir(), "long.json")
	if err := os.WriteFile(in, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	arch, err := loader.OpenContext(context.Background(), loader.Options{}, in)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "long.snap")
	refs := writeIndexed(t, arch, path, func([]textRef) []byte { return []byte("index") })
	return arch, path, refs
}

// writeIndexed writes arch to path with an index section made by index
// from every searchable text's offset (found through the writer's
// textOffset), and returns those offsets.
func writeIndexed(t *testing.T, arch *model.Archive, path string, index func([]textRef) []byte) []textRef {
	t.Helper()
	var refs []textRef
	err := WriteFile(path, arch, Options{Fingerprint: testFP, Index: func(w io.Writer, textOffset func(*byte, int) (uint64, bool)) error {
		for i, c := range arch.Conversations {
			for _, s := range searchable(c) {
				if s == "" {
					continue
				}
				off, ok := textOffset(unsafe.StringData(s), len(s))
				if !ok {
					return fmt.Errorf("%q not found", s)
				}
				refs = append(refs, textRef{i, off, s})
			}
		}
		_, err := w.Write(index(refs))
		return err
	}})
	if err != nil {
		t.Fatal(err)
	}
	return refs
}

// TestChunkedTexts: in conversations compressed in many chunks, every
// searchable text is read back through TextAt (its chunk decompressed
// alone) and, once the tree is decoded, TextAt points at the tree's own
// strings (so a reopened archive's index can be saved again).
func TestChunkedTexts(t *testing.T) {
	arch, path, refs := longSnapshot(t)
	s, err := Open(path, testFP)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	multi, raw := 0, uint64(0)
	for i := range s.refs {
		r := &s.refs[i]
		raw += r.rawLen
		r.mu.Lock()
		if _, err := r.frame(new([]byte)); err != nil {
			t.Fatal(err)
		}
		if r.method == frameChunks && len(r.chunks) > 2 {
			multi++
		}
		r.mu.Unlock()
	}
	if multi == 0 {
		t.Fatal("no conversation of more than one chunk of strings: the test covers nothing")
	}
	if raw < 3*batchSize {
		t.Fatalf("%d bytes of frames: fewer than three batches, the test covers no batch boundary", raw)
	}
	for _, r := range refs {
		if !s.TextHas(r.off, len(r.s)) {
			t.Fatalf("TextHas(%d, %d) false", r.off, len(r.s))
		}
		if p := s.TextAt(r.off, len(r.s)); p == nil || unsafe.String(p, len(r.s)) != r.s {
			t.Fatalf("conversation %d: text at %d is not %q", r.conv, r.off, r.s)
		}
	}
	// Decode every tree: TextAt now returns the tree's strings.
	got := s.Archive.Conversations
	for i, c := range got {
		if len(c.Tree()) != len(arch.Conversations[i].Tree()) || c.TreeErr() != nil {
			t.Fatalf("conversation %d: %v", i, c.TreeErr())
		}
	}
	k := 0
	for i, c := range got {
		for _, str := range searchable(c) {
			if str == "" {
				continue
			}
			for k < len(refs) && refs[k].conv < i {
				k++
			}
			r := refs[k]
			if r.conv != i || r.s != str {
				t.Fatalf("conversation %d: text %q, recorded %q", i, str, r.s)
			}
			// A title is read from the table's strings, and a text the
			// loader shared between fields may be found in another's
			// place: check the text is read from the buffer the decoded
			// tree's strings point into.
			own, _ := s.textRef(r.off&^virtualText, len(r.s))
			if r.off&virtualText != 0 && own == &s.refs[i] && own.method == frameChunks {
				base := uintptr(unsafe.Pointer(own.buf.Value()))
				p := uintptr(unsafe.Pointer(s.TextAt(r.off, len(r.s))))
				if base == 0 || p < base || p >= base+uintptr(own.rawLen) {
					t.Fatalf("conversation %d: TextAt does not read the decoded tree's buffer (%q): base %x p %x len %d title %v", i, str, base, p, own.rawLen, str == c.Title)
				}
			}
			k++
		}
	}
	// Written again from the reopened archive, with offsets of TextAt's
	// pointers: every one is found.
	again := filepath.Join(t.TempDir(), "again.snap")
	err = WriteFile(again, s.Archive, Options{Index: func(w io.Writer, textOffset func(*byte, int) (uint64, bool)) error {
		for _, r := range refs {
			if _, ok := textOffset(s.TextAt(r.off, len(r.s)), len(r.s)); !ok {
				return fmt.Errorf("%q not found again", r.s)
			}
		}
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	if s.TextAt(virtualText|1<<40, 1) != nil || s.TextHas(virtualText|1<<40, 1) {
		t.Error("TextAt past the data stream")
	}
}

// TestDamagedChunkCostsItsConversation flips a byte in the compressed
// frame of a conversation of many chunks: reading its text through TextAt
// fails (nil) and marks the snapshot damaged; its tree reports
// ErrCorrupt; every other conversation's text and tree are intact.
func TestDamagedChunkCostsItsConversation(t *testing.T) {
	arch, path, refs := longSnapshot(t)
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s0, err := OpenBytes(good, testFP)
	if err != nil {
		t.Fatal(err)
	}
	victim := -1
	for i := range s0.refs {
		if s0.refs[i].method == frameChunks && s0.refs[i].rawLen > 3*chunkSize {
			victim = i
			break
		}
	}
	if victim < 0 {
		t.Fatal("no conversation of several chunks")
	}
	r := &s0.refs[victim]
	for _, at := range []uint64{r.off + 1, r.off + r.n/2, r.off + r.n - 1} {
		b := bytes.Clone(good)
		b[at] ^= 0x10
		s, err := OpenBytes(b, testFP)
		if err != nil {
			t.Fatal(err)
		}
		for _, ref := range refs {
			p := s.TextAt(ref.off, len(ref.s))
			if ref.conv == victim && ref.off&virtualText != 0 {
				if p != nil {
					t.Fatalf("byte %d: damaged conversation's text read", at)
				}
				continue
			}
			if p == nil || unsafe.String(p, len(ref.s)) != ref.s {
				t.Fatalf("byte %d: conversation %d's text lost", at, ref.conv)
			}
		}
		if !s.Damaged() {
			t.Fatalf("byte %d: snapshot not marked damaged", at)
		}
		for i, c := range s.Archive.Conversations {
			c.Tree()
			if err := c.TreeErr(); (err != nil) != (i == victim) || (err != nil && !errors.Is(err, ErrCorrupt)) {
				t.Fatalf("byte %d: conversation %d: %v", at, i, err)
			}
		}
		_ = arch
	}
}

// TestTextAtConcurrently reads every text from several goroutines while
// others decode the trees (run with -race): each read gives the text.
func TestTextAtConcurrently(t *testing.T) {
	_, path, refs := longSnapshot(t)
	s, err := Open(path, testFP)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for i := range refs {
				r := refs[(i+g*len(refs)/4)%len(refs)]
				if p := s.TextAt(r.off, len(r.s)); p == nil || unsafe.String(p, len(r.s)) != r.s {
					t.Errorf("text at %d is not %q", r.off, r.s)
					return
				}
			}
		}()
		go func() {
			defer wg.Done()
			for _, c := range s.Archive.Conversations[g:] {
				if c.Tree(); c.TreeErr() != nil {
					t.Error(c.TreeErr())
					return
				}
			}
		}()
	}
	wg.Wait()
}

// TestTextRefAnyOrder: textRef finds a text's conversation whatever the
// order of the lookups (its hint is the last one found), the same as a
// plain search over the conversations' starts.
func TestTextRefAnyOrder(t *testing.T) {
	refs := make([]lazyRef, 50)
	v := uint64(0)
	for i := range refs {
		refs[i].vstart = v
		refs[i].strLen = uint64(i%7 + 1)  // conversation i's strings: [vstart, vstart+strLen)
		v += refs[i].strLen + uint64(i%3) // some gaps (blobs) between them
	}
	s := &Snapshot{refs: refs}
	want := func(off uint64) (int, int) {
		for i := len(refs) - 1; i >= 0; i-- {
			if refs[i].vstart <= off {
				if o := off - refs[i].vstart; o < refs[i].strLen {
					return i, int(o)
				}
				return -1, 0
			}
		}
		return -1, 0
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		off := rng.Uint64N(v + 5)
		r, o := s.textRef(off, 1)
		wi, wo := want(off)
		got := -1
		for i := range refs {
			if r == &refs[i] {
				got = i
			}
		}
		if got != wi || (r != nil && o != wo) {
			t.Fatalf("textRef(%d): conversation %d offset %d, want %d offset %d", off, got, o, wi, wo)
		}
	}
}
