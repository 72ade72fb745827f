package tui

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/backchat/backchat/model"
)

// longAnswer is Markdown of about n bytes in the shape of a long answer:
// paragraphs, a loose list, a quote, and code blocks (one ending in a blank
// line, one holding blank lines), each numbered so that a piece out of
// place shows.
func longAnswer(n int) string {
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, "## Part %d\n\nParagraph %d explains **this** and `that` at some length, long enough to wrap on a narrow screen: %s\n\n",
			i, i, strings.Repeat("more words here ", 12))
		switch i % 4 {
		case 0:
			fmt.Fprintf(&b, "```go\nfunc part%d() int {\n\tx := %d\n\n\treturn x\n}\n\n```\n\n", i, i)
		case 1:
			fmt.Fprintf(&b, "1. first item of list %d\n\n2. second item\n\n   with a second paragraph\n\n3. third item\n\n", i)
		case 2:
			fmt.Fprintf(&b, "> quoted line %d\n\n> quoted again\n\n", i)
		case 3:
			fmt.Fprintf(&b, "```python\ndef part%d():\n    return %d\n```\n\n", i, i)
		}
	}
	return b.String()
}

// plainLines is lines without ANSI, trailing spaces, or anything on a
// blank line (Glamour pads the blank line between blocks with spaces that
// a piece's render trims).
func plainLines(ls []string) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = strings.TrimRight(ansi.Strip(l), " ")
	}
	return out
}

func TestMarkdownChunksCutBetweenTopLevelBlocksOnly(t *testing.T) {
	md := longAnswer(20 << 10)
	pieces := markdownChunks(md)
	if len(pieces) < 5 {
		t.Fatalf("20 KB of Markdown cut into %d pieces", len(pieces))
	}
	if strings.Join(pieces, "") != md {
		t.Fatal("the pieces do not add up to the Markdown")
	}
	for i, p := range pieces[1:] {
		if !strings.HasPrefix(p, "## Part") && !strings.HasPrefix(p, "Paragraph") && !strings.HasPrefix(p, "```") {
			t.Errorf("piece %d starts inside a block: %.40q", i+1, p)
		}
		if strings.Count(p, "```")%2 != 0 {
			t.Errorf("piece %d cuts a fenced code block: %.60q", i+1, p)
		}
	}

	// Pieces of Markdown whose blocks may reach across blank lines stay
	// whole.
	for _, tail := range []string{"\n[ref]: https://example.com\n", "\n<!--\n\ncomment\n\n-->\n", "\n<pre>\n\nx\n\n</pre>\n"} {
		if got := markdownChunks(md + tail); len(got) != 1 {
			t.Errorf("Markdown ending %q cut into %d pieces", tail, len(got))
		}
	}
	if got := markdownChunks("short\n\ntext\n"); len(got) != 1 {
		t.Errorf("short Markdown cut into %d pieces", len(got))
	}
}

// TestPiecewiseRenderIsTheWholeRender renders a long answer a piece at a
// time, as the viewer does, and in one go: the same lines.
func TestPiecewiseRenderIsTheWholeRender(t *testing.T) {
	pool := newRenderPool()
	ctx := context.Background()
	for _, width := range []int{60, 100} {
		md, links := layoutMarkdown(longAnswer(12<<10)+"See https://example.com/a-long-path for more.\n", width)
		whole, err := pool.render(ctx, "dark", width, md)
		if err != nil {
			t.Fatal(err)
		}
		whole = linkLines(whole, links)
		key := renderKey{node: 1, width: width, style: "dark"}
		job := renderJob{pieces: markdownChunks(md), links: links}
		if len(job.pieces) < 3 {
			t.Fatalf("only %d pieces", len(job.pieces))
		}
		// First only the top (10 lines), then the rest.
		first := pool.renderPieces(ctx, key, nil, job, 10)
		if first.err != nil || first.more == nil || len(first.lines) < 10 {
			t.Fatalf("width %d: the first answer has %d lines, more %v, err %v", width, len(first.lines), first.more != nil, first.err)
		}
		if _, ok := pool.cache.get(key); ok {
			t.Fatal("a partial render was cached")
		}
		got := first
		for got.more != nil {
			got = pool.renderPieces(ctx, key, slices.Clip(got.lines), *got.more, -1)
		}
		if got.err != nil {
			t.Fatal(got.err)
		}
		if !slices.Equal(plainLines(got.lines), plainLines(whole)) {
			t.Errorf("width %d: piecewise render differs from the whole render", width)
		}
		if !strings.Contains(strings.Join(got.lines, "\n"), hyperlink("https://example.com/a-long-path")) {
			t.Errorf("width %d: the URL lost its hyperlink", width)
		}
		if c, ok := pool.cache.get(key); !ok || len(c) != len(got.lines) {
			t.Errorf("width %d: the finished render is not cached", width)
		}
	}
}

