package model

import (
	"math"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// Packing of Message and Block fields (see Message). A string field whose
// values are a few dozen words (a status, a content type, a recipient) is
// one byte: an index into a table of the values exports use, 0 for "", or
// codeExtra when the value is kept whole in the Extra.

// codeExtra says a packed string is kept in Extra.
const codeExtra = math.MaxUint8

// codeTable maps the strings of one packed field to their codes and back.
type codeTable struct {
	names []string // names[0] == ""
	codes map[string]uint8
}

func newCodeTable(names ...string) *codeTable {
	t := &codeTable{names: append([]string{""}, names...), codes: make(map[string]uint8, len(names)+1)}
	if len(t.names) >= codeExtra {
		panic("model: code table too long")
	}
	for i, n := range t.names {
		if _, dup := t.codes[n]; dup {
			panic("model: code table names " + n + " twice")
		}
		t.codes[n] = uint8(i)
	}
	return t
}

// code returns s's code, or codeExtra when the table lacks s.
func (t *codeTable) code(s string) uint8 {
	if s == "" {
		return 0
	}
	if c, ok := t.codes[s]; ok {
		return c
	}
	return codeExtra
}

// name returns code's string; extra is the value kept for codeExtra.
func (t *codeTable) name(code uint8, extra string) string {
	if code == codeExtra {
		return extra
	}
	return t.names[code]
}

// Tables of the packed fields: the values ChatGPT, Claude, DeepSeek and
// Grok exports and the loader use (docs/formats.md). Others are kept in
// Extra, so a value missing here costs memory, never fidelity. Codes are
// never stored outside the process (the snapshot stores the strings), so
// the tables may change freely.
var (
	roleCodes   = newCodeTable(string(RoleUser), string(RoleAssistant), string(RoleSystem), string(RoleTool))
	statusCodes = newCodeTable(
		"finished_successfully", "in_progress", "finished_partial_completion",
		"finished_incomplete", "finished_interrupted")
	// typeCodes serve Message.ContentType and Block.Type, which hold the
	// same kinds of names.
	typeCodes = newCodeTable(
		// ChatGPT content types
		"text", "code", "execution_output", "multimodal_text", "thoughts",
		"reasoning_recap", "user_editable_context", "model_editable_context",
		"tether_quote", "tether_browsing_display", "sonic_webpage",
		"system_error", "super_widget", "computer_output", "app_pairing_content",
		// ChatGPT part types
		"image_asset_pointer", "audio_asset_pointer", "audio_transcription",
		"real_time_user_audio_video_asset_pointer", "video_container_asset_pointer",
		// Claude content and block types, and the loader's own
		"thinking", "tool_use", "tool_result", "antThinking", "antArtifact",
		"file", "image", "document", "description", "project", "project_doc",
		"redacted_thinking", "token_budget", "voice_note", "knowledge",
		"attachment", "canvas", "prompt_template")
	recipientCodes = newCodeTable(
		"all", "assistant", "user", "tool", "python", "browser", "web", "web.run",
		"web.search", "dalle.text2im", "image_gen.text2im", "bio", "file_search",
		"myfiles_browser", "canmore.create_textdoc", "canmore.update_textdoc",
		"canmore.comment_textdoc", "container.exec", "computer.do",
		"internal_tool", "artifacts", "web_search", "web_fetch", "repl",
		"research_kickoff_tool.start_research_task", "t2uay3k.sj1i4kz")
)

// modelSlugs packs Message.Model. Model slugs are open-ended (gpt-4o,
// o3-mini, text-davinci-002-render-sha, …) but an export names a few dozen
// at most, so codes are handed out as slugs are first set, process-wide,
// up to codeExtra-1 of them; a slug set after that, or longer than
// maxInternedSlug, is kept in Extra.
var modelSlugs internTable

// maxInternedSlug bounds what the process-wide table may keep for good.
const maxInternedSlug = 64

// internTable hands out codes for strings as they come. Reads take no
// lock: the map is copied on write (a few hundred writes at most).
type internTable struct {
	mu    sync.Mutex
	codes atomic.Pointer[map[string]uint8]
	names [codeExtra]atomic.Pointer[string] // names[0] is unused ("")
	n     int                               // codes handed out
}

// code returns s's code, handing out the next one for a new s; codeExtra
// when the table is full or s too long.
func (t *internTable) code(s string) uint8 {
	if s == "" {
		return 0
	}
	if m := t.codes.Load(); m != nil {
		if c, ok := (*m)[s]; ok {
			return c
		}
	}
	if len(s) > maxInternedSlug {
		return codeExtra
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	old := t.codes.Load()
	if old != nil {
		if c, ok := (*old)[s]; ok {
			return c
		}
	}
	if t.n+1 >= codeExtra {
		return codeExtra
	}
	t.n++
	c := uint8(t.n)
	// s may point into a load's text arena, which is unmapped when the
	// archive is dropped (loader/arena_release.go); the table outlives it.
	name := strings.Clone(s)
	t.names[c].Store(&name)
	m := make(map[string]uint8, t.n)
	if old != nil {
		for k, v := range *old {
			m[k] = v
		}
	}
	m[name] = c
	t.codes.Store(&m)
	return c
}

// name returns code's string; extra is the value kept for codeExtra.
func (t *internTable) name(code uint8, extra string) string {
	switch code {
	case 0:
		return ""
	case codeExtra:
		return extra
	}
	return *t.names[code].Load()
}

// langNames packs Block.Lang the same way (code languages and canvas
// types: "python", "code/python", "document", …).
var langNames internTable

// Lang is the code language or canvas type ("code/python", "document").
func (b Block) Lang() string {
	return langNames.name(b.lang, blockExtra(&b, func(x *BlockExtra) *string { return &x.lang }))
}

// SetLang sets Lang. A language langNames cannot take is kept in Extra,
// allocated for it when nil.
func (b *Block) SetLang(s string) {
	b.lang = packBlock(b, &langNames, s, func(x *BlockExtra) *string { return &x.lang })
}

// WithLang returns b with Lang set to s, for building a block in one
// expression (as WithType).
func (b Block) WithLang(s string) Block {
	b.SetLang(s)
	return b
}

// Model is metadata.model_slug.
func (m *Message) Model() string {
	return modelSlugs.name(m.model, msgExtra(m, func(x *MessageExtra) *string { return &x.model }))
}

// SetModel sets Model.
func (m *Message) SetModel(s string) {
	m.model = packMsg(m, &modelSlugs, s, func(x *MessageExtra) *string { return &x.model })
}

// msgFlags are a Message's packed booleans.
type msgFlags uint8

const (
	msgTimeUTC    msgFlags = 1 << iota // Time is at, in UTC
	msgTimeLocal                       // Time is at, in time.Local
	msgTimeExtra                       // Time is Extra's
	msgEndTurnSet                      // EndTurn is known
	msgEndTurn                         // its value
)

// Time is when the message was created; the zero Time when the export did
// not say.
func (m *Message) Time() time.Time {
	switch {
	case m.flags&msgTimeUTC != 0:
		return time.Unix(0, m.at).UTC()
	case m.flags&msgTimeLocal != 0:
		return time.Unix(0, m.at)
	case m.flags&msgTimeExtra != 0 && m.Extra != nil:
		return m.Extra.time
	}
	return time.Time{}
}

// Unix nanoseconds hold the seconds strictly between these (years 1678 to
// 2262); other times are kept in Extra.
const (
	minPackedSec = math.MinInt64/1_000_000_000 + 1
	maxPackedSec = math.MaxInt64/1_000_000_000 - 1
)

// SetTime sets Time. Time returns exactly t afterwards (its location, and
// its monotonic reading if any, included).
func (m *Message) SetTime(t time.Time) {
	m.flags &^= msgTimeUTC | msgTimeLocal | msgTimeExtra
	m.at = 0
	if m.Extra != nil {
		m.Extra.time = time.Time{}
	}
	if t == (time.Time{}) {
		return
	}
	sec := t.Unix()
	loc := t.Location()
	if sec > minPackedSec && sec < maxPackedSec && t == t.Round(0) && (loc == time.UTC || loc == time.Local) {
		m.at = sec*1e9 + int64(t.Nanosecond())
		if loc == time.UTC {
			m.flags |= msgTimeUTC
		} else {
			m.flags |= msgTimeLocal
		}
		return
	}
	m.flags |= msgTimeExtra
	m.Ext().time = t
}

// EndTurn is the export's end_turn; known is false when it gave none (or
// null).
func (m *Message) EndTurn() (endTurn, known bool) {
	return m.flags&msgEndTurn != 0, m.flags&msgEndTurnSet != 0
}

// SetEndTurn sets EndTurn to v, known.
func (m *Message) SetEndTurn(v bool) {
	m.flags |= msgEndTurnSet
	if v {
		m.flags |= msgEndTurn
	} else {
		m.flags &^= msgEndTurn
	}
}

// ClearEndTurn makes EndTurn unknown.
func (m *Message) ClearEndTurn() { m.flags &^= msgEndTurnSet | msgEndTurn }

// Status is the export's message status ("finished_successfully", …).
func (m *Message) Status() string {
	return statusCodes.name(m.status, msgExtra(m, func(x *MessageExtra) *string { return &x.status }))
}

// SetStatus sets Status.
func (m *Message) SetStatus(s string) {
	m.status = packMsg(m, statusCodes, s, func(x *MessageExtra) *string { return &x.status })
}

// ContentType is content.content_type as in the export.
func (m *Message) ContentType() string {
	return typeCodes.name(m.contentType, msgExtra(m, func(x *MessageExtra) *string { return &x.contentType }))
}

// SetContentType sets ContentType.
func (m *Message) SetContentType(s string) {
	m.contentType = packMsg(m, typeCodes, s, func(x *MessageExtra) *string { return &x.contentType })
}

// Recipient is "all" or the tool the message calls.
func (m *Message) Recipient() string {
	return recipientCodes.name(m.recipient, msgExtra(m, func(x *MessageExtra) *string { return &x.recipient }))
}

// SetRecipient sets Recipient.
func (m *Message) SetRecipient(s string) {
	m.recipient = packMsg(m, recipientCodes, s, func(x *MessageExtra) *string { return &x.recipient })
}

// coder is a table of packed strings: codeTable or internTable.
type coder interface{ code(s string) uint8 }

// packMsg returns s's code in t; a string t lacks goes to field of
// m.Extra (allocated for it), and a packed one clears that field.
func packMsg[S ~string](m *Message, t coder, s S, field func(*MessageExtra) *S) uint8 {
	c := t.code(string(s))
	if c == codeExtra {
		*field(m.Ext()) = s
	} else if m.Extra != nil {
		*field(m.Extra) = ""
	}
	return c
}

// msgExtra returns *field(m.Extra), or "" when Extra is nil.
func msgExtra[S ~string](m *Message, field func(*MessageExtra) *S) S {
	if m.Extra == nil {
		return ""
	}
	return *field(m.Extra)
}

// packBlock is packMsg for a Block's fields.
func packBlock(b *Block, t coder, s string, field func(*BlockExtra) *string) uint8 {
	c := t.code(s)
	if c == codeExtra {
		*field(b.Ext()) = s
	} else if b.Extra != nil {
		*field(b.Extra) = ""
	}
	return c
}

// blockExtra is msgExtra for a Block's fields.
func blockExtra(b *Block, field func(*BlockExtra) *string) string {
	if b.Extra == nil {
		return ""
	}
	return *field(b.Extra)
}

// Type is the export's content_type or part type the block came from.
func (b Block) Type() string {
	return typeCodes.name(b.typ, blockExtra(&b, func(x *BlockExtra) *string { return &x.typ }))
}

// SetType sets Type. A type typeCodes lacks is kept in Extra, allocated
// for it when nil.
func (b *Block) SetType(s string) {
	b.typ = packBlock(b, typeCodes, s, func(x *BlockExtra) *string { return &x.typ })
}

// WithType returns b with Type set to s, for building a block in one
// expression. Like SetType it may write to *b.Extra, which a block being
// built does not share.
func (b Block) WithType(s string) Block {
	b.SetType(s)
	return b
}

// Role is the message author's role (RoleUser, RoleAssistant, …, or the
// export's word for a role backchat does not know).
func (m *Message) Role() Role {
	return Role(roleCodes.name(m.role, string(msgExtra(m, func(x *MessageExtra) *Role { return &x.role }))))
}

// SetRole sets Role.
func (m *Message) SetRole(r Role) {
	m.role = packMsg(m, roleCodes, r, func(x *MessageExtra) *Role { return &x.role })
}

// noKids is where an empty, non-nil Children points.
var noKids [1]int32

// Children are the indices of the node's children, in the export's order
// (they may name nodes whose Parent is another, or be out of range: the
// export's word is kept). The slice's capacity is its length, so appending
// to it copies; it must not be written to.
func (n Node) Children() []int32 {
	if n.kids == nil {
		return nil
	}
	return unsafe.Slice(n.kids, n.nkids)
}

// SetChildren sets Children to kids, which the node shares from then on:
// kids must not be written to afterwards. A nil kids is nil Children, an
// empty one empty Children.
func (n *Node) SetChildren(kids []int32) {
	switch {
	case kids == nil:
		n.kids, n.nkids = nil, 0
	case len(kids) == 0:
		n.kids, n.nkids = &noKids[0], 0
	default:
		if len(kids) > math.MaxInt32 {
			panic("model: too many children")
		}
		n.kids, n.nkids = &kids[0], int32(len(kids))
	}
}

// WithChildren returns n with Children set to kids (see SetChildren), for
// building a node in one expression.
func (n Node) WithChildren(kids []int32) Node {
	n.SetChildren(kids)
	return n
}

// AddChild appends k to Children. It copies the children each time: for
// building small trees (tests); LinkChildren links a whole tree at once.
func (n *Node) AddChild(k int32) {
	kids := n.Children()
	n.SetChildren(append(kids[:len(kids):len(kids)], k))
}

// LinkChildren sets every node's Children to the nodes whose Parent it is,
// in index order (nil for a node without), from one allocation. Parents
// out of range are ignored.
func LinkChildren(nodes []Node) {
	start := make([]int32, len(nodes)+1)
	for i := range nodes {
		if p := nodes[i].Parent; p >= 0 && int(p) < len(nodes) {
			start[p+1]++
		}
	}
	for i := range nodes {
		start[i+1] += start[i]
	}
	all := make([]int32, start[len(nodes)])
	pos := make([]int32, len(nodes))
	copy(pos, start)
	for i := range nodes {
		if p := nodes[i].Parent; p >= 0 && int(p) < len(nodes) {
			all[pos[p]] = int32(i)
			pos[p]++
		}
	}
	for i := range nodes {
		if start[i] < start[i+1] {
			nodes[i].SetChildren(all[start[i]:start[i+1]:start[i+1]])
		} else {
			nodes[i].SetChildren(nil)
		}
	}
}
