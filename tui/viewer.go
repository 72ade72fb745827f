package tui

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/backchat/backchat/internal/render"
	"github.com/backchat/backchat/model"
	"github.com/backchat/backchat/model/search"
)

// viewer shows one conversation. Lines are pre-joined so scrolling only
// slices; Glamour renders arrive per message and replace placeholders while
// the top line of the view stays where it is.
//
// Not safe for concurrent use; render commands capture only the pool and
// values.
type viewer struct {
	keys   KeyMap
	styles Styles
	heads  headSpans // styles' heading styles as spans (spans.go); set with styles
	pool   *renderPool
	style  string // glamour style
	now    func() time.Time
	loc    *time.Location

	width, height int
	conv          *model.Conversation
	// tree is conv's tree, held while conv is shown: a conversation
	// reopened with model.Conversation.ReleaseTreeWhenUnused (serve) would
	// otherwise decode it again, with new Messages, behind the segments'.
	tree     []model.Node
	warns    []model.Warning // the load's, for an empty conversation's reason (emptyNote)
	thread   model.Thread
	expanded bool // T: every folded item shows in full
	// autoExpanded: expanded was set by landing on a result's hit in a
	// folded item (openAtHit), not by T; it holds for that conversation
	// only (show folds again).
	autoExpanded bool
	toggled      map[int32]bool // t: items shown the other way (folds.go)
	showHidden   bool
	// winLo and winHi bound the part of thread that has segments (see
	// placeWindow): a conversation of a million messages lays out and
	// renders only the few hundred around the view.
	winLo, winHi int

	segs   []segment
	starts []int // first line of each segment in lines
	lines  []string
	plain  []string
	offset int

	pending map[renderKey]bool
	ahead   int // Options.RenderAhead: lines rendered beyond the view (0: all)
	ctx     context.Context
	cancel  context.CancelFunc

	renderErr error        // last Glamour failure, shown in the status bar
	say       func(string) // puts a note in the status line (actions.say)

	// inViewOnly, set while the archive loads, renders only what is on
	// screen: the rest of the conversation (a long one: most of its
	// messages, with their code highlighted) waits for the end of the load
	// instead of taking a core from the loader. Scrolling still renders
	// what comes into view.
	inViewOnly bool

	terms []string
	// matchers find terms as model/search does (one per term; setTerms).
	matchers []*search.Matcher
	hits     []hitPos
	curHit   int    // index into hits, -1 when none chosen
	pin      hitPin // the current hit as a message and rank, while renders land (hitpin.go)
	hitGen   uint64 // generation of the terms and hit nodes the segments' hit caches hold (hits.go)
	// hitNodes are the nodes the search engine found hits in (NoNode: the
	// title); nil until known, and then every segment may hold hits.
	hitNodes map[int32]bool
	// hitOrder are the nodes of the engine's hits on every branch, in
	// tree order, and hitCount their hits (branchhits.go); nil until known.
	hitOrder []int32
	hitCount map[int32]int
	spaced   bool // a term holds a space: find it across wrapped lines
	// offWin counts the hits of the messages off the window (lazyhits.go
	// offWindowHits); rebuild drops it.
	offWin offWindow
	hlMemo hlMemo // highlighted lines of the last frames (hits.go highlight)

	// focus is the focused message, which [ and ] act on and { and }
	// move (focus.go); while it is out of view (or !hasFocus) the first
	// message in view is focused. focused says the pane has the keyboard:
	// only then is the focus marked.
	focus    int32
	hasFocus bool
	focused  bool
	// memo is, per message a fork switched away from, the thread shown
	// through it then, so [ then ] comes back to exactly that thread.
	memo map[int32]model.Thread

	find   finder   // / in the viewer (find.go)
	ranges [][2]int // scratch for findHits

	// drawn is the last View's lines before padding, and frame that View:
	// the same lines at the same size are the same frame, without
	// measuring and padding every line again (`backchat serve` draws a
	// frame on each of a session's messages, most of them for another
	// pane's sake). drawing is the next View's lines (scratch).
	drawn, drawing []string
	frame          string
	frameW, frameH int
}

