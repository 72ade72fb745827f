package tui

import (
	"context"
	"math"
	"slices"
	"sort"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/backchat/backchat/internal/render"
	"github.com/backchat/backchat/model"
	"github.com/backchat/backchat/model/search"
)

// segment is one block of lines in the viewer: the conversation header or one
// message (its role line plus its body).
type segment struct {
	node     int32 // model.NoNode for the conversation header
	lines    []string
	plain    []string       // lines without ANSI, for finding hits
	msg      *model.Message // nil for the header and folded summaries
	key      renderKey
	rendered bool // lines are final (Glamour output, header or summary)
	realised bool // lines hold text (placeholder or final), not blank estimates

	// A message Glamour has rendered the top of (renderedMsg.more): its
	// first pre body lines are final and more is what is left to render,
	// its Markdown in md.
	pre  int
	more *renderJob

	// Progressive placeholder of a message not rendered yet: md is its
	// Markdown (made on first need; after a partial render, the part not
	// rendered), the ph body lines after the pre rendered ones are plain
	// text for md[:phDone], and blank estimated lines stand for the rest.
	md    string
	mdSet bool
	ph    int
	// hitc caches the segment's hits (lines relative to the segment) for
	// the viewer's hit generation hitc.gen (hits.go collectHits).
	hitc   segHits
	phDone int
}

// headerTitleLines is the most lines the title takes above a conversation.
const headerTitleLines = 3

// headerTitle is a conversation's title wrapped at w cells, at most
// headerTitleLines lines, the last one ending in "…" when the title is
// longer: an export's title can be a whole pasted document, which would
// push the messages thousands of lines down.
func headerTitle(title string, w int) []string {
	w = max(w, 2)
	title = safeLine(title)
	// Wrap only the start of a long title: two lines of a word wrap hold
	// more than w cells, so twice the cells of the lines kept is enough.
	limit := 2 * (headerTitleLines + 1) * w
	cut := len(title) > limit && ansi.StringWidth(title) > limit
	if cut {
		title = ansi.Truncate(title, limit, "")
	}
	lines := strings.Split(ansi.Wrap(title, w, ""), "\n")
	if len(lines) > headerTitleLines {
		lines, cut = lines[:headerTitleLines], true
	}
	if cut {
		last := &lines[len(lines)-1]
		*last = ansi.Truncate(strings.TrimRight(*last, " "), w-1, "") + "…"
	}
	return lines
}

func (v *viewer) headerSegment() segment {
	c, st := v.conv, v.styles
	w := v.bodyWidth()
	var lines []string
	for _, l := range headerTitle(c.DisplayTitle(), w-2) {
		lines = append(lines, " "+st.Title.Render(l))
	}
	meta := []string{"created " + longDate(c.Created, v.loc), "updated " + longDate(c.Updated, v.loc)}
	if c.Model != "" {
		meta = append(meta, "model "+safeLine(c.Model))
	}
	if c.GizmoID != "" {
		meta = append(meta, "GPT "+safeLine(c.GizmoID))
	}
	meta = append(meta, plural(c.VisibleCount(), "message"))
	if bp := c.BranchPoints(); bp > 0 {
		meta = append(meta, plural(bp, "branch point"))
	}
	if c.Archived {
		meta = append(meta, "archived")
	}
	for _, l := range strings.Split(ansi.Wrap(strings.Join(meta, " · "), w-2, " "), "\n") {
		lines = append(lines, " "+st.HeaderMeta.Render(l))
	}
	lines = append(lines, " "+st.Rule.Render(strings.Repeat("─", max(w-2, 1))))
	if err := c.TreeErr(); err != nil {
		// A conversation reopened from a damaged snapshot: say so where
		// its messages would be (the snapshot is rebuilt from the export).
		for _, l := range strings.Split(ansi.Wrap(safeLine("Its messages could not be read: "+err.Error()+". Open the export again to read them."), w-2, " "), "\n") {
			lines = append(lines, " "+st.ErrorTitle.Render(l))
		}
	} else if note := v.emptyNote(); len(note) > 0 {
		lines = append(lines, "")
		for i, p := range note {
			s := st.Empty
			if i > 0 {
				s = st.HeaderMeta
			}
			for _, l := range strings.Split(ansi.Wrap(safeLine(p), w-2, " "), "\n") {
				lines = append(lines, " "+s.Render(l))
			}
		}
	}
	return v.finish(segment{node: model.NoNode, lines: lines, rendered: true, realised: true})
}

