package loader

import (
	"errors"
	"fmt"

	"github.com/backchat/backchat/model"
)

// rawNode is a mapping entry before parent/children keys are resolved.
type rawNode struct {
	key         string
	parent      []byte
	hasParent   bool
	first, last int // childKeys[first:last]
	msg         *model.Message
}

// errNoMapping marks an object that is not a ChatGPT conversation.
var errNoMapping = errors.New(`no "mapping": not a ChatGPT conversation`)

// conversation decodes one conversation object.
func (w *worker) conversation(data []byte) (c *model.Conversation, err error) {
	d := getWalker(data)
	defer putWalker(d)
	d.watch, w.nested = w.watch, false
	w.nodes = w.nodes[:0]
	w.childKeys = w.childKeys[:0]
	w.notes = w.notes[:0]
	w.convID = ""
	w.end = 0
	clear(w.attach)
	w.pending = w.pending[:0]
	w.edits = w.edits[:0]

	c = &model.Conversation{Current: model.NoNode, Service: "chatgpt"}
	var (
		current    []byte
		hasMapping bool
		convID     string
	)
	defer func() { w.nested = d.nested }()
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
	w.end = d.i
	if c.ID == "" {
		c.ID = convID
	}
	w.build(c, current)
	w.convID = c.ID
	if len(w.edits) > 0 {
		replayCanvas(c, w.edits)
	}
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

// nodeIndex returns the index of the node whose key is k. With unique keys
// it tries the node at guess before the key index: a mapping mostly lists
// a thread in order (a node's parent just before it, its child just
// after), and comparing one key costs less than hashing it and probing
// the index (these lookups were most of a short-conversation load's map
// work, a few percent of its CPU).
func (w *worker) nodeIndex(k []byte, guess int, unique bool) (int32, bool) {
	if unique && guess >= 0 && guess < len(w.nodes) && w.nodes[guess].key == string(k) {
		return int32(guess), true
	}
	i, ok := w.index[string(k)]
	return i, ok
}

// build resolves keys to indices and fills the conversation's tree.
func (w *worker) build(c *model.Conversation, current []byte) {
	// The key index is emptied for each conversation, and clear costs the
	// map's capacity: after a conversation much larger than this one, a
	// fresh map sized for this one costs less than clearing the big one
	// (clearing a map grown to one long conversation for each of the
	// short ones after it was ~1% of a short-conversation load).
	if w.indexCap > 4*len(w.nodes)+256 {
		w.index, w.indexCap = make(map[string]int32, len(w.nodes)), len(w.nodes)
	} else {
		clear(w.index)
	}
	nodes := make([]model.Node, len(w.nodes))
	unique := true
	for i := range w.nodes {
		had := len(w.index)
		w.index[w.nodes[i].key] = int32(i)
		if len(w.index) == had {
			w.note("duplicate mapping key")
			unique = false
		}
	}
	w.indexCap = max(w.indexCap, len(w.index))
	kids := make([]int32, 0, len(w.childKeys))
	for i := range w.nodes {
		rn := &w.nodes[i]
		n := &nodes[i]
		n.Key = rn.key
		n.Msg = rn.msg
		n.Parent = model.NoNode
		if rn.hasParent {
			if p, ok := w.nodeIndex(rn.parent, i-1, unique); ok {
				n.Parent = p
			} else {
				w.note("a node's parent is not in the mapping")
			}
		}
		start := len(kids)
		for _, k := range w.childKeys[rn.first:rn.last] {
			if ci, ok := w.nodeIndex(k, i+1, unique); ok {
				kids = append(kids, ci)
			} else {
				w.note("a child is not in the mapping")
			}
		}
		if len(kids) > start {
			n.SetChildren(kids[start:len(kids):len(kids)])
		}
	}
	c.Nodes = nodes
	if current != nil {
		c.CurrentKey = w.a.str(current)
		if ci, ok := w.nodeIndex(current, len(w.nodes)-1, unique); ok {
			c.Current = ci
		} else {
			w.note("current_node is not in the mapping")
		}
	}
	mergeContinuations(c)
	fillFallbacks(c)
}