func newViewer(keys KeyMap, st Styles, style string, pool *renderPool, now func() time.Time) *viewer {
	return &viewer{keys: keys, styles: st, heads: newHeadSpans(st), style: style, pool: pool, now: now, loc: now().Location(),
		pending: make(map[renderKey]bool), curHit: -1}
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
	v.heads = newHeadSpans(st)
	v.hlMemo = nil // highlighted in the old styles
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
	v.thread, v.tree = nil, nil
	if v.autoExpanded {
		v.expanded, v.autoExpanded = false, false
	}
	if c != nil {
		v.tree = c.Tree()
		v.thread = c.CurrentThread()
	}
	v.offset = 0
	v.curHit, v.pin = -1, hitPin{}
	v.hitNodes, v.hitOrder = nil, nil
	v.focus, v.hasFocus, v.memo = model.NoNode, false, nil
	v.find = finder{}
	if v.cancel != nil {
		v.cancel()
	}
	v.ctx, v.cancel = context.WithCancel(context.Background())
	clear(v.pending)
	clear(v.toggled) // node numbers of another conversation
	v.winLo, v.winHi = 0, 0
	v.rebuild(model.NoNode)
}

// maxBodyWidth caps the text width: lines longer than this are hard to read
// on a wide terminal.
const maxBodyWidth = 120

// bodyWidth is the width messages are wrapped and rendered at.
func (v *viewer) bodyWidth() int { return min(max(v.width-1, 10), maxBodyWidth) }

// rebuild recomputes every segment (from cache or as placeholders) and keeps
// the segment of node `keep` at the top.
func (v *viewer) rebuild(keep int32) {
	// The current hit is an index into the hits of the segments: the
	// segments are made again (at a new width, from the cache or as
	// placeholders, or for another window), so the hit is pinned as its
	// message and rank there until that message's render lands (hitpin.go).
	v.pinCurHit(true)
	defer v.scrollToPinned()
	v.segs = v.segs[:0]
	v.offWin = offWindow{}
	if v.conv == nil || v.width <= 0 {
		v.join()
		return
	}
	v.placeWindow(keep)
	if v.winLo == 0 {
		v.segs = append(v.segs, v.headerSegment())
	}
	for j, n := range v.thread[v.winLo:v.winHi] {
		if n < 0 || int(n) >= len(v.conv.Tree()) {
			continue
		}
		m := v.conv.Tree()[n].Msg
		if v.present(n, m) == render.Omitted {
			continue
		}
		v.segs = append(v.segs, v.messageSegment(v.winLo+j, n, m))
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

func (v *viewer) topNode() int32 {
	if len(v.segs) == 0 {
		return model.NoNode
	}
	return v.segs[v.segAt(v.offset)].node
}

// viewPlace is where the viewer is in a conversation: its thread and the
// line of the view's top inside that line's message (see place).
type viewPlace struct {
	thread model.Thread
	node   int32 // the message at the top (model.NoNode: the header)
	line   int   // the top's line inside node's segment
}

// place is where the viewer is now, to go back to with restore.
func (v *viewer) place() viewPlace {
	p := viewPlace{thread: v.thread, node: model.NoNode}
	if len(v.segs) > 0 {
		s := v.segAt(v.offset)
		p.node, p.line = v.segs[s].node, v.offset-v.starts[s]
	}
	return p
}

// restore goes back to a place of the conversation on view: its thread,
// the same message at the top and the same line of it.
func (v *viewer) restore(p viewPlace) {
	if v.conv == nil {
		return
	}
	v.thread = p.thread
	v.curHit, v.pin = -1, hitPin{}
	v.offset = 0
	v.rebuild(p.node)
	v.offset += p.line
	v.clamp()
}

// scrollPercent is how far down the view is (0–100), or -1 when everything
// fits on one screen.
func (v *viewer) scrollPercent() int {
	if v.windowed() && len(v.segs) > 0 {
		// The share of the thread above the view's top message.
		if v.winHi == len(v.thread) && v.offset >= v.maxOffset() {
			return 100
		}
		at := max(v.threadIndex(v.topNode()), v.winLo)
		return at * 100 / len(v.thread)
	}
	if v.maxOffset() == 0 {
		return -1
	}
	return v.offset * 100 / v.maxOffset()
}

func (v *viewer) maxOffset() int { return max(len(v.lines)-v.height, 0) }

func (v *viewer) clamp() { v.offset = min(max(v.offset, 0), v.maxOffset()) }

// Update implements pane: scrolling and viewer-only keys.
func (v *viewer) Update(msg tea.Msg) (pane, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.MouseWheelMsg:
		v.userMoved()
		switch msg.Button {
		case tea.MouseWheelUp:
			v.offset -= 3
		case tea.MouseWheelDown:
			v.offset += 3
		}
		v.clamp()
		v.slide()
		return v, v.renderNext()
	case tea.KeyPressMsg:
		k := v.keys
		var note string
		if key.Matches(msg, k.Down, k.Up, k.PageDown, k.PageUp, k.Top, k.Bottom,
			k.PrevBranch, k.NextBranch, k.PrevMessage, k.NextMessage) {
			v.userMoved()
		}
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
			v.jumpToEnd(true)
		case key.Matches(msg, k.Bottom):
			v.jumpToEnd(false)
		case key.Matches(msg, k.NextHit):
			v.jumpHit(1)
		case key.Matches(msg, k.PrevHit):
			v.jumpHit(-1)
		case key.Matches(msg, k.PrevBranch):
			note = v.branch(-1)
		case key.Matches(msg, k.NextBranch):
			note = v.branch(1)
		case key.Matches(msg, k.PrevMessage):
			v.moveFocus(-1)
		case key.Matches(msg, k.NextMessage):
			v.moveFocus(1)
		}
		v.clamp()
		v.slide()
		if note != "" && v.say != nil {
			// The status line says why the key did nothing, now: a note
			// sent as a Cmd could land after the next key, whose own
			// clearing it would then outlive.
			v.say(note)
		}
		return v, v.renderNext()
	}
	return v, nil
}

