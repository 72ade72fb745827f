package tui

import (
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/backchat/backchat/internal/render"
	"github.com/backchat/backchat/model"
	"github.com/backchat/backchat/model/search/live"
)

// pane is one part of the screen: it owns its keys, its size and its view.
// Only the root returns a tea.View.
type pane interface {
	Update(tea.Msg) (pane, tea.Cmd)
	View() string
	SetSize(width, height int)
	ShortHelp() []key.Binding
	FullHelp() [][]key.Binding
}

// row is one line group of the list: a date label or a conversation.
type row struct {
	label string // date group label; "" for an item
	conv  int32  // index into convList.all, for items
	pos   int32  // position in the filter's answer (found.Convs), for items
}

// height is the lines a row takes: a label one, an item two (the title and
// date, then the message count or, for a result, its snippet).
func (r row) height() int {
	if r.label != "" {
		return 1
	}
	return 2
}

// convList is the conversation list: newest first, grouped by date, or,
// narrowed to filter results, one flat ranked list whose rows quote the hit.
// Only visible rows are rendered, so 20,000 conversations scroll as fast as
// 20.
//
// Not safe for concurrent use.
type convList struct {
	keys   KeyMap
	styles Styles
	now    func() time.Time

	width, height int
	focused       bool
	loading       bool // the archive is still loading (changes the empty text)

	all []*model.Conversation
	// base, when set, is the Prepared shared by every session over the
	// archive: its counts and services are read (never written) first.
	base *Prepared
	// counts caches the visible message counts of conversations base does
	// not know (an archive streaming in, or given whole), worked out when
	// a row first shows them: a list of 60,000 conversations is drawn
	// without a pass over all of them.
	counts map[*model.Conversation]int
	// services are the services of the conversations listed; more than
	// one means a mixed archive, whose rows then name their service.
	services map[string]bool
	vis      []int // indices into all, in display order; nil = no filter
	filter   bool  // vis is a filter result
	// found is the filter's answer (vis is its Convs): the snippet sources.
	found *live.Results
	// locating holds the rows of locatingFor (found) whose excerpts a
	// locateCmd is locating.
	locating    map[int32]bool
	locatingFor *live.Results
	// explain says why a filter lists nothing (a query error; no match and
	// what to try) in w cells; the filter pane sets it.
	explain func(w int) []string
	// rows are the rows shown: own's, or, unfiltered over base's
	// conversations (shared), base's rows, which every session shares and
	// none may write to.
	rows   []row
	own    []row
	shared bool // all is base.sorted
	cursor int  // index into rows (always an item row when any exist)
	offset int  // first row shown
	// pinned says the user chose the selection (moved it, or opened a
	// conversation): it then stays on its conversation while the list
	// changes. Unpinned, the selection is the first row: the newest
	// conversation, or the best match of a query.
	pinned bool
	// drawn holds the item rows of the last frame by what they show, so a
	// frame redrawn for another pane's sake (a render landing in the
	// viewer, a key there) reuses them: `backchat serve` draws every
	// session's frame on each of its messages. Only the rows of the last
	// frame are kept; setStyles forgets them.
	drawn, drawing map[itemKey][]string
	// frame is the last View and frameRows what its rows showed: a frame
	// showing the same rows is the same string, without padding every
	// line to the width again.
	frame          string
	frameRows      []frameRow
	frameW, frameH int
	nextRows       []frameRow // scratch for frameRowsNow
}

// frameRow is what one row of the list's view showed: a date label or an
// item.
type frameRow struct {
	label string
	item  itemKey
}

// itemKey is everything an item row's lines depend on besides the
// session's styles.
type itemKey struct {
	conv                    *model.Conversation
	pos, width, msgs, today int
	found                   *live.Results
	located                 bool // a result's excerpt is located (locateCmd)
	cursor, focused, filter bool
	services                bool
}

// setStyles sets the styles rows are drawn with.
func (l *convList) setStyles(st Styles) {
	l.styles = st
	l.drawn, l.frameRows = nil, nil
}

