package tui

import (
	"context"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/backchat/backchat/internal/render"
	"github.com/backchat/backchat/model"
	"github.com/backchat/backchat/model/search"
	"github.com/backchat/backchat/model/search/live"
)

// filterPane is the incremental filter: a one-line input whose every change
// starts a search off the event loop (a tea.Cmd). The search service's
// Session numbers the searches, cancels the superseded one, searches within
// the last answer when the query narrows it, drops stale answers and
// re-maps an answer whose list grew while it ran; the pane keeps the input,
// whether a search runs, and whether the list grew since (search again).
// It narrows the list it was given to its answers and tells the viewer
// which terms to highlight and at which hit to land (searchflow.go).
//
// Not safe for concurrent use.
type filterPane struct {
	keys      KeyMap
	session   *live.Session
	ctx       context.Context // the browser's: cancelled on exit
	list      *convList       // narrowed to the answers
	view      *viewer         // highlights the terms, lands on the best hit
	input     lineInput
	active    bool // the input has focus
	query     string
	searching bool
	stale     bool          // the list grew while a query was on: search again
	res       *live.Results // last applied answer (nil: no filter)
	err       error
	hitSeq    int           // number of the last hitsCmd; older answers are dropped
	tickSeq   int           // number of the last indexTickMsg; older ticks are dropped
	tickEvery time.Duration // how often to search again while indexing (indexRefresh)
	// before is where the browser was when / opened the filter: esc in the
	// input goes back there.
	before struct {
		focus  focus
		conv   *model.Conversation
		offset int // the list's first row shown
		place  viewPlace
		pinned bool
	}
}

func newFilterPane(ctx context.Context, keys KeyMap, s *live.Searcher, l *convList, v *viewer) *filterPane {
	f := &filterPane{ctx: ctx, keys: keys, session: live.NewSession(s), list: l, view: v, tickEvery: indexRefresh}
	l.explain = func(w int) []string { return f.explain(l.styles, w) }
	return f
}

// filterEvent is what a key in the filter asks of the root.
type filterEvent int

const (
	filterNone   filterEvent = iota
	filterAccept             // the selected result opened: focus the viewer
	filterBack               // the filter was cancelled: focus where / was pressed
)

// onKey handles a key while the input has focus (every key goes to it).
func (f *filterPane) onKey(msg tea.KeyPressMsg) (tea.Cmd, filterEvent) {
	switch {
	case key.Matches(msg, f.keys.ClearFilter):
		return f.cancel(), filterBack
	case key.Matches(msg, f.keys.ResultDown), key.Matches(msg, f.keys.ResultUp):
		d := 1
		if key.Matches(msg, f.keys.ResultUp) {
			d = -1
		}
		f.list.move(d)
		return f.sync(), filterNone
	case key.Matches(msg, f.keys.AcceptFilter):
		f.active = false
		sel := f.list.selected()
		if sel == nil {
			return nil, filterNone
		}
		cmd := f.sync()
		f.view.openAtHit(f.bestNode(sel))
		return tea.Batch(cmd, f.view.renderNext()), filterAccept
	case msg.String() == "ctrl+c":
		return tea.Quit, filterNone
	}
	if !f.input.Update(msg) {
		return nil, filterNone
	}
	return f.edited(), filterNone
}

// paste takes a terminal's paste: into the filter's input while it is
// open, into the viewer's find (/) while that is; elsewhere a paste does
// nothing (its text is not keys to act on).
func (f *filterPane) paste(s string) tea.Cmd {
	switch {
	case f.active:
		if f.input.Paste(s) {
			return f.edited()
		}
	case f.view.finding():
		return f.view.onFindPaste(s)
	}
	return nil
}

// edited searches for the input's new value (or shows every conversation
// when it is blank).
func (f *filterPane) edited() tea.Cmd {
	f.query = strings.TrimSpace(f.input.Value())
	if f.query == "" {
		f.session.Stop()
		f.searching, f.stale, f.res = false, false, nil
		return f.showAll()
	}
	return f.search()
}

// View is the list pane's title row while the filter is open or on: the
// prompt, the input and the count of matches (count) in w cells.
func (f *filterPane) View(st Styles, w, count int) string {
	prompt := st.PaneTitleFocused.Render(" / ")
	cnt := ""
	if f.on() {
		cnt = " " + render.FormatCount(count)
		if f.searching {
			cnt += "…"
		}
	}
	cw := ansi.StringWidth(cnt)
	in := f.input.View(st, f.active, max(w-3-cw, 1))
	return fillBlock([]string{prompt + in + strings.Repeat(" ", max(w-3-cw-ansi.StringWidth(in), 0)) + st.PaneTitle.Render(cnt)}, w, 1)
}

