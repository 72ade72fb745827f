package render

import (
	"encoding/json"
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/backchat/backchat/model"
)

// block writes one content block of a message shown in full.
func (r *writer) block(b *model.Block) {
	switch b.Kind {
	case model.BlockText, model.BlockContext:
		if strings.TrimSpace(b.Text) == "" {
			return
		}
		if r.toolJSON() && r.jsonOutput(b.Text) {
			break
		}
		r.line(r.footnoteMarkers(r.markers(strings.TrimRight(b.Text, "\n"))))
	case model.BlockCode:
		r.fence(b.Lang(), shownCode(b))
	case model.BlockExecOutput:
		if !r.jsonOutput(b.Text) {
			r.fence("output", b.Text)
		}
		for i := range b.Images() {
			r.image(&b.Images()[i])
		}
	case model.BlockImage:
		r.image(b.Asset())
		r.prompt(b.Asset())
	case model.BlockAudio:
		r.line(r.asset("audio", b.Asset()))
		r.prompt(b.Asset())
	case model.BlockAudioTranscript:
		if b.Text == "" {
			r.line("🎙 (no transcript)")
		} else {
			r.line("🎙 ", strings.TrimRight(b.Text, "\n"))
		}
	case model.BlockQuote, model.BlockWebPage:
		r.line(pageLine(b))
		for _, l := range strings.Split(strings.TrimRight(r.markers(b.Text), "\n"), "\n") {
			r.line("> ", l)
		}
	case model.BlockBrowsing:
		if b.Summary() != "" {
			r.line(one(r.markers(b.Summary())))
		}
		if b.Text != "" {
			r.fence("", r.markers(b.Text))
		}
	case model.BlockThoughts:
		for _, t := range b.Thoughts() {
			if t.Summary != "" {
				r.line(r.strong(one(t.Summary)))
				if r.md && t.Content != "" {
					r.line() // a paragraph of its own, not the first words of the content's
				}
			}
			if t.Content != "" {
				r.line(strings.TrimRight(t.Content, "\n"))
			}
			r.line()
		}
		return
	case model.BlockReasoningRecap:
		r.line(recap(b))
	case model.BlockSystemError:
		r.line("[error: ", one(orDefault(b.Title(), "system error")), "]")
		if b.Text != "" {
			r.line(strings.TrimRight(b.Text, "\n"))
		}
	case model.BlockCanvas:
		r.line("Canvas: ", one(orDefault(b.Title(), "(untitled)")), langSuffix(b.Lang()), canvasVersion(b))
		r.fence(canvasLang(b.Lang()), b.Text)
	case model.BlockUnknown:
		if model.IsBookkeepingBlock(b.Type()) {
			return // nothing for a reader; JSON output keeps it
		}
		if !r.expanded() {
			r.line("▸ ", one(unknownLine(b)))
			break
		}
		r.line(one(unknownLine(b)))
		if len(b.Raw()) > 0 {
			r.fence("json", prettyJSON(string(b.Raw())))
		}
	default:
		r.line("[unsupported content: ", one(orDefault(b.Type(), b.Kind.String())), "]")
	}
	r.line()
}

// expanded reports whether the message being written is expanded: every
// message with --all, and a folded or hidden message shown in full. An
// unknown block of a message shown by default stays one line.
func (r *writer) expanded() bool {
	return r.opts.All || (r.m != nil && r.m.Visibility != model.Shown)
}

// toolJSON reports whether the text of the message being written is tool
// data (a tool's output, or a call's arguments) that may be JSON.
func (r *writer) toolJSON() bool {
	return r.m != nil && (r.m.Role() == model.RoleTool || isToolCall(r.m))
}

// isToolCall reports whether m is addressed to a tool.
func isToolCall(m *model.Message) bool {
	return m.Role() == model.RoleAssistant && m.Recipient() != "" && m.Recipient() != "all" && m.Recipient() != "assistant" && m.Recipient() != "user"
}