func newConvList(keys KeyMap, st Styles, now func() time.Time) *convList {
	return &convList{keys: keys, styles: st, now: now, counts: make(map[*model.Conversation]int),
		services: make(map[string]bool)}
}

// SetSize implements pane.
func (l *convList) SetSize(w, h int) {
	l.width, l.height = w, h
	l.follow()
}

// selected is the conversation under the cursor, or nil.
func (l *convList) selected() *model.Conversation {
	if l.cursor < 0 || l.cursor >= len(l.rows) || l.rows[l.cursor].label != "" {
		return nil
	}
	return l.all[l.rows[l.cursor].conv]
}

// setAll replaces the conversations (already newest first), keeping the cursor
// on the same conversation. A running filter is cleared by the caller.
func (l *convList) setAll(all []*model.Conversation) {
	sel := l.selected()
	l.all, l.shared = all, false
	l.noteServices(all)
	if !l.filter {
		l.vis = nil
	}
	l.build(sel)
}

// noteServices adds the services of convs to those listed. Neighbours
// mostly share theirs: one map write per run of them.
func (l *convList) noteServices(convs []*model.Conversation) {
	for i, c := range convs {
		if i == 0 || c.Service != convs[i-1].Service {
			l.services[c.Service] = true
		}
	}
}

// setPrepared shows p's conversations (already newest first) with p's
// counts, without a pass over them: what a new SSH session does. p's slice
// and maps are shared and only read; services is copied because setAll adds
// to it.
func (l *convList) setPrepared(p *Prepared) {
	sel := l.selected()
	l.base = p
	l.all, l.shared = p.sorted, true
	l.services = make(map[string]bool, len(p.services))
	for sv := range p.services {
		l.services[sv] = true
	}
	if !l.filter {
		l.vis = nil
	}
	l.build(sel)
}

// setArchive shows a complete archive: p's order and counts when p was
// prepared from it, else its conversations sorted newest first.
func (l *convList) setArchive(a *model.Archive, p *Prepared) {
	if p.For(a) {
		l.setPrepared(p)
		return
	}
	all := append([]*model.Conversation(nil), a.Conversations...)
	if !slices.IsSortedFunc(all, model.Newer) { // a snapshot's are
		model.SortNewestFirst(all)
	}
	l.setAll(all)
}

// takeBatch is the one way a load batch reaches the list: the conversations
// that arrived, or at the end the whole archive (p, when it was prepared
// from it, gives the order and counts). It reports whether the list
// changed, in which case a filter must search again.
func (l *convList) takeBatch(msg loadBatchMsg, p *Prepared) bool {
	if !msg.finished && len(msg.convs) == 0 {
		return false
	}
	if msg.finished {
		l.loading = false
		switch {
		case msg.err != nil:
			return false
		case msg.archive != nil:
			l.setArchive(msg.archive, p)
			return true
		}
	}
	// The list is sorted already: sort the batch and merge it in, rather
	// than sort the whole list again on every batch.
	batch := slices.Clone(msg.convs)
	model.SortNewestFirst(batch)
	sel := l.selected()
	l.all = mergeNewest(l.all, batch)
	l.noteServices(batch)
	if !l.filter {
		l.vis = nil
	}
	l.build(sel)
	return true
}

// mergeNewest merges two lists sorted by model.Newer into a new one, as
// model.SortNewestFirst would order a followed by b (stable: on a tie, a's
// conversation first).
func mergeNewest(a, b []*model.Conversation) []*model.Conversation {
	out := make([]*model.Conversation, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		if model.Newer(b[j], a[i]) < 0 {
			out = append(out, b[j])
			j++
		} else {
			out = append(out, a[i])
			i++
		}
	}
	return append(append(out, a[i:]...), b[j:]...)
}

// msgCount is c's visible message count (a walk of its current thread
// the first time, unless the snapshot stored it).
func (l *convList) msgCount(c *model.Conversation) int {
	if n, ok := l.base.count(c); ok {
		return n
	}
	n, ok := l.counts[c]
	if !ok {
		n = c.VisibleCount()
		l.counts[c] = n
	}
	return n
}

