package tui

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/glamour/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/backchat/backchat/internal/render"
	"github.com/backchat/backchat/model"
)

// safeLine and safeText are the doors through which archive text the browser
// lays out itself (titles, names, snippets) reaches the screen; message
// bodies come from render.Body, which sanitises them. So control sequences in
// an archive can never reach the terminal.
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

// maxRenders is how many renders one viewer keeps in flight (the VM has 2
// cores); renderSlots how many of all of them run at once.
const maxRenders = 2

// renderSlots is how many Glamour renders run at once: one core fewer than
// the process may use (at least one), so that the event loop, which draws
// the frame a key asks for, and the terminal showing it never wait behind
// renders.
func renderSlots() int { return max(runtime.GOMAXPROCS(0)-1, 1) }

// renderPool hands out Glamour renderers, which are not safe for concurrent
// use: each render takes one renderer for itself. The semaphore bounds how
// many renders run at once, and cache keeps what they rendered. `backchat
// serve` shares one pool between every session over an archive (Prepared):
// renders then queue for the machine's cores instead of each session
// running its own, and each (style, width) needs a renderer or two in all
// rather than per session. Safe for concurrent use.
type renderPool struct {
	sem   chan struct{}
	mu    sync.Mutex
	free  map[poolKey][]*glamour.TermRenderer
	cache *renderCache
	md    *mdCache // messages' Markdown, for hit counts and renders
}

type poolKey struct {
	style  string
	width  int
	breaks bool // glamour.WithPreservedNewLines (renderJob.breaks)
}

func newRenderPool() *renderPool {
	return &renderPool{sem: make(chan struct{}, renderSlots()), free: make(map[poolKey][]*glamour.TermRenderer),
		cache: newRenderCache(maxCacheBytes), md: newMDCache(maxMarkdownBytes)}
}

// render turns markdown into lines. It waits for a free slot and gives up
// when ctx is cancelled before one frees up.
func (p *renderPool) render(ctx context.Context, style string, width int, md string) ([]string, error) {
	lines, _, err := p.renderUnlessCached(ctx, nil, poolKey{style: style, width: width}, md)
	return lines, err
}

// renderUnlessCached is render, except that once it has a slot it first
// looks key up in the cache (when key is set) and returns the cached lines
// instead (cached true): sessions sharing the pool often ask for the same
// message at once (every new session opens the newest conversation), and
// only the first should pay for it.
func (p *renderPool) renderUnlessCached(ctx context.Context, key *renderKey, k poolKey, md string) (lines []string, cached bool, err error) {
	select {
	case p.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, false, ctx.Err()
	}
	defer func() { <-p.sem }()
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	if key != nil {
		if l, ok := p.cache.get(*key); ok {
			return l, true, nil
		}
	}
	p.mu.Lock()
	var r *glamour.TermRenderer
	if l := p.free[k]; len(l) > 0 {
		r, p.free[k] = l[len(l)-1], l[:len(l)-1]
	}
	p.mu.Unlock()
	if r == nil {
		var err error
		opts := []glamour.TermRendererOption{glamour.WithStandardStyle(k.style), glamour.WithWordWrap(k.width)}
		if k.breaks {
			opts = append(opts, glamour.WithPreservedNewLines())
		}
		r, err = glamour.NewTermRenderer(opts...)
		if err != nil {
			return nil, false, fmt.Errorf("tui: glamour: %w", err)
		}
	}
	out, err := r.Render(md)
	p.mu.Lock()
	p.free[k] = append(p.free[k], r)
	p.mu.Unlock()
	if err != nil {
		return nil, false, fmt.Errorf("tui: render: %w", err)
	}
	return splitTrim(out), false, nil
}

// renderJob is what is left of a message's render: its Markdown pieces
// still to render (markdownChunks) and the links linkLines makes of their
// lines.
type renderJob struct {
	pieces []string
	links  []screenLink
	// breaks keeps the text's line breaks: a user message is typed as
	// plain text (the chat shows it with its breaks), and Markdown would
	// join a paragraph's lines into one.
	breaks bool
}

// renderBudget is how long a render of lines nobody is waiting for runs
// before it hands what it has to Update and lets the viewer choose again:
// once the user scrolls, the pieces they look at go first.
const renderBudget = 25 * time.Millisecond

// renderCmd renders one message in the background, a piece at a time
// (markdownChunks): all of it when need < 0, else until it has at least
// need lines (the part in view), the rest being left in the answer's more
// for continueCmd. Only a whole render is cached.
// The message is read-only and shared, so building its Markdown here (off
// the event loop) is safe.
func renderCmd(ctx context.Context, pool *renderPool, key renderKey, m *model.Message, need int) tea.Cmd {
	return func() tea.Msg {
		if err := ctx.Err(); err != nil {
			return renderedMsg{key: key, err: err}
		}
		if lines, ok := pool.cache.get(key); ok {
			return renderedMsg{key: key, lines: lines}
		}
		md, links := layoutMarkdown(pool.md.markdown(m), key.width)
		return pool.renderPieces(ctx, key, nil, renderJob{pieces: markdownChunks(md), links: links, breaks: m.Role() == model.RoleUser}, need)
	}
}

