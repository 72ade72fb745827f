package snapshot

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/backchat/backchat/internal/testkit/msgkit"
	"github.com/backchat/backchat/model"
)

// variedArchive is n conversations whose table entries differ in every way
// an entry can: times of each kind, pool and fresh strings, Sources lists,
// comparisons, flags, trees of several sizes.
func variedArchive(n int, seed uint64) *model.Archive {
	rng := rand.New(rand.NewPCG(seed, 1))
	srcs := [][]string{{"a.zip"}, {"a.zip", "b.zip"}, {}}
	zones := []*time.Location{time.UTC, time.Local, time.FixedZone("", 2*3600), time.FixedZone("", -5*3600-1800)}
	a := &model.Archive{Sources: []string{"a.zip", "b.zip"}}
	for i := range n {
		when := time.Unix(1.7e9+int64(rng.IntN(1e8)), int64(rng.IntN(1e9))).In(zones[rng.IntN(len(zones))])
		c := &model.Conversation{
			ID: fmt.Sprintf("conv-%06d", i), Title: strings.Repeat("t", rng.IntN(40)),
			Created: when.Add(-time.Hour), Updated: when,
			Model: []string{"gpt-4o", "o3", ""}[rng.IntN(3)], Service: []string{"chatgpt", "claude"}[rng.IntN(2)],
			Archived: rng.IntN(5) == 0, Starred: rng.IntN(7) == 0, InNewest: rng.IntN(9) != 0, Shared: rng.IntN(11) == 0,
			Current: model.NoNode, Source: fmt.Sprintf("conversations-%d.json", rng.IntN(3)),
		}
		if rng.IntN(4) == 0 {
			c.Created = time.Time{}
		}
		if rng.IntN(3) == 0 {
			c.GizmoID, c.GizmoType = fmt.Sprintf("g-%d", i), "gpt"
		}
		if c.Shared {
			c.ShareID = fmt.Sprintf("share-%d", i)
		}
		if k := rng.IntN(len(srcs) + 1); k < len(srcs) {
			c.Sources = srcs[k]
		}
		for range rng.IntN(3) {
			c.Comparisons = append(c.Comparisons, model.Comparison{Time: when, Preferred: "new", Original: "x", New: "y"})
		}
		c.Nodes = []model.Node{{Key: "root", Parent: model.NoNode}}
		for k := range rng.IntN(6) {
			c.Nodes[len(c.Nodes)-1].SetChildren([]int32{int32(len(c.Nodes))})
			c.Nodes = append(c.Nodes, model.Node{Key: fmt.Sprintf("n%d", k), Parent: int32(len(c.Nodes) - 1),
				Msg: msgkit.With(&model.Message{ID: fmt.Sprintf("m%d", k), Blocks: []model.Block{{Kind: model.BlockText, Text: "hello " + c.ID}}}, msgkit.Fields{Role: model.RoleUser})})
		}
		c.Current = int32(len(c.Nodes) - 1)
		c.CurrentKey = c.Nodes[c.Current].Key
		a.Conversations = append(a.Conversations, c)
	}
	return a
}