// roleLine is a message's heading on screen: the parts of
// render.MessageHeadingMarked (the words `backchat show` writes but for the
// mark), styled, with branch (viewer.branchLabel) as its ‹k/N› mark.
func (v *viewer) roleLine(n int32, m *model.Message, branch string) string {
	sp := &v.heads
	rs := &sp.bot
	switch m.Role() {
	case model.RoleUser:
		rs = &sp.user
	case model.RoleTool, model.RoleSystem:
		rs = &sp.tool
	}
	h := render.MessageHeadingMarked(v.conv, n, v.loc, branch)
	if v.present(n, m) == render.Summarised {
		h.Note = "" // the "▸" summary under it says so
	}
	h.Model = fitModel(h, v.width)
	// Styled with spans, not Render: this runs for every message a
	// conversation lays out (spans.go).
	var b strings.Builder
	b.Grow(len(h.Role) + len(h.Time) + len(h.Model) + len(h.Branch) + len(h.Note) + 96)
	b.WriteByte(' ')
	rs.write(&b, h.Role)
	switch {
	case h.Time != "" && h.Model != "":
		b.WriteByte(' ')
		sp.meta.write(&b, h.Time+" · "+h.Model)
	case h.Time != "" || h.Model != "":
		b.WriteByte(' ')
		sp.meta.write(&b, h.Time+h.Model)
	}
	if h.Branch != "" {
		b.WriteByte(' ')
		sp.branch.write(&b, h.Branch)
	}
	if h.Note != "" {
		b.WriteByte(' ')
		sp.meta.write(&b, h.Note)
	}
	return b.String()
}

// fitModel is h's model name, cut with "…" when the heading is wider
// than w cells (its leading space included), so that the branch mark
// ‹k/N› and the note after it stay on screen (the pane cut the line at
// its edge: "· text-davinci-002-render" and no mark).
func fitModel(h render.Heading, w int) string {
	if h.Model == "" || w <= 0 {
		return h.Model
	}
	width := 1 + ansi.StringWidth(h.Role) + 1 + ansi.StringWidth(h.Model)
	if h.Time != "" {
		width += ansi.StringWidth(h.Time) + len(" · ")
	}
	for _, s := range []string{h.Branch, h.Note} {
		if s != "" {
			width += 1 + ansi.StringWidth(s)
		}
	}
	if width <= w {
		return h.Model
	}
	return ansi.Truncate(h.Model, max(ansi.StringWidth(h.Model)-(width-w), 1), "…")
}

// messageSegment is the segment of message m, node n at index i of the
// thread on view.
func (v *viewer) messageSegment(i int, n int32, m *model.Message) segment {
	branch := v.branchLabel(i) // counts what [ and ] reach
	return v.messageLines(n, m, branch)
}

func (v *viewer) messageLines(n int32, m *model.Message, branch string) segment {
	head := []string{"", v.roleLine(n, m, branch)}
	if v.present(n, m) == render.Summarised {
		line := "  " + v.styles.Folded.Render(foldLine(render.Summary(m), v.bodyWidth()-2))
		return v.finish(segment{node: n, lines: append(head, line), rendered: true, realised: true})
	}
	key := renderKey{conv: v.conv, node: n, width: v.bodyWidth(), style: v.style, expanded: v.itemOpen(n)}
	if body, ok := v.pool.cache.get(key); ok {
		return v.finish(segment{node: n, lines: append(head, body...), key: key, rendered: true, realised: true})
	}
	// Not rendered yet: reserve an estimated number of blank lines. The
	// segments near the view get a plain-text placeholder in realise; the
	// rest wait for Glamour. This keeps opening a 1 MB conversation cheap.
	lines := make([]string, 2+estimateLines(m, v.bodyWidth()))
	copy(lines, head)
	return segment{node: n, lines: lines, plain: lines, msg: m, key: key}
}

// estimateLines guesses how many lines a message renders to, from its raw
// text, without sanitising or wrapping it.
func estimateLines(m *model.Message, width int) int {
	n := 0
	for i := range m.Blocks {
		n += estimateText(m.Blocks[i].Text, width) + 1
	}
	return max(n, 1)
}

// estimateText guesses how many wrapped lines text takes.
func estimateText(t string, width int) int {
	width = max(width-4, 10)
	n := 0
	for len(t) > 0 {
		j := strings.IndexByte(t, '\n')
		if j < 0 {
			j = len(t)
		}
		n += j/width + 1
		t = t[min(j+1, len(t)):]
	}
	return n
}

// placeholderChunk is how much Markdown one placeholder step wraps, so that
// even a single 1 MB message shows its first screen at once.
const placeholderChunk = 16 << 10