// count is c's visible message count when p knows c. A nil p knows nothing.
func (p *Prepared) count(c *model.Conversation) (int, bool) {
	if p == nil {
		return 0, false
	}
	n, ok := p.counts[c]
	return n, ok
}

// setFiltered narrows the list to idx (indices into all) or, with nil and
// filter false, shows everything. With toTop the cursor goes to the first
// match (a new query); otherwise it stays on its conversation when the user
// chose it and it is listed (a refresh while the archive loads), else goes
// to the first (the best match).
func (l *convList) setFiltered(idx []int, filter, toTop bool) {
	sel := l.selected()
	l.vis, l.filter = idx, filter
	if !filter {
		l.vis = nil
		l.found = nil
	}
	if filter && toTop {
		l.pinned = false // a new query: its best match, not the last one's pick
	}
	l.build(sel)
	if filter && toTop {
		l.cursor = l.firstItem()
		l.offset = 0
		l.follow()
	}
}

// selectConv puts the cursor on c when it is listed, scrolled to show
// offset as the first row when the cursor is then on screen.
func (l *convList) selectConv(c *model.Conversation, offset int) {
	for i, r := range l.rows {
		if r.label == "" && l.all[r.conv] == c {
			l.cursor, l.offset = i, min(offset, i)
			l.follow()
			return
		}
	}
}

func (l *convList) firstItem() int {
	for i, r := range l.rows {
		if r.label == "" {
			return i
		}
	}
	return 0
}

// build recomputes rows. The cursor goes back on sel when the user chose it
// (pinned) and it is listed, else to the first row: the newest conversation
// or the best match, whatever order conversations arrived in.
func (l *convList) build(sel *model.Conversation) {
	now := l.now()
	switch {
	case l.filter:
		// Ranked: no date groups. Sized once: an answer can list every
		// conversation, and growing by appends made twice the garbage.
		if cap(l.own) > 2*len(l.vis)+1024 {
			l.own = nil // a huge answer's rows, kept for a small one
		}
		l.own = slices.Grow(l.own[:0], len(l.vis))
		for k, i := range l.vis {
			if i >= 0 && i < len(l.all) {
				l.own = append(l.own, row{conv: int32(i), pos: int32(k)})
			}
		}
		l.rows = l.own
	case l.shared:
		// Every session over the Prepared lists the same rows on the same
		// day: share them (read-only) rather than hold a copy each.
		l.rows, l.own = l.base.dateRows(now), nil
	default:
		l.own = dateRows(l.all, now, l.own[:0])
		l.rows = l.own
	}
	l.cursor = l.firstItem()
	if sel != nil && l.pinned {
		for i, r := range l.rows {
			if r.label == "" && l.all[r.conv] == sel {
				l.cursor = i
				break
			}
		}
	}
	l.follow()
}

// dateRows appends to rows the rows of all, newest first, under date group
// labels relative to now.
func dateRows(all []*model.Conversation, now time.Time, rows []row) []row {
	last := ""
	groups := newDateGrouper(now)
	rows = slices.Grow(rows, len(all)+32) // a row each, and a few labels
	for i, c := range all {
		if g := groups.group(c.SortTime()); g != last {
			rows = append(rows, row{label: g})
			last = g
		}
		rows = append(rows, row{conv: int32(i), pos: -1})
	}
	return rows
}

// count is the number of conversations listed.
func (l *convList) count() int {
	if l.filter {
		return len(l.vis)
	}
	return len(l.all)
}

// move moves the cursor by delta items, skipping labels.
func (l *convList) move(delta int) {
	if len(l.rows) == 0 {
		return
	}
	step := 1
	if delta < 0 {
		step, delta = -1, -delta
	}
	c := l.cursor
	for delta > 0 {
		n := c + step
		for n >= 0 && n < len(l.rows) && l.rows[n].label != "" {
			n += step
		}
		if n < 0 || n >= len(l.rows) {
			break
		}
		c = n
		delta--
	}
	l.cursor = c
	l.pinned = true
	l.follow()
}

