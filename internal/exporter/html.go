package exporter

import (
	"bytes"
	"fmt"
	"html"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"

	"github.com/backchat/backchat/internal/render"
	"github.com/backchat/backchat/model"
)

// maxHighlight is the largest code block highlighted; bigger ones (and
// any the lexer fails on) are written as plain escaped text. Lexers are
// backtracking regexps: this bounds their cost on hostile input.
const maxHighlight = 64 << 10

// markdown converts message text to HTML. Raw HTML in the text is not
// passed through (goldmark's default), dangerous link schemes are
// dropped, and fenced code is highlighted by codeRenderer. Safe for
// concurrent use.
var markdown = goldmark.New(
	goldmark.WithExtensions(extension.GFM),
	goldmark.WithRendererOptions(renderer.WithNodeRenderers(util.Prioritized(codeRenderer{}, 100))),
)

// codeRenderer renders fenced and indented code blocks with chroma, and
// images inside message text as links: the page stays self-contained and
// opening it fetches nothing from servers the archive names.
type codeRenderer struct{}

func (codeRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindFencedCodeBlock, renderCode)
	reg.Register(ast.KindCodeBlock, renderCode)
	reg.Register(ast.KindImage, renderImageLink)
}

func renderImageLink(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	img := node.(*ast.Image)
	var alt bytes.Buffer
	_ = ast.Walk(img, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if t, ok := n.(*ast.Text); ok && entering {
			alt.Write(t.Segment.Value(source))
		}
		return ast.WalkContinue, nil
	})
	label := "[image: " + orDefault(alt.String(), "untitled") + "]"
	u := string(img.Destination)
	var err error
	if safeURL(u) {
		_, err = fmt.Fprintf(w, `<a href="%s">%s</a>`, esc(u), esc(label))
	} else {
		_, err = w.WriteString(esc(label + " " + u))
	}
	return ast.WalkSkipChildren, err
}

func renderCode(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	lang := ""
	if f, ok := node.(*ast.FencedCodeBlock); ok {
		lang = string(f.Language(source))
	}
	var code bytes.Buffer
	lines := node.Lines()
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		code.Write(seg.Value(source))
	}
	_, err := w.WriteString(highlight(lang, code.String()))
	return ast.WalkSkipChildren, err
}

// codeStyle is the chroma style of highlighted code (inline styles).
var codeStyle = styles.Get("github")

// highlight returns code as a <pre> block, highlighted with inline styles
// when lang names a known lexer (or one can be guessed) and it is small
// enough; always HTML-escaped.
func highlight(lang, code string) string {
	plain := `<pre class="code">` + html.EscapeString(code) + "</pre>\n"
	if len(code) > maxHighlight {
		return plain
	}
	lexer := lexerFor(lang)
	if lexer == nil {
		return plain
	}
	it, err := lexer.Tokenise(nil, code)
	if err != nil {
		return plain
	}
	var b strings.Builder
	if err := codeFormatter.Format(&b, codeStyle, it); err != nil {
		return plain
	}
	return b.String() + "\n"
}

// codeFormatter writes highlighted code with inline styles. Safe for
// concurrent use (its style cache has a mutex).
var codeFormatter = chromahtml.New(chromahtml.TabWidth(4))

// lexerMemo caches lexerFor: chroma's lookup of a name it does not know
// tries every lexer's file-name patterns, which cost half of the HTML
// export's time. At most maxMemo names are kept (languages come from the
// archive); it memoises a pure function, so sharing it is safe.
var (
	lexerMemo sync.Map // string → chroma.Lexer (nil interface for none)
	memoSize  atomic.Int32
)

const maxMemo = 512

// lexerFor returns the (coalescing) lexer for a code block's language, or
// nil when there is none.
func lexerFor(lang string) chroma.Lexer {
	lang = strings.ToLower(strings.TrimSpace(lang))
	if lang == "" || len(lang) > 40 {
		return nil
	}
	if v, ok := lexerMemo.Load(lang); ok {
		l, _ := v.(chroma.Lexer)
		return l
	}
	var l chroma.Lexer
	if found := lexers.Get(lang); found != nil {
		l = chroma.Coalesce(found)
	}
	if memoSize.Load() < maxMemo {
		if _, loaded := lexerMemo.LoadOrStore(lang, l); !loaded {
			memoSize.Add(1)
		}
	}
	return l
}

