package loader

import (
	"fmt"
	"strings"
	"time"

	"github.com/backchat/backchat/model"
)

// DeepSeek exports (chat.deepseek.com → Settings → Data → Export all
// history; docs/formats.md#deepseek): conversations.json is an array of {id,
// title, inserted_at, updated_at, mapping}, the mapping a tree of {id,
// parent, children, message: {model, inserted_at, files, fragments: [{type:
// REQUEST|RESPONSE|THINK|SEARCH|…, content, results?}]}} under a "root" node
// without message. There is no current_node: the current thread ends at the
// newest leaf (model.Conversation.CurrentThread's fallback).
//
// NOTE: documented shape, not verified on a real export (no public export
// file was found; the sources are third-party converters, see
// docs/formats.md#deepseek and testdata/deepseek/README.md).
//
// Each node becomes one node per run of fragments: THINK fragments an
// assistant "thoughts" node of their own (Folded), SEARCH / TOOL_SEARCH
// results a folded node of web pages, REQUEST and RESPONSE text the user or
// assistant message. Unknown fragment types are kept raw.

// isDeepSeek: a mapping tree with DeepSeek's inserted_at timestamps.
func isDeepSeek(k keySet) bool {
	return k["mapping"] && (k["inserted_at"] || k[hintFragments] && !k[hintAuthor])
}

// dsNode is one mapping entry before parents are resolved.
type dsNode struct {
	key, parent string
	segs        []*model.Message
}

// deepseekConversation decodes one DeepSeek conversation object.
func (w *worker) deepseekConversation(data []byte) (*model.Conversation, error) {
	d := getWalker(data)
	defer putWalker(d)
	w.notes = w.notes[:0]
	c := &model.Conversation{Current: model.NoNode, Service: model.ServiceDeepSeek}
	var (
		nodes        []dsNode
		current      string
		created, upd time.Time // ChatGPT-like create_time/update_time, used when inserted_at/updated_at are missing
	)
	err := d.ObjBytes(func(d *walker, key []byte) error {
		var err error
		switch string(key) {
		case "id", "conversation_id":
			var id string
			id, err = w.str(d)
			if id != "" && (c.ID == "" || string(key) == "id") {
				c.ID = id
			}
		case "title":
			c.Title, err = w.str(d)
		case "inserted_at":
			c.Created, err = epoch(d)
		case "updated_at":
			c.Updated, err = epoch(d)
		case "create_time":
			created, err = epoch(d)
		case "update_time":
			upd, err = epoch(d)
		case "current_node":
			current = w.idValue(d)
		case "mapping":
			if d.Next() != tObject {
				return fmt.Errorf(`"mapping" is %s, not an object`, d.Next())
			}
			err = d.ObjBytes(func(d *walker, k []byte) error {
				n := dsNode{key: w.a.str(k)}
				if d.Next() != tObject {
					w.note("a mapping entry is not an object")
					return d.Skip()
				}
				err := d.ObjBytes(func(d *walker, k []byte) error {
					switch string(k) {
					case "parent":
						n.parent = w.idValue(d)
						return nil
					case "message":
						if d.Next() != tObject {
							return d.Skip()
						}
						segs, err := w.deepseekMessage(d, n.key)
						n.segs = segs
						return err
					}
					return d.Skip()
				})
				if err != nil {
					return fmt.Errorf("node %q: %w", truncate(n.key, 60), err)
				}
				nodes = append(nodes, n)
				return nil
			})
		default:
			err = d.Skip()
		}
		if err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		return nil
	})
	if err != nil {
		return c, err
	}
	c.Nodes = w.segmentTree(nodes)
	if c.Created.IsZero() {
		c.Created = created
	}
	if c.Updated.IsZero() {
		c.Updated = upd
	}
	if current != "" {
		c.CurrentKey = current
		c.Current = dsCurrent(c.Nodes, current)
		if c.Current == model.NoNode {
			w.note("current_node is not in the mapping")
		}
	}
	fillFallbacks(c)
	return c, nil
}

// dsCurrent is the node where the thread of current_node ends: the node of
// that key, or its last segment; NoNode when there is none.
func dsCurrent(nodes []model.Node, key string) int32 {
	cur := int32(model.NoNode)
	for i := range nodes {
		k := nodes[i].Key
		if k == key || strings.HasPrefix(k, key+"#") {
			cur = int32(i)
		}
	}
	return cur
}

// idValue reads a node id that may be a string or a number; "" otherwise.
func (w *worker) idValue(d *walker) string {
	switch d.Next() {
	case tString:
		s, _ := w.str(d)
		return s
	case tNumber:
		raw, err := d.Raw()
		if err != nil {
			return ""
		}
		return w.a.str(raw)
	}
	_ = d.Skip()
	return ""
}

