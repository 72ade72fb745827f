package tui

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"

	tea "charm.land/bubbletea/v2"
	"charm.land/glamour/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/backchat/backchat/model"
)

// safeLine and safeText are the only doors through which archive text reaches
// the screen or Glamour: every title, name and message body passes through one
// of them, so control sequences in an archive can never reach the terminal.
func safeLine(s string) string { return model.SanitizeLine(s) }
func safeText(s string) string { return model.Sanitize(s) }

// renderKey identifies one rendered message in the cache.
type renderKey struct {
	conv     *model.Conversation
	node     int32
	width    int
	style    string // glamour style: dark, light, notty
	expanded bool
}

// maxRenders is how many Glamour renders run at once (the VM has 2 cores).
const maxRenders = 2

// renderPool hands out Glamour renderers, which are not safe for concurrent
// use: each render takes one renderer for itself. The semaphore bounds how
// many renders run at once. Safe for concurrent use.
type renderPool struct {
	sem  chan struct{}
	mu   sync.Mutex
	free map[poolKey][]*glamour.TermRenderer
}

type poolKey struct {
	style string
	width int
}

func newRenderPool() *renderPool {
	return &renderPool{sem: make(chan struct{}, maxRenders), free: make(map[poolKey][]*glamour.TermRenderer)}
}

// render turns markdown into lines. It waits for a free slot and gives up
// when ctx is cancelled before one frees up.
func (p *renderPool) render(ctx context.Context, style string, width int, md string) ([]string, error) {
	select {
	case p.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-p.sem }()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	k := poolKey{style, width}
	p.mu.Lock()
	var r *glamour.TermRenderer
	if l := p.free[k]; len(l) > 0 {
		r, p.free[k] = l[len(l)-1], l[:len(l)-1]
	}
	p.mu.Unlock()
	if r == nil {
		var err error
		r, err = glamour.NewTermRenderer(glamour.WithStandardStyle(style), glamour.WithWordWrap(width))
		if err != nil {
			return nil, fmt.Errorf("tui: glamour: %w", err)
		}
	}
	out, err := r.Render(md)
	p.mu.Lock()
	p.free[k] = append(p.free[k], r)
	p.mu.Unlock()
	if err != nil {
		return nil, fmt.Errorf("tui: render: %w", err)
	}
	return splitTrim(out), nil
}

// renderCmd renders one message in the background.
// The message is read-only and shared, so building its Markdown here (off
// the event loop) is safe.
func renderCmd(ctx context.Context, pool *renderPool, key renderKey, m *model.Message) tea.Cmd {
	return func() tea.Msg {
		if err := ctx.Err(); err != nil {
			return renderedMsg{key: key, err: err}
		}
		lines, err := pool.render(ctx, key.style, key.width, messageMarkdown(m))
		return renderedMsg{key: key, lines: lines, err: err}
	}
}

