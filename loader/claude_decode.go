package loader

import (
	"fmt"
	"strings"
	"time"

	"github.com/backchat/backchat/model"
)

// Claude.ai exports (docs/formats.md#claude): conversations.json is a bare
// array of {uuid, name, created_at, updated_at, chat_messages[{uuid, sender,
// text, content[], attachments[], files[], parent_message_uuid?}]}. Older
// third-party shapes name them messages/role (docs/formats.md#pitfalls).
//
// Mapping onto the model:
//   - Each chat message becomes one or more nodes, in content order: text,
//     voice notes, attachments, files and unknown blocks stay in the
//     sender's message (Shown); every thinking block becomes its own
//     assistant node before what follows it (Folded by classify, so
//     the answer stays Shown), every tool_use an assistant node addressed
//     to the tool (Folded), every tool_result a "tool" node (Folded, or
//     Hidden when empty). Tool-only turns are kept (docs/formats.md#pitfalls).
//   - The message text field is used only when content is empty or absent:
//     it duplicates thinking and answer (docs/formats.md#claude).
//   - Messages form a chain in array order under a message-less root. When
//     parent_message_uuid is present it is followed, so edits and retries
//     become branches; the current thread ends at current_leaf_message_uuid
//     when given, else at the last message in array order.
//   - Uploaded binaries are not in the export: files become assets marked
//     Missing; attachments' extracted text becomes a quote titled with the
//     file name.

// isClaudeConversation: uuid + chat_messages (or the older uuid + messages,
// which ChatGPT never has without a mapping).
func isClaudeConversation(k keySet) bool {
	return k["chat_messages"] || (k["uuid"] && k["messages"] && !k["mapping"])
}

// claudeRoot is the parent uuid Claude gives the first message of a
// conversation.
const claudeRoot = "00000000-0000-4000-8000-000000000000"

// claudeMsg is one decoded chat message: its nodes' messages in order.
type claudeMsg struct {
	uuid, parent string
	role         model.Role
	time         int64 // created_at in Unix nanoseconds; 0 when unknown
	segs         []*model.Message
}

