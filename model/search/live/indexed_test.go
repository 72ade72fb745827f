package live

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"testing"
	"time"
	"unsafe"

	"github.com/backchat/backchat/internal/testkit/searchcorpus"
	"github.com/backchat/backchat/model"
	"github.com/backchat/backchat/model/search"
)

// savedIndex saves an index of a and loads it back, its field texts read
// from a copy (as a snapshot's arena would be).
func savedIndex(t *testing.T, a *model.Archive) *search.Index {
	t.Helper()
	return savedIndexOver(t, a, a.Conversations)
}

// savedIndexOver is savedIndex loaded over convs (a's conversations, or
// lazy copies of them, in a's order).
func savedIndexOver(t *testing.T, a *model.Archive, convs []*model.Conversation) *search.Index {
	t.Helper()
	var arena []byte
	var buf bytes.Buffer
	err := search.BuildArchive(a).Save(&buf, func(p *byte, n int) (uint64, bool) {
		off := uint64(len(arena))
		arena = append(arena, unsafe.Slice(p, n)...)
		return off, true
	})
	if err != nil {
		t.Fatal(err)
	}
	data := make([]uint64, (buf.Len()+7)/8)
	b := unsafe.Slice((*byte)(unsafe.Pointer(&data[0])), buf.Len())
	copy(b, buf.Bytes())
	ix, err := search.LoadIndex(b, convs, func(off uint64, n int) *byte {
		if off+uint64(n) > uint64(len(arena)) {
			return nil
		}
		return &arena[off]
	})
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

func TestNewIndexedAnswersAsBuilt(t *testing.T) {
	a := searchcorpus.Generate(searchcorpus.Options{TextBytes: 60 << 10, Seed: 4, ConvBytes: 1500})
	list := newestFirst(a.Conversations)
	built, loaded := NewArchive(a), NewIndexed(savedIndex(t, a))
	ctx := context.Background()
	for _, q := range []string{"data", "kube", `"the data"`, "data -zebra", "role:user the", "has:code", "x"} {
		want, err1 := built.Search(ctx, list, q, Options{})
		got, err2 := loaded.Search(ctx, list, q, Options{})
		if err1 != nil || err2 != nil {
			t.Fatalf("%q: %v %v", q, err1, err2)
		}
		if !slices.Equal(want.Convs, got.Convs) || want.Partial != got.Partial {
			t.Fatalf("%q: built %v, loaded %v", q, want.Convs, got.Convs)
		}
		if len(want.Convs) == 0 && q != "x" {
			t.Fatalf("%q matched nothing: the test is too weak", q)
		}
		for k := range min(len(want.Convs), 10) {
			e1, ok1 := want.Excerpt(k)
			e2, ok2 := got.Excerpt(k)
			if ok1 != ok2 || e1.Text() != e2.Text() || e1.Off != e2.Off || e1.Len != e2.Len || e1.Node() != e2.Node() {
				t.Fatalf("%q: excerpt %d differs", q, k)
			}
		}
		// Narrowing works on the prebuilt index too.
		if n := q + "s"; loaded.Narrows(q, n) {
			w, _ := built.SearchWithin(ctx, list, want, n, Options{})
			g, _ := loaded.SearchWithin(ctx, list, got, n, Options{})
			if !slices.Equal(w.Convs, g.Convs) {
				t.Fatalf("%q within %q differs", n, q)
			}
		}
	}
	// It can still grow: a conversation added later is found, the others too.
	extra := conv("extra", "Extra", testNow, "quetzalcoatl data")
	loaded.Add(extra)
	loaded.Done()
	list2 := append([]*model.Conversation{extra}, list...)
	res, err := loaded.Search(ctx, list2, "quetzalcoatl", Options{})
	if err != nil || len(res.Convs) != 1 || res.Convs[0] != 0 {
		t.Fatalf("after Add: %v %v", res.Convs, err)
	}
	want, _ := built.Search(ctx, list, "data", Options{})
	got, _ := loaded.Search(ctx, list2, "data", Options{})
	if len(got.Convs) != len(want.Convs)+1 {
		t.Fatalf("after Add: %d results for data, want %d", len(got.Convs), len(want.Convs)+1)
	}
}

// TestSearchWhileIndexing: after Loaded, while the index is still built, a
// search answers at once from the conversations indexed so far and says
// so (Indexing, Indexed of IndexTotal); an answer given then is never
// narrowed from; once indexing is done the same query finds everything.
func TestSearchWhileIndexing(t *testing.T) {
	var cs []*model.Conversation
	for i := range 40 {
		cs = append(cs, conv(fmt.Sprint("c", i), "chat", testNow.Add(-time.Duration(i)*time.Hour), "shared words here", fmt.Sprint("number", i)))
	}
	s := New()
	s.SetShardText(1) // one conversation per shard
	half := len(cs) / 2
	for _, c := range cs[:half] {
		s.Add(c)
	}
	s.b.Hold(false) // the first half is indexed (as if a search had come during the load)
	for deadline := time.Now().Add(10 * time.Second); ; {
		if n, _ := s.Progress(); n == half {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the first half was never indexed")
		}
		time.Sleep(time.Millisecond)
	}
	s.Pause(true)
	for _, c := range cs[half:] {
		s.Add(c)
	}
	s.Loaded(&model.Archive{Conversations: cs})
	ctx := context.Background()
	res, err := s.Search(ctx, cs, "shared", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Indexing || res.Indexed != half || res.IndexTotal != len(cs) || len(res.Convs) != half {
		t.Fatalf("while indexing: Indexing %v, %d of %d indexed, %d results; want true, %d of %d, %d",
			res.Indexing, res.Indexed, res.IndexTotal, len(res.Convs), half, len(cs), half)
	}
	q := NewSession(s)
	a := q.Start(cs, "shared", Options{})()
	if _, _, err := q.Apply(a, cs); err != nil {
		t.Fatal(err)
	}
	if n := q.Start(cs, "shared words", Options{})(); n.Within {
		t.Error("a query typed on was searched within an answer given while indexing")
	}
	s.Pause(false)
	s.Index() // waits for the rest
	res, err = s.Search(ctx, cs, "shared", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Indexing || len(res.Convs) != len(cs) {
		t.Fatalf("after indexing: Indexing %v, %d results, want false, %d", res.Indexing, len(res.Convs), len(cs))
	}
	if n, added := s.Progress(); n != added || n != len(cs) {
		t.Fatalf("Progress %d of %d, want %d of %d", n, added, len(cs), len(cs))
	}
}

// TestReindexReplacesADamagedIndex: a searcher over an index that answers
// wrongly (here: one built over other conversations, as a damaged
// snapshot's may) is indexed again by Reindex; searches meanwhile, from
// other goroutines, say when they cover only part of the archive and
// never give the old index's answer, and the final answer is the right one.
func TestReindexReplacesADamagedIndex(t *testing.T) {
	var cs, other []*model.Conversation
	for i := range 60 {
		at := testNow.Add(-time.Duration(i) * time.Hour)
		cs = append(cs, conv(fmt.Sprint("c", i), "chat", at, "shared words here", fmt.Sprint("number", i)))
		other = append(other, conv(fmt.Sprint("o", i), "chat", at, "unrelated text"))
	}
	s := NewIndexed(search.BuildArchive(&model.Archive{Conversations: other}))
	ctx := context.Background()
	if res, err := s.Search(ctx, cs, "shared", Options{}); err != nil || len(res.Convs) != 0 {
		t.Fatalf("the wrong index found %d (%v): the test is too weak", len(res.Convs), err)
	}
	stop := make(chan struct{})
	errs := make(chan error, 1)
	go func() {
		defer close(errs)
		for {
			select {
			case <-stop:
				return
			default:
			}
			res, err := s.Search(ctx, cs, "shared", Options{})
			if err != nil {
				errs <- err
				return
			}
			if res.Indexing && (res.Indexed != len(res.Convs) || res.IndexTotal != len(cs)) {
				errs <- fmt.Errorf("while reindexing: %d results, %d of %d indexed", len(res.Convs), res.Indexed, res.IndexTotal)
				return
			}
			s.Progress()
		}
	}()
	s.Reindex(cs)
	s.Index() // waits for the rest
	close(stop)
	if err := <-errs; err != nil {
		t.Fatal(err)
	}
	res, err := s.Search(ctx, cs, "shared", Options{})
	if err != nil || res.Indexing || len(res.Convs) != len(cs) {
		t.Fatalf("after Reindex: %d results, indexing %v, %v; want %d", len(res.Convs), res.Indexing, err, len(cs))
	}
	if n, added := s.Progress(); n != len(cs) || added != len(cs) {
		t.Fatalf("Progress %d of %d, want %d", n, added, len(cs))
	}
}

// TestOnReindex: each watcher is called once per Reindex until stopped.
func TestOnReindex(t *testing.T) {
	cs := []*model.Conversation{conv("c0", "chat", testNow, "words")}
	s := NewIndexed(search.BuildArchive(&model.Archive{Conversations: cs}))
	calls := make(chan int, 4)
	stop1 := s.OnReindex(func() { calls <- 1 })
	stop2 := s.OnReindex(func() { calls <- 2 })
	s.Reindex(cs)
	got := map[int]bool{}
	for range 2 {
		select {
		case n := <-calls:
			got[n] = true
		case <-time.After(10 * time.Second):
			t.Fatal("a watcher was not called")
		}
	}
	if !got[1] || !got[2] {
		t.Fatalf("called %v, want both", got)
	}
	stop1()
	s.Reindex(cs)
	select {
	case n := <-calls:
		if n != 2 {
			t.Fatalf("stopped watcher %d called", n)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the watcher left was not called")
	}
	stop2()
	s.Reindex(cs)
	select {
	case n := <-calls:
		t.Fatalf("watcher %d called after stop", n)
	case <-time.After(50 * time.Millisecond):
	}
}