func (l *convList) top() { l.cursor = l.firstItem(); l.offset = 0; l.pinned = true; l.follow() }

func (l *convList) bottom() {
	l.cursor = len(l.rows) - 1
	l.pinned = true
	l.follow()
}

// pageItems is about how many items fit on one screen.
func (l *convList) pageItems() int { return max(l.height/2-1, 1) }

// follow scrolls so the cursor row (and its label above) is visible.
func (l *convList) follow() {
	if l.height <= 0 || len(l.rows) == 0 {
		l.offset = 0
		return
	}
	if l.cursor < l.offset {
		l.offset = l.cursor
	}
	if l.offset == l.cursor && l.offset > 0 && l.rows[l.offset-1].label != "" {
		l.offset--
	}
	if l.offset < l.cursor && l.cursor < len(l.rows) {
		// The first row from which the rows down to the cursor fit, or the
		// cursor's: one walk up from the cursor (moving the offset down a
		// row at a time and summing again was quadratic, seconds when a
		// cleared filter put the cursor back deep in a long list).
		h, lo := 0, l.cursor
		for i := l.cursor; i >= l.offset; i-- {
			if h += l.rows[i].height(); h > l.height {
				break
			}
			lo = i
		}
		l.offset = lo
	}
	l.offset = max(min(l.offset, len(l.rows)-1), 0)
}

// rowAt returns the row index shown at line y of the pane, or -1.
func (l *convList) rowAt(y int) int {
	h := 0
	for i := l.offset; i < len(l.rows); i++ {
		h += l.rows[i].height()
		if y < h {
			return i
		}
	}
	return -1
}

// Update implements pane.
func (l *convList) Update(msg tea.Msg) (pane, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.MouseWheelMsg:
		switch msg.Button {
		case tea.MouseWheelUp:
			l.move(-3)
		case tea.MouseWheelDown:
			l.move(3)
		}
	case tea.MouseClickMsg:
		if i := l.rowAt(msg.Y); i >= 0 && l.rows[i].label == "" {
			l.cursor, l.pinned = i, true
			l.follow()
		}
	case tea.KeyPressMsg:
		k := l.keys
		switch {
		case key.Matches(msg, k.Down):
			l.move(1)
		case key.Matches(msg, k.Up):
			l.move(-1)
		case key.Matches(msg, k.PageDown):
			l.move(l.pageItems())
		case key.Matches(msg, k.PageUp):
			l.move(-l.pageItems())
		case key.Matches(msg, k.Top):
			l.top()
		case key.Matches(msg, k.Bottom):
			l.bottom()
		}
	}
	return l, nil
}

// title is the list's title row in w cells: the filter's input while it is
// open or on, else the pane's name.
func (l *convList) title(w int, f *filterPane) string {
	if f.active || f.on() {
		return f.View(l.styles, w, l.count())
	}
	s := l.styles.PaneTitle
	if l.focused {
		s = l.styles.PaneTitleFocused
	}
	return fillBlock([]string{s.Render(" Conversations")}, w, 1)
}

// markerLegend says what each flag of markers means, in markers' order;
// the full help (?) shows it. A test checks that markers draws no other.
var markerLegend = [][2]string{
	{"★", "starred"},
	{"⌂", "archived"},
	{"◆", "made with a custom GPT"},
	{"⑂", "has branches ([ ] switch)"},
	{"⊘", "not in the newest export"},
	{"↗", "shared by public link"},
}

// markers are the one-cell flags of a conversation.
func markers(c *model.Conversation) string {
	var m []string
	if c.Starred {
		m = append(m, "★")
	}
	if c.Archived {
		m = append(m, "⌂")
	}
	if c.GizmoID != "" {
		m = append(m, "◆")
	}
	if c.BranchPoints() > 0 {
		m = append(m, "⑂")
	}
	if c.NotInNewest() {
		m = append(m, "⊘") // kept from an older export; gone from the newest
	}
	if c.Shared {
		m = append(m, "↗") // shared by public link (shared_conversations.json)
	}
	return strings.Join(m, "")
}

