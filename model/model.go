// Package model holds backchat's in-memory archive: conversations, their
// message trees, typed content blocks, and pure functions over them (threads,
// branches, visibility, citations, sanitising). It does no I/O and imports
// nothing from Charm; the loader fills it and the UI reads it.
//
// Invariant: once an Archive is handed to a reader it is never mutated, so it
// may be shared read-only by any number of goroutines (SSH sessions, search).
package model

import (
	"strconv"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
	"weak"
)

// Role is a message author's role as the export names it ("user",
// "assistant", "system", "tool", or anything new, kept verbatim).
type Role string

// Known roles.
const (
	RoleUser      Role = "user"
	RoleAssistant Role = "assistant"
	RoleSystem    Role = "system"
	RoleTool      Role = "tool"
)

// BlockKind says what a Block holds.
type BlockKind uint8

// Block kinds. New content types the loader does not know become BlockUnknown
// with their raw JSON kept, never dropped.
const (
	BlockText            BlockKind = iota // plain or Markdown text
	BlockCode                             // code (tool call input or code content), Lang set
	BlockExecOutput                       // code-interpreter output; Images may hold plots
	BlockImage                            // an image asset (upload, DALL·E, screenshot)
	BlockAudioTranscript                  // words of a voice turn; Direction "in"/"out"
	BlockAudio                            // an audio or video asset
	BlockQuote                            // tether_quote: a quoted page excerpt
	BlockBrowsing                         // tether_browsing_display: a browsing result
	BlockWebPage                          // sonic_webpage and similar page dumps
	BlockThoughts                         // reasoning thoughts (summary + content each)
	BlockReasoningRecap                   // "Thought for 47s"
	BlockContext                          // user/model editable context (custom instructions, memory)
	BlockSystemError                      // system_error
	BlockCanvas                           // canvas / textdoc create or update
	BlockUnknown                          // anything else; Raw keeps the JSON
)

var blockKindNames = [...]string{
	BlockText:            "text",
	BlockCode:            "code",
	BlockExecOutput:      "execution_output",
	BlockImage:           "image",
	BlockAudioTranscript: "audio_transcript",
	BlockAudio:           "audio",
	BlockQuote:           "quote",
	BlockBrowsing:        "browsing",
	BlockWebPage:         "webpage",
	BlockThoughts:        "thoughts",
	BlockReasoningRecap:  "reasoning_recap",
	BlockContext:         "context",
	BlockSystemError:     "system_error",
	BlockCanvas:          "canvas",
	BlockUnknown:         "unknown",
}

// String returns the kind's stable lower-case name (used in JSON output).
func (k BlockKind) String() string {
	if int(k) < len(blockKindNames) {
		return blockKindNames[k]
	}
	return "unknown"
}

// Asset is a file the export refers to (image, audio, video).
type Asset struct {
	Pointer string // as in the export: file-service://…, sediment://…, file-….dat
	File    string // resolved path inside the archive (ZIP entry or folder-relative); "" when missing
	Missing bool   // the pointer resolved to no file of the export
	Size    int64  // bytes, when known
	Width   int
	Height  int
	Prompt  string // DALL·E / image-generation prompt, when known
	MIME    string // e.g. image/png, when known
	Name    string // original file name (attachments), when known
	// Seconds is an audio or video asset's duration, when known (from its
	// metadata's start/end timestamps); 0 when unknown.
	Seconds float64
}

// Thought is one step of a reasoning model's visible thinking.
type Thought struct {
	Summary string
	Content string
}

// Block is one typed piece of a message's content. Only the fields that fit
// its Kind are set. The fields most blocks leave empty live behind Extra (nil
// when none is set), and Type and Lang are packed into a byte each
// (model/packed.go), so that a text or code block costs 32 bytes: a large
// export holds hundreds of thousands of blocks. Read them through the
// accessors (Type, Lang, Title, URL, …), which return the zero value when
// Extra is nil; code that builds a block writes them through Ext, SetType
// and SetLang (or WithType, WithLang), setting Extra first.
type Block struct {
	Text  string      // text, code, output, transcript, quote/page text, context, error text, canvas content
	Extra *BlockExtra // the rarely set fields; nil when none is set
	Kind  BlockKind
	// typ is Type's code in typeCodes; codeExtra: Extra holds it.
	typ uint8
	// lang is Lang's code in langNames; codeExtra: Extra holds it.
	lang uint8
}

