package gen

import (
	"math/rand/v2"
)

// Builder assembles one conversation object the way the 2024–2025 ChatGPT
// export lays it out: a mapping tree rooted at a message-less node, hidden
// system nodes, then messages appended under a moving head. Branches are made
// by moving the head back (SetHead) and adding again. The generator, the demo
// and the fixtures all build conversations with it.
//
// Not safe for concurrent use.
type Builder struct {
	id      string
	title   any
	created float64
	t       float64
	rng     *rand.Rand
	nodes   []*bnode
	index   map[string]*bnode
	head    string
	current string
	reqID   string

	// Model is the model_slug written on assistant and tool messages and, by
	// default, the conversation's default_model_slug.
	Model string
	// Fields overrides or adds conversation-level keys (gizmo_id,
	// is_archived, is_starred, voice, …) written after the defaults.
	Fields Obj
	// Bare omits status and weight on every message, as some mid-2026
	// exports do.
	Bare bool
}

type bnode struct {
	id       string
	msg      Obj
	parent   string
	children []string
}

// plainAuthors are the author objects of messages without author.name.
var plainAuthors = map[string]Obj{
	"user":      {{"role", "user"}, {"name", nil}, {"metadata", Obj{}}},
	"assistant": {{"role", "assistant"}, {"name", nil}, {"metadata", Obj{}}},
	"system":    {{"role", "system"}, {"name", nil}, {"metadata", Obj{}}},
	"tool":      {{"role", "tool"}, {"name", nil}, {"metadata", Obj{}}},
}

// Msg describes one message for Builder.Add. Zero values mean the usual:
// Recipient "all", Channel null, Status "finished_successfully", weight 1.0.
type Msg struct {
	ID        string // "" = generated (user ids start with "aaa" like real ones)
	Role      string
	Name      string // author.name; "" = null
	Content   Obj
	Meta      Obj    // metadata keys written before the builder's defaults
	Recipient string // "" = "all"
	Channel   string // "" = null
	Status    string // "" = "finished_successfully"
	EndTurn   any    // nil = null
	Hidden    bool   // is_visually_hidden_from_conversation, weight 0.0
	NoTime    bool   // create_time null (system / context messages)
	NoMeta    bool   // write only Meta, none of the default bookkeeping keys
	Bare      bool   // omit status and weight (seen in mid-2026 exports)
}

// NewBuilder starts a conversation with the given id, title (a string, or nil
// for a null title) and creation time in Unix seconds. seed makes the
// generated node ids deterministic.
func NewBuilder(id string, title any, created float64, seed uint64) *Builder {
	b := &Builder{
		id: id, title: title, created: created, t: created,
		rng:   rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15)),
		index: make(map[string]*bnode, 16),
		Model: "gpt-4o",
	}
	root := &bnode{id: b.UUID()}
	b.nodes = append(b.nodes, root)
	b.index[root.id] = root
	b.head = root.id
	return b
}

// UUID returns a new random (version 4 layout) UUID from the builder's seed.
func (b *Builder) UUID() string { return uuidFrom(b.rng, "") }

// UserID returns a new UUID in the "aaa…" form the web client gives user
// messages.
func (b *Builder) UserID() string { return uuidFrom(b.rng, "aaa") }

// Hex returns n random lower-case hex digits.
func (b *Builder) Hex(n int) string {
	buf := make([]byte, n)
	for i := range buf {
		buf[i] = hexDigits[b.rng.IntN(16)]
	}
	return string(buf)
}

// Base62 returns n random base62 characters (file-service ids).
func (b *Builder) Base62(n int) string {
	const alpha = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	buf := make([]byte, n)
	for i := range buf {
		buf[i] = alpha[b.rng.IntN(len(alpha))]
	}
	return string(buf)
}

func uuidFrom(r *rand.Rand, prefix string) string {
	var buf [36]byte
	for i := range buf {
		buf[i] = hexDigits[r.IntN(16)]
	}
	buf[8], buf[13], buf[18], buf[23] = '-', '-', '-', '-'
	buf[14] = '4'
	buf[19] = "89ab"[r.IntN(4)]
	copy(buf[:], prefix)
	return string(buf[:])
}

// ID returns the conversation id.
func (b *Builder) ID() string { return b.id }

// Root returns the root node's id.
func (b *Builder) Root() string { return b.nodes[0].id }

// Head returns the node new messages are attached to.
func (b *Builder) Head() string { return b.head }

// SetHead moves the attachment point, e.g. back to a user node to add a
// regenerated answer as a sibling branch.
func (b *Builder) SetHead(id string) { b.head = id }

