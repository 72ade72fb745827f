package loader

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/backchat/backchat/model"
)

// Grok exports (accounts.x.ai/data; docs/formats.md#grok):
// prod-grok-backend.json is {"conversations": [{"conversation": {id, title,
// create_time, modify_time, …}, "responses": [{"response": {_id, message,
// sender: "human"|"assistant" (case varies), create_time, model,
// parent_response_id?}}]}]} with MongoDB extended-JSON dates
// ({"$date": {"$numberLong": "…"}}) or ISO strings. The scanner unwraps the
// "conversations" array, so each element is one {conversation, responses}.
//
// NOTE: documented shape, not verified on a real export (see
// testdata/grok/README.md for the sources).
//
// Responses form a chain in array order; when parent_response_id names
// another response it is followed, so regenerations become branches, and
// the current thread ends at the last response in array order.

// isGrok: {conversation, responses}.
func isGrok(k keySet) bool { return k["conversation"] && k["responses"] }

// grokConversation decodes one {conversation, responses} element.
func (w *worker) grokConversation(data []byte) (*model.Conversation, error) {
	d := getWalker(data)
	defer putWalker(d)
	w.notes = w.notes[:0]
	c := &model.Conversation{Current: model.NoNode, Service: model.ServiceGrok}
	var msgs []claudeMsg // same shape: id, parent id, one segment each
	err := d.ObjBytes(func(d *walker, key []byte) error {
		var err error
		switch string(key) {
		case "conversation":
			err = obj(d, func(d *walker, k []byte) error {
				var err error
				switch string(k) {
				case "id", "_id", "conversation_id":
					var id string
					id, err = w.str(d)
					if id != "" && (c.ID == "" || string(k) != "conversation_id") {
						c.ID = id
					}
				case "title":
					c.Title, err = w.str(d)
				case "create_time":
					c.Created, err = mongoTime(d)
				case "modify_time":
					c.Updated, err = mongoTime(d)
				default:
					err = d.Skip()
				}
				return err
			})
		case "responses":
			err = arr(d, func(d *walker) error {
				m, err := w.grokResponse(d)
				if err != nil {
					return fmt.Errorf("response %d: %w", len(msgs), err)
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
	w.claudeTree(c, msgs, "", "parent_response_id")
	fillFallbacks(c)
	return c, nil
}

// grokResponse decodes {"response": {…}} (or the bare response object).
func (w *worker) grokResponse(d *walker) (claudeMsg, error) {
	var cm claudeMsg
	m := &model.Message{}
	m.SetContentType("text")
	var text string
	var body func(d *walker, k []byte) error
	wrapped := false
	body = func(d *walker, k []byte) error {
		var err error
		switch string(k) {
		case "response":
			if wrapped {
				return d.Skip()
			}
			wrapped = true
			return obj(d, body)
		case "_id", "id", "response_id":
			var id string
			id, err = w.str(d)
			if id != "" && (cm.uuid == "" || string(k) != "response_id") {
				cm.uuid = id
			}
		case "parent_response_id":
			cm.parent, err = w.str(d)
		case "message":
			text, err = w.str(d)
		case "sender":
			var s string
			s, err = w.str(d)
			m.SetRole(claudeRole(s))
		case "create_time":
			var t time.Time
			t, err = mongoTime(d)
			m.SetTime(t)
		case "model":
			var slug string
			slug, err = w.str(d)
			m.SetModel(slug)
		default:
			err = d.Skip()
		}
		return err
	}
	if err := obj(d, body); err != nil {
		return cm, err
	}
	m.ID = cm.uuid
	if m.Role() == model.RoleAssistant {
		text = model.NormalizeMath(text)
	}
	m.Blocks = []model.Block{model.Block{Kind: model.BlockText, Text: text}.WithType("text")}
	m.Visibility = classify(m, visibilityHints{})
	cm.segs = []*model.Message{m}
	return cm, nil
}

// mongoTime reads a time that may be MongoDB extended JSON ({"$date":
// {"$numberLong": "ms"}}, {"$date": "ISO"}, {"$date": ms}) or anything
// epoch accepts (ISO string, epoch seconds or milliseconds).
func mongoTime(d *walker) (time.Time, error) { return mongoTimeAt(d, 0) }

// mongoTimeAt reads a time at nesting depth; deeper than one "$date" is
// skipped, so hostile nesting cannot recurse far.
func mongoTimeAt(d *walker, depth int) (time.Time, error) {
	if d.Next() != tObject {
		return epoch(d)
	}
	if depth > 1 {
		return time.Time{}, d.Skip()
	}
	var t time.Time
	err := d.ObjBytes(func(d *walker, k []byte) error {
		var err error
		switch string(k) {
		case "$date":
			t, err = mongoTimeAt(d, depth+1)
		case "$numberLong":
			var b []byte
			b, err = rawStr(d)
			if ms, perr := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64); perr == nil && err == nil {
				t = time.UnixMilli(ms).UTC()
			}
		default:
			err = d.Skip()
		}
		return err
	})
	return t, err
}