// claudeConversation decodes one Claude conversation object.
func (w *worker) claudeConversation(data []byte) (*model.Conversation, error) {
	d := getWalker(data)
	defer putWalker(d)
	w.notes = w.notes[:0]
	c := &model.Conversation{Current: model.NoNode, Service: model.ServiceClaude}
	var (
		msgs []claudeMsg
		leaf string
	)
	err := d.ObjBytes(func(d *walker, key []byte) error {
		var err error
		switch string(key) {
		case "uuid":
			c.ID, err = w.str(d)
		case "conversation_id":
			if c.ID == "" {
				c.ID, err = w.str(d)
			} else {
				err = d.Skip()
			}
		case "name", "title":
			var t string
			t, err = w.str(d)
			if t != "" {
				c.Title = t
			}
		case "created_at":
			c.Created, err = epoch(d)
		case "updated_at":
			c.Updated, err = epoch(d)
		case "model":
			c.Model, err = w.str(d)
		case "is_starred":
			c.Starred, err = boolean(d)
		case "current_leaf_message_uuid":
			leaf, err = w.str(d)
		case "chat_messages", "messages":
			err = arr(d, func(d *walker) error {
				if d.Next() != tObject {
					w.note("a chat message is not an object")
					return d.Skip()
				}
				m, err := w.claudeMessage(d)
				if err != nil {
					return fmt.Errorf("message %d: %w", len(msgs), err)
				}
				msgs = append(msgs, m)
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
	claudeOrder(msgs)
	w.claudeTree(c, msgs, leaf, "parent_message_uuid")
	fillFallbacks(c)
	return c, nil
}

// claudeTree builds the nodes: a root, then each message's segments as a
// chain, each message hanging below its parent's last segment. parentKey
// names the export's parent field in notes.
func (w *worker) claudeTree(c *model.Conversation, msgs []claudeMsg, leaf, parentKey string) {
	nodes := []model.Node{{Key: "root", Parent: model.NoNode}}
	last := make(map[string]int32, len(msgs)) // message uuid → its last node
	first := make([]int32, len(msgs))         // message → its first node
	for i := range msgs {
		m := &msgs[i]
		first[i] = int32(len(nodes))
		for j, seg := range m.segs {
			key := m.uuid
			if key == "" {
				key = fmt.Sprintf("message-%d", i)
			}
			if j > 0 {
				key = fmt.Sprintf("%s#%d", key, j)
			}
			p := int32(len(nodes) - 1)
			if j == 0 {
				p = model.NoNode // linked below, once every uuid is known
			}
			nodes = append(nodes, model.Node{Key: key, Parent: p, Msg: seg})
		}
		if m.uuid != "" && len(m.segs) > 0 {
			if _, dup := last[m.uuid]; dup {
				w.note("duplicate message uuid")
			}
			last[m.uuid] = int32(len(nodes) - 1)
		}
	}
	prev := int32(0)
	for i := range msgs {
		m := &msgs[i]
		if len(m.segs) == 0 {
			continue
		}
		p := prev
		if m.parent != "" {
			if m.parent == claudeRoot {
				p = 0
			} else if pi, ok := last[m.parent]; ok && m.parent != m.uuid {
				p = pi
			} else {
				w.note("a message's " + parentKey + " is not in the conversation")
			}
		}
		nodes[first[i]].Parent = p
		prev = int32(first[i]) + int32(len(m.segs)) - 1
	}
	model.LinkChildren(nodes)
	c.Nodes = nodes
	c.Current = prev
	if leaf != "" {
		c.CurrentKey = leaf
		if li, ok := last[leaf]; ok {
			c.Current = li
		} else {
			w.note("current_leaf_message_uuid is not in the conversation")
		}
	}
}

// claudeFields are one chat message's fields, captured raw until the
// sender (which may come last) is known.
type claudeFields struct {
	content, attachments, files, filesV2, text []byte
}

// claudeMessage decodes one chat message into its segments.
func (w *worker) claudeMessage(d *walker) (claudeMsg, error) {
	var (
		cm   claudeMsg
		f    claudeFields
		role model.Role
		base model.Message
	)
	err := d.ObjBytes(func(d *walker, key []byte) error {
		var err error
		switch string(key) {
		case "uuid", "id":
			var s string
			s, err = w.str(d)
			if s != "" {
				cm.uuid = s
			}
		case "parent_message_uuid", "parent_uuid":
			cm.parent, err = w.str(d)
		case "sender", "role":
			var s string
			s, err = w.str(d)
			role = claudeRole(s)
		case "created_at", "create_time":
			var t time.Time
			t, err = epoch(d)
			base.SetTime(t)
		case "model":
			var slug string
			slug, err = w.str(d)
			base.SetModel(slug)
		case "content":
			f.content, err = d.Raw()
		case "text":
			f.text, err = d.Raw()
		case "attachments":
			f.attachments, err = d.Raw()
		case "files":
			f.files, err = d.Raw()
		case "files_v2":
			f.filesV2, err = d.Raw()
		default:
			err = d.Skip()
		}
		if err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		return nil
	})
	if err != nil {
		return cm, err
	}
	base.ID = cm.uuid
	base.SetRole(role)
	cm.role = role
	if !base.Time().IsZero() {
		cm.time = base.Time().UnixNano()
	}
	b := claudeBuilder{w: w, base: base}
	if len(f.content) > 0 && f.content[0] == '"' {
		b.any = true
		b.addText(w.rawStr(f.content), "text")
	} else if err := w.eachPart(f.content, b.block); err != nil {
		return cm, fmt.Errorf("content: %w", err)
	}
	if !b.any {
		// text repeats thinking and answer (docs/formats.md#claude); only a fallback.
		if t := w.rawStr(f.text); t != "" {
			b.addText(t, "text")
		}
	}
	if err := w.eachPart(f.attachments, b.attachment); err != nil {
		return cm, fmt.Errorf("attachments: %w", err)
	}
	var seen map[string]bool
	if len(f.files) > 2 || len(f.filesV2) > 2 { // not [] or null
		seen = make(map[string]bool)
	}
	for _, files := range [][]byte{f.files, f.filesV2} {
		if err := w.eachPart(files, func(d *walker) error { return b.file(d, seen) }); err != nil {
			return cm, fmt.Errorf("files: %w", err)
		}
	}
	if len(b.segs) == 0 {
		// Nothing at all: keep the turn as an empty message (Hidden).
		b.main()
	}
	for _, m := range b.segs {
		if m.Role() == model.RoleAssistant || m.Role() == model.RoleUser {
			for i := range m.Blocks {
				if m.Blocks[i].Kind == model.BlockText && m.Role() == model.RoleAssistant {
					m.Blocks[i].Text = model.NormalizeMath(m.Blocks[i].Text)
				}
			}
		}
		m.Visibility = classify(m, visibilityHints{})
	}
	cm.segs = b.segs
	return cm, nil
}

// claudeRole maps sender names onto roles: human → user.
func claudeRole(s string) model.Role {
	switch strings.ToLower(s) {
	case "human", "user":
		return model.RoleUser
	case "assistant":
		return model.RoleAssistant
	case "system":
		return model.RoleSystem
	}
	return model.Role(s)
}

// claudeBuilder splits one chat message's content into segments.
type claudeBuilder struct {
	w    *worker
	base model.Message
	segs []*model.Message
	cur  *model.Message // the open sender's segment, nil after a split
	any  bool           // content held at least one block
}

// main returns the open segment of the sender, starting one if needed.
func (b *claudeBuilder) main() *model.Message {
	if b.cur == nil {
		m := b.base.Copy()
		m.SetContentType("text")
		b.cur = &m
		b.segs = append(b.segs, b.cur)
	}
	return b.cur
}

// split starts a segment of its own (thinking, tool use or result).
func (b *claudeBuilder) split(role model.Role, ctype string) *model.Message {
	m := b.base.Copy()
	m.SetRole(role)
	m.SetContentType(ctype)
	b.cur = nil
	b.segs = append(b.segs, &m)
	return &m
}
