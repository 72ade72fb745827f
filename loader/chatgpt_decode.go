package loader

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/backchat/backchat/model"
)

// worker decodes conversations. It reads only the fields backchat needs,
// skips the rest, and builds model values directly (no wire structs, no
// map of mapping nodes). Strings are copied into its arena.
//
// Not safe for concurrent use: each decoding goroutine owns one.
type worker struct {
	a       *arena
	scratch []byte // reused buffer for unescaping strings
	textBuf []byte // reused buffer for joining parts
	fields  []rawField

	// per-conversation scratch, reused
	nodes     []rawNode
	childKeys [][]byte
	index     map[string]int32
	notes     []string
	assets    *assetIndex // of the file being decoded; nil when none
	convID    string
	attach    map[string]attachment
	pending   []pendingAsset
	segs      []partSeg // parts scratch
	nodeKey   string    // key of the mapping node whose message is decoded

	// Slabs that messages and their blocks are carved from: one allocation
	// per many messages instead of one (or more) each. Elements are handed
	// out once and never reused, so the model stays immutable; a slab lives
	// as long as any message in it.
	msgSlab  []model.Message
	blkSlab  []model.Block
	boolSlab []bool
}

// newBool returns a pointer to a fresh false from the worker's slab.
func (w *worker) newBool() *bool {
	if len(w.boolSlab) == 0 {
		w.boolSlab = make([]bool, 4096)
	}
	b := &w.boolSlab[0]
	w.boolSlab = w.boolSlab[1:]
	return b
}

// newMessage returns a zero message from the worker's slab.
func (w *worker) newMessage() *model.Message {
	if len(w.msgSlab) == 0 {
		w.msgSlab = make([]model.Message, 256)
	}
	m := &w.msgSlab[0]
	w.msgSlab = w.msgSlab[1:]
	return m
}

// blocks returns an empty slice with capacity n from the worker's slab; its
// capacity is exact, so appending beyond n reallocates instead of writing
// into a neighbour's blocks.
func (w *worker) blocks(n int) []model.Block {
	if n > 16 {
		return make([]model.Block, 0, n)
	}
	if len(w.blkSlab) < n {
		w.blkSlab = make([]model.Block, 256)
	}
	b := w.blkSlab[:0:n]
	w.blkSlab = w.blkSlab[n:]
	return b
}

// rawNode is a mapping entry before parent/children keys are resolved.
type rawNode struct {
	key         string
	parent      []byte
	hasParent   bool
	first, last int // childKeys[first:last]
	msg         *model.Message
}

func newWorker(total int64) *worker {
	return &worker{a: newArena(total), index: make(map[string]int32)}
}

// str reads a JSON string into the arena; null or any other type gives "".
func (w *worker) str(d *walker) (string, error) {
	if d.Next() != tString {
		return "", d.Skip()
	}
	b, err := d.StrAppend(w.scratch[:0])
	if err != nil {
		return "", err
	}
	w.scratch = b[:0]
	return w.a.str(b), nil
}

// rawStr converts a captured raw JSON value into an arena string: the
// string's text when it is a JSON string, "" otherwise. Unescaped strings are
// copied straight from the input; escaped ones are decoded into scratch.
func (w *worker) rawStr(raw []byte) string {
	if len(raw) < 2 || raw[0] != '"' {
		return ""
	}
	if bytes.IndexByte(raw, '\\') < 0 {
		return w.a.str(raw[1 : len(raw)-1])
	}
	d := getWalker(raw)
	defer putWalker(d)
	b, err := d.StrAppend(w.scratch[:0])
	if err != nil {
		return ""
	}
	w.scratch = b[:0]
	return w.a.str(b)
}

// rawStr reads a JSON string as bytes valid while the input is; "" for other
// types.
func rawStr(d *walker) ([]byte, error) {
	if d.Next() != tString {
		return nil, d.Skip()
	}
	return d.StrBytes()
}