// continueCmd renders more of a message whose first lines (done) are
// rendered already; need is as for renderCmd.
func continueCmd(ctx context.Context, pool *renderPool, key renderKey, done []string, job renderJob, need int) tea.Cmd {
	done = slices.Clip(done) // appending must not write into the segment's lines
	return func() tea.Msg {
		if err := ctx.Err(); err != nil {
			return renderedMsg{key: key, err: err}
		}
		if lines, ok := pool.cache.get(key); ok {
			return renderedMsg{key: key, lines: lines}
		}
		return pool.renderPieces(ctx, key, done, job, need)
	}
}

// renderPieces renders job's pieces after the lines done, one pool slot a
// piece (so renders of what is on screen, this session's or another's, go
// between two pieces of a long one, and a cancelled render stops at the
// next piece), until it has need lines (need < 0: until renderBudget is
// spent) or none are left. Pieces are joined by one blank line, as
// Glamour separates blocks.
func (p *renderPool) renderPieces(ctx context.Context, key renderKey, done []string, job renderJob, need int) renderedMsg {
	start := time.Now()
	lines := done
	for i, piece := range job.pieces {
		if i > 0 && (need >= 0 && len(lines) >= need || need < 0 && time.Since(start) >= renderBudget) {
			more := job
			more.pieces = job.pieces[i:]
			return renderedMsg{key: key, lines: lines, more: &more}
		}
		out, cached, err := p.renderUnlessCached(ctx, &key, poolKey{style: key.style, width: key.width, breaks: job.breaks}, piece)
		if cached || err != nil {
			return renderedMsg{key: key, lines: out, err: err}
		}
		out = linkLines(out, job.links)
		for i, l := range out {
			out[i] = compactSGR(l) // sgr.go: what every frame parses again
		}
		if len(lines) > 0 && len(out) > 0 {
			lines = append(lines, "")
		}
		lines = append(lines, out...)
	}
	// Cache it now, not when this session's Update gets to it: other
	// sessions may be waiting for a slot to render the same message.
	p.cache.put(key, lines)
	return renderedMsg{key: key, lines: lines}
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

// messageMarkdown is the Markdown Glamour is fed for m: the shared
// renderer's body (render.Body, which sanitises it), with tabs expanded,
// since a tab has no width of its own on screen and every line's width must
// be what ansi.StringWidth says, and LaTeX maths as readable Unicode
// (render.MathText; copying with y keeps the source).
func messageMarkdown(m *model.Message) string {
	return render.MathText(strings.ReplaceAll(render.Body(m), "\t", "    "))
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
		wrapped := ""
		if printableASCII(l) {
			wrapped = wrapASCII(l, width)
		} else {
			wrapped = ansi.Wrap(l, width, "")
		}
		for _, w := range strings.Split(wrapped, "\n") {
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
	return render.FormatCount(n) + " " + word + "s"
}

// printableASCII says s holds only printable ASCII (space to tilde): text
// wrapASCII wraps as ansi.Wrap does.
func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}

// wrapASCII is ansi.Wrap(s, limit, "") for a printable ASCII s
// (printableASCII), where every byte is a one-cell character: the same
// steps without the escape parser and grapheme clusters, which were most of
// wrapping a message's placeholder (placeholder). TestWrapASCIIIsAnsiWrap
// and FuzzWrapASCII hold it to ansi.Wrap.
func wrapASCII(s string, limit int) string {
	if limit < 1 {
		return s
	}
	buf := make([]byte, 0, len(s)+len(s)/limit+2)
	// ansi.Wrap's word and space buffers: the word is always the wlen
	// bytes before the current one's end, the spaces (only ' ' here) a
	// count.
	cur, wlen, sp := 0, 0, 0 // cells written on the line, word and space lengths
	addSpace := func() {
		cur += sp
		for ; sp > 0; sp-- {
			buf = append(buf, ' ')
		}
	}
	addWord := func(end int) {
		if wlen == 0 {
			return
		}
		addSpace()
		cur += wlen
		buf = append(buf, s[end-wlen:end]...)
		wlen = 0
	}
	addNewline := func() {
		buf = append(buf, '\n')
		cur, sp = 0, 0
	}
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ':
			addWord(i)
			sp++
		case '-': // ansi.Wrap's breakpoint
			addSpace()
			if cur+wlen >= limit {
				wlen++
			} else {
				addWord(i)
				buf = append(buf, '-')
				cur++
			}
		default:
			if cur == limit {
				addNewline()
			}
			wlen++
			if wlen == limit {
				addWord(i + 1) // a word longer than the line is cut
			}
			if cur+wlen+sp > limit {
				addNewline()
			}
		}
	}
	if wlen == 0 {
		if cur+sp > limit {
			sp = 0 // trailing spaces that do not fit are dropped
		}
		addSpace()
	}
	addWord(len(s))
	return string(buf)
}
