package snapshot

import (
	"fmt"

	"github.com/backchat/backchat/model"
)

// Node flags.
const (
	nodeMsg         = 1 << iota // Msg != nil
	nodeChildrenNil             // Children == nil (an empty non-nil slice otherwise)
)

// Message flags.
const (
	msgIDIsKey = 1 << iota // Message.ID equals the node's Key (not stored)
	msgContinuation
	msgEndTurn // EndTurn != nil
	msgEndTurnTrue
	msgFeedback
	msgBlocksNil
	msgRefsNil
	msgExtra // Extra != nil
)

// zero extras stand for a nil Extra while encoding.
var (
	noMessageExtra model.MessageExtra
	noBlockExtra   model.BlockExtra
)

// Block field bits: a field is stored only when its bit is set.
const (
	bText = 1 << iota
	bLang
	bTitle
	bURL
	bDomain
	bSummary
	bThoughts // non-nil
	bAsset    // non-nil
	bImages   // non-nil
	bDirection
	bSeconds
	bType
	bRaw   // non-nil
	bExtra // Extra != nil
)

// Asset field bits.
const (
	aPointer = 1 << iota
	aFile
	aMissing
	aSize
	aWidth
	aHeight
	aPrompt
	aMIME
	aName
	aSeconds
)

// treeCounts are the sizes of a blob's slabs, stored first so the decoder
// allocates once.
type treeCounts struct{ nodes, msgs, blocks, children int }

func countTree(nodes []model.Node) treeCounts {
	t := treeCounts{nodes: len(nodes)}
	for i := range nodes {
		t.children += len(nodes[i].Children())
		if m := nodes[i].Msg; m != nil {
			t.msgs++
			t.blocks += len(m.Blocks)
		}
	}
	return t
}

// encodeTree appends the tree to e, writing its fresh strings through w.
// The fields the search index covers (model/search/fields.go: every text
// field of a block, the conversation's title) are written with text or
// pooledText, so the index can refer to them.
func (w *writer) encodeTree(e *enc, nodes []model.Node) {
	t := countTree(nodes)
	if nodes == nil {
		e.uv(0)
		return
	}
	e.uv(uint64(t.nodes) + 1)
	e.uv(uint64(t.msgs))
	e.uv(uint64(t.blocks))
	e.uv(uint64(t.children))
	for i := range nodes {
		n := &nodes[i]
		kids := n.Children()
		var fl uint64
		if n.Msg != nil {
			fl |= nodeMsg
		}
		if kids == nil {
			fl |= nodeChildrenNil
		}
		e.uv(fl)
		w.fresh(e, n.Key)
		e.sv(int64(n.Parent))
		if kids != nil {
			e.uv(uint64(len(kids)))
			for _, k := range kids {
				e.sv(int64(k))
			}
		}
		if n.Msg != nil {
			w.encodeMessage(e, n.Key, n.Msg)
		}
	}
}

func (w *writer) encodeMessage(e *enc, key string, m *model.Message) {
	var fl uint64
	x := m.Extra
	if x != nil {
		fl |= msgExtra
	} else {
		x = &noMessageExtra
	}
	if m.ID == key {
		fl |= msgIDIsKey
	}
	if m.Continuation {
		fl |= msgContinuation
	}
	if end, known := m.EndTurn(); known {
		fl |= msgEndTurn
		if end {
			fl |= msgEndTurnTrue
		}
	}
	if x.Feedback != nil {
		fl |= msgFeedback
	}
	if m.Blocks == nil {
		fl |= msgBlocksNil
	}
	if x.References == nil {
		fl |= msgRefsNil
	}
	e.uv(fl)
	if m.ID != key {
		w.fresh(e, m.ID)
	}
	w.pooled(e, string(m.Role()))
	w.pooled(e, x.AuthorName)
	w.pooled(e, m.Recipient())
	w.pooled(e, x.Channel)
	e.time(m.Time())
	w.pooled(e, m.Model())
	w.pooled(e, m.Status())
	w.pooled(e, m.ContentType())
	e.uv(uint64(m.Visibility))
	if m.Blocks != nil {
		e.uv(uint64(len(m.Blocks)))
		for i := range m.Blocks {
			w.encodeBlock(e, &m.Blocks[i])
		}
	}
	if x.References != nil {
		e.uv(uint64(len(x.References)))
		for _, r := range x.References {
			e.sv(int64(r.N))
			w.fresh(e, r.Title)
			w.fresh(e, r.URL)
		}
	}
	if f := x.Feedback; f != nil {
		w.pooled(e, f.Rating)
		w.fresh(e, f.Text)
		if f.Tags == nil {
			e.uv(0)
		} else {
			e.uv(uint64(len(f.Tags)) + 1)
			for _, t := range f.Tags {
				w.pooled(e, t)
			}
		}
		e.time(f.Time)
	}
}