// BlockExtra holds the fields of a Block that only some kinds set.
type BlockExtra struct {
	Title     string    // page/quote/canvas title, system error name
	URL       string    // page/quote URL
	Domain    string    // page/quote domain
	Summary   string    // browsing summary, thoughts headline
	Thoughts  []Thought // BlockThoughts
	Asset     *Asset    // BlockImage, BlockAudio
	Images    []Asset   // BlockExecOutput plots
	Direction string    // BlockAudioTranscript: "in" (user) or "out" (assistant)
	Seconds   float64   // BlockReasoningRecap: finished duration, when known
	Raw       []byte    // BlockUnknown: the raw JSON of the content or part

	typ  string // Block.Type when typeCodes lacks it (model/packed.go)
	lang string // Block.Lang when langNames lacks it (model/packed.go)
}

// Ext returns b.Extra, allocating it first when it is nil. For code that
// builds a block; readers use the accessors, which never allocate.
func (b *Block) Ext() *BlockExtra {
	if b.Extra == nil {
		b.Extra = new(BlockExtra)
	}
	return b.Extra
}

// Title is the page, quote or canvas title, or a system error's name.
func (b Block) Title() string {
	if b.Extra == nil {
		return ""
	}
	return b.Extra.Title
}

// URL is a page's or quote's address.
func (b Block) URL() string {
	if b.Extra == nil {
		return ""
	}
	return b.Extra.URL
}

// Domain is a page's or quote's domain.
func (b Block) Domain() string {
	if b.Extra == nil {
		return ""
	}
	return b.Extra.Domain
}

// Summary is a browsing summary or a thoughts block's headline.
func (b Block) Summary() string {
	if b.Extra == nil {
		return ""
	}
	return b.Extra.Summary
}

// Thoughts are a BlockThoughts block's steps.
func (b Block) Thoughts() []Thought {
	if b.Extra == nil {
		return nil
	}
	return b.Extra.Thoughts
}

// Asset is a BlockImage or BlockAudio block's file; nil for other kinds.
func (b Block) Asset() *Asset {
	if b.Extra == nil {
		return nil
	}
	return b.Extra.Asset
}

// Images are a BlockExecOutput block's plots.
func (b Block) Images() []Asset {
	if b.Extra == nil {
		return nil
	}
	return b.Extra.Images
}

// Direction is a BlockAudioTranscript block's "in" (user) or "out"
// (assistant).
func (b Block) Direction() string {
	if b.Extra == nil {
		return ""
	}
	return b.Extra.Direction
}

// Seconds is a BlockReasoningRecap block's finished duration, when known.
func (b Block) Seconds() float64 {
	if b.Extra == nil {
		return 0
	}
	return b.Extra.Seconds
}

// Raw is a BlockUnknown block's raw JSON.
func (b Block) Raw() []byte {
	if b.Extra == nil {
		return nil
	}
	return b.Extra.Raw
}

// Visibility says how a message is presented by default.
type Visibility uint8

// Visibility values.
const (
	Shown  Visibility = iota // shown in full
	Folded                   // shown as a one-line summary that expands (tools, reasoning, browsing)
	Hidden                   // not shown unless hidden messages are requested; never deleted
)

// String names the visibility.
func (v Visibility) String() string {
	switch v {
	case Shown:
		return "shown"
	case Folded:
		return "folded"
	default:
		return "hidden"
	}
}

// Reference is one numbered citation source of a message.
type Reference struct {
	N     int    // 1-based number shown in the text as [N]
	Title string // may be empty
	URL   string // may be empty when the export had no metadata for it
}

