// Package tui is backchat's full-screen browser: a conversation list and a
// Glamour-rendered viewer, built on Bubble Tea v2. It owns every Charm import
// of the project. It keeps no globals and reads neither stdin nor the
// environment, so one process can serve many SSH sessions, each with its own
// Model over the same read-only archive.
package tui

import (
	"context"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/backchat/backchat/model"
)

// Options configures a browser. Exactly one of Archive and Load is used
// (Archive wins when both are set).
type Options struct {
	// Archive is an archive that is already loaded.
	Archive *model.Archive
	// Load streams an archive in while the browser runs.
	Load LoadFunc
	// Theme is "dark", "light", "notty", or "" to ask the terminal for its
	// background colour (falling back to dark after about 300 ms).
	Theme string
	// NoColor turns colours off (the caller maps NO_COLOR to it); Glamour then
	// uses its notty style.
	NoColor bool
	// Width and Height set the initial size (tests); the terminal's size
	// messages override them.
	Width, Height int
	// Searcher runs filter queries; nil means NewSubstringSearcher().
	Searcher Searcher
	// Now is the clock for date groups; nil means time.Now.
	Now func() time.Time
}

// focus says which part of the screen receives keys.
type focus int

const (
	focusList focus = iota
	focusViewer
	focusWarnings
)

// themeTimeout is how long the browser waits for the terminal's background
// colour before settling on dark.
const themeTimeout = 300 * time.Millisecond

// Model is the root of the browser: it routes messages to the panes and lays
// them out. Create it with New. Not safe for concurrent use (Bubble Tea calls
// it from one goroutine).
type Model struct {
	opts     Options
	keys     KeyMap
	styles   Styles
	searcher Searcher
	now      func() time.Time

	width, height int
	focus         focus
	narrow        bool // one pane at a time
	listWidth     int
	fullHelp      bool
	help          help.Model

	list     *convList
	view     *viewer
	warnings *warnView
	filter   filter
	pool     *renderPool

	stream   *loadStream
	ctx      context.Context
	cancel   context.CancelFunc
	loading  bool
	done     int64
	total    int64
	loadErr  error
	warnList []model.Warning
	themeSet bool // the theme is final (option given or terminal answered)
}

// New builds a browser from opts. Nothing runs until Bubble Tea calls Init.
func New(opts Options) *Model {
	m := &Model{opts: opts, keys: DefaultKeyMap(), searcher: opts.Searcher, now: opts.Now}
	if m.searcher == nil {
		m.searcher = NewSubstringSearcher()
	}
	if m.now == nil {
		m.now = time.Now
	}
	m.ctx, m.cancel = context.WithCancel(context.Background())
	m.pool = newRenderPool()
	isDark := opts.Theme != "light"
	m.themeSet = opts.Theme != "" || opts.NoColor
	m.styles = m.stylesFor(isDark)
	m.help = help.New()
	m.list = newConvList(m.keys, m.styles, m.now)
	m.view = newViewer(m.keys, m.styles, m.glamourStyle(isDark), m.pool, m.now)
	m.warnings = &warnView{keys: m.keys, styles: m.styles}
	m.filter = newFilter()
	m.setHelpStyles(isDark)
	if opts.Archive != nil {
		m.setArchive(opts.Archive)
	} else if opts.Load != nil {
		m.loading = true
		m.list.loading = true
		m.stream = newLoadStream()
	}
	m.list.focused = true
	if opts.Width > 0 && opts.Height > 0 {
		m.resize(opts.Width, opts.Height)
	}
	return m
}

func (m *Model) stylesFor(isDark bool) Styles {
	if m.opts.NoColor || m.opts.Theme == "notty" {
		return NewPlainStyles()
	}
	return NewStyles(isDark)
}

func (m *Model) glamourStyle(isDark bool) string {
	switch {
	case m.opts.NoColor || m.opts.Theme == "notty":
		return "notty"
	case isDark:
		return "dark"
	default:
		return "light"
	}
}