// boolean reads true/false; anything else (null, numbers) is false.
func boolean(d *walker) (bool, error) {
	if d.Next() != tBool {
		return false, d.Skip()
	}
	return d.Bool()
}

// number reads a number, or a string holding one; ok is false otherwise.
func number(d *walker) (f float64, ok bool, err error) {
	switch d.Next() {
	case tNumber:
		f, err = d.Float64()
		return f, err == nil && !math.IsNaN(f) && !math.IsInf(f, 0), err
	case tString:
		b, err := d.StrBytes()
		if err != nil {
			return 0, false, err
		}
		f, perr := strconv.ParseFloat(strings.TrimSpace(string(b)), 64)
		if perr != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return 0, false, nil
		}
		return f, true, nil
	}
	return 0, false, d.Skip()
}

// epoch reads a time: float or integer epoch seconds (milliseconds when
// implausibly large), a numeric string, or an RFC 3339 string. Zero when
// absent or unusable.
func epoch(d *walker) (time.Time, error) {
	if d.Next() == tString {
		b, err := d.StrBytes()
		if err != nil {
			return time.Time{}, err
		}
		s := strings.TrimSpace(string(b))
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return fromEpoch(f), nil
		}
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			return t.UTC(), nil
		}
		return time.Time{}, nil
	}
	f, ok, err := number(d)
	if !ok {
		return time.Time{}, err
	}
	return fromEpoch(f), nil
}

func fromEpoch(f float64) time.Time {
	if math.IsNaN(f) || math.IsInf(f, 0) || f == 0 {
		return time.Time{}
	}
	if math.Abs(f) > 1e11 { // milliseconds
		f /= 1000
	}
	if math.Abs(f) > 1e11 {
		return time.Time{}
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)).UTC()
}

// errNoMapping marks an object that is not a ChatGPT conversation.
var errNoMapping = errors.New(`no "mapping": not a ChatGPT conversation`)

// conversation decodes one conversation object.
func (w *worker) conversation(data []byte) (c *model.Conversation, err error) {
	d := getWalker(data)
	defer putWalker(d)
	w.nodes = w.nodes[:0]
	w.childKeys = w.childKeys[:0]
	w.notes = w.notes[:0]
	w.convID = ""
	clear(w.attach)
	w.pending = w.pending[:0]
	if len(w.index) > 4096 {
		// clear costs the map's capacity: do not let one huge conversation
		// slow down every later one.
		w.index = make(map[string]int32)
	} else {
		clear(w.index)
	}

	c = &model.Conversation{Current: model.NoNode, Service: "chatgpt"}
	var (
		current    []byte
		hasMapping bool
		convID     string
	)
	err = d.ObjBytes(func(d *walker, key []byte) error {
		var err error
		switch string(key) {
		case "id":
			c.ID, err = w.str(d)
		case "conversation_id":
			convID, err = w.str(d)
		case "title":
			c.Title, err = w.str(d)
		case "create_time":
			c.Created, err = epoch(d)
		case "update_time":
			c.Updated, err = epoch(d)
		case "current_node":
			current, err = rawStr(d)
		case "default_model_slug":
			c.Model, err = w.str(d)
		case "is_archived":
			c.Archived, err = boolean(d)
		case "is_starred":
			c.Starred, err = boolean(d)
		case "gizmo_id":
			c.GizmoID, err = w.str(d)
		case "gizmo_type":
			c.GizmoType, err = w.str(d)
		case "conversation_origin":
			c.Origin, err = w.str(d)
		case "mapping":
			if d.Next() != tObject {
				return fmt.Errorf(`"mapping" is %s, not an object`, d.Next())
			}
			hasMapping = true
			err = w.mapping(d)
		default:
			err = d.Skip()
		}
		if err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		return nil
	})
	if err != nil {
		if c.ID == "" {
			c.ID = convID
		}
		return c, err
	}
	if !hasMapping {
		return c, errNoMapping
	}
	if c.ID == "" {
		c.ID = convID
	}
	w.build(c, current)
	w.convID = c.ID
	for _, p := range w.pending {
		w.resolveNow(p.a, p.dalle)
	}
	return c, nil
}