// Message is one node's message. The fields few messages set live behind
// Extra (nil when none is set); read them through the accessors
// (AuthorName, Channel, References, Feedback), write them through Ext.
//
// Role, Time, Status, ContentType, Recipient, Model and EndTurn are packed
// (model/packed.go): a large export holds hundreds of thousands of
// messages, and each costs 64 bytes instead of 168. Read them through their accessors,
// write them through their setters; a value the packing cannot hold (a
// status no table names, a time in a fixed zone) is kept whole in Extra.
// A message being built gets its Extra before any setter runs, since
// replacing Extra drops what they kept there.
type Message struct {
	ID     string // message.id (may differ from the node key)
	Blocks []Block
	Extra  *MessageExtra // the rarely set fields; nil when none is set
	// at is Time as Unix nanoseconds, when flags says it is set here.
	at         int64
	Visibility Visibility
	// Continuation marks a "Continue generating" part: its text was
	// appended to the assistant message above it (the nearest non-hidden
	// ancestor), which is shown as one message; this one stays in the tree,
	// Hidden, with its own text (docs/formats.md#chatgpt-continuations).
	Continuation bool
	flags        msgFlags
	// role, status, contentType and recipient index roleCodes,
	// statusCodes, typeCodes and recipientCodes; codeExtra says the value
	// is in Extra.
	role, status, contentType, recipient uint8
	// model indexes modelSlugs (Model; codeExtra: in Extra).
	model uint8
}

// MessageExtra holds the fields of a Message that few messages set.
type MessageExtra struct {
	AuthorName string      // tool or plugin name ("python", "browser", "web.run", …)
	Channel    string      // "", "final", "commentary", …
	References []Reference // citations, numbered as they appear in the text
	// Feedback is the user's rating of this message (thumbs up or down),
	// from the export's feedback file; nil when not rated.
	Feedback *Feedback

	// What the packed fields of Message could not hold (model/packed.go).
	role                           Role
	status, contentType, recipient string
	time                           time.Time
	model                          string
}

// Ext returns m.Extra, allocating it first when it is nil. For code that
// builds a message; readers use the accessors, which never allocate.
func (m *Message) Ext() *MessageExtra {
	if m.Extra == nil {
		m.Extra = new(MessageExtra)
	}
	return m.Extra
}

// Copy returns a copy of m with an Extra of its own: a plain copy shares
// *Extra, where the rare values of the packed fields (a time in another
// zone, an unknown model slug, model/packed.go) and the references live,
// so a setter on the copy would change the original too.
func (m *Message) Copy() Message {
	c := *m
	if c.Extra != nil {
		x := *c.Extra
		c.Extra = &x
	}
	return c
}

// AuthorName is the tool or plugin name ("python", "browser", "web.run", …).
func (m *Message) AuthorName() string {
	if m.Extra == nil {
		return ""
	}
	return m.Extra.AuthorName
}

// Channel is the message's channel ("", "final", "commentary", …).
func (m *Message) Channel() string {
	if m.Extra == nil {
		return ""
	}
	return m.Extra.Channel
}

// References are the message's citations, numbered as they appear in the
// text.
func (m *Message) References() []Reference {
	if m.Extra == nil {
		return nil
	}
	return m.Extra.References
}

// Feedback is the user's rating of this message; nil when not rated.
func (m *Message) Feedback() *Feedback {
	if m.Extra == nil {
		return nil
	}
	return m.Extra.Feedback
}

// Feedback is a user's rating of one message (ChatGPT's
// message_feedback.json).
type Feedback struct {
	Rating string    // FeedbackUp or FeedbackDown, or the export's word when it is neither
	Text   string    // the comment written with the rating, when any
	Tags   []string  // e.g. "not-helpful", when given
	Time   time.Time // when the rating was given; zero when unknown
}

// Feedback ratings.
const (
	FeedbackUp   = "up"
	FeedbackDown = "down"
)

// NoNode marks an absent node index (no parent, no current node).
const NoNode = -1

