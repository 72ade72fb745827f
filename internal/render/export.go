package render

import (
	"html"
	"regexp"
	"strconv"
	"strings"

	"github.com/backchat/backchat/model"
)

// ExportStyle tunes Markdown for a file read outside backchat (backchat
// export), where nothing can expand a one-line summary:
//
//   - a folded message becomes a collapsible
//     <details><summary>…</summary>…</details> block holding the full message;
//   - an image whose AssetLink is non-empty becomes ![alt](link); any other
//     image becomes a note saying it is not in the export;
//   - a message's [N] citation markers outside code fences become footnote
//     references [^K], numbered across the document in order of first use,
//     and the references they cite become footnotes ([^K]: Title — URL);
//     references no marker cites stay a list (a footnote nothing refers to
//     would not be shown by Markdown renderers).
type ExportStyle struct {
	// AssetLink returns the relative URL of an asset copied next to the
	// document, or "" when it was not copied. Nil means none was.
	AssetLink func(*model.Asset) string
}

// details writes a folded message as a collapsible block. The summary line
// is HTML-escaped: Markdown renderers pass it through as raw HTML.
func (r *writer) details(m *model.Message) {
	sum := strings.TrimPrefix(Summary(m), "▸ ")
	r.line("<details>")
	r.line("<summary>", html.EscapeString(sum), "</summary>")
	r.line()
	r.body(m)
	r.line("</details>")
	r.line()
}

// numberNotes records which citation numbers m's references define, so
// its markers can become footnotes (numbered on first use).
func (r *writer) numberNotes(m *model.Message) {
	if len(m.References()) == 0 {
		return
	}
	r.refs = make(map[int]int, len(m.References()))
	for _, ref := range m.References() {
		r.refs[ref.N] = 0 // defined, not yet cited
	}
}

var citeMarker = regexp.MustCompile(`\[(\d{1,4})\]`)

// footnoteMarkers turns the current message's [N] citation markers into
// footnote references, leaving fenced code untouched.
func (r *writer) footnoteMarkers(text string) string {
	if len(r.refs) == 0 || !strings.Contains(text, "[") {
		return text
	}
	lines := strings.Split(text, "\n")
	inFence := ""
	for i, l := range lines {
		t := strings.TrimLeft(l, " ")
		if inFence != "" {
			if strings.HasPrefix(t, inFence) {
				inFence = ""
			}
			continue
		}
		if f := fenceOpen(t); f != "" {
			inFence = f
			continue
		}
		lines[i] = citeMarker.ReplaceAllStringFunc(l, func(s string) string {
			n, _ := strconv.Atoi(s[1 : len(s)-1])
			k, ok := r.refs[n]
			if !ok {
				return s
			}
			if k == 0 {
				r.notes++
				k = r.notes
				r.refs[n] = k
			}
			return "[^" + strconv.Itoa(k) + "]"
		})
	}
	return strings.Join(lines, "\n")
}

// fenceOpen returns the fence (``` or ~~~ run) a line opens, or "".
func fenceOpen(t string) string {
	for _, c := range []byte{'`', '~'} {
		n := 0
		for n < len(t) && t[n] == c {
			n++
		}
		if n >= 3 {
			return t[:n]
		}
	}
	return ""
}

// image writes an image asset: its one-line description, or in export
// Markdown a link to the copied file or a note that it is missing.
func (r *writer) image(a *model.Asset) {
	if r.export == nil {
		r.line(r.asset("image", a))
		return
	}
	link := ""
	if a != nil && r.export.AssetLink != nil {
		link = r.export.AssetLink(a)
	}
	if link == "" {
		r.line("*", mdEscape(MissingImageNote(a)), "*")
		return
	}
	r.line("![", mdEscape(imageAlt(a)), "](<", link, ">)")
}

// MissingImageNote describes an image a document cannot show: "image
// missing: POINTER …" when the export lacks it, else "image: FILE … (not
// copied)".
func MissingImageNote(a *model.Asset) string {
	s := strings.Trim(AssetLine("image", a), "[]")
	if a != nil && !a.Missing && a.File != "" {
		s += " (not copied)"
	}
	return s
}

// imageAlt is an image's alternative text: its prompt, name, or "image".
func imageAlt(a *model.Asset) string {
	return one(orDefault(a.Prompt, orDefault(a.Name, "image")))
}

var mdSpecial = strings.NewReplacer(`\`, `\\`, `[`, `\[`, `]`, `\]`, `*`, `\*`, `_`, `\_`, "`", "\\`", `<`, `\<`, `>`, `\>`)

// mdEscape escapes s for use as inline Markdown text.
func mdEscape(s string) string { return mdSpecial.Replace(s) }

// Recap is the line of a reasoning recap block ("Thought for 47s").
func Recap(b *model.Block) string { return recap(b) }

// PageLine describes a quote or web page block ("Quote from Title (domain)
// — URL"); flattened and safe on a terminal.
func PageLine(b *model.Block) string { return pageLine(b) }

// Readable is text of m with its 2023 browsing markers (【0†title†domain】)
// made readable, as every renderer writes it; a user's own text is
// returned as is.
func Readable(m *model.Message, text string) string {
	if m == nil || m.Role() == model.RoleUser {
		return text
	}
	return readableMarkers(text, m.References())
}

// IsToolData reports whether m's text is tool data that may be JSON: a
// tool's output or the arguments of a call to a tool.
func IsToolData(m *model.Message) bool {
	return m != nil && (m.Role() == model.RoleTool || isToolCall(m))
}

// ToolJSONMarkdown is the Markdown the renderer writes for tool output that
// is JSON (stdout and stderr as text, other JSON indented in a code block);
// ok is false when text is not JSON.
func ToolJSONMarkdown(text string) (md string, ok bool) {
	r := &writer{md: true}
	ok = r.jsonOutput(text)
	return r.b.String(), ok
}

// UnknownLine is the one-line description of a block of unknown type: its
// type and field count ("interactive_timeline (2 fields)").
func UnknownLine(b *model.Block) string { return unknownLine(b) }

// PrettyJSON indents JSON text (other text is returned as is).
func PrettyJSON(text string) string { return prettyJSON(text) }

// CanvasVersion is " — version N" for a replayed canvas edit, else "".
func CanvasVersion(b *model.Block) string { return canvasVersion(b) }
