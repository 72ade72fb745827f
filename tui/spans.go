package tui

import (
	"strings"

	"charm.land/lipgloss/v2"
)

// span is a lipgloss style that, on one line of text, only wraps it: what
// Render writes before and after the text, found once. Writing a message's
// heading with spans instead of Render (the role line of every message a
// preview lays out, segments.go roleLine) makes it a few appends; a style
// that does more than wrap (width, padding, borders, a transform, styled
// spaces...) and a text Render would change (tabs, line breaks) take
// Render, so the line is the same either way (TestSpanIsRender).
type span struct {
	st          lipgloss.Style
	open, close string
	wraps       bool // Render(t) == open + t + close for a text without tabs and line breaks
}

// spanProbes are texts Render must only wrap for a span to be used: they
// tell a style that pads, aligns or wraps to a width, or that styles spaces
// on their own, from one that only wraps.
var spanProbes = []string{"x", "Role · 2024-01-02 15:04", "‹1/2› wide 日本 text that is longer than a short width"}

func newSpan(st lipgloss.Style) span {
	p := span{st: st}
	if st.GetMaxWidth() > 0 || st.GetTransform() != nil || st.GetWidth() > 0 || st.GetHeight() > 0 {
		return p
	}
	const mark = "a b"
	out := st.Render(mark)
	i := strings.Index(out, mark)
	if i < 0 {
		return p
	}
	p.open, p.close = out[:i], out[i+len(mark):]
	for _, t := range spanProbes {
		if st.Render(t) != p.open+t+p.close {
			return p
		}
	}
	p.wraps = true
	return p
}

// write writes text styled to b.
func (p *span) write(b *strings.Builder, text string) {
	if !p.wraps || strings.ContainsAny(text, "\t\r\n") {
		b.WriteString(p.st.Render(text))
		return
	}
	b.WriteString(p.open)
	b.WriteString(text)
	b.WriteString(p.close)
}

// headSpans are the styles of a message's heading (roleLine) as spans,
// made from the viewer's styles whenever they change (newViewer, setTheme).
type headSpans struct {
	user, bot, tool, meta, branch span
}

func newHeadSpans(st Styles) headSpans {
	return headSpans{user: newSpan(st.RoleUser), bot: newSpan(st.RoleBot), tool: newSpan(st.RoleTool),
		meta: newSpan(st.MsgMeta), branch: newSpan(st.Branch)}
}