// ShortHelp implements help.KeyMap for the input.
// statusError is the status bar's word on a query error: the list shows the
// error whole, with the bad token marked (filterhelp.go), so the status bar
// only says there is one. "" when the query is fine.
func (f *filterPane) statusError() string {
	if f.err == nil {
		return ""
	}
	return "query error"
}

func (f *filterPane) ShortHelp() []key.Binding {
	return []key.Binding{f.keys.AcceptFilter, f.keys.ClearFilter, f.keys.ResultDown, f.keys.ResultUp}
}

// FullHelp implements help.KeyMap for the input.
func (f *filterPane) FullHelp() [][]key.Binding { return [][]key.Binding{f.ShortHelp()} }

// open gives the input focus. Opened with no filter on, it remembers where
// the browser is (focus is the focused pane) for esc to go back to.
func (f *filterPane) open(from focus) {
	if !f.on() {
		b := &f.before
		b.focus, b.conv, b.offset, b.place, b.pinned = from, f.list.selected(), f.list.offset, f.view.place(), f.list.pinned
	}
	f.active = true
}

// cancel clears the filter and goes back to the conversation, and the place
// in it, that the browser showed before / (focus: before.focus). A
// selection the user had not chosen follows the list's top, as it did: the
// newest conversation, which may have arrived since.
func (f *filterPane) cancel() tea.Cmd {
	f.clear()
	b := f.before
	f.list.pinned = b.pinned
	f.list.setFiltered(nil, false, false)
	if b.pinned {
		f.list.selectConv(b.conv, b.offset)
	} // else the list still follows its top: the newest conversation
	f.view.setTerms(nil)
	cmd := f.sync()
	if f.view.conv == b.conv {
		f.view.restore(b.place)
	}
	return tea.Batch(cmd, f.view.renderNext())
}

// search starts a search for the current query over the whole list (a
// slice never mutated afterwards: the list replaces it as it grows) and
// returns the command that runs it.
func (f *filterPane) search() tea.Cmd {
	f.stale = false
	f.searching = true
	if f.err != nil {
		// The error was the last query's: while this one runs (it may
		// wait for the index right after a load) it must not stay shown.
		if _, err := search.Parse(f.query); err == nil {
			f.err = nil
		}
	}
	job := f.session.Start(f.list.all, f.query, f.options())
	return func() tea.Msg { return searchMsg{job()} }
}

// options is the browser state searches depend on.
func (f *filterPane) options() live.Options {
	return live.Options{IncludeHidden: f.view.showHidden}
}

// listGrew notes that conversations arrived: a query that is on must be
// searched again.
func (f *filterPane) listGrew() {
	if f.on() {
		f.stale = true
	}
}

// rerun searches again when the list grew since the last search and none
// runs (nil otherwise).
func (f *filterPane) rerun() tea.Cmd {
	if !f.stale || f.searching {
		return nil
	}
	return f.search()
}

// refresh searches again when a filter is on: the options changed (hidden
// messages are searched only while shown).
func (f *filterPane) refresh() tea.Cmd {
	if !f.on() {
		return nil
	}
	return f.search()
}

// apply takes a search's answer over what the list is now. ok is false for
// a stale answer (drop it); res is nil when the search failed (err says
// why, and the last answer is forgotten) and newQuery says the answer is for another query than the last
// one shown (the list then goes back to its top).
func (f *filterPane) apply(msg searchMsg) (res *live.Results, newQuery, ok bool) {
	prev := f.res
	r, current, err := f.session.Apply(msg.Answer, f.list.all)
	if !current {
		return nil, false, false
	}
	f.searching = false
	if err != nil {
		f.err, f.res = err, nil // the results are cleared, not left stale
	}
	if r == nil {
		return nil, false, true
	}
	f.err = nil
	f.res = r
	return r, prev == nil || prev.Query != r.Query, true
}

// clear cancels any search and forgets the query.
func (f *filterPane) clear() {
	f.session.Stop()
	f.searching, f.stale = false, false
	f.query = ""
	f.res = nil
	f.err = nil
	f.active = false
	f.input = lineInput{}
}

// close cancels the running search (the browser is exiting).
func (f *filterPane) close() { f.session.Stop() }

// on reports whether a non-empty filter narrows the list.
func (f *filterPane) on() bool { return f.query != "" }

// partial reports whether the answer shown holds only the top matches.
func (f *filterPane) partial() bool { return f.on() && f.res != nil && f.res.Partial }

// terms are the strings to highlight, from the last answer.
func (f *filterPane) terms() []string {
	if f.res == nil || f.query == "" {
		return nil
	}
	return f.res.Terms
}