// realiseSegment gives segment i plain-text placeholder lines until its body
// has at least need lines (need < 0: all of it).
func (v *viewer) realiseSegment(i, need int) {
	s := v.segs[i]
	if s.realised || s.msg == nil || (need >= 0 && s.pre+s.ph >= need) {
		return
	}
	if !s.mdSet {
		s.md, s.mdSet = v.pool.md.markdown(s.msg), true
	}
	w := v.bodyWidth()
	keep := 2 + s.pre // head and rendered lines
	body := append([]string(nil), s.lines[keep:keep+s.ph]...)
	done := s.phDone
	for done < len(s.md) && (need < 0 || len(body) < need) {
		end := min(done+placeholderChunk, len(s.md))
		if j := strings.IndexByte(s.md[end:], '\n'); j >= 0 {
			end += j
		} else {
			end = len(s.md)
		}
		body = append(body, placeholder(s.md[done:end], w)...)
		done = end + 1
	}
	full := done >= len(s.md)
	rest := 0
	if !full {
		rest = estimateText(s.md[done:], w)
	}
	lines := make([]string, 0, keep+len(body)+rest)
	lines = append(append(lines, s.lines[:keep]...), body...)
	lines = append(lines, make([]string, rest)...)
	s.lines, s.ph, s.phDone, s.realised = lines, len(body), done, full
	// The hits cached were found in the old lines (blank estimates, where
	// nothing is found): kept, they would hide the new text's hits from
	// the count and n/N until the next hit generation.
	s.hitc = segHits{}
	v.setSegment(i, v.finish(s))
}

// realise gives every segment within a screen of the view a placeholder.
func (v *viewer) realise() {
	if len(v.segs) == 0 {
		return
	}
	bottom := v.offset + 2*max(v.height, 1)
	for i := v.segAt(max(v.offset-v.height, 0)); i < len(v.segs) && v.starts[i] <= bottom; i++ {
		v.realiseSegment(i, bottom-v.starts[i]-2)
	}
}

// realiseMatching gives a placeholder to every segment whose message holds a
// filter term, so n/N find hits in messages Glamour has not reached yet,
// when the hits are not counted lazily (a phrase: lazyHits); otherwise the
// messages are realised as n/N reach them (lazyhits.go).
func (v *viewer) realiseMatching() {
	if len(v.terms) == 0 || v.lazyHits() {
		return
	}
	for i := range v.segs {
		s := &v.segs[i]
		if s.realised || s.msg == nil {
			continue
		}
		if v.hitNodes != nil && v.hitNodes[s.node] || v.hitNodes == nil && messageHas(s.msg, v.matchers) {
			v.realiseSegment(i, -1)
		}
	}
}

func messageHas(m *model.Message, ms []*search.Matcher) bool {
	var r [][2]int
	for i := range m.Blocks {
		for _, mt := range ms {
			if r = mt.AppendRanges(r[:0], m.Blocks[i].Text); len(r) > 0 {
				return true
			}
		}
	}
	return false
}

// finish fills a segment's plain lines.
func (v *viewer) finish(s segment) segment {
	s.plain = make([]string, len(s.lines))
	for i, l := range s.lines {
		if strings.IndexByte(l, 0x1b) >= 0 {
			s.plain[i] = ansi.Strip(l)
		} else {
			s.plain[i] = l
		}
	}
	return s
}

// join concatenates the segments' lines and recomputes hits.
func (v *viewer) join() {
	total := 0
	for i := range v.segs {
		total += len(v.segs[i].lines)
	}
	v.starts = v.starts[:0]
	v.lines = slices.Grow(v.lines[:0], total)
	v.plain = slices.Grow(v.plain[:0], total)
	for i := range v.segs {
		v.starts = append(v.starts, len(v.lines))
		v.lines = append(v.lines, v.segs[i].lines...)
		v.plain = append(v.plain, v.segs[i].plain...)
	}
	v.collectHits()
}

// setSegment replaces segment i's lines (its heading kept), keeping the
// top of the view on the same content.
func (v *viewer) setSegment(i int, s segment) {
	delta := len(s.lines) - len(v.segs[i].lines)
	topSeg := v.segAt(v.offset)
	v.pinCurHit(false) // the hits before it may change in number
	v.segs[i] = s
	if delta != 0 && i < topSeg {
		v.offset += delta
	}
	v.join()
	v.clamp()
	v.scrollToPinned()
}

// segAt is the index of the segment that holds line l.
func (v *viewer) segAt(l int) int {
	i := sort.Search(len(v.starts), func(i int) bool { return v.starts[i] > l }) - 1
	return max(i, 0)
}

