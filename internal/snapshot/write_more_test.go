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
	"runtime"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/backchat/backchat/internal/testkit/msgkit"
	"github.com/backchat/backchat/model"
)

// pooledArchive is an archive whose conversations keep bringing new
// pooled strings (a model name per message, distinct of them across the
// archive); its frames fill several batches.
func pooledArchive(convs, msgs, distinct int) *model.Archive {
	a := &model.Archive{Conversations: []*model.Conversation{}}
	k := 0
	for i := range convs {
		c := &model.Conversation{ID: fmt.Sprintf("c%d", i), Title: fmt.Sprintf("title %d", i), Model: fmt.Sprintf("conv-model-%d", i%97),
			Current: int32(msgs), Updated: time.Unix(int64(i), 0).UTC()}
		c.Nodes = append(c.Nodes, model.Node{Key: "root", Parent: model.NoNode})
		for j := range msgs {
			k++
			c.Nodes[j].SetChildren([]int32{int32(j + 1)})
			text := strings.Repeat(fmt.Sprintf("message %d of conversation %d says something. ", j, i), 1+(i*j)%40)
			c.Nodes = append(c.Nodes, model.Node{Key: fmt.Sprintf("n%d", j), Parent: int32(j), Msg: msgkit.With(&model.Message{
				ID:     fmt.Sprintf("m%d", j),
				Blocks: []model.Block{{Kind: model.BlockText, Text: text}},
			}, msgkit.Fields{Role: model.Role([]string{"user", "assistant"}[j%2]), Model: fmt.Sprintf("model-%d", k%distinct)})})
		}
		a.Conversations = append(a.Conversations, c)
	}
	return a
}

// writeWith writes arch with GOMAXPROCS procs (so that many workers) and
// an index of every searchable text's offset; it returns the bytes.
func writeWith(t *testing.T, arch *model.Archive, procs int) []byte {
	t.Helper()
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
	path := filepath.Join(t.TempDir(), "a.snap")
	writeIndexed(t, arch, path, func(refs []textRef) []byte {
		var e enc
		for _, r := range refs {
			e.uv(r.off)
		}
		return e.b
	})
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestWriteDeterministic: writing the same archive again, with one or two
// processors, gives the same bytes (the string pool numbers strings by
// first use, whatever the compressors' timing).
func TestWriteDeterministic(t *testing.T) {
	for name, arch := range map[string]*model.Archive{
		"pooled":    pooledArchive(400, 12, 3000),
		"pool full": pooledArchive(300, 250, poolMaxEntries+5000),
	} {
		first := writeWith(t, arch, 1)
		for _, procs := range []int{2, 4, 2} {
			if !bytes.Equal(first, writeWith(t, arch, procs)) {
				t.Fatalf("%s: %d procs wrote other bytes than 1", name, procs)
			}
		}
	}
}

// TestPoolFullRoundTrip: strings met once the pool is full are written
// fresh and read back.
func TestPoolFullRoundTrip(t *testing.T) {
	arch := pooledArchive(300, 250, poolMaxEntries+5000)
	s := roundTrip(t, arch, Options{})
	equalArchives(t, "pool full", arch, s.Archive)
}

// TestRewriteReopened writes a reopened snapshot's archive again (its
// trees decoded as they are encoded, as an import does): the same bytes.
func TestRewriteReopened(t *testing.T) {
	_, path, _ := longSnapshot(t)
	first, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s, err := OpenBytes(first, testFP)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "again.snap")
	if err := WriteFile(out, s.Archive, Options{Fingerprint: testFP, Index: func(w io.Writer, _ func(*byte, int) (uint64, bool)) error {
		_, err := w.Write([]byte("index"))
		return err
	}}); err != nil {
		t.Fatal(err)
	}
	again, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, again) {
		t.Fatal("the reopened archive's snapshot differs")
	}
}