// View implements pane: exactly height lines of width cells.
func (l *convList) View() string {
	if l.width <= 0 || l.height <= 0 {
		return ""
	}
	st := l.styles
	now := l.now()
	var out []string
	if len(l.rows) == 0 {
		msg := " No conversations"
		if l.loading {
			msg = " Loading…"
		}
		if l.filter {
			msg = " No matches"
			if l.explain != nil {
				if lines := l.explain(l.width); lines != nil {
					return fillBlock(lines, l.width, l.height)
				}
			}
		}
		out = append(out, st.Empty.Render(msg))
		return fillBlock(out, l.width, l.height)
	}
	w := l.width
	today := now.Year()*1000 + now.YearDay()
	if l.drawing == nil {
		l.drawing = make(map[itemKey][]string)
	}
	// What the rows in view show; the same as the last frame's: its string.
	keys := l.frameRowsNow(today)
	if l.frameRows != nil && l.frameW == w && l.frameH == l.height && slices.Equal(keys, l.frameRows) {
		return l.frame
	}
	for i, fr := range keys {
		if fr.label != "" {
			out = append(out, st.Group.Render(ansi.Truncate(" "+fr.label, w, "…")))
			continue
		}
		k := fr.item
		lines, ok := l.drawn[k]
		if !ok {
			lines = l.item(l.offset+i, now)
		}
		l.drawing[k] = lines
		out = append(out, lines...)
	}
	l.drawn, l.drawing = l.drawing, l.drawn
	clear(l.drawing)
	l.frame, l.frameW, l.frameH = fillBlock(out, l.width, l.height), l.width, l.height
	l.frameRows, l.nextRows = keys, l.frameRows
	return l.frame
}

// frameRowsNow is what the rows from the list's offset that fit in its
// height show now (a label one line, an item two).
func (l *convList) frameRowsNow(today int) []frameRow {
	keys := l.nextRows[:0]
	lines := 0
	for i := l.offset; i < len(l.rows) && lines < l.height; i++ {
		r := l.rows[i]
		lines += r.height()
		if r.label != "" {
			keys = append(keys, frameRow{label: r.label})
			continue
		}
		c := l.all[r.conv]
		located := true
		if l.filter && l.found != nil {
			_, _, located = l.found.Located(int(r.pos))
		}
		keys = append(keys, frameRow{item: itemKey{conv: c, pos: int(r.pos), width: l.width, msgs: l.msgCount(c), today: today,
			found: l.found, located: located, cursor: i == l.cursor, focused: l.focused, filter: l.filter, services: len(l.services) > 1}})
	}
	return keys
}

// item is the two lines of item row i: the title and markers, then the
// date and message count; a filter result has its date on the title line
// and a snippet of its best hit below, when it has one.
func (l *convList) item(i int, now time.Time) []string {
	st, w, r := l.styles, l.width, l.rows[i]
	c := l.all[r.conv]
	mk := markers(c)
	var e live.Excerpt
	snip := false
	if l.filter && l.found != nil {
		// Never located here (View): locateCmd does it off the event loop,
		// and the row shows its meta line until then.
		e, snip, _ = l.found.Located(int(r.pos))
	}
	date := shortDate(c.SortTime(), now)
	mp := metaParts{date: date, day: dayDate(c.SortTime(), now), count: countMark(c, l.msgCount(c)),
		project: c.Origin == model.OriginClaudeProject}
	if l.filter {
		date = resultDate(c.SortTime(), now)
		mp.date, mp.day = "", "" // on the title line
	}
	if len(l.services) > 1 && c.Service != "" {
		mp.service = safeLine(c.Service)
	}
	meta := mp.layout(w)
	tail := mk // right of the title: markers, and a result's date
	if l.filter {
		tail = strings.TrimSpace(mk + " " + date)
	}
	tw := w - 2
	if tail != "" {
		tw -= ansi.StringWidth(tail) + 1
	}
	t1 := " " + cutTitle(safeLine(c.DisplayTitle()), max(tw, 1))
	line1 := padTo(t1, w-ansi.StringWidth(tail)-1) + " " + tail
	line2 := padTo(ansi.Truncate(meta, w, "…"), w)
	base := st.ItemMeta
	var out []string
	switch {
	case i == l.cursor && l.focused:
		base = st.ItemSelected
		out = []string{st.ItemSelected.Render(line1), st.ItemSelected.Render(line2)}
	case i == l.cursor:
		base = st.ItemCursor
		out = []string{st.ItemCursor.Render(line1), st.ItemCursor.Render(line2)}
	default:
		head := strings.TrimSuffix(line1, " "+tail)
		if l.filter {
			out = []string{st.Item.Render(head) + markerTail(st, mk) + st.ItemMeta.Render(" "+date), st.ItemMeta.Render(line2)}
		} else {
			out = []string{st.Item.Render(head) + markerTail(st, mk), st.ItemMeta.Render(line2)}
		}
	}
	if snip {
		out[1] = snippetLine(st, base, e, w)
	}
	return out
}