func (w *writer) encodeBlock(e *enc, b *model.Block) {
	var fl uint64
	set := func(bit uint64, ok bool) {
		if ok {
			fl |= bit
		}
	}
	x := b.Extra
	set(bExtra, x != nil)
	if x == nil {
		x = &noBlockExtra
	}
	set(bText, b.Text != "")
	set(bLang, b.Lang() != "")
	set(bTitle, x.Title != "")
	set(bURL, x.URL != "")
	set(bDomain, x.Domain != "")
	set(bSummary, x.Summary != "")
	set(bThoughts, x.Thoughts != nil)
	set(bAsset, x.Asset != nil)
	set(bImages, x.Images != nil)
	set(bDirection, x.Direction != "")
	set(bSeconds, x.Seconds != 0)
	set(bType, b.Type() != "")
	set(bRaw, x.Raw != nil)
	e.uv(uint64(b.Kind))
	e.uv(fl)
	if fl&bText != 0 {
		w.text(e, b.Text)
	}
	if fl&bLang != 0 {
		w.pooled(e, b.Lang())
	}
	if fl&bTitle != 0 {
		w.text(e, x.Title)
	}
	if fl&bURL != 0 {
		w.text(e, x.URL)
	}
	if fl&bDomain != 0 {
		w.pooledText(e, x.Domain, true)
	}
	if fl&bSummary != 0 {
		w.text(e, x.Summary)
	}
	if fl&bThoughts != 0 {
		e.uv(uint64(len(x.Thoughts)))
		for _, t := range x.Thoughts {
			w.text(e, t.Summary)
			w.text(e, t.Content)
		}
	}
	if fl&bAsset != 0 {
		w.encodeAsset(e, x.Asset)
	}
	if fl&bImages != 0 {
		e.uv(uint64(len(x.Images)))
		for i := range x.Images {
			w.encodeAsset(e, &x.Images[i])
		}
	}
	if fl&bDirection != 0 {
		w.pooled(e, x.Direction)
	}
	if fl&bSeconds != 0 {
		e.f64(x.Seconds)
	}
	if fl&bType != 0 {
		w.pooled(e, b.Type())
	}
	if fl&bRaw != 0 {
		w.freshBytes(e, x.Raw)
	}
}

func (w *writer) encodeAsset(e *enc, a *model.Asset) {
	var fl uint64
	set := func(bit uint64, ok bool) {
		if ok {
			fl |= bit
		}
	}
	set(aPointer, a.Pointer != "")
	set(aFile, a.File != "")
	set(aMissing, a.Missing)
	set(aSize, a.Size != 0)
	set(aWidth, a.Width != 0)
	set(aHeight, a.Height != 0)
	set(aPrompt, a.Prompt != "")
	set(aMIME, a.MIME != "")
	set(aName, a.Name != "")
	set(aSeconds, a.Seconds != 0)
	e.uv(fl)
	if fl&aPointer != 0 {
		w.fresh(e, a.Pointer)
	}
	if fl&aFile != 0 {
		w.fresh(e, a.File)
	}
	if fl&aSize != 0 {
		e.sv(a.Size)
	}
	if fl&aWidth != 0 {
		e.sv(int64(a.Width))
	}
	if fl&aHeight != 0 {
		e.sv(int64(a.Height))
	}
	if fl&aPrompt != 0 {
		w.text(e, a.Prompt)
	}
	if fl&aMIME != 0 {
		w.pooled(e, a.MIME)
	}
	if fl&aName != 0 {
		w.text(e, a.Name)
	}
	if fl&aSeconds != 0 {
		e.f64(a.Seconds)
	}
}

// decodeTree decodes a blob whose fresh strings are read through s.
func decodeTree(blob []byte, s *strs) ([]model.Node, error) {
	d := &dec{b: blob}
	max := len(blob)
	n := d.count(max + 1)
	if n == 0 {
		if d.bad || d.i != len(blob) || s.cur != s.end {
			return nil, fmt.Errorf("tree: %w", ErrCorrupt)
		}
		return nil, nil
	}
	t := treeCounts{nodes: n - 1, msgs: d.count(max), blocks: d.count(max), children: d.count(max)}
	if d.bad {
		return nil, fmt.Errorf("tree counts: %w", ErrCorrupt)
	}
	nodes := make([]model.Node, t.nodes)
	msgs := make([]model.Message, t.msgs)
	blocks := make([]model.Block, t.blocks)
	children := make([]int32, t.children)
	for i := range nodes {
		n := &nodes[i]
		fl := d.uv()
		n.Key = d.str(s)
		n.Parent = d.int32()
		if fl&nodeChildrenNil == 0 {
			k := d.count(len(children))
			kids := children[:k:k]
			children = children[k:]
			for j := range kids {
				kids[j] = d.int32()
			}
			n.SetChildren(kids)
		}
		if fl&nodeMsg != 0 {
			if len(msgs) == 0 {
				d.bad = true
				break
			}
			n.Msg, msgs = &msgs[0], msgs[1:]
			blocks = decodeMessage(d, s, n.Key, n.Msg, blocks)
		}
		if d.bad {
			break
		}
	}
	if d.bad || d.i != len(blob) || len(msgs) != 0 || len(blocks) != 0 || len(children) != 0 || s.cur != s.end {
		return nil, fmt.Errorf("tree: %w", ErrCorrupt)
	}
	return nodes, nil
}

