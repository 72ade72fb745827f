package search

import (
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"testing/iotest"
	"unsafe"

	"github.com/backchat/backchat/internal/demo"
	"github.com/backchat/backchat/internal/testkit/gen"
	"github.com/backchat/backchat/internal/testkit/searchcorpus"
	"github.com/backchat/backchat/loader"
	"github.com/backchat/backchat/model"
)

// fakeArena stands for a snapshot's string arena: Save copies every field
// text into it, and the loaded index reads the copy, never the model.
type fakeArena struct{ buf []byte }

func (a *fakeArena) offset(p *byte, n int) (uint64, bool) {
	off := uint64(len(a.buf))
	a.buf = append(a.buf, unsafe.Slice(p, n)...)
	return off, true
}

func (a *fakeArena) at(off uint64, n int) *byte {
	if n <= 0 || off > uint64(len(a.buf)) || uint64(n) > uint64(len(a.buf))-off {
		return nil
	}
	return &a.buf[off]
}

// aligned returns a copy of b starting at an 8-byte boundary plus shift.
func aligned(b []byte, shift int) []byte {
	w := make([]uint64, (len(b)+shift)/8+1)
	out := unsafe.Slice((*byte)(unsafe.Pointer(&w[0])), len(w)*8)[shift : shift+len(b)]
	copy(out, b)
	return out
}

// saveIndex saves ix with a fake arena.
func saveIndex(t testing.TB, ix *Index) ([]byte, *fakeArena) {
	t.Helper()
	ar := &fakeArena{}
	var buf bytes.Buffer
	if err := ix.Save(&buf, ar.offset); err != nil {
		t.Fatal(err)
	}
	return aligned(buf.Bytes(), 0), ar
}

// roundTrip saves and loads ix.
func roundTrip(t testing.TB, ix *Index) (*Index, []byte, *fakeArena) {
	t.Helper()
	data, ar := saveIndex(t, ix)
	lx, err := LoadIndex(data, ix.convs, ar.at)
	if err != nil {
		t.Fatal(err)
	}
	return lx, data, ar
}

// persistQueries is every kind of query: words, prefixes, phrases, pieces
// with other bytes, exclusions, field filters, is:/has: filters.
var persistQueries = []string{
	"data", "kube", "the", "a", "x", `"kubernetes cluster"`, "c++", "gpt-4o", "12:30",
	"kubernetes -cluster", "-the data", "title:data", `title:"the"`, "role:user data", "role:assistant -role:system the",
	"model:gpt-4o", "model:o data", "after:2024 the", "before:2025-06", "is:archived", "-is:starred the",
	"is:deleted", "-is:deleted data", "has:image", "has:code", "has:branch", "service:chat", "café", "東京", "数据",
	"straße", "ﬁle", "needle000123zq",
}

// sameResults runs query q on both indexes with opt and fails when
// anything differs (results, order, scores, hits, snippets).
func sameResults(t *testing.T, want, got *Index, qs string, opt Options) {
	t.Helper()
	q, err := Parse(qs)
	if err != nil {
		t.Fatalf("Parse(%q): %v", qs, err)
	}
	ctx := context.Background()
	a, err1 := want.Search(ctx, q, opt)
	b, err2 := got.Search(ctx, q, opt)
	if a.Partial || b.Partial {
		// A short query with a Limit stops where its workers happen to
		// be (Results.Partial): only a search to the end is repeatable.
		opt.Limit = 0
		a, err1 = want.Search(ctx, q, opt)
		b, err2 = got.Search(ctx, q, opt)
	}
	if err1 != nil || err2 != nil {
		t.Fatalf("%q: %v / %v", qs, err1, err2)
	}
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("%q %+v: loaded index answers differently:\nbuilt  %d results %+v\nloaded %d results %+v", qs, opt, a.Total, head(a), b.Total, head(b))
	}
	opt.Brief = true
	ra, err1 := want.Rank(ctx, q, opt)
	rb, err2 := got.Rank(ctx, q, opt)
	if ra.Partial || rb.Partial {
		opt.Limit = 0
		ra, err1 = want.Rank(ctx, q, opt)
		rb, err2 = got.Rank(ctx, q, opt)
	}
	if err1 != nil || err2 != nil || !reflect.DeepEqual(ra, rb) {
		t.Fatalf("%q: Rank differs (%v / %v)", qs, err1, err2)
	}
	for k, i := range ra.Index[:min(5, len(ra.Index))] {
		la, oka, err1 := want.Locate(ctx, int(i), q, opt)
		lb, okb, err2 := got.Locate(ctx, int(i), q, opt)
		if err1 != nil || err2 != nil || oka != okb || !reflect.DeepEqual(la, lb) {
			t.Fatalf("%q: Locate of rank %d differs", qs, k)
		}
		ha, err1 := want.Hits(ctx, int(i), q, opt)
		hb, err2 := got.Hits(ctx, int(i), q, opt)
		if err1 != nil || err2 != nil || !reflect.DeepEqual(ha, hb) {
			t.Fatalf("%q: Hits of rank %d differ", qs, k)
		}
	}
	// Searching within an answer (the browser narrowing a query).
	if len(ra.Index) > 1 {
		opt.Within = []int{int(ra.Index[0]), int(ra.Index[len(ra.Index)-1])}
		opt.Brief = false
		a, _ := want.Search(ctx, q, opt)
		b, _ := got.Search(ctx, q, opt)
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("%q within: loaded index answers differently", qs)
		}
	}
}