// segmentTree turns nodes whose message was split into segments into the
// model's tree: each node's segments form a chain; its first segment hangs
// below the parent's last one. Children keep mapping order.
func (w *worker) segmentTree(nodes []dsNode) []model.Node {
	var out []model.Node
	first := make([]int32, len(nodes))
	last := make(map[string]int32, len(nodes))
	for i := range nodes {
		n := &nodes[i]
		first[i] = int32(len(out))
		if len(n.segs) == 0 {
			out = append(out, model.Node{Key: n.key, Parent: model.NoNode})
		}
		for j, m := range n.segs {
			key, p := n.key, int32(model.NoNode)
			if j > 0 {
				key, p = fmt.Sprintf("%s#%d", n.key, j), int32(len(out)-1)
			}
			out = append(out, model.Node{Key: key, Parent: p, Msg: m})
		}
		if _, dup := last[n.key]; dup {
			w.note("duplicate mapping key")
		}
		last[n.key] = int32(len(out) - 1)
	}
	for i := range nodes {
		if nodes[i].parent == "" {
			continue
		}
		if p, ok := last[nodes[i].parent]; ok && nodes[i].parent != nodes[i].key {
			out[first[i]].Parent = p
		} else {
			w.note("a node's parent is not in the mapping")
		}
	}
	model.LinkChildren(out)
	return out
}

// deepseekMessage decodes a node's message into segments.
func (w *worker) deepseekMessage(d *walker, key string) ([]*model.Message, error) {
	var (
		base      model.Message
		fragments []byte
	)
	err := d.ObjBytes(func(d *walker, k []byte) error {
		var err error
		switch string(k) {
		case "model":
			var slug string
			slug, err = w.str(d)
			base.SetModel(slug)
		case "inserted_at":
			var t time.Time
			t, err = epoch(d)
			base.SetTime(t)
		case "fragments":
			fragments, err = d.Raw()
		default:
			err = d.Skip()
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	base.ID = key
	var segs []*model.Message
	var cur *model.Message
	open := func(role model.Role, ctype string) *model.Message {
		if cur != nil && cur.Role() == role && cur.ContentType() == ctype {
			return cur
		}
		m := base.Copy()
		m.SetRole(role)
		m.SetContentType(ctype)
		cur = &m
		segs = append(segs, cur)
		return cur
	}
	err = w.eachPart(fragments, func(d *walker) error {
		raw, err := d.Raw()
		if err != nil {
			return err
		}
		var typ, content string
		var results []byte
		_ = obj(getWalkerOnce(raw), func(d *walker, k []byte) error {
			var err error
			switch string(k) {
			case "type":
				typ, err = w.str(d)
			case "content":
				content, err = w.str(d)
			case "results":
				results, err = d.Raw()
			default:
				err = d.Skip()
			}
			return err
		})
		switch strings.ToUpper(typ) {
		case "REQUEST":
			m := open(model.RoleUser, "text")
			m.Blocks = append(m.Blocks, model.Block{Kind: model.BlockText, Text: content}.WithType(typ))
		case "RESPONSE":
			m := open(model.RoleAssistant, "text")
			m.Blocks = append(m.Blocks, model.Block{Kind: model.BlockText, Text: model.NormalizeMath(content)}.WithType(typ))
		case "THINK":
			m := open(model.RoleAssistant, "thoughts")
			m.Blocks = append(m.Blocks, model.Block{Kind: model.BlockThoughts, Extra: &model.BlockExtra{Thoughts: []model.Thought{{Content: content}}}}.WithType(typ))
		case "SEARCH", "TOOL_SEARCH", "TOOL_OPEN":
			m := open(model.RoleTool, "search")
			m.Ext().AuthorName = strings.ToLower(typ)
			m.Blocks = append(m.Blocks, w.deepseekResults(typ, content, results)...)
		default:
			// Kept raw in the message it appears in.
			m := cur
			if m == nil {
				m = open(model.RoleAssistant, "unknown")
			}
			m.Blocks = append(m.Blocks, model.Block{Kind: model.BlockUnknown, Extra: &model.BlockExtra{Raw: w.a.bytes(raw)}}.WithType(typ))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("fragments: %w", err)
	}
	for _, m := range segs {
		m.Visibility = classify(m, visibilityHints{})
	}
	return segs, nil
}

// deepseekResults turns a search fragment into page blocks (one per
// result), or its text when it lists none.
func (w *worker) deepseekResults(typ, content string, results []byte) []model.Block {
	var out []model.Block
	_ = w.eachPart(results, func(d *walker) error {
		var title, url, snippet string
		err := obj(d, func(d *walker, k []byte) error {
			var err error
			switch string(k) {
			case "title":
				title, err = w.str(d)
			case "url":
				url, err = w.str(d)
			case "snippet", "content":
				var s string
				s, err = w.str(d)
				snippet = nonEmpty(snippet, s)
			default:
				err = d.Skip()
			}
			return err
		})
		out = append(out, model.Block{Kind: model.BlockWebPage, Extra: &model.BlockExtra{Title: title, URL: url, Domain: domainOf(url)}, Text: snippet}.WithType(typ))
		return err
	})
	if len(out) == 0 || content != "" {
		out = append([]model.Block{model.Block{Kind: model.BlockBrowsing, Text: content}.WithType(typ)}, out...)
	}
	return out
}
