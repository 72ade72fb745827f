package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"time"
	"unicode/utf8"

	"github.com/backchat/backchat/model"
)

// SchemaVersion names the JSON schema written by JSON. It changes only when
// a field is removed or changes meaning; new fields may appear at any time.
const SchemaVersion = "backchat.conversation/1"

// ConversationJSON is the stable JSON schema of one conversation, written by
// JSON:
//
//	{"schema": "backchat.conversation/1",
//	 "id", "title", "created", "updated",   // times RFC 3339 UTC, or null
//	 "model", "gizmo_id", "archived", "starred", "service", "source",
//	 "sources", "in_newest",
//	 "messages": [MessageJSON…]}
//
// Sources lists the exports (paths given to the loader) holding the
// conversation, oldest first ([] when unknown); InNewest is false only when
// several exports were loaded and the newest lacks it. Shared (and
// share_id, the link's id) appear only for a conversation shared by public
// link.
//
// Messages are those of the current thread (shown and folded); with
// Options.All every message of the tree, current thread first, then each
// other branch's new part in the order of Branches.
type ConversationJSON struct {
	Schema   string        `json:"schema"`
	ID       string        `json:"id"`
	Title    string        `json:"title"`
	Created  *string       `json:"created"`
	Updated  *string       `json:"updated"`
	Model    string        `json:"model"`
	GizmoID  string        `json:"gizmo_id"`
	Archived bool          `json:"archived"`
	Starred  bool          `json:"starred"`
	Service  string        `json:"service,omitempty"`
	Source   string        `json:"source,omitempty"`
	Sources  []string      `json:"sources"`
	InNewest bool          `json:"in_newest"`
	Shared   bool          `json:"shared,omitempty"`
	ShareID  string        `json:"share_id,omitempty"`
	Messages []MessageJSON `json:"messages"`
}

// MessageJSON is one message. Node is the mapping key, Parent the parent's
// mapping key ("" for a child of the root-less top), Current whether it lies
// on the current thread. Visibility is "shown", "folded" or "hidden".
type MessageJSON struct {
	ID         string          `json:"id"`
	Node       string          `json:"node"`
	Parent     string          `json:"parent"`
	Current    bool            `json:"current"`
	Role       string          `json:"role"`
	Author     string          `json:"author"`
	Recipient  string          `json:"recipient"`
	Channel    string          `json:"channel"`
	Time       *string         `json:"time"`
	Model      string          `json:"model"`
	Visibility string          `json:"visibility"`
	Branch     BranchJSON      `json:"branch"`
	Blocks     []BlockJSON     `json:"blocks"`
	References []ReferenceJSON `json:"references"`
	// Feedback is the user's rating of the message, when rated.
	Feedback *FeedbackJSON `json:"feedback,omitempty"`
	// Continuation marks a "Continue generating" part whose text is
	// already in the message it continues (docs/formats.md#chatgpt-continuations).
	Continuation bool `json:"continuation,omitempty"`
}

// FeedbackJSON is a user's rating of a message: rating "up" or "down" (or
// the export's word), the comment and tags when given, the time or null.
type FeedbackJSON struct {
	Rating string   `json:"rating"`
	Text   string   `json:"text,omitempty"`
	Tags   []string `json:"tags,omitempty"`
	Time   *string  `json:"time"`
}

// BranchJSON is a message's position among its siblings: 1 of 1 when the
// conversation does not fork there.
type BranchJSON struct {
	Pos   int `json:"pos"`
	Total int `json:"total"`
}

// BlockJSON is one content block. Kind is model.BlockKind's name ("text",
// "code", "execution_output", "image", …, "unknown"). Kind, text, lang, title,
// url and asset (null when none) are always present; the fields after them
// appear only when set. Type is the export's content type; Raw holds an
// unknown block's original JSON.
type BlockJSON struct {
	Kind      string          `json:"kind"`
	Text      string          `json:"text"`
	Lang      string          `json:"lang"`
	Title     string          `json:"title"`
	URL       string          `json:"url"`
	Asset     *AssetJSON      `json:"asset"`
	Type      string          `json:"type,omitempty"`
	Domain    string          `json:"domain,omitempty"`
	Summary   string          `json:"summary,omitempty"`
	Direction string          `json:"direction,omitempty"`
	Seconds   float64         `json:"seconds,omitempty"`
	Thoughts  []ThoughtJSON   `json:"thoughts,omitempty"`
	Images    []AssetJSON     `json:"images,omitempty"`
	Raw       json.RawMessage `json:"raw,omitempty"`
}

// ThoughtJSON is one reasoning step.
type ThoughtJSON struct {
	Summary string `json:"summary"`
	Content string `json:"content"`
}

// AssetJSON describes a file the export refers to. File is its path inside
// the export ("" when Missing); size, width and height are 0 when unknown.
// MIME and Name appear only when known.
type AssetJSON struct {
	Pointer string `json:"pointer"`
	File    string `json:"file"`
	Missing bool   `json:"missing"`
	Size    int64  `json:"size"`
	Width   int    `json:"width"`
	Height  int    `json:"height"`
	Prompt  string `json:"prompt"`
	MIME    string `json:"mime,omitempty"`
	Name    string `json:"name,omitempty"`
}

// ReferenceJSON is one numbered citation source.
type ReferenceJSON struct {
	N     int    `json:"n"`
	Title string `json:"title"`
	URL   string `json:"url"`
}

// TimeJSON formats t as RFC 3339 in UTC, or nil for an unknown time.
func TimeJSON(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.UTC().Format(time.RFC3339Nano)
	return &s
}