// statusHit is the status bar's hit counter (hitStatus) while the viewer
// is on screen; "" while another pane has its place (W, or the list of a
// narrow screen), where a "hit 2/9" would count hits nobody sees.
func (v *viewer) statusHit(onScreen bool) string {
	if !onScreen {
		return ""
	}
	return v.hitStatus()
}

// toggleHidden shows or hides hidden messages.
func (v *viewer) toggleHidden() tea.Cmd {
	v.showHidden = !v.showHidden
	v.rebuild(v.topNode())
	return v.renderNext()
}

// View implements pane: exactly height lines of exactly width cells.
func (v *viewer) View() string {
	if v.width <= 0 || v.height <= 0 {
		return ""
	}
	out := v.drawing[:0]
	if v.conv == nil {
		out = append(out, v.styles.Empty.Render(ansi.Truncate(" No conversation selected", v.width, "…")))
	} else {
		pieces := v.visiblePieces(v.offset, v.offset+v.height)
		mark := v.focusLines()
		for l := v.offset; l < len(v.lines) && len(out) < v.height; l++ {
			line := v.lines[l]
			if lh := pieces[l]; len(lh) > 0 {
				line = v.highlight(line, v.plain[l], lh)
			}
			if l >= mark[0] && l < mark[1] {
				line = v.markGutter(line)
			}
			out = append(out, line) // fillBlock truncates what is wider
		}
	}
	if v.drawn != nil && v.frameW == v.width && v.frameH == v.height && slices.Equal(out, v.drawn) {
		v.drawing = out
		return v.frame
	}
	v.frame, v.frameW, v.frameH = fillBlock(out, v.width, v.height), v.width, v.height
	v.drawn, v.drawing = out, v.drawn
	return v.frame
}

// title is the pane's title row, w cells wide: the conversation's title,
// its display modes and how far it is scrolled.
func (v *viewer) title(w int, focused bool) string {
	if t, ok := v.findTitle(w); ok {
		return t
	}
	st := v.styles
	s := st.PaneTitle
	if focused {
		s = st.PaneTitleFocused
	}
	t := " Conversation"
	if c := v.conv; c != nil {
		t = " " + safeLine(c.DisplayTitle())
		if v.expanded {
			t += " · tools expanded"
		}
		if v.showHidden {
			t += " · hidden shown"
		}
		if pct := v.scrollPercent(); pct >= 0 {
			pos := fmt.Sprintf(" %d%% ", pct)
			t = ansi.Truncate(t, max(w-len(pos), 0), "…")
			return fillBlock([]string{s.Render(padTo(t, w-len(pos))) + st.PaneTitle.Render(pos)}, w, 1)
		}
	}
	return fillBlock([]string{s.Render(ansi.Truncate(t, w, "…"))}, w, 1)
}