// Node is one entry of a conversation's mapping. Parent and Children are
// indices into Conversation.Nodes; Key is the mapping key (not message.id).
// Children are kept as a pointer and a length (model/packed.go), so a node
// costs 40 bytes instead of 56: read them through Children, write them
// through SetChildren (or WithChildren, AddChild, LinkChildren).
type Node struct {
	Key    string
	Msg    *Message // nil for the root and for message-less nodes
	kids   *int32   // Children's first element; nil when Children is nil
	nkids  int32    // len(Children)
	Parent int32    // NoNode for roots
}

// Conversation is one chat with its full message tree.
type Conversation struct {
	ID        string
	Title     string // "" when the export had none; use DisplayTitle
	Created   time.Time
	Updated   time.Time
	Model     string // default_model_slug, or the last model seen in messages
	Archived  bool
	Starred   bool
	GizmoID   string
	GizmoType string
	Origin    string
	Source    string // path of the file (and ZIP entry) it came from
	// Nodes is the message tree. Readers use Tree(): a conversation
	// reopened from a snapshot fills Nodes on first use. Only the code
	// that builds a conversation (the loader, tests) sets Nodes directly.
	Nodes      []Node
	Current    int32 // index of current_node; NoNode when missing or dangling
	Service    string
	CurrentKey string // current_node as the export named it, even when dangling
	// Sources are the exports (paths as given to the loader, not inner file
	// names) that contain this conversation, oldest export first. Exports
	// are ordered by their newest conversation's SortTime, ties by argument
	// order. Shards of one export are one export. Sources may be shared
	// between conversations: treat it as read-only.
	Sources []string
	// InNewest is false when the newest export loaded lacks this
	// conversation (it was deleted there, or never synced); with a single
	// export it is always true.
	InNewest bool
	// Shared is true when the export lists the conversation among those
	// shared by public link (shared_conversations.json); ShareID is the
	// link's id (chatgpt.com/share/ShareID), when given.
	Shared  bool
	ShareID string
	// Comparisons are the side-by-side answer comparisons the user rated
	// in this conversation (model_comparisons.json), oldest first.
	Comparisons []Comparison

	lazy *lazyTree // set by SetLazyTree; nil when Nodes was filled directly
}

// lazyTree fills a conversation's Nodes on first use, or, once
// ReleaseTreeWhenUnused was called, decodes the tree whenever it is asked
// for and nothing holds the last one.
type lazyTree struct {
	mu   sync.Mutex
	load func() ([]Node, error)
	err  error
	done atomic.Bool // loaded at least once
	// kept is set once Nodes holds the tree for good (the tree is read
	// without the lock from then on).
	kept atomic.Bool
	// release says the tree is not kept in Nodes but held weakly (held).
	release bool
	held    atomic.Pointer[heldTree]
	// counts are VisibleCount and BranchPoints as the snapshot stored
	// them (SetTreeCounts), so a list does not decode every tree.
	counted           bool
	visible, branches int
	// src, when set (SetTreeSource), is where the tree is read from, its
	// strings addressed by offset (TextOffset, TextAt).
	src TreeSource
}

// heldTree is a released tree's nodes while anything holds them.
type heldTree struct {
	first weak.Pointer[Node]
	n     int
}

// SetLazyTree makes Tree fill Nodes by calling load once, on first use
// (from any goroutine). A load error leaves Nodes empty and is reported by
// TreeErr. Call it while building the conversation, before it is shared.
func (c *Conversation) SetLazyTree(load func() ([]Node, error)) {
	c.lazy = &lazyTree{load: load}
}

// SetTreeCounts gives a lazily filled conversation (SetLazyTree) its
// VisibleCount and BranchPoints, so listing it does not fill its tree.
// Call it after SetLazyTree, while building the conversation.
func (c *Conversation) SetTreeCounts(visible, branchPoints int) {
	if l := c.lazy; l != nil {
		l.counted, l.visible, l.branches = true, visible, branchPoints
	}
}

