// Package tui is backchat's full-screen browser: a conversation list and a
// Glamour-rendered viewer, built on Bubble Tea v2. Every Bubbles, Glamour
// and Lip Gloss import of the project is here; Bubble Tea itself is also
// imported by the programs that run a Model (the CLI and the SSH server),
// which use Charm's log, ansi, term and colorprofile packages too. It keeps
// no globals and reads neither stdin nor the environment, so one process can
// serve many SSH sessions, each with its own Model over the same read-only
// archive.
package tui

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/backchat/backchat/model"
	"github.com/backchat/backchat/model/search/live"
)

// Options configures a browser. Exactly one of Archive and Load is used
// (Archive wins when both are set).
type Options struct {
	// Archive is an archive that is already loaded.
	Archive *model.Archive
	// Prepared, when it was built from Archive by Prepare, gives New the
	// sorted list and message counts instead of working them out again;
	// `backchat serve` shares one across every session. A Prepared of
	// another archive is ignored.
	Prepared *Prepared
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
	// Searcher runs filter queries. Nil: the browser indexes what it shows
	// itself (an Archive before New returns, about 3 CPU-seconds per GB; a
	// Load as it streams in). Share one across sessions of one archive.
	Searcher *live.Searcher
	// Now is the clock for date groups; nil means time.Now.
	Now func() time.Time
	// Actions says what the copy, pager, editor, save and image keys may do.
	// The zero value suits an SSH session: only copying (OSC 52) works.
	Actions Actions
	// RenderAhead bounds the viewer's background rendering to the messages
	// within this many lines above and below the view (more are rendered
	// as the view moves); 0 renders the whole conversation once the view
	// is rendered, which a local browser can afford. `backchat serve` sets
	// it: fifty sessions then render what their users look at, not fifty
	// whole conversations.
	RenderAhead int
}

// focus says which pane receives keys when no overlay is open.
type focus int

const (
	focusList     focus = iota
	focusViewer         // the conversation, right of the list
	focusWarnings       // the load warnings, in the viewer's place
)

// overlayKind says which pane, if any, is open over the screen. An overlay
// takes every key (and the mouse) until it closes; focus is kept for when
// it does.
type overlayKind int

const (
	overlayNone   overlayKind = iota
	overlayStats              // the stats view, full screen but the help row
	overlayPicker             // a picker, centred over the browser
)

// themeTimeout is how long the browser waits for the terminal's background
// colour before settling on dark.
const themeTimeout = 300 * time.Millisecond

// Model is the root of the browser: it routes messages to the panes and lays
// them out. Create it with New. Not safe for concurrent use (Bubble Tea calls
// it from one goroutine).
type Model struct {
	opts   Options
	keys   KeyMap
	styles Styles
	now    func() time.Time

	width, height int
	focus         focus
	overlay       overlayKind
	narrow        bool // one pane at a time
	listWidth     int

	help     *helpPane
	list     *convList
	view     *viewer
	warnings *warnView
	stats    *statsView // set while overlay is overlayStats
	picker   *picker    // set while overlay is overlayPicker
	filter   *filterPane
	pool     *renderPool

	stream   *loadStream
	ctx      context.Context
	cancel   context.CancelFunc
	loading  bool
	done     int64
	total    int64
	loadErr  error
	themeSet bool // the theme is final (option given or terminal answered)

	act *actions // copy, pager, editor, save, image: the notice, temporary files
}

// New builds a browser from opts. Nothing runs until Bubble Tea calls Init.
func New(opts Options) *Model {
	m := &Model{opts: opts, keys: DefaultKeyMap(), now: opts.Now}
	searcher := opts.Searcher
	if searcher == nil {
		searcher = ownSearcher(&m.opts)
	}
	if m.now == nil {
		m.now = time.Now
	}
	m.ctx, m.cancel = context.WithCancel(context.Background())
	m.pool = opts.Prepared.renderPool(opts.Archive)
	isDark := opts.Theme != "light"
	m.themeSet = opts.Theme != "" || opts.NoColor
	m.styles = m.opts.styles(isDark)
	m.help = newHelpPane(m.keys)
	m.list = newConvList(m.keys, m.styles, m.now)
	m.view = newViewer(m.keys, m.styles, m.opts.glamourStyle(isDark), m.pool, m.now)
	m.view.ahead = opts.RenderAhead
	m.warnings = newWarnView(m.keys, m.styles)
	m.filter = newFilterPane(m.ctx, m.keys, searcher, m.list, m.view)
	m.act = newActions(opts.Actions, m.keys)
	m.view.say = m.act.say
	m.help.setTheme(isDark, m.opts.plain(), m.styles.ItemMeta)
	if opts.Archive != nil {
		m.setArchive(opts.Archive)
	} else if opts.Load != nil {
		m.loading = true
		m.list.loading = true
		m.view.inViewOnly = true
		m.stream = newLoadStream()
	}
	m.list.focused = true
	if opts.Width > 0 && opts.Height > 0 {
		m.resize(opts.Width, opts.Height)
	}
	return m
}

// plain says colours are off (NO_COLOR or the notty theme).
func (o Options) plain() bool { return o.NoColor || o.Theme == "notty" }

