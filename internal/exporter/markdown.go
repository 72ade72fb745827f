package exporter

import (
	"bytes"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/backchat/backchat/internal/render"
	"github.com/backchat/backchat/model"
)

// ConversationURL is the conversation's address in the service's web app:
// https://chatgpt.com/c/ID (https://claude.ai/chat/ID for Claude); "" when
// the id is empty.
func ConversationURL(c *model.Conversation) string {
	if c.ID == "" {
		return ""
	}
	if strings.EqualFold(c.Service, "claude") {
		return "https://claude.ai/chat/" + url.PathEscape(c.ID)
	}
	return "https://chatgpt.com/c/" + url.PathEscape(c.ID)
}

// writeMarkdown writes YAML front matter, then render's Markdown in its
// export style (folded items as <details>, images linked, footnotes).
func writeMarkdown(w *bytes.Buffer, c *model.Conversation, links map[*model.Asset]string) error {
	frontMatter(w, c)
	w.WriteByte('\n')
	return render.Markdown(w, c, render.Options{Location: utc, Export: &render.ExportStyle{
		AssetLink: func(a *model.Asset) string { return links[a] },
	}})
}

// frontMatter writes the YAML header. Every string is double-quoted and
// escaped (yamlString), so no title can break out of it or smuggle control
// characters into a terminal.
func frontMatter(w *bytes.Buffer, c *model.Conversation) {
	kv := func(k, v string) {
		w.WriteString(k)
		w.WriteString(": ")
		w.WriteString(v)
		w.WriteByte('\n')
	}
	str := func(s string) string {
		if s == "" {
			return "null"
		}
		return yamlString(s)
	}
	when := func(t time.Time) string {
		if t.IsZero() {
			return "null"
		}
		return yamlString(t.UTC().Format(time.RFC3339))
	}
	w.WriteString("---\n")
	kv("id", yamlString(c.ID))
	kv("title", yamlString(c.Title))
	kv("created", when(c.Created))
	kv("updated", when(c.Updated))
	kv("model", str(c.Model))
	kv("gpt", str(c.GizmoID))
	kv("url", str(ConversationURL(c)))
	if len(c.Sources) == 0 {
		kv("sources", "[]")
	} else {
		w.WriteString("sources:\n")
		for _, s := range c.Sources {
			w.WriteString("  - ")
			w.WriteString(yamlString(s))
			w.WriteByte('\n')
		}
	}
	if c.NotInNewest() {
		kv("in_newest", "false")
	} else {
		kv("in_newest", "true")
	}
	if c.Archived {
		kv("archived", "true")
	}
	if c.Starred {
		kv("starred", "true")
	}
	w.WriteString("---\n")
}

// yamlString quotes s as a YAML double-quoted scalar: backslash and quote
// escaped, every control character (C0, DEL, C1), U+2028/U+2029, U+FEFF
// and the bidi embeddings, overrides and isolates (U+202A–U+202E,
// U+2066–U+2069, as internal/render/json.go escapes them) as \uXXXX,
// invalid UTF-8 as U+FFFD.
func yamlString(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		switch {
		case r == utf8.RuneError && n == 1:
			b.WriteString(`\uFFFD`)
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f || r >= 0x80 && r <= 0x9f || r == 0x2028 || r == 0x2029 || r == 0xfeff ||
			r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069:
			const hex = "0123456789ABCDEF"
			b.WriteString(`\u`)
			b.WriteByte(hex[r>>12&0xf])
			b.WriteByte(hex[r>>8&0xf])
			b.WriteByte(hex[r>>4&0xf])
			b.WriteByte(hex[r&0xf])
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// writeJSON writes render's schema with every message (hidden ones and
// all branches included): an export is an archive, not a reading view.
func writeJSON(w *bytes.Buffer, c *model.Conversation) error {
	return render.JSON(w, c, render.Options{All: true})
}