// TreeSource is where a tree decoded on demand comes from, its strings
// addressed by offset (SetTreeSource): a search index keeps offsets
// instead of pointers, so that it holds no decoded tree (the browser's
// compacted first load: loader.Options.Compact).
type TreeSource interface {
	// Load decodes the tree.
	Load() ([]Node, error)
	// Locate finds the offset of the n bytes at p, a string of a tree
	// Load returned that is still held.
	Locate(p *byte, n int) (uint32, bool)
	// At returns a pointer to the n bytes at an offset Locate gave,
	// whether or not a tree is held; nil when they cannot be read.
	At(off uint32, n int) *byte
	// Size is the bytes of the tree's strings.
	Size() int64
}

// SetTreeSource makes the conversation's tree lazy (SetLazyTree), read
// from src, its strings addressed by src's offsets (TextOffset, TextAt).
// Call it while building the conversation.
func (c *Conversation) SetTreeSource(src TreeSource) {
	c.SetLazyTree(src.Load)
	c.lazy.src = src
}

// TreeTextSize is the bytes of the strings of the conversation's tree
// (every string, searchable or not) when it has a TreeSource, so that
// sizing it does not decode the tree; false otherwise.
func (c *Conversation) TreeTextSize() (int64, bool) {
	if l := c.lazy; l != nil && l.src != nil {
		return l.src.Size(), true
	}
	return 0, false
}

// TextOffset is the offset of the n bytes at p in the conversation's
// tree (SetTreeSource); false when it has none or they are not its.
func (c *Conversation) TextOffset(p *byte, n int) (uint32, bool) {
	if l := c.lazy; l != nil && l.src != nil {
		return l.src.Locate(p, n)
	}
	return 0, false
}

// TextAt returns a pointer to the n bytes at an offset TextOffset gave;
// nil when they cannot be read.
func (c *Conversation) TextAt(off uint32, n int) *byte {
	if l := c.lazy; l != nil && l.src != nil {
		return l.src.At(off, n)
	}
	return nil
}