// markers makes the 2023 browsing markers of a non-user text readable.
func (r *writer) markers(text string) string {
	if r.m == nil {
		return readableMarkers(text, nil)
	}
	if r.m.Role() == model.RoleUser {
		return text // people do not write markers; leave their words alone
	}
	return readableMarkers(text, r.m.References())
}

// canvasVersion is " — version N" for a replayed canvas edit (the loader
// writes "version N" in its Summary), " — incomplete" for a document the
// export cuts off, else "".
func canvasVersion(b *model.Block) string {
	if strings.HasPrefix(b.Summary(), "version ") || b.Summary() == "incomplete" {
		return " — " + one(b.Summary())
	}
	return ""
}

// prompt writes the prompt an image or audio asset was made from, if any;
// in Markdown as a paragraph of its own, so a renderer does not run it into
// the asset's line.
func (r *writer) prompt(a *model.Asset) {
	if a == nil || a.Prompt == "" {
		return
	}
	if r.md {
		r.line()
	}
	r.line("Prompt: ", one(a.Prompt))
}

func (r *writer) strong(s string) string {
	if r.md {
		return "**" + s + "**"
	}
	return s
}

// fence writes text as a fenced code block whose fence is longer than any
// backtick run inside it, so the text cannot close it early.
func (r *writer) fence(lang, text string) {
	n := 3
	run := 0
	for i := 0; i < len(text); i++ {
		if text[i] == '`' {
			run++
			n = max(n, run+1)
		} else {
			run = 0
		}
	}
	f := strings.Repeat("`", n)
	r.line(f, one(lang))
	if text != "" {
		r.line(strings.TrimRight(text, "\n"))
	}
	r.line(f)
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func langSuffix(lang string) string {
	if lang == "" {
		return ""
	}
	return " (" + one(lang) + ")"
}

// canvasLang turns a canvas type ("code/python", "document") into a fence
// language.
func canvasLang(t string) string {
	if rest, ok := strings.CutPrefix(t, "code/"); ok {
		return rest
	}
	if strings.HasPrefix(t, "document") {
		return "markdown"
	}
	return ""
}

// shownCode is the code of a code block as it is shown: JSON pretty-printed.
// A folded call's summary counts these lines, so "(5 lines)" expands to five.
func shownCode(b *model.Block) string {
	if b.Lang() == "json" {
		return prettyJSON(b.Text)
	}
	return b.Text
}

// asset is the line of an image or audio asset: AssetShort on the screen,
// else AssetLine.
func (r *writer) asset(kind string, a *model.Asset) string {
	if r.screen {
		return AssetShort(kind, a)
	}
	return AssetLine(kind, a)
}

// AssetShort is the short one-line description of an asset, for the
// screen: "[image: NAME · W×H, SIZE]", NAME being the asset's own name or
// its file's base name; "[image missing: NAME]".
func AssetShort(kind string, a *model.Asset) string {
	if a == nil {
		return "[" + kind + " missing]"
	}
	name := a.Name
	if name == "" {
		name = path.Base(strings.ReplaceAll(orDefault(a.File, a.Pointer), "\\", "/"))
		if a.File == "" && a.Pointer == "" {
			name = "(no pointer)"
		}
	}
	head := kind
	if a.Missing || a.File == "" {
		head += " missing"
	}
	s := "[" + head + ": " + shortName(one(name), 28)
	var dims []string
	if a.Width > 0 && a.Height > 0 {
		dims = append(dims, fmt.Sprintf("%d×%d", a.Width, a.Height))
	}
	if a.Size > 0 {
		dims = append(dims, FormatSize(a.Size))
	}
	if len(dims) > 0 {
		s += " · " + strings.Join(dims, ", ")
	}
	return s + "]"
}

// shortName cuts a file name longer than n characters in the middle,
// keeping its start and its extension: "file_297cc…d10c.wav".
func shortName(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	ext := path.Ext(s)
	if len([]rune(ext)) > 8 {
		ext = ""
	}
	tail := 4 + len([]rune(ext))
	head := n - tail - 1
	return string(r[:head]) + "…" + string(r[len(r)-tail:])
}

// AssetLine is the one-line description of an asset: "[image: FILE W×H,
// SIZE]" or "[image missing: POINTER]".
func AssetLine(kind string, a *model.Asset) string {
	if a == nil {
		return "[" + kind + " missing]"
	}
	var dims []string
	if a.Width > 0 && a.Height > 0 {
		dims = append(dims, fmt.Sprintf("%d×%d", a.Width, a.Height))
	}
	if a.Size > 0 {
		dims = append(dims, FormatSize(a.Size))
	}
	name := a.File
	head := kind
	if a.Missing || name == "" {
		head += " missing"
		name = a.Pointer
	}
	s := "[" + head + ": " + one(orDefault(name, "(no pointer)"))
	if a.Name != "" && !strings.Contains(name, a.Name) {
		s += " “" + one(a.Name) + "”"
	}
	if len(dims) > 0 {
		s += " " + strings.Join(dims, ", ")
	}
	return s + "]"
}

// FormatCount writes n with thousands separators (12345 → "12,345"), as
// every count backchat shows or prints.
func FormatCount(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return "-" + FormatCount(-n)
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// FormatSize renders a byte count as "812 B", "625 KB" or "3.4 MB" (binary
// units, as file managers do).
func FormatSize(n int64) string {
	switch {
	case n < 1024:
		return strconv.FormatInt(n, 10) + " B"
	case n < 1024*1024:
		return strconv.FormatInt((n+512)/1024, 10) + " KB"
	case n < 1024*1024*1024:
		return strconv.FormatFloat(float64(n)/(1024*1024), 'f', 1, 64) + " MB"
	}
	return strconv.FormatFloat(float64(n)/(1024*1024*1024), 'f', 1, 64) + " GB"
}

func pageLine(b *model.Block) string {
	title := one(orDefault(b.Title(), b.URL()))
	s := "Page: " + orDefault(title, "(untitled)")
	if b.Kind == model.BlockQuote {
		s = "Quote from " + orDefault(title, "(untitled)")
	}
	if b.Domain() != "" {
		s += " (" + one(b.Domain()) + ")"
	}
	if b.URL() != "" && b.URL() != b.Title() {
		s += " — " + one(b.URL())
	}
	return s
}

func recap(b *model.Block) string {
	if b.Seconds() > 0 {
		return "Thought for " + formatSeconds(b.Seconds())
	}
	return one(orDefault(b.Text, "Thought"))
}

func formatSeconds(s float64) string {
	sec := int(s + 0.5)
	if sec < 60 {
		return strconv.Itoa(sec) + "s"
	}
	return fmt.Sprintf("%dm %ds", sec/60, sec%60)
}

// firstLine is the first non-blank line of s, cut to 80 characters.
func firstLine(s string) string {
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			if rs := []rune(l); len(rs) > 80 {
				return string(rs[:79]) + "…"
			}
			return l
		}
	}
	return ""
}

func lineCount(s string) int {
	s = strings.TrimRight(s, "\n")
	if s == "" {
		return 0
	}
	return strings.Count(s, "\n") + 1
}

var searchCall = regexp.MustCompile(`^\s*search\(\s*"((?:[^"\\]|\\.)*)"`)

// searchQuery extracts the query of a browser/web tool call: `search("…")`
// (2023–2024) or web.run JSON {"search_query":[{"q":"…"}]} (2025+).
func searchQuery(code string) (string, bool) {
	if m := searchCall.FindStringSubmatch(code); m != nil {
		if q, err := strconv.Unquote(`"` + m[1] + `"`); err == nil {
			return q, true
		}
		return m[1], true
	}
	var call struct {
		SearchQuery []struct {
			Q string `json:"q"`
		} `json:"search_query"`
	}
	if json.Unmarshal([]byte(code), &call) == nil && len(call.SearchQuery) > 0 && call.SearchQuery[0].Q != "" {
		return call.SearchQuery[0].Q, true
	}
	return "", false
}
