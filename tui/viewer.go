package tui

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/backchat/backchat/model"
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
}

// hitPos is one highlighted occurrence of a filter term in the joined lines.
type hitPos struct {
	line, start, end int // byte range in plain[line]
}

// viewer shows one conversation. Lines are pre-joined so scrolling only
// slices; Glamour renders arrive per message and replace placeholders while
// the top line of the view stays where it is.
//
// Not safe for concurrent use; render commands capture only the pool and
// values.
type viewer struct {
	keys   KeyMap
	styles Styles
	pool   *renderPool
	style  string // glamour style
	now    func() time.Time
	loc    *time.Location

	width, height int
	conv          *model.Conversation
	thread        model.Thread
	expanded      bool
	showHidden    bool

	segs   []segment
	starts []int // first line of each segment in lines
	lines  []string
	plain  []string
	offset int

	cache    map[renderKey][]string
	cacheLen int
	pending  map[renderKey]bool
	ctx      context.Context
	cancel   context.CancelFunc

	terms  []string
	hits   []hitPos
	curHit int // index into hits, -1 when none chosen
}

func newViewer(keys KeyMap, st Styles, style string, pool *renderPool, now func() time.Time) *viewer {
	return &viewer{keys: keys, styles: st, style: style, pool: pool, now: now, loc: now().Location(),
		cache: make(map[renderKey][]string), pending: make(map[renderKey]bool), curHit: -1}
}

// SetSize implements pane; a new width re-renders.
func (v *viewer) SetSize(w, h int) {
	if w == v.width && h == v.height {
		return
	}
	rebuild := w != v.width
	v.width, v.height = w, h
	if rebuild && v.conv != nil {
		v.rebuild(v.topNode())
	}
	v.clamp()
}

// setTheme switches styles and the Glamour style; everything re-renders.
func (v *viewer) setTheme(st Styles, style string) {
	v.styles, v.style = st, style
	if v.conv != nil {
		v.rebuild(v.topNode())
	}
}

// show opens c on its current thread at the top.
func (v *viewer) show(c *model.Conversation) {
	if c == v.conv {
		return
	}
	v.conv = c
	v.thread = nil
	if c != nil {
		v.thread = c.CurrentThread()
	}
	v.offset = 0
	v.curHit = -1
	if v.cancel != nil {
		v.cancel()
	}
	v.ctx, v.cancel = context.WithCancel(context.Background())
	clear(v.pending)
	v.rebuild(model.NoNode)
}

func (v *viewer) bodyWidth() int { return max(v.width-1, 10) }

// rebuild recomputes every segment (from cache or as placeholders) and keeps
// the segment of node `keep` at the top.
func (v *viewer) rebuild(keep int32) {
	v.segs = v.segs[:0]
	if v.conv == nil || v.width <= 0 {
		v.join()
		return
	}
	v.segs = append(v.segs, v.headerSegment())
	maxVis := model.Folded
	if v.showHidden {
		maxVis = model.Hidden
	}
	for _, n := range v.thread {
		if n < 0 || int(n) >= len(v.conv.Nodes) {
			continue
		}
		m := v.conv.Nodes[n].Msg
		if m == nil || m.Visibility > maxVis {
			continue
		}
		v.segs = append(v.segs, v.messageSegment(n, m))
	}
	v.join()
	if keep != model.NoNode {
		for i, s := range v.segs {
			if s.node == keep {
				v.offset = v.starts[i]
				break
			}
		}
	}
	v.clamp()
}

