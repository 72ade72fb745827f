package textout

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
//   - a message's references become Markdown footnotes ([^1]: Title — URL),
//     numbered across the document, and its [N] citation markers outside
//     code fences become [^K].
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

// numberNotes assigns document-wide footnote numbers to m's references.
func (r *writer) numberNotes(m *model.Message) {
	if len(m.References) == 0 {
		return
	}
	r.refs = make(map[int]int, len(m.References))
	for _, ref := range m.References {
		if _, dup := r.refs[ref.N]; !dup {
			r.notes++
			r.refs[ref.N] = r.notes
		}
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
			if k, ok := r.refs[n]; ok {
				return "[^" + strconv.Itoa(k) + "]"
			}
			return s
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
		r.line(AssetLine("image", a))
		return
	}
	link := ""
	if a != nil && r.export.AssetLink != nil {
		link = r.export.AssetLink(a)
	}
	if link == "" {
		r.line("*", mdEscape(strings.Trim(AssetLine("image", a), "[]")), " (not in the export)*")
		return
	}
	r.line("![", mdEscape(imageAlt(a)), "](<", link, ">)")
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