// SetCurrent fixes current_node; by default it is the head at Object time.
func (b *Builder) SetCurrent(id string) { b.current = id }

// Now returns the builder's clock (Unix seconds).
func (b *Builder) Now() float64 { return b.t }

// Tick advances the clock by sec seconds.
func (b *Builder) Tick(sec float64) { b.t += sec }

// Nodes returns the number of mapping nodes so far (root included).
func (b *Builder) Nodes() int { return len(b.nodes) }

// BranchPoints returns the number of nodes with more than one child.
func (b *Builder) BranchPoints() int {
	n := 0
	for _, nd := range b.nodes {
		if len(nd.children) > 1 {
			n++
		}
	}
	return n
}

// HiddenSystem adds n empty, visually hidden system messages under the head.
func (b *Builder) HiddenSystem(n int) {
	for range n {
		b.Add(Msg{Role: "system", Content: Text(""), Hidden: true, NoTime: true, EndTurn: true, NoMeta: true})
	}
}

// Add appends m as a child of the head, makes it the head and returns its id.
func (b *Builder) Add(m Msg) string {
	id := m.ID
	if id == "" {
		if m.Role == "user" {
			id = b.UserID()
		} else {
			id = b.UUID()
		}
	}
	parent := b.index[b.head]
	nd := &bnode{id: id, parent: parent.id}
	nd.msg = b.message(id, parent.id, m)
	parent.children = append(parent.children, id)
	b.nodes = append(b.nodes, nd)
	b.index[id] = nd
	b.head = id
	return id
}

// User adds a user text message after a short pause and returns its id.
func (b *Builder) User(text string) string {
	b.Tick(20 + b.rng.Float64()*200)
	return b.Add(Msg{Role: "user", Content: Text(text)})
}

// Assistant adds an assistant text answer (channel "final" is not set, as in
// GPT-4o-era exports) and returns its id.
func (b *Builder) Assistant(text string) string {
	b.Tick(2 + b.rng.Float64()*15)
	return b.Add(Msg{Role: "assistant", Content: Text(text), EndTurn: true,
		Meta: Obj{{"finish_details", Obj{{"type", "stop"}, {"stop_tokens", []any{200002}}}}, {"is_complete", true}}})
}

func (b *Builder) message(id, parent string, m Msg) Obj {
	var name any
	if m.Name != "" {
		name = m.Name
	}
	var ct any = b.t
	if m.NoTime {
		ct = nil
	}
	meta := make(Obj, 0, len(m.Meta)+8)
	if m.Hidden {
		meta = append(meta, KV{"is_visually_hidden_from_conversation", true})
	}
	meta = append(meta, m.Meta...)
	if !m.NoMeta {
		// One request id per user turn, shared by the replies to it.
		if m.Role == "user" || b.reqID == "" {
			b.reqID = b.Hex(16) + "-CDG"
		}
		switch m.Role {
		case "user":
			meta = append(meta, KV{"request_id", b.reqID}, KV{"message_source", nil},
				KV{"timestamp_", "absolute"}, KV{"message_type", nil})
		default:
			meta = append(meta, KV{"message_type", nil}, KV{"model_slug", b.Model},
				KV{"default_model_slug", b.Model}, KV{"parent_id", parent},
				KV{"request_id", b.reqID}, KV{"timestamp_", "absolute"})
		}
	}
	recipient := m.Recipient
	if recipient == "" {
		recipient = "all"
	}
	var channel any
	if m.Channel != "" {
		channel = m.Channel
	}
	var author Obj
	if name == nil {
		author = plainAuthors[m.Role] // shared: written, never mutated
	}
	if author == nil {
		author = Obj{{"role", m.Role}, {"name", name}, {"metadata", Obj{}}}
	}
	o := Obj{
		{"id", id},
		{"author", author},
		{"create_time", ct},
		{"update_time", nil},
		{"content", m.Content},
	}
	if !m.Bare && !b.Bare {
		status := m.Status
		if status == "" {
			status = "finished_successfully"
		}
		weight := 1.0
		if m.Hidden {
			weight = 0.0
		}
		o = append(o, KV{"status", status}, KV{"end_turn", m.EndTurn}, KV{"weight", weight})
	} else {
		o = append(o, KV{"end_turn", m.EndTurn})
	}
	return append(o, KV{"metadata", meta}, KV{"recipient", recipient}, KV{"channel", channel})
}