func (m *Model) setHelpStyles(isDark bool) {
	if m.opts.NoColor || m.opts.Theme == "notty" {
		p := lipgloss.NewStyle()
		m.help.Styles = help.Styles{ShortKey: p.Bold(true), ShortDesc: p, ShortSeparator: p, Ellipsis: p,
			FullKey: p.Bold(true), FullDesc: p, FullSeparator: p}
		return
	}
	m.help.Styles = help.DefaultStyles(isDark)
}

// applyTheme switches every style to dark or light.
func (m *Model) applyTheme(isDark bool) {
	m.styles = m.stylesFor(isDark)
	m.list.styles = m.styles
	m.warnings.styles = m.styles
	m.setHelpStyles(isDark)
	m.view.setTheme(m.styles, m.glamourStyle(isDark))
}

// setArchive shows a complete archive.
func (m *Model) setArchive(a *model.Archive) {
	all := append([]*model.Conversation(nil), a.Conversations...)
	sortNewest(all)
	m.list.setAll(all)
	m.warnList = a.Warnings
	m.warnings.set(a.Warnings)
}

// Init implements tea.Model: start loading and ask for the background colour.
func (m *Model) Init() tea.Cmd {
	var cmds []tea.Cmd
	if m.stream != nil {
		cmds = append(cmds, startLoadCmd(m.ctx, m.stream, m.opts.Load))
	}
	if !m.themeSet {
		cmds = append(cmds, tea.RequestBackgroundColor,
			tea.Tick(themeTimeout, func(time.Time) tea.Msg { return themeTimeoutMsg{} }))
	}
	if c := m.syncViewer(); c != nil {
		cmds = append(cmds, c)
	}
	return tea.Batch(cmds...)
}

// Close stops the loader and any background work; Run calls it on exit.
func (m *Model) Close() {
	m.cancel()
	if m.filter.cancel != nil {
		m.filter.cancel()
	}
	if m.view.cancel != nil {
		m.view.cancel()
	}
}

// resize lays the screen out for a new terminal size.
func (m *Model) resize(w, h int) {
	m.width, m.height = w, h
	m.layout()
}

// helpHeight is the number of lines the help bar takes.
func (m *Model) helpHeight() int {
	if !m.fullHelp {
		return 1
	}
	return lipgloss.Height(m.help.FullHelpView(m.keys.FullHelp()))
}

// layout computes every size from the window size. Below 70 columns only the
// focused pane shows (the list or the viewer), full width.
func (m *Model) layout() {
	w, h := m.width, m.height
	m.help.SetWidth(w)
	bodyH := max(h-2-m.helpHeight(), 0) // title row, status bar, help
	m.narrow = w < 70
	if m.narrow {
		m.listWidth = w
		m.list.SetSize(w, bodyH)
		m.view.SetSize(w, bodyH)
		m.warnings.SetSize(w, bodyH)
	} else {
		m.listWidth = min(max(w*35/100, 28), 60)
		vw := max(w-m.listWidth-1, 0) // one column for the separator
		m.list.SetSize(m.listWidth, bodyH)
		m.view.SetSize(vw, bodyH)
		m.warnings.SetSize(vw, bodyH)
	}
}

// setFocus moves key focus.
func (m *Model) setFocus(f focus) {
	m.focus = f
	m.list.focused = f == focusList
}

// syncViewer shows the list's selection in the viewer and starts its renders.
func (m *Model) syncViewer() tea.Cmd {
	sel := m.list.selected()
	if sel != m.view.conv {
		m.view.show(sel)
		m.view.setTerms(m.filter.terms())
	}
	return m.view.renderNext()
}

// Update implements tea.Model. Order: size, our messages, then keys.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.resize(msg.Width, msg.Height)
		return m, m.view.renderNext()
	case tea.BackgroundColorMsg:
		if m.opts.Theme == "" && !m.opts.NoColor {
			m.themeSet = true
			m.applyTheme(msg.IsDark())
			return m, m.view.renderNext()
		}
		return m, nil
	case themeTimeoutMsg:
		m.themeSet = true
		return m, nil
	case loadBatchMsg:
		return m, m.onBatch(msg)
	case searchMsg:
		return m, m.onSearch(msg)
	case renderedMsg:
		return m, m.view.onRendered(msg)
	case tea.MouseWheelMsg:
		return m, m.onMouse(msg, msg.Mouse())
	case tea.MouseClickMsg:
		return m, m.onMouse(msg, msg.Mouse())
	case tea.KeyPressMsg:
		return m, m.onKey(msg)
	}
	return m, nil
}