// styles are the browser's styles on a dark or light background.
func (o Options) styles(isDark bool) Styles {
	if o.plain() {
		return NewPlainStyles()
	}
	return NewStyles(isDark)
}

// glamourStyle is the Glamour style on a dark or light background.
func (o Options) glamourStyle(isDark bool) string {
	switch {
	case o.plain():
		return "notty"
	case isDark:
		return "dark"
	default:
		return "light"
	}
}

// applyTheme switches every pane's styles to dark or light.
func (m *Model) applyTheme(isDark bool) {
	m.styles = m.opts.styles(isDark)
	m.list.setStyles(m.styles)
	m.warnings.styles = m.styles
	m.help.setTheme(isDark, m.opts.plain(), m.styles.ItemMeta)
	m.view.setTheme(m.styles, m.opts.glamourStyle(isDark))
	if m.stats != nil {
		m.stats.setTheme(m.styles, m.view.style)
	}
	if m.picker != nil {
		m.picker.styles = m.styles
	}
}

// setArchive shows a complete archive.
func (m *Model) setArchive(a *model.Archive) {
	m.list.setArchive(a, m.opts.Prepared)
	m.setWarnings(a.Warnings)
}

// setWarnings gives the load warnings to the viewer (the status bar counts
// them there; an empty conversation gives their reason) and the W pane.
func (m *Model) setWarnings(ws []model.Warning) {
	m.view.setWarns(ws)
	m.warnings.set(ws)
}

// ownSearcher is the searcher of a browser given none: over opts.Archive,
// built here; for opts.Load, fed as the load streams in (opts.Load is
// wrapped to do so).
func ownSearcher(opts *Options) *live.Searcher {
	if opts.Archive != nil {
		return live.NewArchive(opts.Archive)
	}
	s := live.New()
	if load := opts.Load; load != nil {
		opts.Load = func(ctx context.Context, onConv func(*model.Conversation), progress func(done, total int64)) (*model.Archive, error) {
			a, err := load(ctx, func(c *model.Conversation) {
				s.Add(c)
				onConv(c)
			}, progress)
			s.Loaded(a)
			return a, err
		}
	}
	return s
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
	m.filter.close()
	if m.view.cancel != nil {
		m.view.cancel()
	}
	m.act.close()
}

// resize lays the screen out for a new terminal size.
func (m *Model) resize(w, h int) {
	m.width, m.height = w, h
	m.layout()
}

// layout computes every size from the window size. Below 70 columns only the
// focused pane shows (the list or the viewer), full width. The stats view
// takes the screen but the help row; a picker is centred on the screen.
func (m *Model) layout() {
	w, h := m.width, m.height
	m.help.SetSize(w, h)
	if m.stats != nil {
		m.stats.SetSize(w, h-min(max(h-1, 0), 1)) // the help row, when there is room
	}
	if m.picker != nil {
		m.picker.SetSize(w, h)
	}
	bodyH := max(h-2-m.help.Height(), 0) // title row, status bar, help
	m.narrow = w < 70
	m.listWidth = w
	vw := w
	if !m.narrow {
		m.listWidth = min(max(w*35/100, 28), 60)
		vw = max(w-m.listWidth-1, 0) // one column for the separator
	}
	m.list.SetSize(m.listWidth, bodyH)
	m.view.SetSize(vw, bodyH)
	m.warnings.SetSize(vw, bodyH)
}

// setFocus moves key focus. A conversation opened in the viewer stays
// selected while the list changes.
func (m *Model) setFocus(f focus) {
	m.focus = f
	m.list.focused = f == focusList
	m.view.focused = f == focusViewer
	m.list.pinned = m.list.pinned || f == focusViewer
}

// syncViewer shows the list's selection in the viewer; the filter knows at
// which hit it lands.
func (m *Model) syncViewer() tea.Cmd { return m.filter.sync() }

// Update implements tea.Model. Order: size, our messages, then the mouse
// and keys (all of them to an open overlay).
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.resize(msg.Width, msg.Height)
		return m, tea.Batch(m.view.renderNext(), m.list.locateCmd())
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
	case statsMsg:
		msg.view.Update(msg) // the view that asked (once closed, unseen)
		return m, nil
	case tea.PasteMsg:
		return m, m.filter.paste(msg.Content)
	case actionDoneMsg, execReadyMsg:
		return m, m.act.update(msg)
	case searchMsg, indexTickMsg, reindexedMsg, locatedMsg:
		return m, m.filter.onMsg(msg)
	case hitsMsg:
		return m, m.filter.onHits(msg)
	case renderedMsg:
		return m, m.view.onRendered(msg)
	case tea.MouseWheelMsg, tea.MouseClickMsg:
		if m.help.full {
			_, cmd := m.help.Update(msg)
			return m, cmd
		}
		if m.overlay != overlayNone {
			return m, m.onOverlay(msg)
		}
		return m, m.onMouse(msg, msg.(tea.MouseMsg).Mouse())
	case tea.KeyPressMsg:
		return m, m.onKey(msg)
	}
	return m, nil
}