func head(r Results) []string {
	var out []string
	for _, x := range r.Results[:min(3, len(r.Results))] {
		out = append(out, x.Conv.ID+" "+x.Snippet)
	}
	return out
}

// checkSame compares the two indexes on persistQueries plus random queries
// cut from the archive.
func checkSame(t *testing.T, a *model.Archive, want, got *Index, random int) {
	t.Helper()
	if got.Len() != want.Len() || got.TextBytes() != want.TextBytes() || got.IndexBytes() != want.IndexBytes() {
		t.Fatalf("loaded index: %d convs %d text %d index bytes, built %d %d %d", got.Len(), got.TextBytes(), got.IndexBytes(), want.Len(), want.TextBytes(), want.IndexBytes())
	}
	qs := slices.Clone(persistQueries)
	r := rand.New(rand.NewPCG(uint64(len(a.Conversations)), 9))
	for range random {
		qs = append(qs, randomQuery(r, a))
	}
	matched := 0
	for i, q := range qs {
		sameResults(t, want, got, q, Options{IncludeHidden: i%2 == 0, Limit: []int{0, 3, 50}[i%3], MaxHits: []int{0, 3}[i%2]})
		if pq, err := Parse(q); err == nil {
			if res, _ := want.Search(context.Background(), pq, Options{Limit: 1}); res.Total > 0 {
				matched++
			}
		}
	}
	if matched < len(qs)/4 {
		t.Fatalf("only %d of %d queries matched anything: the comparison is too weak", matched, len(qs))
	}
}

// checkPointsIntoArena fails unless every restored field text lies in the
// arena (the loaded index reads the snapshot, not the model).
func checkPointsIntoArena(t *testing.T, ix *Index, ar *fakeArena) {
	t.Helper()
	lo := uintptr(unsafe.Pointer(unsafe.SliceData(ar.buf)))
	hi := lo + uintptr(len(ar.buf))
	for _, s := range ix.shards {
		for _, r := range s.allRecs() {
			if p := uintptr(unsafe.Pointer(r.text)); r.n > 0 && (p < lo || p+uintptr(r.n) > hi) {
				t.Fatalf("a restored field text is outside the arena")
			}
		}
	}
}

func TestPersistSearchCorpus(t *testing.T) {
	for seed := range uint64(3) {
		a := searchcorpus.Generate(searchcorpus.Options{TextBytes: 150 << 10, Seed: seed, Unicode: true, ConvBytes: 1500})
		for i, c := range a.Conversations {
			c.Sources, c.InNewest = []string{"old.zip", "new.zip"}, true
			if i%7 == 3 {
				c.Sources, c.InNewest = []string{"old.zip"}, false
			}
		}
		addLongWords(a)
		ix := buildSmallShards(a)
		hasFieldBloom := false
		for _, s := range ix.shards {
			hasFieldBloom = hasFieldBloom || len(s.fieldBloom) > 0
		}
		if len(ix.shards) < 3 || !hasFieldBloom {
			t.Fatalf("want several shards and field filters, got %d shards (field filters %v)", len(ix.shards), hasFieldBloom)
		}
		lx, data, ar := roundTrip(t, ix)
		checkSame(t, a, ix, lx, 150)
		checkPointsIntoArena(t, lx, ar)
		// Zero-copy: the big slices lie in data.
		lo, hi := uintptr(unsafe.Pointer(&data[0])), uintptr(unsafe.Pointer(&data[0]))+uintptr(len(data))
		for _, s := range lx.shards {
			if p := uintptr(unsafe.Pointer(unsafe.SliceData(s.words.post))); p < lo || p >= hi {
				t.Fatal("postings were copied, not mapped")
			}
		}
		// Unaligned data is read into copies, with the same answers.
		un := aligned(data, 1)
		lu, err := LoadIndex(un, ix.convs, ar.at)
		if err != nil {
			t.Fatal(err)
		}
		checkSame(t, a, ix, lu, 30)
		// Saving a loaded index gives the same bytes (through its arena).
		var again bytes.Buffer
		ar2 := &fakeArena{}
		if err := lx.Save(&again, ar2.offset); err != nil || !bytes.Equal(again.Bytes(), data) || !bytes.Equal(ar2.buf, ar.buf) {
			t.Fatalf("re-saving a loaded index changed it (err %v)", err)
		}
	}
}