// splitTrim splits rendered output into lines without leading and trailing
// blank lines.
func splitTrim(s string) []string {
	lines := strings.Split(s, "\n")
	blank := func(l string) bool { return strings.TrimSpace(ansi.Strip(l)) == "" }
	for len(lines) > 0 && blank(lines[0]) {
		lines = lines[1:]
	}
	for len(lines) > 0 && blank(lines[len(lines)-1]) {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// fence returns a code fence longer than any backtick run in text.
func fence(text string) string {
	longest, run := 0, 0
	for i := 0; i < len(text); i++ {
		if text[i] == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return strings.Repeat("`", max(3, longest+1))
}

func codeBlock(b *strings.Builder, lang, text string) {
	f := fence(text)
	lang = strings.Map(func(r rune) rune {
		if r == ' ' || r == '`' || r == '\n' {
			return -1
		}
		return r
	}, safeLine(lang))
	b.WriteString(f + lang + "\n" + safeText(text))
	if !strings.HasSuffix(text, "\n") {
		b.WriteByte('\n')
	}
	b.WriteString(f + "\n\n")
}

// humanSize formats a byte count.
func humanSize(n int64) string {
	switch {
	case n <= 0:
		return ""
	case n < 1024:
		return strconv.FormatInt(n, 10) + " B"
	case n < 1024*1024:
		return fmt.Sprintf("%.1f KB", float64(n)/1024)
	default:
		return fmt.Sprintf("%.1f MB", float64(n)/1024/1024)
	}
}

// assetLine describes an image or audio asset on one line.
func assetLine(icon string, a *model.Asset) string {
	if a == nil {
		return icon + " (no file)"
	}
	name := a.Name
	if name == "" {
		name = a.File
	}
	if name == "" {
		name = a.Pointer
	}
	parts := []string{icon + " " + safeLine(name)}
	if s := humanSize(a.Size); s != "" {
		parts = append(parts, s)
	}
	if a.Width > 0 && a.Height > 0 {
		parts = append(parts, fmt.Sprintf("%d×%d", a.Width, a.Height))
	}
	if a.Missing {
		parts = append(parts, "missing from export")
	}
	line := strings.Join(parts, " · ")
	if a.Prompt != "" {
		line += " — prompt: " + safeLine(a.Prompt)
	}
	return line
}

// messageMarkdown turns a message's blocks into Markdown for Glamour. Every
// piece of archive text goes through safeText or safeLine here.
func messageMarkdown(m *model.Message) string {
	var b strings.Builder
	para := func(s string) {
		if s = strings.TrimSpace(s); s != "" {
			b.WriteString(s + "\n\n")
		}
	}
	for i := range m.Blocks {
		blk := &m.Blocks[i]
		switch blk.Kind {
		case model.BlockText:
			para(model.NormalizeMath(safeText(blk.Text)))
		case model.BlockCode:
			codeBlock(&b, blk.Lang, blk.Text)
		case model.BlockExecOutput:
			if strings.TrimSpace(blk.Text) != "" {
				codeBlock(&b, "text", blk.Text)
			}
			for j := range blk.Images {
				para("`" + strings.ReplaceAll(assetLine("🖼", &blk.Images[j]), "`", "'") + "`")
			}
		case model.BlockImage:
			para("`" + strings.ReplaceAll(assetLine("🖼", blk.Asset), "`", "'") + "`")
		case model.BlockAudio:
			para("`" + strings.ReplaceAll(assetLine("🔊", blk.Asset), "`", "'") + "`")
		case model.BlockAudioTranscript:
			para("🎙 " + safeText(blk.Text))
		case model.BlockQuote, model.BlockBrowsing, model.BlockWebPage:
			if blk.Title != "" || blk.URL != "" {
				para("**" + safeLine(blk.Title) + "** " + safeLine(blk.URL))
			}
			if blk.Summary != "" {
				para(safeText(blk.Summary))
			}
			if t := strings.TrimSpace(safeText(blk.Text)); t != "" {
				para("> " + strings.ReplaceAll(t, "\n", "\n> "))
			}
		case model.BlockThoughts:
			if blk.Summary != "" {
				para("*" + safeLine(blk.Summary) + "*")
			}
			for _, t := range blk.Thoughts {
				if t.Summary != "" {
					para("**" + safeLine(t.Summary) + "**")
				}
				para(safeText(t.Content))
			}
		case model.BlockReasoningRecap:
			para("*" + recapText(blk) + "*")
		case model.BlockContext:
			para(safeText(blk.Text))
		case model.BlockSystemError:
			para("⚠ **" + safeLine(blk.Title) + "** " + safeText(blk.Text))
		case model.BlockCanvas:
			para("**Canvas: " + safeLine(blk.Title) + "**")
			codeBlock(&b, strings.TrimPrefix(blk.Lang, "code/"), blk.Text)
		default:
			para("*unsupported content: " + safeLine(blk.Type) + "*")
			if len(blk.Raw) > 0 {
				codeBlock(&b, "json", string(blk.Raw))
			}
		}
	}
	if len(m.References) > 0 {
		b.WriteString("Sources:\n\n")
		for _, r := range m.References {
			// A bullet, not "N." (Markdown would renumber an ordered list
			// and break the [N] links in the text).
			b.WriteString(fmt.Sprintf("- [%d] %s\n", r.N, referenceLine(r)))
		}
		b.WriteString("\n")
	}
	// Tabs have no width of their own on screen; expand them so every line's
	// width is what ansi.StringWidth says.
	return strings.ReplaceAll(b.String(), "\t", "    ")
}

// referenceLine is a citation source: title and URL, whichever are known.
func referenceLine(r model.Reference) string {
	title, url := safeLine(r.Title), safeLine(r.URL)
	switch {
	case title != "" && url != "":
		return title + " — " + url
	case title != "" || url != "":
		return title + url
	}
	return "(the export names no source)"
}

func recapText(blk *model.Block) string {
	if blk.Seconds > 0 {
		return fmt.Sprintf("Thought for %.0fs", blk.Seconds)
	}
	if t := strings.TrimSpace(blk.Text); t != "" {
		return safeLine(t)
	}
	return "Thought"
}

// foldedSummary is the one-line summary of a folded message.
func foldedSummary(m *model.Message) string {
	kind := "tool output"
	name := m.AuthorName
	if m.Role == model.RoleAssistant {
		kind = "tool call"
		if m.Recipient != "" && m.Recipient != "all" {
			name = m.Recipient
		}
	}
	lines := 0
	for i := range m.Blocks {
		blk := &m.Blocks[i]
		switch blk.Kind {
		case model.BlockThoughts:
			kind = "reasoning"
			if blk.Summary != "" {
				return "Thoughts: " + safeLine(blk.Summary)
			}
		case model.BlockReasoningRecap:
			return recapText(blk)
		case model.BlockBrowsing, model.BlockWebPage, model.BlockQuote:
			kind = "browsing"
			if blk.Title != "" {
				name = blk.Title
			}
		case model.BlockSystemError:
			kind = "error"
		}
		lines += strings.Count(blk.Text, "\n") + 1
	}
	s := kind
	if name != "" {
		s += ": " + safeLine(name)
	}
	return s + " (" + plural(lines, "line") + ")"
}

// placeholder wraps sanitized Markdown as plain text, the way a message shows
// until Glamour is done. It must be fast: it runs in Update for every message
// of a conversation when it opens.
func placeholder(md string, width int) []string {
	width = max(width-4, 10)
	src := strings.Split(strings.TrimRight(md, "\n"), "\n")
	out := make([]string, 0, len(src))
	for _, l := range src {
		l = strings.ReplaceAll(l, "\t", "    ")
		if len(l) <= width { // bytes ≥ cells, so it fits
			out = append(out, "  "+l)
			continue
		}
		for _, w := range strings.Split(ansi.Wrap(l, width, ""), "\n") {
			out = append(out, "  "+w)
		}
	}
	return out
}

// plural formats "1 line", "2 lines".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}