// Tree returns the conversation's message tree (Conversation.Nodes),
// filling it first when the conversation was reopened lazily. Safe for
// concurrent use.
func (c *Conversation) Tree() []Node {
	l := c.lazy
	if l == nil || l.kept.Load() {
		return c.Nodes
	}
	if nodes, ok := l.heldNodes(); ok {
		return nodes
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.kept.Load() {
		return c.Nodes
	}
	if nodes, ok := l.heldNodes(); ok {
		return nodes
	}
	if l.done.Load() && l.err != nil {
		return nil
	}
	nodes, err := l.load()
	l.err = err
	l.done.Store(true)
	if !l.release || err != nil || len(nodes) == 0 {
		c.Nodes, l.load = nodes, nil
		l.kept.Store(true)
		return nodes
	}
	l.held.Store(&heldTree{first: weak.Make(&nodes[0]), n: len(nodes)})
	return nodes
}

// heldNodes returns a released tree while something holds it.
func (l *lazyTree) heldNodes() ([]Node, bool) {
	if h := l.held.Load(); h != nil {
		if p := h.first.Value(); p != nil {
			return unsafe.Slice(p, h.n), true
		}
	}
	return nil, false
}

// ReleaseTreeWhenUnused makes a lazily filled conversation (SetLazyTree)
// keep its tree only while something holds it (the slice Tree returned):
// once nothing does, the garbage collector frees it and the next Tree
// decodes it again, equal but not the same (new Messages; node numbers
// are the same). Whoever compares a tree's Messages by pointer across
// calls must hold the tree. `backchat serve` sets it: its sessions open
// conversation after conversation of a shared archive, and kept trees
// (and their decompressed text) would grow for as long as the server
// runs. No effect on a tree already kept, or on one filled directly.
func (c *Conversation) ReleaseTreeWhenUnused() {
	if l := c.lazy; l != nil {
		l.mu.Lock()
		l.release = true
		l.mu.Unlock()
	}
}

// TreeErr is the error of filling a lazy tree (nil when the tree was read
// or is not lazy). It fills the tree first when it has not been.
func (c *Conversation) TreeErr() error {
	c.Tree()
	if c.lazy == nil {
		return nil
	}
	c.lazy.mu.Lock()
	defer c.lazy.mu.Unlock()
	return c.lazy.err
}

// TreeLoaded reports whether Tree would return without loading.
func (c *Conversation) TreeLoaded() bool {
	if l := c.lazy; l != nil && !l.kept.Load() {
		if _, ok := l.heldNodes(); !ok {
			return l.done.Load() && l.err != nil
		}
	}
	return true
}

// Comparison is one "which answer is better?" choice the user made
// between two answers (ChatGPT's model_comparisons.json).
type Comparison struct {
	Time time.Time // zero when unknown
	// Preferred is the export's word for the choice: "new", "original",
	// "same", … ("" when not given).
	Preferred string
	// Original and New are the message ids of the two answers, when given
	// (they may name messages the conversation no longer holds).
	Original, New string
}

// DisplayTitle is the title to show: the export's, or "(untitled)".
func (c *Conversation) DisplayTitle() string {
	if c.Title == "" {
		return "(untitled)"
	}
	return c.Title
}

// NotInNewest reports whether the conversation is known to be missing from
// the newest export loaded: it has Sources (the loader filled them) and
// InNewest is false. Hand-built conversations without Sources are never
// marked. Use this, not !InNewest, for markers and the is:deleted filter.
func (c *Conversation) NotInNewest() bool {
	return len(c.Sources) > 0 && !c.InNewest
}

// SortTime is the time used to order conversations: Updated, else Created.
func (c *Conversation) SortTime() time.Time {
	if !c.Updated.IsZero() {
		return c.Updated
	}
	return c.Created
}

// WarningKind classifies a load warning.
type WarningKind uint8

// Warning kinds.
const (
	WarnSkipped   WarningKind = iota // a conversation could not be decoded and was skipped
	WarnTruncated                    // a file ended early; everything before the cut was kept
	WarnFile                         // a file could not be read or is not an export
	WarnData                         // a conversation loaded, but something in it was odd
)

// String names the kind.
func (k WarningKind) String() string {
	switch k {
	case WarnSkipped:
		return "skipped"
	case WarnTruncated:
		return "truncated"
	case WarnFile:
		return "file"
	default:
		return "data"
	}
}

// Warning is something the loader could not load faithfully. Nothing is
// skipped silently: every skipped item has a Warning.
type Warning struct {
	Kind   WarningKind
	File   string // file path (and ZIP entry)
	Index  int    // conversation index within the file; -1 when not applicable
	Offset int64  // byte offset within the file; -1 when unknown
	ID     string // conversation id, when known
	Reason string
}

// String formats the warning for a log line or status view.
func (w Warning) String() string {
	s := w.Kind.String() + ": " + w.Where()
	if w.ID != "" {
		s += " (" + w.ID + ")"
	}
	return s + ": " + w.Reason
}

// Where is the warning's place: its file, then the conversation's index
// and the byte offset when known.
func (w Warning) Where() string {
	s := w.File
	if w.Index >= 0 {
		s += " conversation " + strconv.Itoa(w.Index)
	}
	if w.Offset >= 0 {
		s += " at byte " + strconv.FormatInt(w.Offset, 10)
	}
	return s
}

// Archive is a loaded export: conversations newest first, plus warnings.
type Archive struct {
	Conversations []*Conversation
	Warnings      []Warning
	Sources       []string // the paths that were opened
	// Accounts are the account details of the exports loaded (ChatGPT's
	// user.json, Claude's users.json), in the order of Sources; empty when
	// no export had them.
	Accounts []Account
}

// Account is the owner of an export as its account file gives it. Any
// field may be empty.
type Account struct {
	Service string // ServiceChatGPT, ServiceClaude, …
	ID      string // the service's user id
	Name    string
	Email   string
	// Plan is the subscription as the export states it ("Plus", "Free" for
	// ChatGPT's chatgpt_plus_user); "" when not stated.
	Plan   string
	Source string // the file it came from
}