// cutTitle is title in at most w cells, cut with "…" and no space before
// it ("gift for…", not "gift for …"), as headerTitle cuts the viewer's.
func cutTitle(title string, w int) string {
	if ansi.StringWidth(title) <= w {
		return title
	}
	return strings.TrimRight(ansi.Truncate(title, max(w-1, 0), ""), " ") + "…"
}

// countMark is an item's message count, n messages of c. A conversation
// showing none says why at a glance: "0 msgs (hidden)" when its messages
// are all hidden (H shows them), "0 msgs ⚠" when it has none (the viewer
// gives the load warning's reason). The help's legend explains both.
func countMark(c *model.Conversation, n int) string {
	switch {
	case n > 0:
		return plural(n, "msg")
	case render.AllHidden(c):
		return plural(n, "msg") + " " + hiddenMark
	default:
		return plural(n, "msg") + " " + emptyMark
	}
}

// The list's marks of a conversation that shows no message (countMark).
const (
	hiddenMark = "(hidden)"
	emptyMark  = "⚠"
)

// countLegend says what the marks after a message count mean; the full
// help (?) shows it under markerLegend.
var countLegend = [][2]string{
	{emptyMark, "0 msgs: open it to see why"},
	{hiddenMark, "0 msgs: all hidden (H shows)"},
}

// metaParts are the parts of an item's meta line, most useful last: its
// date (day without the year, which the date group above says), message
// count, service (when services mix) and whether it is a Claude project's.
type metaParts struct {
	date, day, count, service string
	project                   bool
}

// layout is the meta line in w cells (with its leading space). When all of
// it does not fit, the least useful part gives way first, so that the
// service and project survive at 80 columns: the date's year, then the
// message count, then the date. What still does not fit is cut with "…".
func (p metaParts) layout(w int) string {
	line := func(date string, count bool) string {
		var parts []string
		if date != "" {
			parts = append(parts, date)
		}
		if count {
			parts = append(parts, p.count)
		}
		if p.service != "" {
			parts = append(parts, p.service)
		}
		if p.project {
			parts = append(parts, "project")
		}
		return " " + strings.Join(parts, " · ")
	}
	for _, try := range []string{line(p.date, true), line(p.day, true), line(p.day, false), line("", false)} {
		if ansi.StringWidth(try) <= w {
			return try
		}
	}
	return ansi.Truncate(line("", false), w, "…")
}

func markerTail(st Styles, mk string) string {
	if mk == "" {
		return ""
	}
	return " " + st.Marker.Render(mk)
}

// padTo pads s with spaces to w cells (never truncates).
func padTo(s string, w int) string {
	if sw := ansi.StringWidth(s); sw < w {
		return s + strings.Repeat(" ", w-sw)
	}
	return s
}

// ShortHelp implements help.KeyMap for the list.
func (l *convList) ShortHelp() []key.Binding {
	return []key.Binding{l.keys.Down, l.keys.Up, l.keys.Open, l.keys.Filter}
}

// FullHelp implements help.KeyMap for the list.
func (l *convList) FullHelp() [][]key.Binding { return l.keys.FullHelp() }