func TestPersistDemo(t *testing.T) {
	dir, cleanup, err := demo.Dir()
	if err != nil {
		t.Fatal(err)
	}
	defer cleanup()
	a, err := loader.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	ix := BuildArchive(a)
	lx, _, ar := roundTrip(t, ix)
	checkSame(t, a, ix, lx, 100)
	checkPointsIntoArena(t, lx, ar)
}

func TestPersistGenerated(t *testing.T) {
	for _, shape := range []gen.Shape{gen.ShapeShort, gen.ShapeLong} {
		var b bytes.Buffer
		if _, err := gen.Write(&b, gen.Config{Seed: 5, TargetBytes: 3 << 20, Shape: shape}); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "conversations.json")
		if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		a, err := loader.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		ix := buildSmallShards(a)
		lx, _, ar := roundTrip(t, ix)
		checkSame(t, a, ix, lx, 100)
		checkPointsIntoArena(t, lx, ar)
	}
}

func TestPersistEmpty(t *testing.T) {
	ix := BuildArchive(&model.Archive{})
	lx, _, _ := roundTrip(t, ix)
	if lx.Len() != 0 {
		t.Fatal("empty index loaded with conversations")
	}
	if _, err := lx.Search(context.Background(), Query{Terms: []Term{{Text: "x", Folded: "x"}}}, Options{}); err != nil {
		t.Fatal(err)
	}
}

// TestPersistDoesNotReadTrees: loading must not decode a snapshot's lazy
// conversations.
func TestPersistDoesNotReadTrees(t *testing.T) {
	a := searchcorpus.Generate(searchcorpus.Options{TextBytes: 40 << 10, Seed: 1, ConvBytes: 1500})
	_, lx, decoded := loadedLazily(t, a)
	q, _ := Parse("data")
	if _, err := lx.Rank(context.Background(), q, Options{}); err != nil {
		t.Fatal(err)
	}
	if *decoded != 0 {
		t.Fatalf("loading and ranking decoded %d conversations", *decoded)
	}
}

func TestPersistWrongConversations(t *testing.T) {
	a := searchcorpus.Generate(searchcorpus.Options{TextBytes: 20 << 10, Seed: 1, ConvBytes: 1500})
	ix := BuildArchive(a)
	data, ar := saveIndex(t, ix)
	if _, err := LoadIndex(data, ix.convs[1:], ar.at); err == nil {
		t.Fatal("loaded over fewer conversations than saved")
	}
	if _, err := LoadIndex(data, ix.convs, func(uint64, int) *byte { return nil }); err == nil {
		t.Fatal("loaded with texts outside the arena")
	}
	if err := ix.Save(&bytes.Buffer{}, func(*byte, int) (uint64, bool) { return 0, false }); err == nil {
		t.Fatal("saved with texts the arena does not know")
	}
}

// damagedAnswers loads data and, when it loads, runs queries on it: an
// error is fine, a panic is not.
func damagedAnswers(t *testing.T, data []byte, convs []*model.Conversation, ar *fakeArena) bool {
	ix, err := LoadIndex(aligned(data, 0), convs, ar.at)
	if err != nil {
		return false
	}
	ctx := context.Background()
	for _, qs := range []string{"data", "the -kube", `"the data"`, "c++", "title:a", "has:code x", "数据"} {
		q, _ := Parse(qs)
		res, err := ix.Search(ctx, q, Options{Limit: 5})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range res.Results {
			_, _ = ix.Hits(ctx, r.Index, q, Options{})
		}
	}
	return true
}