// mapping reads the mapping object into w.nodes.
func (w *worker) mapping(d *walker) error {
	return d.ObjBytes(func(d *walker, key []byte) error {
		if d.Next() != tObject {
			w.note("a mapping entry is not an object")
			return d.Skip()
		}
		n := rawNode{key: w.a.str(key), first: len(w.childKeys)}
		err := d.ObjBytes(func(d *walker, k []byte) error {
			switch string(k) {
			case "parent":
				if d.Next() == tString {
					b, err := d.StrBytes()
					n.parent, n.hasParent = b, true
					return err
				}
				return d.Skip()
			case "children":
				if d.Next() != tArray {
					return d.Skip()
				}
				return d.Arr(func(d *walker) error {
					b, err := rawStr(d)
					if err == nil && b != nil {
						w.childKeys = append(w.childKeys, b)
					}
					return err
				})
			case "message":
				if d.Next() != tObject {
					return d.Skip()
				}
				w.nodeKey = n.key
				m, err := w.message(d)
				w.nodeKey = ""
				if err != nil {
					return fmt.Errorf("message: %w", err)
				}
				n.msg = m
				return nil
			}
			return d.Skip()
		})
		if err != nil {
			return fmt.Errorf("node %q: %w", truncate(n.key, 60), err)
		}
		n.last = len(w.childKeys)
		w.nodes = append(w.nodes, n)
		return nil
	})
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

func (w *worker) note(s string) {
	for _, n := range w.notes {
		if n == s {
			return
		}
	}
	w.notes = append(w.notes, s)
}

// build resolves keys to indices and fills the conversation's tree.
func (w *worker) build(c *model.Conversation, current []byte) {
	nodes := make([]model.Node, len(w.nodes))
	for i := range w.nodes {
		if _, dup := w.index[w.nodes[i].key]; dup {
			w.note("duplicate mapping key")
		}
		w.index[w.nodes[i].key] = int32(i)
	}
	kids := make([]int32, 0, len(w.childKeys))
	for i := range w.nodes {
		rn := &w.nodes[i]
		n := &nodes[i]
		n.Key = rn.key
		n.Msg = rn.msg
		n.Parent = model.NoNode
		if rn.hasParent {
			if p, ok := w.index[string(rn.parent)]; ok {
				n.Parent = p
			} else {
				w.note("a node's parent is not in the mapping")
			}
		}
		start := len(kids)
		for _, k := range w.childKeys[rn.first:rn.last] {
			if ci, ok := w.index[string(k)]; ok {
				kids = append(kids, ci)
			} else {
				w.note("a child is not in the mapping")
			}
		}
		if len(kids) > start {
			n.Children = kids[start:len(kids):len(kids)]
		}
	}
	c.Nodes = nodes
	if current != nil {
		c.CurrentKey = w.a.str(current)
		if ci, ok := w.index[string(current)]; ok {
			c.Current = ci
		} else {
			w.note("current_node is not in the mapping")
		}
	}
	fillFallbacks(c)
}

// fillFallbacks fills what a conversation's own fields left empty, the same
// way for every format: Created ← Updated ← earliest message time; Model ←
// the latest message's model.
func fillFallbacks(c *model.Conversation) {
	var earliest, latest time.Time
	latestModel := ""
	for i := range c.Nodes {
		m := c.Nodes[i].Msg
		if m == nil {
			continue
		}
		if !m.Time.IsZero() && (earliest.IsZero() || m.Time.Before(earliest)) {
			earliest = m.Time
		}
		if m.Model != "" && (latestModel == "" || !m.Time.Before(latest)) {
			latest, latestModel = m.Time, m.Model
		}
	}
	if c.Created.IsZero() {
		c.Created = c.Updated
	}
	if c.Created.IsZero() {
		c.Created = earliest
	}
	if c.Model == "" {
		c.Model = latestModel
	}
}
