package render

import (
	"fmt"
	"strings"

	"github.com/backchat/backchat/model"
)

// Summary is the one-line stand-in for a folded message ("▸ Ran python (12
// lines)", "▸ Thought for 47s", "▸ Searched the web: "…"", "▸ Read page:
// Title (domain)", "▸ Tool output (python): first line…"). It describes the
// first block that says something and counts the others. The result is
// flattened with model.SanitizeLine, so it is safe on a terminal.
func Summary(m *model.Message) string {
	if m == nil {
		return "▸ (nothing)"
	}
	var parts []string
	var recapped string // a recap followed by the thoughts it sums up reads as one
	for i := range m.Blocks {
		b := &m.Blocks[i]
		if b.Kind == model.BlockThoughts && recapped != "" && len(parts) == 1 {
			parts[0] = recapped + " (" + plural(len(b.Thoughts()), "step") + ")"
			recapped = ""
			continue
		}
		if s := blockSummary(m, b); s != "" {
			parts = append(parts, s)
			if b.Kind == model.BlockReasoningRecap && len(parts) == 1 {
				recapped = s
			}
		}
	}
	if len(parts) == 0 {
		return one("▸ " + who(m) + ": (empty)")
	}
	s := "▸ " + parts[0]
	if len(parts) > 1 {
		s += fmt.Sprintf(" (+%d more)", len(parts)-1)
	}
	return one(readableMarkers(s, nil))
}

// who names the tool or author of a folded message.
func who(m *model.Message) string {
	switch {
	case m.AuthorName() != "":
		return toolName(m, m.AuthorName())
	case m.Recipient() != "" && m.Recipient() != "all":
		return toolName(m, m.Recipient())
	}
	return string(m.Role())
}

func quoted(s string) string { return "\u201c" + s + "\u201d" }

func blockSummary(m *model.Message, b *model.Block) string {
	switch b.Kind {
	case model.BlockCode:
		target := m.Recipient()
		if target == "" || target == "all" {
			target = orDefault(b.Title(), orDefault(b.Lang(), "code")) // Claude names the tool in Title
		}
		target = toolName(m, target)
		if q, ok := searchQuery(b.Text); ok {
			return "Searched the web: " + quoted(q)
		}
		if target == "python" {
			return fmt.Sprintf("Ran python (%s)", plural(lineCount(shownCode(b)), "line"))
		}
		if s := callSummary(target, b.Text); s != "" {
			return s
		}
		return fmt.Sprintf("Called %s (%s)", target, plural(lineCount(shownCode(b)), "line"))
	case model.BlockExecOutput:
		if v, ok := parseJSON(b.Text); ok {
			return who(m) + " → " + jsonSummary(v)
		}
		s := "Tool output (" + who(m) + ")"
		if l := firstLine(b.Text); l != "" {
			s += ": " + l
		}
		if len(b.Images()) > 0 {
			s += fmt.Sprintf(" [%s]", plural(len(b.Images()), "image"))
		}
		return s
	case model.BlockText:
		l := firstLine(b.Text)
		if l == "" {
			return ""
		}
		if m.Role() == model.RoleTool {
			if v, ok := parseJSON(b.Text); ok {
				return who(m) + " → " + jsonSummary(v)
			}
			return "Tool output (" + who(m) + "): " + l
		}
		if isToolCall(m) {
			if s := callSummary(who(m), b.Text); s != "" {
				return s
			}
			return "Called " + who(m) + ": " + l
		}
		return who(m) + ": " + l
	case model.BlockThoughts:
		n := len(b.Thoughts())
		head := firstLine(b.Summary())
		if head == "" && n > 0 {
			head = firstLine(b.Thoughts()[0].Summary)
		}
		s := "Thinking (" + plural(n, "step") + ")"
		if head != "" {
			s += ": " + head
		}
		return s
	case model.BlockReasoningRecap:
		return recap(b)
	case model.BlockQuote, model.BlockWebPage:
		s := "Read page: " + orDefault(firstLine(b.Title()), orDefault(b.URL(), "(untitled)"))
		if b.Domain() != "" {
			s += " (" + b.Domain() + ")"
		}
		return s
	case model.BlockBrowsing:
		return browsingSummary(b)
	case model.BlockImage, model.BlockAudio:
		kind := "image"
		if b.Kind == model.BlockAudio {
			kind = "audio"
		}
		return strings.Trim(AssetShort(kind, b.Asset()), "[]")
	case model.BlockAudioTranscript:
		if l := firstLine(b.Text); l != "" {
			return "🎙 " + l
		}
		return ""
	case model.BlockContext:
		s := "Context"
		if l := firstLine(b.Text); l != "" {
			s += ": " + l
		}
		return s
	case model.BlockSystemError:
		s := "Error: " + orDefault(b.Title(), "system error")
		if l := firstLine(b.Text); l != "" {
			s += ": " + l
		}
		return s
	case model.BlockCanvas:
		return "Canvas: " + orDefault(firstLine(b.Title()), "(untitled)") + langSuffix(b.Lang()) + canvasVersion(b)
	case model.BlockUnknown:
		if model.IsBookkeepingBlock(b.Type()) {
			return ""
		}
		return unknownLine(b)
	}
	return "unsupported content: " + orDefault(b.Type(), b.Kind.String())
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}
