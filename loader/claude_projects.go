package loader

import (
	"fmt"
	"strings"
	"time"

	"github.com/backchat/backchat/model"
)

// Claude's projects.json (docs/formats.md#claude-projects) is an array of {uuid, name,
// description, prompt_template, created_at, updated_at, is_starter_project,
// docs: [{uuid, filename, content, created_at}]}. Conversations do not link
// to their project in the export, so a project is surfaced as a
// conversation of its own: Service "claude", Origin
// model.OriginClaudeProject, title
// "Project: NAME", one message holding the description and instructions,
// then one message per document (a quote titled with the file name). All
// are user messages, Shown: the documents are what the user gave Claude.
//
// users.json and memories.json are not read: they hold account details and
// a memory summary, no conversations (they are not listed as conversation
// files, so they never fail a load).

// isClaudeProject: a projects.json entry (uuid + docs or prompt_template,
// and no messages).
func isClaudeProject(k keySet) bool {
	return k["uuid"] && (k["docs"] || k["prompt_template"]) && !k["chat_messages"] && !k["messages"]
}

// claudeProject decodes one project into a pseudo-conversation.
func (w *worker) claudeProject(data []byte) (*model.Conversation, error) {
	d := getWalker(data)
	defer putWalker(d)
	w.notes = w.notes[:0]
	c := &model.Conversation{Current: model.NoNode, Service: model.ServiceClaude, Origin: model.OriginClaudeProject}
	var (
		name, desc, prompt string
		docs               []*model.Message
	)
	err := d.ObjBytes(func(d *walker, key []byte) error {
		var err error
		switch string(key) {
		case "uuid":
			c.ID, err = w.str(d)
		case "name":
			name, err = w.str(d)
		case "description":
			desc, err = w.str(d)
		case "prompt_template":
			prompt, err = w.str(d)
		case "created_at":
			c.Created, err = epoch(d)
		case "updated_at":
			c.Updated, err = epoch(d)
		case "docs":
			err = arr(d, func(d *walker) error {
				m := &model.Message{Extra: &model.MessageExtra{AuthorName: "project"}}
				m.SetRole(model.RoleUser)
				m.SetContentType("project_doc")
				var fname, content, id string
				err := obj(d, func(d *walker, k []byte) error {
					var err error
					switch string(k) {
					case "uuid":
						id, err = w.str(d)
					case "filename", "file_name":
						fname, err = w.str(d)
					case "content":
						content, err = w.str(d)
					case "created_at":
						var t time.Time
						t, err = epoch(d)
						m.SetTime(t)
					default:
						err = d.Skip()
					}
					return err
				})
				m.ID = id
				m.Blocks = []model.Block{model.Block{Kind: model.BlockQuote, Extra: &model.BlockExtra{Title: nonEmpty(fname, "document")}, Text: content}.WithType("project_doc")}
				docs = append(docs, m)
				return err
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
	if name == "" {
		name = "(unnamed)"
	}
	c.Title = projectTitle(name)
	if c.Created.IsZero() {
		c.Created = c.Updated
	}
	head := &model.Message{ID: c.ID, Extra: &model.MessageExtra{AuthorName: "project"}}
	head.SetRole(model.RoleUser)
	head.SetContentType("project")
	head.SetTime(c.Created)
	if desc != "" {
		head.Blocks = append(head.Blocks, model.Block{Kind: model.BlockText, Text: desc}.WithType("description"))
	}
	if prompt != "" {
		head.Blocks = append(head.Blocks, model.Block{Kind: model.BlockQuote, Extra: &model.BlockExtra{Title: "Project instructions"}, Text: prompt}.WithType("prompt_template"))
	}
	if len(head.Blocks) == 0 {
		head.Blocks = append(head.Blocks, model.Block{Kind: model.BlockText, Text: fmt.Sprintf("Project %q (%d documents)", name, len(docs))}.WithType("description"))
	}
	msgs := append([]*model.Message{head}, docs...)
	nodes := make([]model.Node, len(msgs))
	for i, m := range msgs {
		m.Visibility = classify(m, visibilityHints{})
		key := m.ID
		if key == "" || i == 0 {
			key = fmt.Sprintf("project-%d", i)
		}
		nodes[i] = model.Node{Key: key, Parent: int32(i - 1), Msg: m}
		if i+1 < len(msgs) {
			nodes[i].SetChildren([]int32{int32(i + 1)})
		}
	}
	nodes[0].Parent = model.NoNode
	c.Nodes = nodes
	c.Current = int32(len(nodes) - 1)
	return c, nil
}

// projectTitle is the listed title of a project: "Project: NAME", without
// doubling a "Project:" the user already wrote into the name.
func projectTitle(name string) string {
	if len(name) >= 8 && strings.EqualFold(name[:8], "project:") {
		return "Project: " + strings.TrimSpace(name[8:])
	}
	return "Project: " + name
}