// TestCancelledRenderStopsBetweenPieces: once the conversation is left, a
// long render stops at its next piece instead of rendering the rest.
func TestCancelledRenderStopsBetweenPieces(t *testing.T) {
	pool := newRenderPool()
	ctx, cancel := context.WithCancel(context.Background())
	md, links := layoutMarkdown(longAnswer(12<<10), 80)
	job := renderJob{pieces: markdownChunks(md), links: links}
	first := pool.renderPieces(ctx, renderKey{width: 80, style: "dark"}, nil, job, 1)
	if first.more == nil {
		t.Fatal("no piece left after the first")
	}
	cancel()
	msg := continueCmd(ctx, pool, renderKey{width: 80, style: "dark"}, first.lines, *first.more, -1)()
	if r := msg.(renderedMsg); r.err == nil || len(r.lines) != 0 {
		t.Fatalf("a cancelled render went on: %d lines, err %v", len(r.lines), r.err)
	}
}

// TestLongConversationShowsItsTopFirst pins the order of work when a
// conversation of long answers opens: the first frame has its header and
// first message (as text) before any render; the first renders answer with
// the part in view only; once they are in, what the view shows is
// Glamour's while the messages below it are not rendered yet; the rest
// follows, the same as rendering each message whole.
func TestLongConversationShowsItsTopFirst(t *testing.T) {
	long := buildConv("c-long", "Long answers", testNow.Add(-2*time.Hour),
		tm{role: model.RoleUser, text: "Explain everything, with code."},
		tm{role: model.RoleAssistant, text: longAnswer(16 << 10)},
		tm{role: model.RoleUser, text: "And again?"},
		tm{role: model.RoleAssistant, text: longAnswer(16 << 10)})
	small := buildConv("c-small", "Small one", testNow.Add(-time.Hour), tm{role: model.RoleUser, text: "hi"})
	a := &model.Archive{Conversations: []*model.Conversation{small, long}}
	m := New(Options{Archive: a, Theme: "dark", Width: 120, Height: 30, Now: fixedNow})
	run(t, m, m.Init())

	_, cmd := m.Update(keyMsg("j"))
	v := m.view
	if v.conv != long {
		t.Fatal("the long conversation is not shown")
	}
	first := screen(m)
	for _, want := range []string{"Long answers", "created 2026", "Explain everything", "Part 0", "Paragraph 0"} {
		if !strings.Contains(first, want) {
			t.Fatalf("first frame lacks %q:\n%s", want, first)
		}
	}

	// The first wave of renders: each answers with the part in view.
	msgs := runBatch(cmd)
	if len(msgs) == 0 {
		t.Fatal("no render started")
	}
	answer := v.segs[2] // header, question, answer
	need := v.offset + v.height - v.starts[2] - 2
	if need <= 0 {
		t.Fatalf("the answer starts below the view (need %d)", need)
	}
	// The most lines one piece of it renders to.
	md, _ := layoutMarkdown(messageMarkdown(answer.msg), answer.key.width)
	piece := 0
	for _, p := range markdownChunks(md) {
		l, err := v.pool.render(context.Background(), "dark", answer.key.width, p)
		if err != nil {
			t.Fatal(err)
		}
		piece = max(piece, len(l))
	}
	var next []tea.Cmd
	for _, msg := range msgs {
		r, ok := msg.(renderedMsg)
		if !ok {
			t.Fatalf("unexpected %T", msg)
		}
		if r.key == answer.key && (r.more == nil || len(r.lines) > need+piece) {
			t.Errorf("the long answer in view was rendered further (%d lines) than the view needs (%d lines, pieces of up to %d) before the screen was shown", len(r.lines), need, piece)
		}
		_, c := m.Update(msg)
		next = append(next, c)
	}
	bottom := v.offset + v.height
	for i := v.segAt(v.offset); i < len(v.segs) && v.starts[i] < bottom; i++ {
		s := v.segs[i]
		if !s.rendered && v.starts[i]+2+s.pre < bottom {
			t.Errorf("segment %d is in view but not rendered down to the view's bottom (%d of its lines rendered)", i, s.pre)
		}
	}
	if got := screen(m); strings.Contains(got, "**this**") || strings.Contains(got, "```") {
		t.Errorf("the view still shows Markdown source after its renders:\n%s", got)
	}
	if v.segs[2].rendered || v.segs[4].rendered {
		t.Error("the messages below the view were rendered before the view")
	}

	// The rest: the same lines as rendering each message whole.
	run(t, m, tea.Batch(next...))
	for _, i := range []int{2, 4} {
		s := v.segs[i]
		if !s.rendered || s.more != nil {
			t.Fatalf("segment %d not rendered in the end", i)
		}
		md, links := layoutMarkdown(messageMarkdown(s.msg), s.key.width)
		whole, err := v.pool.render(context.Background(), "dark", s.key.width, md)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(plainLines(s.lines[2:]), plainLines(linkLines(whole, links))) {
			t.Errorf("segment %d differs from its whole render", i)
		}
	}
}