func (m *Model) onBatch(msg loadBatchMsg) tea.Cmd {
	m.done, m.total = msg.done, msg.total
	var cmds []tea.Cmd
	if len(msg.convs) > 0 && !msg.finished {
		all := make([]*model.Conversation, 0, len(m.list.all)+len(msg.convs))
		all = append(append(all, m.list.all...), msg.convs...)
		sortNewest(all)
		m.list.setAll(all)
		if m.filter.on() {
			m.filter.stale = true
		}
	}
	if msg.finished {
		m.loading = false
		m.list.loading = false
		switch {
		case msg.err != nil:
			m.loadErr = msg.err
		case msg.archive != nil:
			m.setArchive(msg.archive)
			if m.filter.on() {
				m.filter.stale = true
			}
		default:
			all := append(append([]*model.Conversation(nil), m.list.all...), msg.convs...)
			sortNewest(all)
			m.list.setAll(all)
		}
	} else {
		cmds = append(cmds, waitBatchCmd(m.stream))
	}
	if m.filter.stale && !m.filter.searching {
		cmds = append(cmds, m.filter.run(m.searcher, m.list.all))
	}
	cmds = append(cmds, m.syncViewer())
	return tea.Batch(cmds...)
}

func (m *Model) onSearch(msg searchMsg) tea.Cmd {
	if msg.seq != m.filter.seq {
		return nil // stale: a newer query is running or the filter was cleared
	}
	m.filter.searching = false
	var cmds []tea.Cmd
	if msg.err != nil {
		if msg.err != context.Canceled {
			m.filter.err = msg.err
		}
	} else {
		m.filter.err = nil
		newQuery := m.filter.res == nil || m.filter.res.Query != msg.res.Query
		res := msg.res
		m.filter.res = &res
		if !sameSnapshot(msg.convs, m.list.all) {
			// The list grew (and was re-sorted) since the search began: map
			// the snapshot's indices through the conversations themselves.
			res = remap(res, msg.convs, m.list.all)
			m.filter.res = &res
		}
		idx := res.Convs
		m.list.setFiltered(idx, true, newQuery)
		m.view.setTerms(m.filter.terms())
	}
	if m.filter.stale {
		cmds = append(cmds, m.filter.run(m.searcher, m.list.all))
	}
	cmds = append(cmds, m.syncViewer())
	return tea.Batch(cmds...)
}

func (m *Model) onMouse(msg tea.Msg, mo tea.Mouse) tea.Cmd {
	y := mo.Y - 1 // the title row
	inList := m.focus == focusList
	if !m.narrow {
		inList = mo.X < m.listWidth
	}
	if inList {
		if _, click := msg.(tea.MouseClickMsg); click {
			if y < 0 {
				return nil
			}
			msg = tea.MouseClickMsg(tea.Mouse{X: mo.X, Y: y, Button: mo.Button, Mod: mo.Mod})
			m.setFocus(focusList)
		}
		m.list.Update(msg)
		return m.syncViewer()
	}
	if m.focus == focusWarnings {
		m.warnings.Update(msg)
		return nil
	}
	if _, click := msg.(tea.MouseClickMsg); click {
		m.setFocus(focusViewer)
		return nil
	}
	_, cmd := m.view.Update(msg)
	return cmd
}

