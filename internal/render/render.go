// Package render is backchat's one message renderer: it turns a
// conversation, or one message of it, into plain text, Markdown or JSON.
// Everything that shows a message in words uses it, so they all say the same
// thing: `backchat show`, the export command, the browser's pager and copy
// (Text, Markdown, MessageMarkdown), and the browser's screen, which styles
// MessageHeading, shows Summary for a folded message and feeds Body to
// Glamour. It is pure: functions over model values, with no Charm imports and
// no terminal handling. Text is rendered as loaded (maths is normalised by
// the loader, see model.NormalizeMath).
//
// Safety: every archive string that reaches text or Markdown output passes
// through model.Sanitize in exactly one place, the final write of render,
// MessageMarkdown or Body (one-line fields are first flattened with
// model.SanitizeLine). JSON output escapes every control character (see JSON).
package render

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/backchat/backchat/model"
)

// Options selects what is rendered. The zero value renders what the chat UI
// shows: the current thread, folded items as one-line summaries, no hidden
// messages.
type Options struct {
	// All adds hidden messages (marked "(hidden)"), expands folded items and
	// appends every other branch after the current thread.
	All bool
	// Location is the time zone for times in text and Markdown; nil means
	// time.Local. JSON times are always UTC.
	Location *time.Location
	// Thread, when set and All is not, is rendered instead of the current
	// thread: the branch a reader switched to in the browser. Text and
	// Markdown only.
	Thread model.Thread
	// Export, when set, tunes Markdown for a standalone file (backchat
	// export): see ExportStyle. Text and JSON ignore it.
	Export *ExportStyle
}

// NotInNewestNote is the header note of a conversation missing from the
// newest export loaded (model.Conversation.NotInNewest).
const NotInNewestNote = "Not in newest export"

// TimeLayout is how text and Markdown show a time.
const TimeLayout = "2006-01-02 15:04"

// ErrNilConversation is returned when asked to render no conversation.
var ErrNilConversation = errors.New("render: nil conversation")

// Text writes c as plain text: a header, then one section per message.
func Text(w io.Writer, c *model.Conversation, opts Options) error {
	return render(w, c, opts, false)
}

// Markdown writes c as a Markdown document.
func Markdown(w io.Writer, c *model.Conversation, opts Options) error {
	return render(w, c, opts, true)
}

// writer accumulates one document. Strings are appended raw and sanitised
// once, when the document is written.
type writer struct {
	b    strings.Builder
	c    *model.Conversation
	opts Options
	md   bool
	loc  *time.Location
	// export is opts.Export for Markdown, else nil; notes counts the
	// footnotes written so far (numbered across the whole document).
	export *ExportStyle
	notes  int
	refs   map[int]int    // citation number → footnote number, for the current message
	m      *model.Message // the message being written, nil between messages
	// spoke is whether any heading was written, and userSpoke whether the
	// last one was the user's: a folded summary of the other side gets a
	// heading of its own, so it never reads as part of the turn before it.
	spoke, userSpoke bool
	// screen: the browser's Body, where an image or audio is one short line
	// (AssetShort; the file's path is for `i`, copy, show and export).
	screen bool
}

func render(w io.Writer, c *model.Conversation, opts Options, md bool) error {
	if c == nil {
		return ErrNilConversation
	}
	r := &writer{c: c, opts: opts, md: md, loc: opts.Location}
	if md {
		r.export = opts.Export
	}
	if r.loc == nil {
		r.loc = time.Local
	}
	r.header()
	branches := []Branch{{Thread: opts.Thread, AtMessage: 1}}
	if opts.All || opts.Thread == nil {
		branches = Branches(c, opts.All)
	}
	for i, br := range branches {
		if i > 0 {
			r.branchHeader(i, br)
		}
		r.thread(br)
	}
	// The one place where text and Markdown output is sanitised. CRLF line
	// ends (pasted Windows text) become plain newlines first.
	_, err := io.WriteString(w, model.Sanitize(strings.ReplaceAll(r.b.String(), "\r\n", "\n")))
	return err
}

func (r *writer) line(parts ...string) {
	for _, p := range parts {
		r.b.WriteString(p)
	}
	r.b.WriteByte('\n')
}

// one flattens a one-line field.
func one(s string) string { return model.SanitizeLine(s) }

func (r *writer) time(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(r.loc).Format(TimeLayout)
}

func (r *writer) header() {
	c := r.c
	type field struct{ name, value string }
	fields := []field{
		{"ID", c.ID},
		{"Created", r.time(c.Created)},
		{"Updated", r.time(c.Updated)},
		{"Model", c.Model},
		{"GPT", c.GizmoID},
	}
	var flags []string
	if c.Archived {
		flags = append(flags, "archived")
	}
	if c.Starred {
		flags = append(flags, "starred")
	}
	fields = append(fields, field{"Flags", strings.Join(flags, ", ")})
	if len(c.Sources) > 1 || c.NotInNewest() {
		fields = append(fields, field{"Exports", strings.Join(c.Sources, ", ")})
	}
	if c.NotInNewest() {
		fields = append(fields, field{"Note", NotInNewestNote})
	}
	if r.md {
		r.line("# ", one(c.DisplayTitle()))
		r.line()
		for _, f := range fields {
			if f.value != "" {
				r.line("- **", f.name, ":** ", one(f.value))
			}
		}
	} else {
		title := one(c.DisplayTitle())
		r.line(title)
		r.line(strings.Repeat("=", max(3, min(runeWidth(title), 80))))
		for _, f := range fields {
			if f.value != "" {
				r.line(fmt.Sprintf("%-8s %s", f.name+":", one(f.value)))
			}
		}
	}
	r.line()
}