func TestPersistDamage(t *testing.T) {
	a := searchcorpus.Generate(searchcorpus.Options{TextBytes: 30 << 10, Seed: 2, Unicode: true, ConvBytes: 1500})
	addLongWords(a)
	ix := buildSmallShards(a)
	data, ar := saveIndex(t, ix)
	// Intact: the checksum holds, however the bytes are read.
	for _, r := range []io.Reader{bytes.NewReader(data), iotest.OneByteReader(bytes.NewReader(data)), iotest.HalfReader(bytes.NewReader(data))} {
		if err := VerifyChecksum(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := VerifyChecksum(iotest.ErrReader(io.ErrUnexpectedEOF)); err == nil {
		t.Fatal("a read error verified")
	}
	// Cut anywhere: always an error, from both.
	for n := 0; n < len(data); n += 1 + n/50 {
		if _, err := LoadIndex(aligned(data[:n], 0), ix.convs, ar.at); err == nil {
			t.Fatalf("cut at %d of %d bytes: loaded", n, len(data))
		}
		if err := VerifyChecksum(bytes.NewReader(data[:n])); err == nil {
			t.Fatalf("cut at %d of %d bytes: verified", n, len(data))
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	loaded := 0
	defer func() {
		// Many flips land in postings, filters or texts, which LoadIndex
		// does not read: the queries then ran on damaged data.
		if loaded < 20 {
			t.Errorf("only %d of 300 damaged indexes loaded: the queries on damaged data went untested", loaded)
		}
	}()
	for range 300 {
		d := slices.Clone(data)
		i := r.IntN(len(d))
		d[i] ^= byte(1 + r.IntN(255))
		// The checksum catches any flip...
		if err := VerifyChecksum(bytes.NewReader(d)); err == nil {
			t.Fatalf("flip at %d: verified", i)
		}
		// ...and until it is checked, validation or defensive decoding:
		// never a panic.
		if damagedAnswers(t, d, ix.convs, ar) {
			loaded++
		}
	}
}

func FuzzLoadIndex(f *testing.F) {
	a := searchcorpus.Generate(searchcorpus.Options{TextBytes: 12 << 10, Seed: 3, Unicode: true, ConvBytes: 1500})
	addLongWords(a)
	ix := buildSmallShards(a)
	var buf bytes.Buffer
	ar := &fakeArena{}
	if err := ix.Save(&buf, ar.offset); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes(), uint(0), uint(0))
	f.Add(buf.Bytes(), uint(100), uint(1))
	f.Add(buf.Bytes()[:len(buf.Bytes())/2], uint(0), uint(0))
	f.Fuzz(func(t *testing.T, data []byte, at, xor uint) {
		d := slices.Clone(data)
		if len(d) > 0 {
			d[at%uint(len(d))] ^= byte(xor)
		}
		if len(d)%8 != 0 { // a saved index always is: explore inside it
			d = append(d, make([]byte, 8-len(d)%8)...)
		}
		damagedAnswers(t, d, ix.convs, ar)
	})
}

// persistCovered lists every field of the structs an Index is made of, by
// how Save and LoadIndex handle it. A field added to one of these structs
// fails TestPersistCoversFields until it is saved (shardSlices, Save) and
// listed here.
var persistCovered = map[string][]string{
	"Index":        {"convs:given", "meta:saveMeta", "shards:Save", "byRecency:Save", "textBytes:header", "indexBytes:header", "pool:runtime"},
	"shard":        {"first:shard header", "n:shard header", "fieldFilters:embedded", "words:embedded", "meta:Index.meta", "disk:saveRecs", "textAt:LoadIndex", "blocks:built on demand"},
	"wordIndex":    {"vocab:shardSlices", "starts:shardSlices", "offs:shardSlices", "post:shardSlices", "long:shardSlices", "pairs:pairFilters"},
	"pairFilters":  {"bloom:shardSlices", "starts:shardSlices"},
	"fieldFilters": {"recs:saveRecs", "recStart:shardSlices", "fieldBloom:Save"},
	"fieldRec":     {"text:diskRec", "node:diskRec", "block:diskRec", "item:diskRec", "n:diskRec", "field:diskRec", "flags:diskRec"},
	"convMeta":     {"time:saveMeta", "text:saveMeta", "flags:saveMeta", "models:saveMeta"},
}

func TestPersistCoversFields(t *testing.T) {
	for _, v := range []any{Index{}, shard{}, wordIndex{}, pairFilters{}, fieldFilters{}, fieldRec{}, convMeta{}} {
		typ := reflect.TypeOf(v)
		var listed []string
		for _, e := range persistCovered[typ.Name()] {
			listed = append(listed, e[:bytes.IndexByte([]byte(e), ':')])
		}
		var fields []string
		for i := range typ.NumField() {
			fields = append(fields, typ.Field(i).Name)
		}
		if !slices.Equal(fields, listed) {
			t.Errorf("%s has fields %v; Save/LoadIndex handle %v: save the new field and list it in persistCovered", typ.Name(), fields, listed)
		}
	}
	// shardSlices covers every slice of wordIndex and fieldFilters but recs
	// and fieldBloom (saved apart).
	var s shard
	ptrs := map[uintptr]bool{}
	for _, sp := range shardSlices(&s) {
		ptrs[reflect.ValueOf(sp).Field(0).Pointer()] = true
	}
	for _, st := range []reflect.Value{reflect.ValueOf(&s.words).Elem(), reflect.ValueOf(&s.fieldFilters).Elem()} {
		for i := range st.NumField() {
			f := st.Field(i)
			name := st.Type().Field(i).Name
			if f.Kind() == reflect.Slice && name != "recs" && !ptrs[f.Addr().Pointer()] {
				t.Errorf("%s.%s is not in shardSlices", st.Type().Name(), name)
			}
		}
	}
	if unsafe.Sizeof(diskRec{}) != 32 {
		t.Errorf("diskRec is %d bytes, the format says 32", unsafe.Sizeof(diskRec{}))
	}
}

// TestPersistPortable: the bytes do not depend on the host's byte order
// (the big-endian paths write and read the same format, by copying).
func TestPersistPortable(t *testing.T) {
	a := searchcorpus.Generate(searchcorpus.Options{TextBytes: 30 << 10, Seed: 6, Unicode: true, ConvBytes: 1500})
	addLongWords(a)
	ix := buildSmallShards(a)
	data, ar := saveIndex(t, ix)
	defer func(le bool) { hostLE = le }(hostLE)
	hostLE = false
	be, ar2 := saveIndex(t, ix)
	if !bytes.Equal(be, data) || !bytes.Equal(ar.buf, ar2.buf) {
		t.Fatal("the big-endian writer writes other bytes")
	}
	lx, err := LoadIndex(be, ix.convs, ar2.at)
	if err != nil {
		t.Fatal(err)
	}
	lo, hi := uintptr(unsafe.Pointer(&be[0])), uintptr(unsafe.Pointer(&be[0]))+uintptr(len(be))
	for _, s := range lx.shards {
		if p := uintptr(unsafe.Pointer(unsafe.SliceData(s.words.offs))); p >= lo && p < hi {
			t.Fatal("a big-endian host mapped little-endian offsets")
		}
	}
	hostLE = true
	checkSame(t, a, ix, lx, 30)
}

// unreadable is a Texts whose every text exists but cannot be read (a
// snapshot whose conversations are all damaged).
type unreadable struct{ ar *fakeArena }

func (u unreadable) TextHas(off uint64, n int) bool { return u.ar.at(off, n) != nil }
func (unreadable) TextAt(uint64, int) *byte         { return nil }

// TestPersistUnreadableTexts: a loaded index whose texts cannot be read
// (Texts.TextAt nil: damaged conversations) answers every query without
// panicking; a phrase, which only the text can confirm, matches nothing
// (word queries are answered from the postings).
func TestPersistUnreadableTexts(t *testing.T) {
	a := searchcorpus.Generate(searchcorpus.Options{TextBytes: 40 << 10, Seed: 2, ConvBytes: 1500})
	ix := BuildArchive(a)
	data, ar := saveIndex(t, ix)
	lx, err := LoadIndexTexts(data, ix.convs, unreadable{ar})
	if err != nil {
		t.Fatal(err)
	}
	for _, qs := range persistQueries {
		q, err := Parse(qs)
		if err != nil {
			t.Fatal(err)
		}
		res, err := lx.Search(context.Background(), q, Options{})
		if err != nil {
			t.Fatalf("%q: %v", qs, err)
		}
		if qs == `"kubernetes cluster"` && res.Total > 0 {
			t.Fatalf("%q: %d results from texts that cannot be read", qs, res.Total)
		}
		if r, _ := ix.Search(context.Background(), q, Options{}); qs == `"kubernetes cluster"` && r.Total == 0 {
			t.Fatalf("%q: the corpus has no match: the test checks nothing", qs)
		}
	}
	// Block filters asked for a field whose text cannot be read are none
	// (no panic in the background builder).
	for _, sh := range lx.shards {
		for i := range sh.disk {
			if bl := sh.fieldBlocks(uint32(i)); bl != nil {
				t.Fatalf("record %d: block filters of a text that cannot be read", i)
			}
		}
	}
}