// pageCSS is the document's only style sheet (the file has no external
// resources but its images).
const pageCSS = `body{margin:0;background:#f6f8fa;color:#1f2328;font:16px/1.5 -apple-system,"Segoe UI",Helvetica,Arial,sans-serif}
main{max-width:52rem;margin:0 auto;padding:1.5rem}
header h1{margin:0 0 .5rem}
dl.meta{display:grid;grid-template-columns:max-content auto;gap:.1rem 1rem;color:#59636e;font-size:.9rem}
dl.meta dt{font-weight:600}dl.meta dd{margin:0;overflow-wrap:anywhere}
.note{background:#fff8c5;border:1px solid #d4a72c;border-radius:6px;padding:.4rem .8rem}
article,details{background:#fff;border:1px solid #d1d9e0;border-radius:8px;margin:1rem 0;padding:.2rem 1rem}
article.user{background:#eef6ff}
article h2{font-size:.95rem;color:#59636e;margin:.6rem 0}
details summary{cursor:pointer;color:#59636e;padding:.4rem 0}
pre{overflow-x:auto;padding:.6rem;border-radius:6px;background:#f6f8fa;font-size:.85rem}
code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace}
img{max-width:100%;height:auto}
blockquote{border-left:4px solid #d1d9e0;margin:.5rem 0;padding:0 1rem;color:#59636e}
ol.refs{font-size:.9rem;color:#59636e}
.missing{color:#9a6700;font-style:italic}`

// htmlWriter builds one HTML document. Every archive string is escaped
// where it is written; the whole document then passes model.Sanitize so
// no control character survives.
type htmlWriter struct {
	b     strings.Builder
	c     *model.Conversation
	links map[*model.Asset]string
	m     *model.Message // the message whose body is being written
}

func esc(s string) string { return html.EscapeString(s) }