// TestWriteFailsCleanly: a conversation whose tree cannot be read (a
// damaged frame of a reopened snapshot) or a cancelled context fails the
// write with that error, and every goroutine it started has ended when
// Write returns.
func TestWriteFailsCleanly(t *testing.T) {
	_, path, _ := longSnapshot(t)
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	base := runtime.NumGoroutine()
	s0, err := OpenBytes(good, testFP)
	if err != nil {
		t.Fatal(err)
	}
	victim := len(s0.refs) * 2 / 3
	b := bytes.Clone(good)
	b[s0.refs[victim].off+s0.refs[victim].n/2] ^= 0x10
	s, err := OpenBytes(b, testFP)
	if err != nil {
		t.Fatal(err)
	}
	err = Write(&memFile{}, s.Archive, Options{})
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), s.Archive.Conversations[victim].ID) {
		t.Fatalf("damaged conversation: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Write(&memFile{}, s0.Archive, Options{Context: ctx}); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
	if err := Write(&memFile{}, s0.Archive, Options{Index: func(io.Writer, func(*byte, int) (uint64, bool)) error {
		return errors.New("index failed")
	}}); err == nil || !strings.Contains(err.Error(), "index failed") {
		t.Fatalf("failing index: %v", err)
	}
	if n := scratchLive.Load(); n != 0 {
		t.Fatalf("%d scratch mappings left after the failed writes", n)
	}
	for range 100 {
		if runtime.NumGoroutine() <= base {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%d goroutines left running, %d before", runtime.NumGoroutine(), base)
}

// TestWriteIndexPanicEndsPipe: an index writer that panics (after
// writing part of the index, enough to fill the pipe's buffers) makes
// Write panic, but the index pipe still ends: its goroutine is gone and
// its buffers are unmapped.
func TestWriteIndexPanicEndsPipe(t *testing.T) {
	arch := pooledArchive(20, 5, 50)
	base := runtime.NumGoroutine()
	for _, n := range []int{0, 100, 5 * pipeBuffer / 2} {
		func() {
			defer func() {
				if r := recover(); r != "index writer bug" {
					t.Fatalf("after %d bytes: recovered %v, want the index writer's panic", n, r)
				}
			}()
			_ = Write(&memFile{}, arch, Options{Index: func(w io.Writer, _ func(*byte, int) (uint64, bool)) error {
				if _, err := w.Write(make([]byte, n)); err != nil {
					return err
				}
				panic("index writer bug")
			}})
		}()
		if m := scratchLive.Load(); m != 0 {
			t.Fatalf("after %d bytes: %d scratch mappings left after the panic", n, m)
		}
	}
	for range 100 {
		if runtime.NumGoroutine() <= base {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%d goroutines left running, %d before", runtime.NumGoroutine(), base)
}

// memFile is a File in memory.
type memFile struct{ b []byte }

func (f *memFile) Write(p []byte) (int, error) {
	f.b = append(f.b, p...)
	return len(p), nil
}

func (f *memFile) WriteAt(p []byte, off int64) (int, error) {
	if need := int(off) + len(p); need > len(f.b) {
		f.b = append(f.b, make([]byte, need-len(f.b))...)
	}
	return copy(f.b[off:], p), nil
}

// aliasedArchive is an archive whose searchable fields share memory (a
// conversation's title is also its first message's text, a block's
// summary another block's text, as a loader interning strings would
// make them); its strings are allocated in an order shuffled by seed, so
// two archives of different seeds are equal but lie at addresses sorted
// differently.
func aliasedArchive(convs, msgs int, seed uint64) *model.Archive {
	texts := make([]string, convs*msgs)
	perm := rand.New(rand.NewPCG(seed, 2)).Perm(len(texts))
	for _, i := range perm {
		texts[i] = strings.Clone(strings.Repeat(fmt.Sprintf("text %d ", i), 1+i%7))
	}
	a := &model.Archive{Conversations: []*model.Conversation{}}
	for i := range convs {
		c := &model.Conversation{ID: fmt.Sprintf("c%d", i), Title: texts[i*msgs], Current: int32(msgs)}
		c.Nodes = append(c.Nodes, model.Node{Key: "root", Parent: model.NoNode})
		for j := range msgs {
			c.Nodes[j].SetChildren([]int32{int32(j + 1)})
			b := model.Block{Kind: model.BlockText, Text: texts[i*msgs+j]}
			b.Ext().Summary = texts[i*msgs+(j+1)%msgs]
			c.Nodes = append(c.Nodes, model.Node{Key: fmt.Sprintf("n%d", j), Parent: int32(j), Msg: msgkit.With(&model.Message{
				ID: fmt.Sprintf("m%d", j), Blocks: []model.Block{b}}, msgkit.Fields{Role: model.RoleUser})})
		}
		a.Conversations = append(a.Conversations, c)
	}
	return a
}

// TestWriteDeterministicAcrossAddresses: two archives equal but for where
// their strings lie in memory (as two loads of one export) write the same
// bytes, index included, though a text the index refers to was written
// twice (two fields sharing it): the writer picks the same copy whatever
// the addresses.
func TestWriteDeterministicAcrossAddresses(t *testing.T) {
	first := writeWith(t, aliasedArchive(200, 8, 1), 2)
	for seed := uint64(2); seed < 6; seed++ {
		if !bytes.Equal(first, writeWith(t, aliasedArchive(200, 8, seed), 2)) {
			t.Fatalf("the archive laid out by seed %d wrote other bytes than by seed 1", seed)
		}
	}
}

// TestWriteFreesScratch: the writer's buffers outside the heap
// (scratch.go) are all unmapped when a write ends, however many writes
// (the process's mappings do not grow), including a conversation larger
// than a batch's buffers and a compressor's scratch, which grows on the
// heap and round-trips.
func TestWriteFreesScratch(t *testing.T) {
	arch := pooledArchive(60, 20, 500)
	big := arch.Conversations[7].Nodes[3].Msg
	big.Blocks = append(big.Blocks, model.Block{Kind: model.BlockText, Text: strings.Repeat("a long text, ", 700<<10)})
	got := roundTrip(t, arch, Options{})
	equalArchives(t, "big conversation", arch, got.Archive)
	before := mappings(t)
	for range 30 {
		writeWith(t, arch, 2)
		if n := scratchLive.Load(); n != 0 {
			t.Fatalf("%d scratch mappings left after a write", n)
		}
	}
	if after := mappings(t); after > before+8 {
		t.Fatalf("the process has %d mappings after 30 writes, %d before", after, before)
	}
}

// mappings counts the process's memory mappings (0 where /proc is
// missing).
func mappings(t *testing.T) int {
	b, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		return 0
	}
	return bytes.Count(b, []byte("\n"))
}

// TestTextOffsetAnyOrder: the index may ask for its texts' offsets in any
// order (textOffset starts from its last answer): the same offsets as in
// the archive's order.
func TestTextOffsetAnyOrder(t *testing.T) {
	arch := aliasedArchive(150, 6, 9)
	var texts []string
	for _, c := range arch.Conversations {
		for _, s := range searchable(c) {
			if s != "" {
				texts = append(texts, s)
			}
		}
	}
	offsets := func(order []int) map[int]uint64 {
		got := map[int]uint64{}
		if err := Write(&memFile{}, arch, Options{Index: func(w io.Writer, textOffset func(*byte, int) (uint64, bool)) error {
			for _, i := range order {
				off, ok := textOffset(unsafe.StringData(texts[i]), len(texts[i]))
				if !ok {
					return fmt.Errorf("%q not found", texts[i])
				}
				got[i] = off
			}
			return nil
		}}); err != nil {
			t.Fatal(err)
		}
		return got
	}
	inOrder := make([]int, len(texts))
	for i := range inOrder {
		inOrder[i] = i
	}
	want := offsets(inOrder)
	rng := rand.New(rand.NewPCG(4, 4))
	for range 3 {
		order := rng.Perm(len(texts))
		for i, off := range offsets(order) {
			if off != want[i] {
				t.Fatalf("text %d: offset %d asked out of order, %d in order", i, off, want[i])
			}
		}
	}
}