// fillBlock pads lines to exactly w cells and the block to exactly h lines.
func fillBlock(lines []string, w, h int) string {
	var b strings.Builder
	// One allocation for the block (see sideBySide): the lines shown plus
	// at most w cells of padding and a newline each.
	size := 0
	for i := 0; i < h && i < len(lines); i++ {
		size += len(lines[i])
	}
	b.Grow(size + h*(max(w, 0)+1))
	for i := 0; i < h; i++ {
		l := ""
		if i < len(lines) {
			l = lines[i]
		}
		if lw := lineWidth(l); lw < w {
			b.WriteString(l)
			writeSpaces(&b, w-lw)
		} else {
			if lw > w {
				l = ansi.Truncate(l, w, "")
			}
			b.WriteString(l)
		}
		if i < h-1 {
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// lineWidth is ansi.StringWidth(l), without its grapheme and escape
// parsing for a line of printable ASCII and CSI sequences (SGR colours,
// mostly): a placeholder's text, a styled heading or list row, where every
// printable byte is one cell and a sequence none. Anything else (a wide or
// combining character, another escape, a control) goes to ansi.
// TestLineWidth and FuzzLineWidth hold it to ansi.StringWidth.
func lineWidth(l string) int {
	n := 0
	for i := 0; i < len(l); i++ {
		switch c := l[i]; {
		case c >= ' ' && c <= '~':
			n++
		case c == 0x1b && i+1 < len(l) && l[i+1] == '[':
			j := i + 2
			for j < len(l) && l[j] >= 0x30 && l[j] <= 0x3f {
				j++ // parameter bytes
			}
			for j < len(l) && l[j] >= 0x20 && l[j] <= 0x2f {
				j++ // intermediate bytes
			}
			if j >= len(l) || l[j] < 0x40 || l[j] > 0x7e {
				return ansi.StringWidth(l) // not a whole CSI sequence
			}
			i = j // the final byte
		default:
			return ansi.StringWidth(l)
		}
	}
	return n
}

// spaces is padding that writeSpaces slices instead of allocating.
const spaces = "                                                                " // 64

// writeSpaces writes n spaces to b.
func writeSpaces(b *strings.Builder, n int) {
	for n > 0 {
		k := min(n, len(spaces))
		b.WriteString(spaces[:k])
		n -= k
	}
}

// ShortHelp implements help.KeyMap for the viewer.
func (v *viewer) ShortHelp() []key.Binding {
	if v.finding() {
		return v.findHelp()
	}
	return v.shortKeys()
}

// FullHelp implements help.KeyMap for the viewer.
func (v *viewer) FullHelp() [][]key.Binding { return v.keys.FullHelp() }

// globalKey handles the viewer's keys that act whatever pane has the focus
// (t, T), and / while the viewer has it (find in the conversation; in the
// list, / filters the archive). ok is false for any other key.
func (v *viewer) globalKey(msg tea.KeyPressMsg, focused bool) (cmd tea.Cmd, ok bool) {
	switch k := v.keys; {
	case key.Matches(msg, k.Find) && focused && v.conv != nil:
		v.openFind()
		return nil, true
	case key.Matches(msg, k.ToggleFold):
		return v.toggleItem(), true
	case key.Matches(msg, k.ToggleAllFolds):
		return v.toggleExpanded(), true
	}
	return nil, false
}

// segOf is the index of node n's segment, -1 when none holds it.
func (v *viewer) segOf(n int32) int {
	for s := range v.segs {
		if v.segs[s].node == n {
			return s
		}
	}
	return -1
}

// curHitPlace is the current hit's message and how many hits of that
// message come before it (model.NoNode, -1: no current hit).
func (v *viewer) curHitPlace() (int32, int) {
	if v.curHit < 0 || v.curHit >= len(v.hits) || len(v.segs) == 0 {
		return model.NoNode, -1
	}
	node, nth := v.hitNode(v.curHit), 0
	for i := v.curHit - 1; i >= 0 && v.hitNode(i) == node; i-- {
		nth++
	}
	return node, nth
}