func decodeMessage(d *dec, s *strs, key string, m *model.Message, blocks []model.Block) []model.Block {
	fl := d.uv()
	var x model.MessageExtra
	m.ID = key
	if fl&msgIDIsKey == 0 {
		m.ID = d.str(s)
	}
	role := model.Role(d.str(s))
	x.AuthorName = d.str(s)
	recipient := d.str(s)
	x.Channel = d.str(s)
	t := d.time()
	slug := d.str(s)
	status := d.str(s)
	ctype := d.str(s)
	m.Visibility = model.Visibility(d.uv())
	m.Continuation = fl&msgContinuation != 0
	if fl&msgEndTurn != 0 {
		m.SetEndTurn(fl&msgEndTurnTrue != 0)
	}
	if fl&msgBlocksNil == 0 {
		k := d.count(len(blocks))
		m.Blocks, blocks = blocks[:k:k], blocks[k:]
		for i := range m.Blocks {
			decodeBlock(d, s, &m.Blocks[i])
		}
	}
	if fl&msgRefsNil == 0 {
		k := d.count(len(d.b) - d.i)
		x.References = make([]model.Reference, k)
		for i := range x.References {
			r := &x.References[i]
			r.N = int(d.sv())
			r.Title = d.str(s)
			r.URL = d.str(s)
		}
	}
	if fl&msgFeedback != 0 {
		f := &model.Feedback{}
		f.Rating = d.str(s)
		f.Text = d.str(s)
		if k := d.count(len(d.b) - d.i + 1); k > 0 {
			f.Tags = make([]string, k-1)
			for i := range f.Tags {
				f.Tags[i] = d.str(s)
			}
		}
		f.Time = d.time()
		x.Feedback = f
	}
	if fl&msgExtra != 0 {
		m.Extra = &x
	} else if x.AuthorName != "" || x.Channel != "" || x.References != nil || x.Feedback != nil {
		d.bad = true // fields of an Extra the message did not have
	}
	// After Extra: the setters keep what the model does not pack in it
	// (model/packed.go), allocating it when the message had none (a
	// snapshot written before the packing stored such a message without).
	m.SetRole(role)
	m.SetRecipient(recipient)
	m.SetTime(t)
	m.SetStatus(status)
	m.SetContentType(ctype)
	m.SetModel(slug)
	return blocks
}

func decodeBlock(d *dec, s *strs, b *model.Block) {
	b.Kind = model.BlockKind(d.uv())
	fl := d.uv()
	x := &model.BlockExtra{}
	if fl&bExtra != 0 {
		b.Extra = x
	} else if fl&(bTitle|bURL|bDomain|bSummary|bThoughts|bAsset|bImages|bDirection|bSeconds|bRaw) != 0 {
		d.bad = true // fields of an Extra the block did not have
		return
	}
	if fl&bText != 0 {
		b.Text = d.str(s)
	}
	if fl&bLang != 0 {
		b.SetLang(d.str(s))
	}
	if fl&bTitle != 0 {
		x.Title = d.str(s)
	}
	if fl&bURL != 0 {
		x.URL = d.str(s)
	}
	if fl&bDomain != 0 {
		x.Domain = d.str(s)
	}
	if fl&bSummary != 0 {
		x.Summary = d.str(s)
	}
	if fl&bThoughts != 0 {
		x.Thoughts = make([]model.Thought, d.count(len(d.b)-d.i))
		for i := range x.Thoughts {
			x.Thoughts[i].Summary = d.str(s)
			x.Thoughts[i].Content = d.str(s)
		}
	}
	if fl&bAsset != 0 {
		x.Asset = &model.Asset{}
		decodeAsset(d, s, x.Asset)
	}
	if fl&bImages != 0 {
		x.Images = make([]model.Asset, d.count(len(d.b)-d.i))
		for i := range x.Images {
			decodeAsset(d, s, &x.Images[i])
		}
	}
	if fl&bDirection != 0 {
		x.Direction = d.str(s)
	}
	if fl&bSeconds != 0 {
		x.Seconds = d.f64()
	}
	if fl&bType != 0 {
		b.SetType(d.str(s))
	}
	if fl&bRaw != 0 {
		x.Raw = d.bytes(s)
	}
}

func decodeAsset(d *dec, s *strs, a *model.Asset) {
	fl := d.uv()
	if fl&aPointer != 0 {
		a.Pointer = d.str(s)
	}
	if fl&aFile != 0 {
		a.File = d.str(s)
	}
	a.Missing = fl&aMissing != 0
	if fl&aSize != 0 {
		a.Size = d.sv()
	}
	if fl&aWidth != 0 {
		a.Width = int(d.sv())
	}
	if fl&aHeight != 0 {
		a.Height = int(d.sv())
	}
	if fl&aPrompt != 0 {
		a.Prompt = d.str(s)
	}
	if fl&aMIME != 0 {
		a.MIME = d.str(s)
	}
	if fl&aName != 0 {
		a.Name = d.str(s)
	}
	if fl&aSeconds != 0 {
		a.Seconds = d.f64()
	}
}
