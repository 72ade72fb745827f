// Package treesrc has a model.TreeSource for tests: a tree decoded on
// demand, as a compacted conversation's is (loader.Options.Compact), whose
// copies a test can tell are still held or not.
package treesrc

import (
	"bytes"
	"runtime"
	"unsafe"
	"weak"

	"github.com/backchat/backchat/model"
)

// Decoded is a model.TreeSource that hands out a fresh copy of a
// tree on every Load, its block texts in one new buffer laid out as keep
// (what At reads), and remembers each copy's buffer weakly.
type Decoded struct {
	nodes []model.Node // the tree copied
	keep  []byte       // the block texts, in tree order
	offs  [][]int      // per node, per block: the text's offset in keep
	// The last copy's buffer, as an address only: the source must not
	// keep it alive.
	base, n uintptr
	loads   []weak.Pointer[byte]
	Before  func() // called at the start of each Load, when set
}

// New returns a source of copies of nodes.
func New(nodes []model.Node) *Decoded {
	s := &Decoded{nodes: nodes, offs: make([][]int, len(nodes))}
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

// Load returns a fresh copy of the tree.
func (s *Decoded) Load() ([]model.Node, error) {
	if s.Before != nil {
		s.Before()
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

// Locate is the offset of the n bytes at p in the last copy Load returned.
func (s *Decoded) Locate(p *byte, n int) (uint32, bool) {
	q := uintptr(unsafe.Pointer(p))
	if q < s.base || q+uintptr(n) > s.base+s.n {
		return 0, false
	}
	return uint32(q - s.base), true
}

// At reads the n bytes at offset off (never from a copy).
func (s *Decoded) At(off uint32, n int) *byte {
	if int(off)+n > len(s.keep) || n == 0 {
		return nil
	}
	return &s.keep[off]
}

// Size is the bytes of the tree's block texts.
func (s *Decoded) Size() int64 { return int64(len(s.keep)) }

// Held is how many of the trees s handed out are still alive.
func (s *Decoded) Held() int {
	k := 0
	for _, w := range s.loads {
		if w.Value() != nil {
			k++
		}
	}
	return k
}

// Lazy returns a copy of a whose conversations read their trees from a
// Decoded each (decoded on demand, released when unused), and those
// sources in the same order.
func Lazy(a *model.Archive) (*model.Archive, []*Decoded) {
	out := &model.Archive{Sources: a.Sources}
	srcs := make([]*Decoded, 0, len(a.Conversations))
	for _, c := range a.Conversations {
		src := New(c.Tree())
		srcs = append(srcs, src)
		lc := &model.Conversation{ID: c.ID, Title: c.Title, Created: c.Created, Updated: c.Updated, Current: c.Current}
		lc.SetTreeSource(src)
		lc.SetTreeCounts(c.VisibleCount(), c.BranchPoints())
		lc.ReleaseTreeWhenUnused()
		out.Conversations = append(out.Conversations, lc)
	}
	return out, srcs
}

// Held is how many decoded trees of srcs are still alive, after two
// collections.
func Held(srcs []*Decoded) int {
	runtime.GC()
	runtime.GC()
	k := 0
	for _, s := range srcs {
		k += s.Held()
	}
	return k
}