func (m *Model) onKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	if m.filter.active {
		return m.onFilterKey(msg)
	}
	if m.loadErr != nil {
		if key.Matches(msg, k.Quit) || key.Matches(msg, k.Back) {
			return tea.Quit
		}
		return nil
	}
	switch {
	case key.Matches(msg, k.Quit):
		return tea.Quit
	case key.Matches(msg, k.Help):
		m.fullHelp = !m.fullHelp
		m.layout()
		return nil
	case key.Matches(msg, k.Filter):
		m.filter.active = true
		m.setFocus(focusList)
		return nil
	case key.Matches(msg, k.Warnings):
		if m.focus == focusWarnings {
			m.setFocus(focusList)
		} else {
			m.setFocus(focusWarnings)
		}
		return nil
	case key.Matches(msg, k.NextPane), key.Matches(msg, k.PrevPane):
		if m.focus == focusList {
			m.setFocus(focusViewer)
		} else {
			m.setFocus(focusList)
		}
		return nil
	case key.Matches(msg, k.ToggleFold):
		return m.view.toggleExpanded()
	case key.Matches(msg, k.ToggleHidden):
		return m.view.toggleHidden()
	}
	switch m.focus {
	case focusList:
		switch {
		case key.Matches(msg, k.Open):
			if m.list.selected() != nil {
				m.setFocus(focusViewer)
			}
			return m.syncViewer()
		case key.Matches(msg, k.ClearFilter):
			if m.filter.on() {
				m.filter.clear()
				m.list.setFiltered(nil, false, false)
				m.view.setTerms(nil)
			}
			return m.syncViewer()
		case key.Matches(msg, k.NextHit), key.Matches(msg, k.PrevHit):
			_, cmd := m.view.Update(msg)
			return cmd
		}
		m.list.Update(msg)
		return m.syncViewer()
	case focusWarnings:
		if key.Matches(msg, k.Back) {
			m.setFocus(focusList)
			return nil
		}
		m.warnings.Update(msg)
		return nil
	default:
		if key.Matches(msg, k.Back) {
			m.setFocus(focusList)
			return nil
		}
		_, cmd := m.view.Update(msg)
		return cmd
	}
}

// onFilterKey handles keys while the filter input has focus: every key goes
// to it.
func (m *Model) onFilterKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.ClearFilter):
		m.filter.clear()
		m.list.setFiltered(nil, false, false)
		m.view.setTerms(nil)
		return m.syncViewer()
	case key.Matches(msg, k.AcceptFilter):
		m.filter.active = false
		sel := m.list.selected()
		if sel == nil {
			return nil
		}
		m.setFocus(focusViewer)
		cmd := m.syncViewer()
		first := int32(model.NoNode)
		if r := m.filter.res; r != nil {
			for _, i := range r.Convs {
				if i < len(m.list.all) && m.list.all[i] == sel && len(r.Hits[i]) > 0 {
					first = r.Hits[i][0].Node
				}
			}
		}
		m.view.firstHit(first)
		return tea.Batch(cmd, m.view.renderNext())
	case msg.String() == "ctrl+c":
		return tea.Quit
	}
	if !m.filter.input.Update(msg) {
		return nil
	}
	m.filter.query = strings.TrimSpace(m.filter.input.Value())
	if m.filter.query == "" {
		if m.filter.cancel != nil {
			m.filter.cancel()
		}
		m.filter.seq++
		m.filter.searching = false
		m.filter.res = nil
		m.list.setFiltered(nil, false, false)
		m.view.setTerms(nil)
		return m.syncViewer()
	}
	return m.filter.run(m.searcher, m.list.all)
}

// View implements tea.Model.
func (m *Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "backchat"
	return v
}

// render draws the whole screen as a string (tests compare it).
func (m *Model) render() string {
	w, h := m.width, m.height
	if w <= 0 || h <= 0 {
		return ""
	}
	st := m.styles
	if m.loadErr != nil {
		lines := []string{"", " " + st.ErrorTitle.Render("backchat could not load the archive"), ""}
		for _, l := range strings.Split(ansi.Wrap(safeText(m.loadErr.Error()), max(w-4, 10), " "), "\n") {
			lines = append(lines, "  "+st.ErrorBody.Render(l))
		}
		lines = append(lines, "", " "+st.Empty.Render("Press q to quit."))
		return fillBlock(lines, w, h)
	}
	bodyH := max(h-2-m.helpHeight(), 0)
	var body string
	right := pane(m.view)
	if m.focus == focusWarnings {
		right = m.warnings
	}
	if m.narrow {
		title := m.listTitle(w)
		p := pane(m.list)
		if m.focus != focusList {
			p = right
			title = m.viewTitle(w)
		}
		body = title + "\n" + p.View()
	} else {
		sep := st.Separator.Render("│")
		top := m.listTitle(m.listWidth) + sep + m.viewTitle(w-m.listWidth-1)
		left := strings.Split(m.list.View(), "\n")
		rv := strings.Split(right.View(), "\n")
		var b strings.Builder
		b.WriteString(top)
		for i := 0; i < bodyH; i++ {
			b.WriteByte('\n')
			if i < len(left) {
				b.WriteString(left[i])
			}
			b.WriteString(sep)
			if i < len(rv) {
				b.WriteString(rv[i])
			}
		}
		body = b.String()
	}
	status := statusBar(st, m.statusInfo(), w)
	return body + "\n" + status + "\n" + m.helpView()
}