// renderNext starts background renders, keeping at most maxRenders in
// flight for this conversation: first the parts of the messages in view
// that are not rendered yet (only down to the view's bottom: a long
// message's render answers with its top, renderCmd), and only once they
// are done the rest of the messages from the view down, then those above
// it.
func (v *viewer) renderNext() tea.Cmd {
	if v.conv == nil || v.ctx == nil {
		return nil
	}
	v.realise()
	var cmds []tea.Cmd
	top := v.segAt(v.offset)
	bottom := v.offset + max(v.height, 1)
	start := func(i, need int) {
		s := &v.segs[i]
		v.pending[s.key] = true
		if s.more != nil {
			cmds = append(cmds, continueCmd(v.ctx, v.pool, s.key, s.lines[2:2+s.pre], *s.more, need))
		} else {
			cmds = append(cmds, renderCmd(v.ctx, v.pool, s.key, s.msg, need))
		}
	}
	waiting := func(i int) bool {
		s := &v.segs[i]
		return !s.rendered && s.msg != nil && !v.pending[s.key]
	}
	// In view: each message's part above the view's bottom.
	for i := top; i < len(v.segs) && v.starts[i] < bottom && len(v.pending) < maxRenders; i++ {
		if waiting(i) && v.starts[i]+2+v.segs[i].pre < bottom {
			need := -1
			if v.starts[i]+len(v.segs[i].lines) > bottom {
				need = bottom - v.starts[i] - 2
			}
			start(i, need)
		}
	}
	if v.inViewOnly || v.ahead > 0 && !v.focused {
		// While loading, and under `backchat serve` while the viewer is
		// a preview (the list has the keyboard): a user typing a filter
		// or moving down the list looks at each preview for a moment,
		// and rendering two screens ahead of each was most of the
		// server's Glamour work. Focusing the viewer renders ahead.
		return tea.Batch(cmds...)
	}
	// Then, once the view is rendered, the rest (within v.ahead lines of
	// the view, when set): below the view, then above it.
	for i := top; i < len(v.segs) && v.starts[i] < bottom; i++ {
		if s := &v.segs[i]; !s.rendered && s.msg != nil && v.starts[i]+2+s.pre < bottom {
			return tea.Batch(cmds...)
		}
	}
	below, above := math.MaxInt, math.MinInt
	if v.ahead > 0 {
		below, above = bottom+v.ahead, v.offset-v.ahead
	}
	for i := top; i < len(v.segs) && v.starts[i] < below && len(v.pending) < maxRenders; i++ {
		if waiting(i) {
			start(i, -1)
		}
	}
	for i := top - 1; i >= 0 && v.starts[i]+len(v.segs[i].lines) > above && len(v.pending) < maxRenders; i-- {
		if waiting(i) {
			start(i, -1)
		}
	}
	return tea.Batch(cmds...)
}

func (v *viewer) onRendered(msg renderedMsg) tea.Cmd {
	delete(v.pending, msg.key)
	if msg.err != nil {
		if msg.key.conv == v.conv && !errorsIsCanceled(msg.err) {
			// Keep the placeholder, say so, and stop trying this one.
			v.renderErr = msg.err
			for i := range v.segs {
				if v.segs[i].key == msg.key {
					v.segs[i].rendered = true
				}
			}
		}
		return v.renderNext()
	}
	if msg.more != nil {
		v.onPartial(msg)
		return v.renderNext()
	}
	v.pool.cache.put(msg.key, msg.lines)
	for i := range v.segs {
		s := v.segs[i]
		if s.key == msg.key && !s.rendered {
			head := s.lines[:2:2]
			v.setSegment(i, v.finish(segment{node: s.node, lines: append(head, msg.lines...), msg: s.msg, key: s.key, rendered: true, realised: true}))
			break
		}
	}
	return v.renderNext()
}

// onPartial shows the first lines of a message Glamour has rendered the
// top of, the rest as placeholder text until it is rendered too.
func (v *viewer) onPartial(msg renderedMsg) {
	for i := range v.segs {
		s := v.segs[i]
		if s.key != msg.key || s.rendered {
			continue
		}
		md := strings.Join(msg.more.pieces, "")
		lines := make([]string, 0, 2+len(msg.lines)+estimateText(md, v.bodyWidth()))
		lines = append(append(lines, s.lines[:2]...), msg.lines...)
		lines = lines[:cap(lines)] // the rest: blank estimated lines
		v.setSegment(i, v.finish(segment{node: s.node, lines: lines, msg: s.msg, key: s.key,
			pre: len(msg.lines), more: msg.more, md: md, mdSet: true}))
		v.realise()
		return
	}
}

func errorsIsCanceled(err error) bool {
	return err == context.Canceled || strings.Contains(err.Error(), context.Canceled.Error())
}