func (v *viewer) headerSegment() segment {
	c, st := v.conv, v.styles
	w := v.bodyWidth()
	var lines []string
	for _, l := range strings.Split(ansi.Wrap(safeLine(c.DisplayTitle()), w-2, ""), "\n") {
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
	return v.finish(segment{node: model.NoNode, lines: lines, rendered: true, realised: true})
}

// roleName is the header name of a message's author.
func roleName(m *model.Message) string {
	switch m.Role {
	case model.RoleUser:
		return "You"
	case model.RoleAssistant:
		return "ChatGPT"
	case model.RoleSystem:
		return "System"
	case model.RoleTool:
		if m.AuthorName != "" {
			return safeLine(m.AuthorName)
		}
		return "Tool"
	}
	return safeLine(string(m.Role))
}

func (v *viewer) roleLine(n int32, m *model.Message) string {
	st := v.styles
	rs := st.RoleBot
	switch m.Role {
	case model.RoleUser:
		rs = st.RoleUser
	case model.RoleTool, model.RoleSystem:
		rs = st.RoleTool
	}
	line := " " + rs.Render(roleName(m))
	var meta []string
	if !m.Time.IsZero() {
		meta = append(meta, m.Time.In(v.loc).Format("2006-01-02 15:04"))
	}
	if m.Model != "" && m.Role == model.RoleAssistant {
		meta = append(meta, safeLine(m.Model))
	}
	if m.Visibility == model.Hidden {
		meta = append(meta, "hidden")
	}
	if len(meta) > 0 {
		line += " " + st.MsgMeta.Render(strings.Join(meta, " · "))
	}
	if pos, total := v.conv.BranchPos(n); total > 1 {
		line += " " + st.Branch.Render(fmt.Sprintf("‹%d/%d›", pos, total))
	}
	return line
}

func (v *viewer) messageSegment(n int32, m *model.Message) segment {
	head := []string{"", v.roleLine(n, m)}
	if m.Visibility == model.Folded && !v.expanded {
		line := "  " + v.styles.Folded.Render("▸ "+foldedSummary(m)+"  (t expands)")
		return v.finish(segment{node: n, lines: append(head, line), rendered: true, realised: true})
	}
	key := renderKey{conv: v.conv, node: n, width: v.bodyWidth(), style: v.style, expanded: v.expanded}
	if body, ok := v.cache[key]; ok {
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
	width = max(width-4, 10)
	n := 0
	for i := range m.Blocks {
		t := m.Blocks[i].Text
		for len(t) > 0 {
			j := strings.IndexByte(t, '\n')
			if j < 0 {
				j = len(t)
			}
			n += j/width + 1
			t = t[min(j+1, len(t)):]
		}
		n++
	}
	return max(n, 1)
}

// realiseSegment replaces segment i's blank estimate by a placeholder.
func (v *viewer) realiseSegment(i int) {
	s := v.segs[i]
	if s.realised || s.msg == nil {
		return
	}
	body := placeholder(messageMarkdown(s.msg), v.bodyWidth())
	lines := append(append(make([]string, 0, 2+len(body)), s.lines[:2]...), body...)
	ns := v.finish(segment{node: s.node, lines: lines, msg: s.msg, key: s.key, realised: true})
	v.setSegment(i, ns)
}

// realise gives every segment within a screen of the view a placeholder.
func (v *viewer) realise() {
	if len(v.segs) == 0 {
		return
	}
	for i := v.segAt(max(v.offset-v.height, 0)); i < len(v.segs) && v.starts[i] <= v.offset+2*v.height; i++ {
		v.realiseSegment(i)
	}
}

// realiseMatching gives a placeholder to every segment whose message holds a
// filter term, so n/N find hits in messages Glamour has not reached yet.
func (v *viewer) realiseMatching() {
	if len(v.terms) == 0 {
		return
	}
	for i := range v.segs {
		s := &v.segs[i]
		if s.realised || s.msg == nil {
			continue
		}
		if messageHas(s.msg, v.terms) {
			v.realiseSegment(i)
		}
	}
}

func messageHas(m *model.Message, terms []string) bool {
	for i := range m.Blocks {
		for _, t := range terms {
			if indexFold(m.Blocks[i].Text, t) >= 0 {
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
	v.findHits()
}

// setTerms sets the filter terms to highlight.
func (v *viewer) setTerms(terms []string) {
	v.terms = terms
	v.curHit = -1
	v.realiseMatching()
	v.findHits()
}

func (v *viewer) findHits() {
	v.hits = v.hits[:0]
	if len(v.terms) == 0 {
		return
	}
	for i, p := range v.plain {
		var lineHits []hitPos
		for _, t := range v.terms {
			for from := 0; from < len(p); {
				j := indexFold(p[from:], t)
				if j < 0 {
					break
				}
				lineHits = append(lineHits, hitPos{i, from + j, from + j + len(t)})
				from += j + max(len(t), 1)
			}
		}
		sort.Slice(lineHits, func(a, b int) bool { return lineHits[a].start < lineHits[b].start })
		// Drop overlaps so highlighting stays well-formed.
		end := -1
		for _, h := range lineHits {
			if h.start >= end {
				v.hits = append(v.hits, h)
				end = h.end
			}
		}
	}
	if v.curHit >= len(v.hits) {
		v.curHit = len(v.hits) - 1
	}
}

// setSegment replaces segment i's lines, keeping the top of the view on the
// same content.
func (v *viewer) setSegment(i int, s segment) {
	delta := len(s.lines) - len(v.segs[i].lines)
	topSeg := v.segAt(v.offset)
	v.segs[i] = s
	if delta != 0 && i < topSeg {
		v.offset += delta
	}
	v.join()
	v.clamp()
}

// segAt is the index of the segment that holds line l.
func (v *viewer) segAt(l int) int {
	i := sort.Search(len(v.starts), func(i int) bool { return v.starts[i] > l }) - 1
	return max(i, 0)
}

func (v *viewer) topNode() int32 {
	if len(v.segs) == 0 {
		return model.NoNode
	}
	return v.segs[v.segAt(v.offset)].node
}

func (v *viewer) maxOffset() int { return max(len(v.lines)-v.height, 0) }

func (v *viewer) clamp() { v.offset = min(max(v.offset, 0), v.maxOffset()) }

// renderNext starts background renders for unrendered segments nearest to
// the view, keeping at most maxRenders in flight for this conversation.
func (v *viewer) renderNext() tea.Cmd {
	if v.conv == nil || v.ctx == nil {
		return nil
	}
	v.realise()
	var cmds []tea.Cmd
	top := v.segAt(v.offset)
	bottom := v.segAt(v.offset + v.height)
	// Candidates in priority order: on screen, then below, then above.
	order := make([]int, 0, len(v.segs))
	for i := top; i < len(v.segs); i++ {
		order = append(order, i)
	}
	for i := top - 1; i >= 0; i-- {
		order = append(order, i)
	}
	_ = bottom
	for _, i := range order {
		if len(v.pending) >= maxRenders {
			break
		}
		s := &v.segs[i]
		if s.rendered || s.msg == nil || v.pending[s.key] {
			continue
		}
		v.pending[s.key] = true
		cmds = append(cmds, renderCmd(v.ctx, v.pool, s.key, s.msg))
	}
	return tea.Batch(cmds...)
}

// maxCacheLines bounds the render cache; beyond it, entries of other
// conversations are dropped.
const maxCacheLines = 400_000

func (v *viewer) onRendered(msg renderedMsg) tea.Cmd {
	delete(v.pending, msg.key)
	if msg.err != nil {
		if msg.key.conv == v.conv && !errorsIsCanceled(msg.err) {
			// Keep the placeholder, but stop trying this one.
			for i := range v.segs {
				if v.segs[i].key == msg.key {
					v.segs[i].rendered = true
				}
			}
		}
		return v.renderNext()
	}
	if v.cacheLen+len(msg.lines) > maxCacheLines {
		for k, l := range v.cache {
			if k.conv != v.conv {
				v.cacheLen -= len(l)
				delete(v.cache, k)
			}
		}
	}
	if _, dup := v.cache[msg.key]; !dup {
		v.cache[msg.key] = msg.lines
		v.cacheLen += len(msg.lines)
	}
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

func errorsIsCanceled(err error) bool {
	return err == context.Canceled || strings.Contains(err.Error(), context.Canceled.Error())
}

// jumpHit moves to the next (+1) or previous (−1) hit, wrapping around.
func (v *viewer) jumpHit(delta int) {
	v.realiseMatching() // re-finds hits when it realises anything
	if len(v.hits) == 0 {
		return
	}
	if v.curHit < 0 {
		// Start from the view: first hit at or below the top (or above for −1).
		v.curHit = sort.Search(len(v.hits), func(i int) bool { return v.hits[i].line >= v.offset })
		if delta < 0 {
			v.curHit--
		}
	} else {
		v.curHit += delta
	}
	v.curHit = (v.curHit%len(v.hits) + len(v.hits)) % len(v.hits)
	v.scrollToHit()
}

// firstHit selects the first hit, preferring one in node n.
func (v *viewer) firstHit(n int32) {
	if len(v.hits) == 0 {
		return
	}
	v.curHit = 0
	if n != model.NoNode {
		for i, h := range v.hits {
			if v.segs[v.segAt(h.line)].node == n {
				v.curHit = i
				break
			}
		}
	}
	v.scrollToHit()
}

func (v *viewer) scrollToHit() {
	l := v.hits[v.curHit].line
	if l < v.offset || l >= v.offset+v.height {
		v.offset = l - v.height/3
	}
	v.clamp()
}

// branch switches the first forked message in view to its previous (−1) or
// next (+1) sibling and shows that branch.
func (v *viewer) branch(delta int) {
	if v.conv == nil {
		return
	}
	for i := v.segAt(v.offset); i < len(v.segs) && v.starts[i] < v.offset+max(v.height, 1); i++ {
		n := v.segs[i].node
		if n == model.NoNode {
			continue
		}
		if _, total := v.conv.BranchPos(n); total < 2 {
			continue
		}
		pos := -1
		for j, t := range v.thread {
			if t == n {
				pos = j
			}
		}
		nt := v.conv.SwitchBranch(v.thread, pos, delta)
		if pos < 0 || pos >= len(nt) {
			return
		}
		v.thread = nt
		v.rebuild(nt[pos])
		return
	}
}

// Update implements pane: scrolling and viewer-only keys.
func (v *viewer) Update(msg tea.Msg) (pane, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.MouseWheelMsg:
		switch msg.Button {
		case tea.MouseWheelUp:
			v.offset -= 3
		case tea.MouseWheelDown:
			v.offset += 3
		}
		v.clamp()
		return v, v.renderNext()
	case tea.KeyPressMsg:
		k := v.keys
		switch {
		case key.Matches(msg, k.Down):
			v.offset++
		case key.Matches(msg, k.Up):
			v.offset--
		case key.Matches(msg, k.PageDown):
			v.offset += max(v.height-2, 1)
		case key.Matches(msg, k.PageUp):
			v.offset -= max(v.height-2, 1)
		case key.Matches(msg, k.Top):
			v.offset = 0
		case key.Matches(msg, k.Bottom):
			v.offset = v.maxOffset()
		case key.Matches(msg, k.NextHit):
			v.jumpHit(1)
		case key.Matches(msg, k.PrevHit):
			v.jumpHit(-1)
		case key.Matches(msg, k.PrevBranch):
			v.branch(-1)
		case key.Matches(msg, k.NextBranch):
			v.branch(1)
		}
		v.clamp()
		return v, v.renderNext()
	}
	return v, nil
}

// toggleExpanded folds or expands tool and reasoning items.
func (v *viewer) toggleExpanded() tea.Cmd {
	v.expanded = !v.expanded
	v.rebuild(v.topNode())
	return v.renderNext()
}

// toggleHidden shows or hides hidden messages.
func (v *viewer) toggleHidden() tea.Cmd {
	v.showHidden = !v.showHidden
	v.rebuild(v.topNode())
	return v.renderNext()
}

// hitStatus is "hit 3/17", or "" without hits.
func (v *viewer) hitStatus() string {
	if len(v.terms) == 0 || v.conv == nil {
		return ""
	}
	if len(v.hits) == 0 {
		return "no hits here"
	}
	if v.curHit < 0 {
		return fmt.Sprintf("%d hits", len(v.hits))
	}
	return fmt.Sprintf("hit %d/%d", v.curHit+1, len(v.hits))
}

// View implements pane: exactly height lines of exactly width cells.
func (v *viewer) View() string {
	if v.width <= 0 || v.height <= 0 {
		return ""
	}
	out := make([]string, 0, v.height)
	if v.conv == nil {
		out = append(out, v.styles.Empty.Render(ansi.Truncate(" No conversation selected", v.width, "…")))
	} else {
		h := sort.Search(len(v.hits), func(i int) bool { return v.hits[i].line >= v.offset })
		for l := v.offset; l < len(v.lines) && len(out) < v.height; l++ {
			line := v.lines[l]
			if h < len(v.hits) && v.hits[h].line == l {
				var lh []hitPos
				first := h
				for h < len(v.hits) && v.hits[h].line == l {
					lh = append(lh, v.hits[h])
					h++
				}
				line = v.highlight(line, v.plain[l], lh, first)
			}
			out = append(out, ansi.Truncate(line, v.width, ""))
		}
	}
	return fillBlock(out, v.width, v.height)
}

// highlight restyles the hits of one line; first is the index of lh[0] in
// v.hits, to mark the current hit.
func (v *viewer) highlight(line, plain string, lh []hitPos, first int) string {
	var b strings.Builder
	col := 0
	total := ansi.StringWidth(line)
	for i, h := range lh {
		c0 := ansi.StringWidth(plain[:h.start])
		c1 := c0 + ansi.StringWidth(plain[h.start:h.end])
		b.WriteString(ansi.Cut(line, col, c0))
		st := v.styles.Hit
		if first+i == v.curHit {
			st = v.styles.HitCurrent
		}
		b.WriteString(st.Render(plain[h.start:h.end]))
		col = c1
	}
	b.WriteString(ansi.Cut(line, col, total))
	return b.String()
}

// fillBlock pads lines to exactly w cells and the block to exactly h lines.
func fillBlock(lines []string, w, h int) string {
	var b strings.Builder
	for i := 0; i < h; i++ {
		l := ""
		if i < len(lines) {
			l = lines[i]
		}
		if lw := ansi.StringWidth(l); lw < w {
			l += strings.Repeat(" ", w-lw)
		} else if lw > w {
			l = ansi.Truncate(l, w, "")
		}
		b.WriteString(l)
		if i < h-1 {
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// ShortHelp implements help.KeyMap for the viewer.
func (v *viewer) ShortHelp() []key.Binding {
	return []key.Binding{v.keys.Down, v.keys.PageDown, v.keys.NextHit, v.keys.NextBranch, v.keys.ToggleFold, v.keys.ToggleHidden, v.keys.Back}
}

// FullHelp implements help.KeyMap for the viewer.
func (v *viewer) FullHelp() [][]key.Binding { return v.keys.FullHelp() }