// Object returns the conversation as an ordered object with every 2025 key.
func (b *Builder) Object() Obj {
	mapping := make(Obj, 0, len(b.nodes))
	for _, nd := range b.nodes {
		var msg any
		if nd.msg != nil {
			msg = nd.msg
		}
		var parent any
		if nd.parent != "" {
			parent = nd.parent
		}
		children := nd.children
		if children == nil {
			children = []string{}
		}
		mapping = append(mapping, KV{nd.id, Obj{{"id", nd.id}, {"message", msg}, {"parent", parent}, {"children", children}}})
	}
	current := b.current
	if current == "" {
		current = b.head
	}
	o := Obj{
		{"title", b.title},
		{"create_time", b.created},
		{"update_time", b.t},
		{"mapping", mapping},
		{"moderation_results", []any{}},
		{"current_node", current},
		{"plugin_ids", nil},
		{"conversation_id", b.id},
		{"conversation_template_id", nil},
		{"gizmo_id", nil},
		{"gizmo_type", nil},
		{"is_archived", false},
		{"is_starred", nil},
		{"safe_urls", []string{}},
		{"blocked_urls", []string{}},
		{"default_model_slug", b.Model},
		{"conversation_origin", nil},
		{"is_read_only", nil},
		{"voice", nil},
		{"async_status", nil},
		{"disabled_tool_ids", []string{}},
		{"is_do_not_remember", false},
		{"memory_scope", "global_enabled"},
		{"context_scopes", nil},
		{"sugar_item_id", nil},
		{"sugar_item_visible", false},
		{"is_study_mode", false},
		{"owner", nil},
		{"id", b.id},
	}
	for _, kv := range b.Fields {
		o = o.Set(kv.Key(), kv[1])
	}
	return o
}

// Text is a content object of type text with the given parts.
func Text(parts ...string) Obj {
	return Obj{{"content_type", "text"}, {"parts", parts}}
}

// Multimodal is a multimodal_text content object; parts are strings or Objs.
func Multimodal(parts ...any) Obj {
	return Obj{{"content_type", "multimodal_text"}, {"parts", parts}}
}

// Code is a code content object (a tool call's input).
func Code(lang, text string) Obj {
	return Obj{{"content_type", "code"}, {"language", lang}, {"response_format_name", nil}, {"text", text}}
}

// ImagePart is an image_asset_pointer part; dalle is nil or a metadata.dalle
// object.
func ImagePart(pointer string, size, w, h int, dalle any) Obj {
	return Obj{{"content_type", "image_asset_pointer"}, {"asset_pointer", pointer},
		{"size_bytes", size}, {"width", w}, {"height", h}, {"fovea", nil},
		{"metadata", Obj{{"dalle", dalle}, {"gizmo", nil}, {"generation", nil},
			{"container_pixel_height", nil}, {"container_pixel_width", nil},
			{"emu_omit_glimpse_image", nil}, {"emu_patches_override", nil},
			{"lpe_keep_patch_ijhw", nil}, {"sanitized", true},
			{"asset_pointer_link", nil}, {"watermarked_asset_pointer", nil}}}}
}

// AudioPart is an audio_asset_pointer part.
func AudioPart(pointer string, size int, start, end float64) Obj {
	return Obj{{"content_type", "audio_asset_pointer"}, {"asset_pointer", pointer},
		{"size_bytes", size}, {"format", "wav"}, {"expiry_datetime", nil},
		{"metadata", Obj{{"start_timestamp", nil}, {"end_timestamp", nil},
			{"pretokenized_vq", nil}, {"interruptions", nil}, {"original_audio_source", nil},
			{"transcription", nil}, {"word_transcription", nil}, {"start", start}, {"end", end}}}}
}

// UserAudioPart is the nested real_time_user_audio_video_asset_pointer part.
func UserAudioPart(pointer string, size int, start, end float64) Obj {
	return Obj{{"content_type", "real_time_user_audio_video_asset_pointer"},
		{"expiry_datetime", nil}, {"frames_asset_pointers", []any{}},
		{"video_container_asset_pointer", nil},
		{"audio_asset_pointer", AudioPart(pointer, size, start, end)},
		{"audio_start_timestamp", start}}
}

// Transcription is an audio_transcription part; direction is "in" or "out".
func Transcription(text, direction string) Obj {
	return Obj{{"content_type", "audio_transcription"}, {"text", text}, {"direction", direction}, {"decoding_id", nil}}
}

// FileName returns the ZIP member name of an uploaded file (file-service
// pointer id plus the original name).
func FileName(fileID, original string) string { return fileID + "-" + original }
