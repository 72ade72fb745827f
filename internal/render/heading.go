package render

import (
	"fmt"
	"time"

	"github.com/backchat/backchat/model"
)

// Heading is what the heading of one message says, each part flattened
// with model.SanitizeLine. Text and Markdown output lay it out as a line;
// the browser styles each part of it. Empty parts are absent.
type Heading struct {
	Role   string // RoleLabel: "You", "ChatGPT", "Tool (python)"
	Time   string // in TimeLayout
	Model  string // the model that wrote the message
	Branch string // "‹2/3›" when the message has alternatives
	Note   string // "(hidden)" or "(folded)" for a message not shown in full by default
}

// MessageHeading is the heading of message node n of c, with times in loc
// (nil means time.Local). n must hold a message. Its branch mark counts
// every sibling (c.BranchPos).
func MessageHeading(c *model.Conversation, n int32, loc *time.Location) Heading {
	branch := ""
	if pos, total := c.BranchPos(n); total > 1 {
		branch = BranchLabel(pos, total)
	}
	return MessageHeadingMarked(c, n, loc, branch)
}

// MessageHeadingMarked is MessageHeading with branch as its branch mark
// (the caller counts the siblings its own way; "" for none).
func MessageHeadingMarked(c *model.Conversation, n int32, loc *time.Location, branch string) Heading {
	m := c.Tree()[n].Msg
	h := Heading{Role: one(RoleLabel(c, m)), Model: one(m.Model()), Branch: branch}
	if !m.Time().IsZero() {
		if loc == nil {
			loc = time.Local
		}
		h.Time = m.Time().In(loc).Format(TimeLayout)
	}
	if m.Visibility != model.Shown {
		h.Note = "(" + m.Visibility.String() + ")"
	}
	return h
}

// BranchLabel is the mark of a message that is alternative pos of total
// ("‹2/3›").
func BranchLabel(pos, total int) string { return fmt.Sprintf("‹%d/%d›", pos, total) }

// Parts lists the heading's non-empty parts in reading order: role, time,
// model, branch, note.
func (h Heading) Parts() []string {
	out := make([]string, 0, 5)
	for _, s := range []string{h.Role, h.Time, h.Model, h.Branch, h.Note} {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// Presentation is how a message is shown: not at all, as its one-line
// Summary, or in full (heading and Body).
type Presentation uint8

// Presentations.
const (
	Omitted    Presentation = iota // a hidden message, hidden messages not asked for
	Summarised                     // a folded message, folded ones not expanded
	InFull
)

// Present decides how m is shown, for every output alike: hidden messages
// only with hidden, folded ones (tool calls, reasoning, browsing) as a
// summary unless expanded. `backchat show --all` sets both; the browser's H
// and t toggle them. A nil message is Omitted.
func Present(m *model.Message, hidden, expanded bool) Presentation {
	switch {
	case m == nil || m.Visibility == model.Hidden && !hidden:
		return Omitted
	case m.Visibility == model.Folded && !expanded:
		return Summarised
	}
	return InFull
}