// runeWidth approximates a string's width by its rune count; only used to
// size the title underline.
func runeWidth(s string) int { return len([]rune(s)) }

func (r *writer) branchHeader(n int, br Branch) {
	pos, total := r.c.BranchPos(br.Thread[br.From])
	var label string
	switch {
	case br.Parent < 0:
		label = fmt.Sprintf("Branch %d: detached messages (not linked to the conversation's tree)", n)
	case br.Parent > 0:
		label = fmt.Sprintf("Branch %d at message %d of branch %d: alternative ‹%d/%d›", n, br.AtMessage, br.Parent, pos, total)
	default:
		label = fmt.Sprintf("Branch %d at message %d: alternative ‹%d/%d›", n, br.AtMessage, pos, total)
	}
	if r.md {
		r.line("---")
		r.line()
		r.line("# ", label)
	} else {
		r.line(strings.Repeat("─", 40))
		r.line(label)
		r.line(strings.Repeat("─", 40))
	}
	r.line()
}

// thread writes the messages of br.Thread from br.From on.
func (r *writer) thread(br Branch) {
	for _, n := range br.Thread[br.From:] {
		if n < 0 || int(n) >= len(r.c.Tree()) {
			continue // a caller's Options.Thread may be stale
		}
		m := r.c.Tree()[n].Msg
		switch Present(m, r.opts.All, r.opts.All) {
		case Omitted:
			continue
		case Summarised:
			if !r.spoke || r.userSpoke != (m.Role() == model.RoleUser) {
				r.heading(n, m, true)
			}
			if r.export != nil {
				r.details(m)
			} else {
				r.line(Summary(m))
				r.line()
			}
			continue
		}
		r.message(n, m)
	}
}

// RoleLabel names a message's author the way a reader expects: "You",
// "ChatGPT" (or "Claude", "DeepSeek", "Grok"), "System", "Tool (python)".
func RoleLabel(c *model.Conversation, m *model.Message) string {
	switch m.Role() {
	case model.RoleUser:
		return "You"
	case model.RoleAssistant:
		return model.AssistantName(strings.ToLower(c.Service))
	case model.RoleSystem:
		return "System"
	case model.RoleTool:
		if onlyReasoning(m) {
			// o1/o3 reasoning written as a tool message (early 2025).
			return model.AssistantName(strings.ToLower(c.Service))
		}
		if m.AuthorName() != "" {
			return "Tool (" + toolName(m, m.AuthorName()) + ")"
		}
		return "Tool"
	case "":
		return "Unknown"
	}
	return string(m.Role())
}

// onlyReasoning reports whether every block of m is reasoning.
func onlyReasoning(m *model.Message) bool {
	for i := range m.Blocks {
		if k := m.Blocks[i].Kind; k != model.BlockThoughts && k != model.BlockReasoningRecap {
			return false
		}
	}
	return len(m.Blocks) > 0
}

func (r *writer) message(n int32, m *model.Message) {
	r.heading(n, m, false)
	r.body(m)
}

// heading writes a message's heading; folded says a summary follows (whose
// "▸" says it is folded, so the note is left out).
func (r *writer) heading(n int32, m *model.Message, folded bool) {
	r.spoke, r.userSpoke = true, m.Role() == model.RoleUser
	h := MessageHeading(r.c, n, r.loc)
	if folded {
		h.Note = ""
	}
	if r.md {
		r.line("## ", strings.Join(h.Parts(), " · "))
	} else {
		s := h.Role
		if h.Time != "" {
			s += " — " + h.Time
		}
		if h.Model != "" {
			s += " (" + h.Model + ")"
		}
		for _, x := range []string{h.Branch, h.Note} {
			if x != "" {
				s += " " + x
			}
		}
		r.line(s)
	}
	r.line()
}

// body writes a message's blocks and references.
func (r *writer) body(m *model.Message) {
	if r.export != nil {
		r.numberNotes(m)
		defer func() { r.refs = nil }()
	}
	r.m = m
	defer func() { r.m = nil }()
	before := r.b.Len()
	for i := range m.Blocks {
		r.block(&m.Blocks[i])
	}
	if r.b.Len() == before {
		// No blocks, or only empty text: say so rather than print a bare header.
		r.line("(empty)")
		r.line()
	}
	if len(m.References()) > 0 {
		if r.export == nil {
			r.line("Sources:")
			if r.md {
				r.line()
			}
		}
		for _, ref := range m.References() {
			if l := r.reference(ref); l != "" {
				r.line(l)
			}
		}
		r.line()
	}
	if m.Feedback() != nil {
		r.line(FeedbackLine(m.Feedback())) // feedback.go
		r.line()
	}
}

func (r *writer) reference(ref model.Reference) string {
	s := fmt.Sprintf("[%d]", ref.N)
	if r.md {
		s = "- " + s
	}
	if k := r.refs[ref.N]; k > 0 {
		s = fmt.Sprintf("[^%d]:", k)
		r.refs[ref.N] = -1 // defined once even when listed twice
	} else if k < 0 {
		return ""
	}
	title, url := one(ref.Title), one(ref.URL)
	if r.export != nil {
		title = mdEscape(title)
	}
	switch {
	case title != "" && url != "":
		return s + " " + title + " — " + url
	case title != "":
		return s + " " + title
	case url != "":
		return s + " " + url
	}
	return s + " (no source in the export)"
}
