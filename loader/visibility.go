package loader

import (
	"strings"

	"github.com/backchat/backchat/model"
)

// Visibility is decided by one set of rules for every format: they were
// learnt from what chatgpt.com shows, and Claude, DeepSeek and Grok messages
// (which carry no hints) go through the same rules.

// visibilityHints carries the message metadata flags that classify needs and
// that the model does not otherwise keep.
type visibilityHints struct {
	VisuallyHidden    bool // metadata.is_visually_hidden_from_conversation
	UserSystemMessage bool // metadata.is_user_system_message (2023 custom instructions)
}

// classify decides whether a message is shown, folded or hidden by default
// (hidden is never deleted). The rules follow what chatgpt.com shows
// (docs/formats.md#chatgpt-visibility), first match wins:
//
// Hidden (reachable only with the show-hidden toggle):
//   - a nil message, or metadata.is_visually_hidden_from_conversation;
//   - user_editable_context / model_editable_context (custom instructions,
//     memory), whatever the role;
//   - every system message, including 2023 custom instructions
//     (is_user_system_message): they are context, not conversation;
//   - tool plumbing: text-only results of bio, web.run, web.search, web,
//     file_search, dalle.text2im, canmore.* ("Successfully created…",
//     "DALL·E displayed 1 images…") and of tools with a scrambled name
//     (model.IsScrambledToolName: 2025 image generation);
//   - instructions to the model (a ChatGPTAgentToolException error);
//   - messages with nothing to show (no blocks, or only blank text and
//     bookkeeping blocks).
//
// Folded (a one-line summary that expands):
//   - reasoning and browsing content in any role: thoughts, reasoning_recap,
//     tether_browsing_display, tether_quote, sonic_webpage, system_error,
//     execution_output without images, computer_output, canvas;
//   - assistant messages addressed to a tool (recipient neither "" nor
//     "all"): code for python, browser and web searches, canvas documents,
//     image-generation prompts;
//   - assistant messages holding only blocks of unknown types;
//   - every other tool message, and messages of unknown roles.
//
// Shown: user and assistant messages to "all", and tool messages that carry
// images (generated images, code-interpreter plots) outside computer_output.
func classify(m *model.Message, h visibilityHints) model.Visibility {
	if m == nil || h.VisuallyHidden {
		return model.Hidden
	}
	switch {
	case m.ContentType() == "user_editable_context" || m.ContentType() == "model_editable_context" || hasKind(m, model.BlockContext):
		return model.Hidden
	case m.Role() == model.RoleSystem:
		return model.Hidden
	case modelFacing(m):
		return model.Hidden
	}
	images := hasImages(m)
	switch m.Role() {
	case model.RoleUser:
		if blank(m) {
			return model.Hidden
		}
		return model.Shown
	case model.RoleAssistant:
		if isToolAddress(m.Recipient()) {
			if blank(m) {
				return model.Hidden
			}
			return model.Folded
		}
		if foldedContent(m) || onlyUnknown(m) {
			return model.Folded
		}
		if blank(m) {
			return model.Hidden
		}
		return model.Shown
	case model.RoleTool:
		if images && m.ContentType() != "computer_output" {
			return model.Shown
		}
		if blank(m) || ((isPlumbing(m.AuthorName()) || model.IsScrambledToolName(m.AuthorName())) && textOnly(m)) {
			return model.Hidden
		}
		return model.Folded
	}
	if blank(m) {
		return model.Hidden
	}
	return model.Folded
}

// modelFacing reports whether m is an instruction to the model that the web
// UI never shows: a ChatGPTAgentToolException system error ("Before doing
// anything else, explicitly explain to the user that…"), whose substance
// the next answer tells the reader.
func modelFacing(m *model.Message) bool {
	for i := range m.Blocks {
		b := &m.Blocks[i]
		if b.Kind == model.BlockSystemError && b.Title() == "ChatGPTAgentToolException" {
			return true
		}
	}
	return false
}

// onlyUnknown reports whether every block of m is of a type the loader does
// not know (an assistant's new kind of widget): it is folded to one line,
// its JSON shown when expanded.
func onlyUnknown(m *model.Message) bool {
	n := 0
	for i := range m.Blocks {
		b := &m.Blocks[i]
		switch {
		case b.Kind == model.BlockUnknown && !model.IsBookkeepingBlock(b.Type()):
			n++
		case b.Kind == model.BlockUnknown, b.Kind == model.BlockText && strings.TrimSpace(b.Text) == "":
		default:
			return false
		}
	}
	return n > 0
}

// isToolAddress reports whether a recipient names a tool rather than the
// conversation ("all") or the assistant (tool replies).
func isToolAddress(r string) bool {
	return r != "" && r != "all" && r != "assistant" && r != "user"
}

// isPlumbing reports whether author is a tool whose plain-text replies are
// status chatter the web UI never shows.
func isPlumbing(author string) bool {
	switch author {
	case "bio", "web", "web.run", "web.search", "file_search", "dalle.text2im":
		return true
	}
	return strings.HasPrefix(author, "canmore.")
}

// isFoldedType reports whether content type t is shown folded whoever sends it.
func isFoldedType(t string) bool {
	switch t {
	case "thoughts", "reasoning_recap", "tether_browsing_display", "tether_browsing_code",
		"tether_quote", "sonic_webpage", "system_error", "execution_output", "computer_output":
		return true
	}
	return false
}

// foldedContent reports whether m holds reasoning, browsing, tool output or
// canvas content, by content type or by its blocks.
func foldedContent(m *model.Message) bool {
	if isFoldedType(m.ContentType()) {
		return true
	}
	for i := range m.Blocks {
		switch m.Blocks[i].Kind {
		case model.BlockThoughts, model.BlockReasoningRecap, model.BlockBrowsing, model.BlockWebPage,
			model.BlockSystemError, model.BlockQuote, model.BlockExecOutput, model.BlockCanvas:
			return true
		}
	}
	return false
}

// hasKind reports whether m has a block of kind k.
func hasKind(m *model.Message, k model.BlockKind) bool {
	for i := range m.Blocks {
		if m.Blocks[i].Kind == k {
			return true
		}
	}
	return false
}

// hasImages reports whether m carries an image: an image block or plots of
// an execution output.
func hasImages(m *model.Message) bool {
	for i := range m.Blocks {
		b := &m.Blocks[i]
		if b.Kind == model.BlockImage || (b.Kind == model.BlockExecOutput && len(b.Images()) > 0) {
			return true
		}
	}
	return false
}

// textOnly reports whether every block of m is text.
func textOnly(m *model.Message) bool {
	for i := range m.Blocks {
		if m.Blocks[i].Kind != model.BlockText {
			return false
		}
	}
	return true
}

// blank reports whether m has nothing to show: no blocks, or only text and
// transcript blocks that are blank. Any other block (image, code, unknown)
// counts as content, so nothing the loader kept is hidden for being odd.
func blank(m *model.Message) bool {
	for i := range m.Blocks {
		b := &m.Blocks[i]
		switch b.Kind {
		case model.BlockText, model.BlockAudioTranscript:
			if strings.TrimSpace(b.Text) != "" {
				return false
			}
		case model.BlockReasoningRecap:
			if strings.TrimSpace(b.Text) != "" || b.Seconds() > 0 {
				return false
			}
		case model.BlockUnknown:
			if !model.IsBookkeepingBlock(b.Type()) {
				return false
			}
		default:
			return false
		}
	}
	return true
}