func (m *Model) statusInfo() statusInfo {
	in := statusInfo{loading: m.loading, done: m.done, total: m.total, loaded: len(m.list.all),
		shown: m.list.count(), filtering: m.filter.on(), searching: m.filter.searching,
		warnings: len(m.warnList), hit: m.view.hitStatus()}
	if m.filter.err != nil {
		in.errText = "search: " + safeLine(m.filter.err.Error())
	}
	return in
}

func (m *Model) listTitle(w int) string {
	st := m.styles
	if m.filter.active || m.filter.on() {
		prompt := st.PaneTitleFocused.Render(" / ")
		count := ""
		if m.filter.on() {
			count = " " + formatCount(m.list.count())
			if m.filter.searching {
				count += "…"
			}
		}
		cw := ansi.StringWidth(count)
		in := m.filter.input.View(st, m.filter.active, max(w-3-cw, 1))
		return fillBlock([]string{prompt + in + strings.Repeat(" ", max(w-3-cw-ansi.StringWidth(in), 0)) + st.PaneTitle.Render(count)}, w, 1)
	}
	s := st.PaneTitle
	if m.focus == focusList {
		s = st.PaneTitleFocused
	}
	return fillBlock([]string{s.Render(" Conversations")}, w, 1)
}

func (m *Model) viewTitle(w int) string {
	st := m.styles
	s := st.PaneTitle
	if m.focus != focusList {
		s = st.PaneTitleFocused
	}
	t := " Conversation"
	if m.focus == focusWarnings {
		t = " Load warnings"
	} else if c := m.view.conv; c != nil {
		t = " " + safeLine(c.DisplayTitle())
		if m.view.expanded {
			t += " · tools expanded"
		}
		if m.view.showHidden {
			t += " · hidden shown"
		}
	}
	return fillBlock([]string{s.Render(ansi.Truncate(t, w, "…"))}, w, 1)
}

// helpView is the help bar: global bindings plus the focused pane's.
func (m *Model) helpView() string {
	if m.fullHelp {
		lines := strings.Split(m.help.FullHelpView(m.keys.FullHelp()), "\n")
		return fillBlock(lines, m.width, len(lines))
	}
	var p pane = m.list
	switch m.focus {
	case focusViewer:
		p = m.view
	case focusWarnings:
		p = m.warnings
	}
	short := append(p.ShortHelp(), m.keys.Warnings, m.keys.Help, m.keys.Quit)
	if m.filter.active {
		short = []key.Binding{m.keys.AcceptFilter, m.keys.ClearFilter}
	}
	return fillBlock([]string{m.help.ShortHelpView(short)}, m.width, 1)
}

// sameSnapshot reports whether a and b are the same slice.
func sameSnapshot(a, b []*model.Conversation) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// remap rewrites result indices into from as indices into to.
func remap(res Results, from, to []*model.Conversation) Results {
	at := make(map[*model.Conversation]int, len(to))
	for i, c := range to {
		at[c] = i
	}
	out := Results{Query: res.Query, Terms: res.Terms, Hits: make(map[int][]Hit)}
	for _, i := range res.Convs {
		if i < 0 || i >= len(from) {
			continue
		}
		if j, ok := at[from[i]]; ok {
			out.Convs = append(out.Convs, j)
			if h, ok := res.Hits[i]; ok {
				out.Hits[j] = h
			}
		}
	}
	return out
}
