package search

import (
	"bytes"
	"context"
	"reflect"
	"runtime"
	"testing"
	"unsafe"
	"weak"

	"github.com/backchat/backchat/internal/testkit/searchcorpus"
	"github.com/backchat/backchat/model"
)

// decodedSource is a model.TreeSource that hands out a fresh copy of a
// tree on every Load, its block texts in one new buffer laid out as keep
// (what At reads), and remembers each copy's buffer weakly.
type decodedSource struct {
	nodes []model.Node // the tree copied
	keep  []byte       // the block texts, in tree order
	offs  [][]int      // per node, per block: the text's offset in keep
	// The last copy's buffer, as an address only: the source must not
	// keep it alive.
	base, n uintptr
	loads   []weak.Pointer[byte]
	before  func() // called at the start of each Load
}

func newDecodedSource(nodes []model.Node) *decodedSource {
	s := &decodedSource{nodes: nodes, offs: make([][]int, len(nodes))}
	for i, n := range nodes {
		if n.Msg == nil {
			continue
		}
		for _, b := range n.Msg.Blocks {
			s.offs[i] = append(s.offs[i], len(s.keep))
			s.keep = append(s.keep, b.Text...)
		}
	}
	return s
}

func (s *decodedSource) Load() ([]model.Node, error) {
	if s.before != nil {
		s.before()
	}
	buf := bytes.Clone(s.keep)
	if len(buf) == 0 {
		buf = make([]byte, 1)
	}
	s.base, s.n = uintptr(unsafe.Pointer(&buf[0])), uintptr(len(s.keep))
	s.loads = append(s.loads, weak.Make(&buf[0]))
	out := make([]model.Node, len(s.nodes))
	for i, n := range s.nodes {
		out[i] = n
		if n.Msg == nil {
			continue
		}
		m := *n.Msg
		m.Blocks = append([]model.Block(nil), n.Msg.Blocks...)
		for k := range m.Blocks {
			if o, l := s.offs[i][k], len(m.Blocks[k].Text); l > 0 {
				m.Blocks[k].Text = unsafe.String(&buf[o], l)
			}
		}
		out[i].Msg = &m
	}
	return out, nil
}

func (s *decodedSource) Locate(p *byte, n int) (uint32, bool) {
	q := uintptr(unsafe.Pointer(p))
	if q < s.base || q+uintptr(n) > s.base+s.n {
		return 0, false
	}
	return uint32(q - s.base), true
}

func (s *decodedSource) At(off uint32, n int) *byte {
	if int(off)+n > len(s.keep) || n == 0 {
		return nil
	}
	return &s.keep[off]
}

func (s *decodedSource) Size() int64 { return int64(len(s.keep)) }

// held is how many of the trees s handed out are still alive.
func (s *decodedSource) held() int {
	k := 0
	for _, w := range s.loads {
		if w.Value() != nil {
			k++
		}
	}
	return k
}

// TestOffsetsHoldNoTree: a builder keeping offsets (SetTextOffsets) over
// conversations whose trees are decoded on demand lets each tree go as
// soon as its conversation is indexed, not when its shard is done (the
// browser's compacted load: two shards of 16 MB of decoded trees held at
// once were 1.10× a 250 MB export's peak RSS), and answers as an index
// over the trees themselves does.
func TestOffsetsHoldNoTree(t *testing.T) {
	a := searchcorpus.Generate(searchcorpus.Options{TextBytes: 120 << 10, Seed: 4, ConvBytes: 3000})
	lazy := &model.Archive{}
	var srcs []*decodedSource
	for i, c := range a.Conversations {
		src := newDecodedSource(c.Tree())
		if i > 0 {
			// Indexing this conversation starts with its Load: by then
			// the previous one's tree must be collectable.
			prev := srcs[i-1]
			src.before = func() {
				runtime.GC()
				runtime.GC()
				if k := prev.held(); k > 0 {
					t.Errorf("conversation %d: %d decoded trees of the one indexed before still held", i, k)
				}
			}
		}
		srcs = append(srcs, src)
		lc := &model.Conversation{ID: c.ID, Title: c.Title, Created: c.Created, Updated: c.Updated, Current: c.Current}
		lc.SetTreeSource(src)
		lc.SetTreeCounts(c.VisibleCount(), c.BranchPoints())
		lc.ReleaseTreeWhenUnused()
		lazy.Conversations = append(lazy.Conversations, lc)
	}
	b := NewBuilder()
	b.SetTextOffsets(true)
	b.shardText = 1 << 30 // one shard: the trees must go before it is done
	for _, c := range lazy.Conversations {
		b.Add(c)
	}
	ix := b.Build()
	runtime.GC()
	held := 0
	for _, s := range srcs {
		held += s.held()
	}
	if held > 0 {
		t.Errorf("%d decoded trees held by the built index", held)
	}
	ref := BuildArchive(a)
	for _, qs := range []string{"the", `"data table"`, "needle000007zq", "role:user value"} {
		q, _ := Parse(qs)
		opt := Options{SnippetWidth: 60}
		got, gerr := ix.Search(context.Background(), q, opt)
		want, werr := ref.Search(context.Background(), q, opt)
		if gerr != nil || werr != nil || got.Total != want.Total || len(got.Results) != len(want.Results) {
			t.Fatalf("%q: %d results (%v), want %d (%v)", qs, got.Total, gerr, want.Total, werr)
		}
		for k := range want.Results {
			g, w := got.Results[k], want.Results[k]
			if g.Conv.ID != w.Conv.ID || g.Snippet != w.Snippet || !reflect.DeepEqual(g.Hits, w.Hits) {
				t.Errorf("%q: result %d: %s %q, want %s %q", qs, k, g.Conv.ID, g.Snippet, w.Conv.ID, w.Snippet)
			}
		}
	}
}
