package loader

import (
	"regexp"
	"strings"

	"github.com/backchat/backchat/model"
)

// Claude exports before tool_use blocks (2024) kept artifacts and the
// model's artifact reasoning inline in the assistant's text:
//
//	<antThinking>…</antThinking>
//	<antArtifact identifier="id" type="application/vnd.ant.code" language="python" title="T">…</antArtifact>
//
// (docs/formats.md#claude-legacy, seen in Markdown converted from real 2024
// exports).
// legacyText splits such text the way modern blocks are split: the thinking
// becomes a folded thoughts node, each artifact a folded canvas node
// addressed to "artifacts" (as a modern artifacts tool_use is), and the text
// around them stays in the sender's message.

var antAttr = regexp.MustCompile(`([A-Za-z_]+)\s*=\s*"([^"]*)"`)

// hasLegacyTags reports whether text holds inline artifact or thinking tags.
func hasLegacyTags(text string) bool {
	return strings.Contains(text, "<antArtifact") || strings.Contains(text, "<antThinking>")
}

// addText adds a text block to the sender's message, splitting out legacy
// inline tags of assistant text. Returns the message that got the last text
// (for citations), or nil when the text held only tags.
func (b *claudeBuilder) addText(text, typ string) *model.Message {
	if b.base.Role() != model.RoleAssistant || !hasLegacyTags(text) {
		m := b.main()
		m.Blocks = append(m.Blocks, model.Block{Kind: model.BlockText, Text: text}.WithType(typ))
		return m
	}
	var last *model.Message
	plain := func(s string) {
		if strings.TrimSpace(s) == "" {
			return
		}
		last = b.main()
		last.Blocks = append(last.Blocks, model.Block{Kind: model.BlockText, Text: strings.TrimSpace(s)}.WithType(typ))
	}
	for text != "" {
		ti := strings.Index(text, "<antThinking>")
		ai := strings.Index(text, "<antArtifact")
		if ti < 0 && ai < 0 {
			plain(text)
			break
		}
		if ti >= 0 && (ai < 0 || ti < ai) {
			plain(text[:ti])
			rest := text[ti+len("<antThinking>"):]
			body, after := cut(rest, "</antThinking>")
			m := b.split(model.RoleAssistant, "thinking")
			m.Blocks = append(m.Blocks, model.Block{Kind: model.BlockThoughts, Extra: &model.BlockExtra{Thoughts: []model.Thought{{Content: strings.TrimSpace(body)}}}}.WithType("antThinking"))
			text = after
			continue
		}
		plain(text[:ai])
		rest := text[ai+len("<antArtifact"):]
		gt := strings.IndexByte(rest, '>')
		if gt < 0 { // a cut tag: keep it as text
			plain(text[ai:])
			break
		}
		attrs := map[string]string{}
		for _, m := range antAttr.FindAllStringSubmatch(rest[:gt], -1) {
			attrs[m[1]] = m[2]
		}
		body, after := cut(rest[gt+1:], "</antArtifact>")
		lang := attrs["type"]
		switch {
		case attrs["language"] != "":
			lang = "code/" + attrs["language"]
		case lang == "text/markdown" || lang == "":
			lang = "document"
		}
		m := b.split(model.RoleAssistant, "tool_use")
		m.SetRecipient("artifacts")
		m.Blocks = append(m.Blocks, model.Block{Kind: model.BlockCanvas, Extra: &model.BlockExtra{Title: nonEmpty(attrs["title"], attrs["identifier"])},
			Text: strings.Trim(body, "\n")}.WithLang(lang).WithType("antArtifact"))
		text = after
	}
	return last
}

// cut splits s at the first sep: before and after it, or all of s and ""
// when sep is missing (an unclosed tag runs to the end).
func cut(s, sep string) (before, after string) {
	if i := strings.Index(s, sep); i >= 0 {
		return s[:i], s[i+len(sep):]
	}
	return s, ""
}