func writeHTML(w *bytes.Buffer, c *model.Conversation, links map[*model.Asset]string) error {
	h := &htmlWriter{c: c, links: links}
	title := model.SanitizeLine(c.DisplayTitle())
	h.b.WriteString("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
	h.b.WriteString("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
	h.b.WriteString("<meta name=\"generator\" content=\"backchat\">\n")
	fmt.Fprintf(&h.b, "<title>%s</title>\n<style>\n%s\n</style>\n</head>\n<body>\n<main>\n", esc(title), pageCSS)
	h.header(title)
	for _, n := range c.CurrentThread() {
		m := c.Tree()[n].Msg
		if m == nil || m.Visibility > model.Folded {
			continue
		}
		if m.Visibility == model.Folded {
			fmt.Fprintf(&h.b, "<details class=\"folded\">\n<summary>%s</summary>\n", esc(strings.TrimPrefix(render.Summary(m), "▸ ")))
			h.body(m)
			h.b.WriteString("</details>\n")
			continue
		}
		h.message(n, m)
	}
	h.b.WriteString("</main>\n</body>\n</html>\n")
	w.WriteString(model.Sanitize(h.b.String()))
	return nil
}

func (h *htmlWriter) header(title string) {
	c := h.c
	fmt.Fprintf(&h.b, "<header>\n<h1>%s</h1>\n<dl class=\"meta\">\n", esc(title))
	row := func(k, v string) {
		if v != "" {
			fmt.Fprintf(&h.b, "<dt>%s</dt><dd>%s</dd>\n", k, v)
		}
	}
	when := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return esc(t.In(utc).Format("2006-01-02 15:04 UTC"))
	}
	row("ID", esc(model.SanitizeLine(c.ID)))
	row("Created", when(c.Created))
	row("Updated", when(c.Updated))
	row("Model", esc(model.SanitizeLine(c.Model)))
	row("GPT", esc(model.SanitizeLine(c.GizmoID)))
	if u := ConversationURL(c); u != "" {
		row("Link", fmt.Sprintf(`<a href="%s">%s</a>`, esc(u), esc(u)))
	}
	if len(c.Sources) > 0 {
		var src []string
		for _, s := range c.Sources {
			src = append(src, esc(model.SanitizeLine(s)))
		}
		row("Exports", strings.Join(src, "<br>"))
	}
	h.b.WriteString("</dl>\n")
	if c.NotInNewest() {
		fmt.Fprintf(&h.b, "<p class=\"note\">%s</p>\n", esc(render.NotInNewestNote))
	}
	h.b.WriteString("</header>\n")
}

func (h *htmlWriter) message(n int32, m *model.Message) {
	parts := render.MessageHeading(h.c, n, utc).Parts()
	fmt.Fprintf(&h.b, "<article class=\"%s\">\n<h2>%s</h2>\n", roleClass(m.Role()), esc(strings.Join(parts, " · ")))
	h.body(m)
	h.b.WriteString("</article>\n")
}

// roleClass is a CSS class for the role: only known names, never archive text.
func roleClass(r model.Role) string {
	switch r {
	case model.RoleUser, model.RoleAssistant, model.RoleSystem, model.RoleTool:
		return string(r)
	}
	return "other"
}

func (h *htmlWriter) body(m *model.Message) {
	h.m = m
	defer func() { h.m = nil }()
	before := h.b.Len()
	for i := range m.Blocks {
		h.block(&m.Blocks[i])
	}
	if h.b.Len() == before {
		h.b.WriteString("<p class=\"missing\">(empty)</p>\n")
	}
	if len(m.References()) > 0 {
		h.b.WriteString("<ol class=\"refs\">\n")
		for _, r := range m.References() {
			fmt.Fprintf(&h.b, "<li value=\"%d\">%s</li>\n", r.N, refHTML(r))
		}
		h.b.WriteString("</ol>\n")
	}
}

// refHTML is one reference: a link when its URL is http(s), else text.
func refHTML(r model.Reference) string {
	title := model.SanitizeLine(r.Title)
	u := model.SanitizeLine(r.URL)
	switch {
	case u != "" && safeURL(u):
		return fmt.Sprintf(`<a href="%s">%s</a>`, esc(u), esc(orDefault(title, u)))
	case title != "" && u != "":
		return esc(title + " — " + u)
	case title != "" || u != "":
		return esc(title + u)
	}
	return "(no source in the export)"
}

// safeURL accepts only http and https links.
func safeURL(u string) bool {
	l := strings.ToLower(u)
	return strings.HasPrefix(l, "https://") || strings.HasPrefix(l, "http://")
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// md writes Markdown text as HTML.
func (h *htmlWriter) md(text string) {
	var b bytes.Buffer
	if err := markdown.Convert([]byte(text), &b); err != nil {
		// NOTE: goldmark only fails on writer errors; fall back to text.
		h.b.WriteString("<p>" + esc(text) + "</p>\n")
		return
	}
	h.b.Write(b.Bytes())
}

func (h *htmlWriter) pre(text string) {
	h.b.WriteString("<pre>" + esc(strings.TrimRight(text, "\n")) + "</pre>\n")
}

func (h *htmlWriter) image(a *model.Asset) {
	if link := h.links[a]; link != "" {
		alt := "image"
		if a.Prompt != "" || a.Name != "" {
			alt = orDefault(a.Prompt, a.Name)
		}
		fmt.Fprintf(&h.b, "<figure><a href=\"%s\"><img src=\"%s\" alt=\"%s\" loading=\"lazy\"></a>", esc(link), esc(link), esc(model.SanitizeLine(alt)))
		if a.Prompt != "" {
			fmt.Fprintf(&h.b, "<figcaption>%s</figcaption>", esc(model.SanitizeLine(a.Prompt)))
		}
		h.b.WriteString("</figure>\n")
		return
	}
	fmt.Fprintf(&h.b, "<p class=\"missing\">%s</p>\n", esc(render.MissingImageNote(a)))
}

func (h *htmlWriter) block(b *model.Block) {
	switch b.Kind {
	case model.BlockText, model.BlockContext:
		if strings.TrimSpace(b.Text) == "" {
			break
		}
		if render.IsToolData(h.m) {
			if md, ok := render.ToolJSONMarkdown(b.Text); ok {
				h.md(md)
				break
			}
		}
		h.md(render.Readable(h.m, b.Text))
	case model.BlockCode:
		h.b.WriteString(highlight(b.Lang(), b.Text))
	case model.BlockExecOutput:
		if md, ok := render.ToolJSONMarkdown(b.Text); ok {
			h.md(md)
		} else if b.Text != "" {
			h.pre(b.Text)
		}
		for i := range b.Images() {
			h.image(&b.Images()[i])
		}
	case model.BlockImage:
		h.image(b.Asset())
	case model.BlockAudio:
		fmt.Fprintf(&h.b, "<p class=\"missing\">%s</p>\n", esc(render.AssetLine("audio", b.Asset())))
	case model.BlockAudioTranscript:
		fmt.Fprintf(&h.b, "<p>🎙 %s</p>\n", esc(orDefault(b.Text, "(no transcript)")))
	case model.BlockQuote, model.BlockWebPage:
		line := render.PageLine(b)
		if safeURL(b.URL()) {
			line = fmt.Sprintf(`<a href="%s">%s</a>`, esc(model.SanitizeLine(b.URL())), esc(line))
		} else {
			line = esc(line)
		}
		fmt.Fprintf(&h.b, "<p>%s</p>\n<blockquote>", line)
		h.pre(render.Readable(h.m, b.Text))
		h.b.WriteString("</blockquote>\n")
	case model.BlockBrowsing:
		if b.Summary() != "" {
			fmt.Fprintf(&h.b, "<p>%s</p>\n", esc(model.SanitizeLine(render.Readable(h.m, b.Summary()))))
		}
		if b.Text != "" {
			h.pre(render.Readable(h.m, b.Text))
		}
	case model.BlockThoughts:
		for _, t := range b.Thoughts() {
			if t.Summary != "" {
				fmt.Fprintf(&h.b, "<p><strong>%s</strong></p>\n", esc(model.SanitizeLine(t.Summary)))
			}
			if t.Content != "" {
				h.md(t.Content)
			}
		}
	case model.BlockReasoningRecap:
		fmt.Fprintf(&h.b, "<p><em>%s</em></p>\n", esc(render.Recap(b)))
	case model.BlockSystemError:
		fmt.Fprintf(&h.b, "<p class=\"missing\">[error: %s]</p>\n", esc(model.SanitizeLine(orDefault(b.Title(), "system error"))))
		if b.Text != "" {
			h.pre(b.Text)
		}
	case model.BlockCanvas:
		fmt.Fprintf(&h.b, "<p>Canvas: %s%s</p>\n", esc(model.SanitizeLine(orDefault(b.Title(), "(untitled)"))), esc(model.SanitizeLine(render.CanvasVersion(b))))
		lang := strings.TrimPrefix(b.Lang(), "code/")
		if strings.HasPrefix(b.Lang(), "document") {
			h.md(b.Text)
		} else {
			h.b.WriteString(highlight(lang, b.Text))
		}
	case model.BlockUnknown:
		if model.IsBookkeepingBlock(b.Type()) {
			break // nothing for a reader; the JSON export keeps it
		}
		fmt.Fprintf(&h.b, "<details class=\"folded\">\n<summary>%s</summary>\n", esc(model.SanitizeLine(render.UnknownLine(b))))
		if len(b.Raw()) > 0 {
			h.pre(render.PrettyJSON(string(b.Raw())))
		}
		h.b.WriteString("</details>\n")
	default:
		fmt.Fprintf(&h.b, "<p class=\"missing\">[unsupported content: %s]</p>\n", esc(model.SanitizeLine(orDefault(b.Type(), b.Kind.String()))))
		if len(b.Raw()) > 0 {
			h.pre(string(b.Raw()))
		}
	}
}