// writeBytes writes arch's snapshot and returns its bytes.
func writeBytes(t testing.TB, arch *model.Archive) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "a.snap")
	if err := WriteFile(path, arch, Options{Fingerprint: testFP}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// decodeTable decodes the conversation table of data (checksums not
// checked) with spans of span entries on workers goroutines.
func decodeTable(t testing.TB, data []byte, h *header, span, workers int) (*Snapshot, error) {
	t.Helper()
	pool, err := decodePool(h.bytes(data, secPool))
	if err != nil {
		t.Fatal(err)
	}
	s := &Snapshot{data: data, Archive: &model.Archive{}, damaged: &damage{}}
	return s, s.decodeConvtabWith(h, pool, nil, span, workers)
}

// sameTable fails unless a and b decoded to the same conversations and
// lazy refs.
func sameTable(t *testing.T, what string, a, b *Snapshot) {
	t.Helper()
	ac, bc := a.Archive.Conversations, b.Archive.Conversations
	if (ac == nil) != (bc == nil) || len(ac) != len(bc) || len(a.refs) != len(b.refs) {
		t.Fatalf("%s: %d conversations and %d refs, want %d and %d", what, len(bc), len(b.refs), len(ac), len(a.refs))
	}
	for i := range ac {
		w, g := reflect.ValueOf(ac[i]).Elem(), reflect.ValueOf(bc[i]).Elem()
		for f := range w.NumField() {
			// Nodes: filled by Tree (equalArchives compares trees).
			if sf := w.Type().Field(f); sf.IsExported() && sf.Name != "Nodes" && !reflect.DeepEqual(w.Field(f).Interface(), g.Field(f).Interface()) {
				t.Fatalf("%s: conversation %d: %s differs", what, i, sf.Name)
			}
		}
		if ac[i].VisibleCount() != bc[i].VisibleCount() || ac[i].BranchPoints() != bc[i].BranchPoints() {
			t.Fatalf("%s: conversation %d: counts differ", what, i)
		}
		ra, rb := &a.refs[i], &b.refs[i]
		if ra.off != rb.off || ra.n != rb.n || ra.method != rb.method || ra.strLen != rb.strLen || ra.rawLen != rb.rawLen ||
			ra.vstart != rb.vstart || ra.sum != rb.sum || ra.id != rb.id {
			t.Fatalf("%s: conversation %d: refs differ", what, i)
		}
	}
}

// TestConvtabSpansEqualInOrder decodes tables in spans of every size, on
// one to four goroutines: the same conversations, refs and trees as a
// decode in order.
func TestConvtabSpansEqualInOrder(t *testing.T) {
	for _, n := range []int{0, 1, 2, 5, 300} {
		arch := variedArchive(n, uint64(n))
		good := writeBytes(t, arch)
		h, err := readHeader(good, testFP)
		if err != nil {
			t.Fatal(err)
		}
		want, err := decodeTable(t, good, &h, max(n, 1), 1)
		if err != nil {
			t.Fatal(err)
		}
		want0 := &model.Archive{Conversations: arch.Conversations}
		equalArchives(t, fmt.Sprint(n, " in order"), want0, &model.Archive{Conversations: want.Archive.Conversations})
		for _, span := range []int{1, 2, 3, 7, 64, n, n + 1} {
			for _, workers := range []int{1, 2, 4} {
				if span < 1 {
					continue
				}
				what := fmt.Sprintf("%d conversations, spans of %d, %d workers", n, span, workers)
				got, err := decodeTable(t, good, &h, span, workers)
				if err != nil {
					t.Fatalf("%s: %v", what, err)
				}
				sameTable(t, what, want, got)
				equalArchives(t, what, want0, &model.Archive{Conversations: got.Archive.Conversations})
			}
		}
	}
}

// TestConvtabDamageEqualInOrder flips bytes of the conversation table and
// of its strings (as if they had passed their checksums) and cuts the
// table: decoded in spans on several goroutines, each gives the error a
// decode in order gives, or, when that one succeeds, the same table.
func TestConvtabDamageEqualInOrder(t *testing.T) {
	good := writeBytes(t, variedArchive(40, 7))
	h, err := readHeader(good, testFP)
	if err != nil {
		t.Fatal(err)
	}
	ct, hs := h.secs[secConvtab], h.secs[secHstr]
	check := func(what string, data []byte, h *header) (failed bool) {
		want, werr := decodeTable(t, data, h, 1<<30, 1)
		for _, span := range []int{1, 7} {
			got, gerr := decodeTable(t, data, h, span, 3)
			if fmt.Sprint(werr) != fmt.Sprint(gerr) {
				t.Fatalf("%s, spans of %d: error %v, in order %v", what, span, gerr, werr)
			}
			if werr == nil {
				sameTable(t, what, want, got)
			} else if !errors.Is(gerr, ErrCorrupt) {
				t.Fatalf("%s: %v is not ErrCorrupt", what, gerr)
			}
		}
		return werr != nil
	}
	refused := 0
	for i := ct.off; i < ct.off+ct.len; i++ {
		x := []byte{0x01, 0x80, 0x40}[i%3] // a varint's low bit, its continuation bit, its top bits
		b := append([]byte(nil), good...)
		b[i] ^= x
		if check(fmt.Sprintf("table byte %d ^ %#x", i-ct.off, x), b, &h) {
			refused++
		}
	}
	for i := hs.off; i < hs.off+hs.len; i += 11 {
		b := append([]byte(nil), good...)
		b[i] ^= 0x20
		check(fmt.Sprintf("strings byte %d", i-hs.off), b, &h)
	}
	for cut := uint64(0); cut < ct.len; cut += 5 {
		hh := h
		hh.secs[secConvtab].len = cut
		if !check(fmt.Sprintf("table cut at %d", cut), good, &hh) {
			t.Fatalf("a table cut at byte %d of %d decoded", cut, ct.len)
		}
	}
	if refused == 0 {
		t.Fatal("no flipped byte made the table fail to decode")
	}
}

// TestConvtabFlipCaughtByChecksum: a flipped byte of the table or of its
// strings is refused by the section's checksum, before any decoding, as
// it was before the table was decoded in spans.
func TestConvtabFlipCaughtByChecksum(t *testing.T) {
	good := writeBytes(t, variedArchive(50, 3))
	h, err := readHeader(good, testFP)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []int{secConvtab, secHstr} {
		sec := h.secs[k]
		for i := sec.off; i < sec.off+sec.len; i += 3 {
			b := append([]byte(nil), good...)
			b[i] ^= 0x04
			_, err := OpenBytes(b, testFP)
			if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), sectionNames[k]+" checksum") {
				t.Fatalf("%s byte %d flipped: %v, want its checksum error", sectionNames[k], i-sec.off, err)
			}
		}
	}
}

// BenchmarkOpen60k opens a snapshot of 60,000 small conversations (the
// short shape's 1 GB count): what reopening costs before the list shows.
func BenchmarkOpen60k(b *testing.B) {
	data := writeBytes(b, variedArchive(60000, 1))
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := OpenBytes(data, testFP); err != nil {
			b.Fatal(err)
		}
	}
}