// SourcesJSON is c.Sources for JSON output: never nil, so it encodes as [].
func SourcesJSON(c *model.Conversation) []string {
	if c.Sources == nil {
		return []string{}
	}
	return c.Sources
}

// Conversation converts c to its JSON schema.
func Conversation(c *model.Conversation, opts Options) ConversationJSON {
	out := ConversationJSON{
		Schema: SchemaVersion, ID: c.ID, Title: c.Title,
		Created: TimeJSON(c.Created), Updated: TimeJSON(c.Updated),
		Model: c.Model, GizmoID: c.GizmoID, Archived: c.Archived, Starred: c.Starred,
		Service: c.Service, Source: c.Source, Sources: SourcesJSON(c), InNewest: !c.NotInNewest(), Shared: c.Shared, ShareID: c.ShareID,
		Messages: []MessageJSON{},
	}
	for i, br := range Branches(c, opts.All) {
		for _, n := range br.Thread[br.From:] {
			m := c.Tree()[n].Msg
			if Present(m, opts.All, true) == Omitted {
				continue
			}
			out.Messages = append(out.Messages, messageJSON(c, n, m, i == 0))
		}
	}
	return out
}

func messageJSON(c *model.Conversation, n int32, m *model.Message, current bool) MessageJSON {
	pos, total := c.BranchPos(n)
	mj := MessageJSON{
		ID: m.ID, Node: c.Tree()[n].Key, Current: current,
		Role: string(m.Role()), Author: m.AuthorName(), Recipient: m.Recipient(), Channel: m.Channel(),
		Time: TimeJSON(m.Time()), Model: m.Model(), Visibility: m.Visibility.String(),
		Branch: BranchJSON{Pos: pos, Total: total},
		Blocks: make([]BlockJSON, 0, len(m.Blocks)), References: make([]ReferenceJSON, 0, len(m.References())),
	}
	if p := c.Tree()[n].Parent; p >= 0 && int(p) < len(c.Tree()) {
		mj.Parent = c.Tree()[p].Key
	}
	for i := range m.Blocks {
		mj.Blocks = append(mj.Blocks, blockJSON(&m.Blocks[i]))
	}
	for _, r := range m.References() {
		mj.References = append(mj.References, ReferenceJSON{N: r.N, Title: r.Title, URL: r.URL})
	}
	if f := m.Feedback(); f != nil {
		mj.Feedback = &FeedbackJSON{Rating: f.Rating, Text: f.Text, Tags: f.Tags, Time: TimeJSON(f.Time)}
	}
	mj.Continuation = m.Continuation
	return mj
}

func blockJSON(b *model.Block) BlockJSON {
	bj := BlockJSON{
		Kind: b.Kind.String(), Type: b.Type(), Text: b.Text, Lang: b.Lang(), Title: b.Title(),
		URL: b.URL(), Domain: b.Domain(), Summary: b.Summary(), Direction: b.Direction(), Seconds: b.Seconds(),
	}
	for _, t := range b.Thoughts() {
		bj.Thoughts = append(bj.Thoughts, ThoughtJSON(t))
	}
	if b.Asset() != nil {
		a := assetJSON(b.Asset())
		bj.Asset = &a
	}
	for i := range b.Images() {
		bj.Images = append(bj.Images, assetJSON(&b.Images()[i]))
	}
	if len(b.Raw()) > 0 {
		if json.Valid(b.Raw()) {
			bj.Raw = b.Raw()
		} else {
			q, _ := json.Marshal(string(b.Raw())) // invalid JSON is kept as a string
			bj.Raw = q
		}
	}
	return bj
}

func assetJSON(a *model.Asset) AssetJSON {
	return AssetJSON{Pointer: a.Pointer, File: a.File, Missing: a.Missing, Size: a.Size,
		Width: a.Width, Height: a.Height, Prompt: a.Prompt, MIME: a.MIME, Name: a.Name}
}

// JSON writes c as one indented JSON object (see ConversationJSON), ending
// with a newline. Output is terminal-safe: encoding/json escapes C0 controls
// (ESC becomes \u001b), and WriteJSON escapes DEL and C1 controls too.
func JSON(w io.Writer, c *model.Conversation, opts Options) error {
	if c == nil {
		return ErrNilConversation
	}
	return WriteJSON(w, Conversation(c, opts), "  ")
}

// WriteJSON encodes v (HTML characters unescaped, indent "" for one line)
// followed by a newline, then escapes DEL (U+007F), the C1 controls
// (U+0080–U+009F) and the bidi embeddings, overrides and isolates
// (U+202A–U+202E, U+2066–U+2069), which encoding/json leaves raw but
// terminals obey (it escapes U+2028 and U+2029 itself). All can only occur
// inside JSON strings, where \uXXXX is equivalent.
func WriteJSON(w io.Writer, v any, indent string) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", indent)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("render: encoding JSON: %w", err)
	}
	_, err := w.Write(escapeControls(buf.Bytes()))
	return err
}

func escapeControls(b []byte) []byte {
	var out []byte
	last := 0
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == 0x7f || (r >= 0x80 && r <= 0x9f) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
			if out == nil {
				out = make([]byte, 0, len(b)+16)
			}
			out = append(out, b[last:i]...)
			out = fmt.Appendf(out, `\u%04x`, r)
			last = i + n
		}
		i += n
	}
	if out == nil {
		return b
	}
	return append(out, b[last:]...)
}
