package tui

import (
	"context"

	"unicode"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/backchat/backchat/model"
)

// filter is the incremental filter: a text input whose every change starts a
// search off the event loop. Each search has a sequence number and its own
// context; starting a new one cancels the previous, and answers that are not
// the latest are dropped, so typing never waits for a search.
//
// Not safe for concurrent use.
type filter struct {
	input     lineInput
	active    bool // the input has focus
	query     string
	seq       int
	cancel    context.CancelFunc
	searching bool
	stale     bool                  // the list grew while searching: search again
	res       *Results              // last applied answer (nil: no filter)
	resConvs  []*model.Conversation // the list res's indices refer to
	opt       SearchOptions         // options of the last search started
	err       error
}

func newFilter() filter {
	return filter{}
}

// run starts a search for the current query over convs. When the searcher
// says the query narrows the last applied one over the same list, only that
// answer's conversations are searched.
func (f *filter) run(s Searcher, convs []*model.Conversation, opt SearchOptions) tea.Cmd {
	if f.cancel != nil {
		f.cancel()
	}
	f.seq++
	f.stale = false
	f.searching = true
	ctx, cancel := context.WithCancel(context.Background())
	f.cancel = cancel
	seq, q := f.seq, f.query
	var prev *Results // the answer to search within; nil: all
	if n, ok := s.(Narrower); ok && f.res != nil && !f.res.Partial && f.opt == opt && sameSnapshot(f.resConvs, convs) && n.Narrows(f.res.Query, q) {
		prev = f.res
	}
	f.opt = opt
	return func() tea.Msg {
		res, err := searchSubset(ctx, s, convs, prev, q, opt)
		return searchMsg{seq: seq, res: res, n: len(convs), convs: convs, err: err}
	}
}

// searchSubset searches the conversations of prev (all of convs when prev
// is nil) and answers in indices into convs.
func searchSubset(ctx context.Context, s Searcher, convs []*model.Conversation, prev *Results, q string, opt SearchOptions) (Results, error) {
	if prev == nil {
		return searchWith(ctx, s, convs, q, opt)
	}
	base := prev.Convs
	for _, i := range base {
		if i < 0 || i >= len(convs) {
			return searchWith(ctx, s, convs, q, opt) // inconsistent base: search all
		}
	}
	if ss, ok := s.(SubsetSearcher); ok {
		return ss.SearchWithin(ctx, convs, *prev, q, opt)
	}
	sub := make([]*model.Conversation, len(base))
	for k, i := range base {
		sub[k] = convs[i]
	}
	res, err := searchWith(ctx, s, sub, q, opt)
	if err != nil {
		return res, err
	}
	return mapResults(res, func(j int) (int, bool) {
		if j >= 0 && j < len(base) {
			return base[j], true
		}
		return 0, false
	}), nil
}

// searchWith runs s with opt when it takes options (OptionSearcher).
func searchWith(ctx context.Context, s Searcher, convs []*model.Conversation, q string, opt SearchOptions) (Results, error) {
	if o, ok := s.(OptionSearcher); ok {
		return o.SearchWith(ctx, convs, q, opt)
	}
	return s.Search(ctx, convs, q)
}

// mapResults rewrites res's conversation indices through to, dropping those
// it rejects, and keeps everything else (hits, excerpts, terms, partial).
func mapResults(res Results, to func(int) (int, bool)) Results {
	out := Results{Query: res.Query, Terms: res.Terms, Partial: res.Partial, loc: res.loc, Convs: make([]int, 0, len(res.Convs)),
		Hits: make(map[int][]Hit, len(res.Hits)), Excerpts: make(map[int]Excerpt, len(res.Excerpts))}
	if res.at != nil {
		out.at = make([]int32, 0, len(res.Convs))
	}
	for k, i := range res.Convs {
		j, ok := to(i)
		if !ok {
			continue
		}
		out.Convs = append(out.Convs, j)
		if out.at != nil {
			at := int32(-1)
			if k < len(res.at) {
				at = res.at[k]
			}
			out.at = append(out.at, at)
		}
		if h, ok := res.Hits[i]; ok {
			out.Hits[j] = h
		}
		if e, ok := res.Excerpts[i]; ok {
			out.Excerpts[j] = e
		}
	}
	return out
}

// clear cancels any search and forgets the query.
func (f *filter) clear() {
	if f.cancel != nil {
		f.cancel()
		f.cancel = nil
	}
	f.seq++
	f.searching = false
	f.stale = false
	f.query = ""
	f.res = nil
	f.resConvs = nil
	f.err = nil
	f.active = false
	f.input = lineInput{}
}

// on reports whether a non-empty filter narrows the list.
func (f *filter) on() bool { return f.query != "" }

// terms are the strings to highlight, from the last answer.
func (f *filter) terms() []string {
	if f.res == nil || f.query == "" {
		return nil
	}
	return f.res.Terms
}

// lineInput is a minimal one-line editor for the filter. (bubbles' textinput
// would pull in a clipboard module this build does not carry.) It keeps the
// value as runes with a cursor.
type lineInput struct {
	value []rune
	pos   int
}

// Value is the text typed.
func (in *lineInput) Value() string { return string(in.value) }

// Update edits on a key press and reports whether the value changed.
func (in *lineInput) Update(msg tea.KeyPressMsg) bool {
	old := string(in.value)
	switch msg.String() {
	case "backspace", "ctrl+h":
		if in.pos > 0 {
			in.value = append(in.value[:in.pos-1], in.value[in.pos:]...)
			in.pos--
		}
	case "delete", "ctrl+d":
		if in.pos < len(in.value) {
			in.value = append(in.value[:in.pos], in.value[in.pos+1:]...)
		}
	case "left", "ctrl+b":
		in.pos = max(in.pos-1, 0)
	case "right", "ctrl+f":
		in.pos = min(in.pos+1, len(in.value))
	case "home", "ctrl+a":
		in.pos = 0
	case "end", "ctrl+e":
		in.pos = len(in.value)
	case "ctrl+u":
		in.value = append([]rune(nil), in.value[in.pos:]...)
		in.pos = 0
	case "ctrl+k":
		in.value = in.value[:in.pos]
	case "ctrl+w", "alt+backspace":
		i := in.pos
		for i > 0 && unicode.IsSpace(in.value[i-1]) {
			i--
		}
		for i > 0 && !unicode.IsSpace(in.value[i-1]) {
			i--
		}
		in.value = append(in.value[:i], in.value[in.pos:]...)
		in.pos = i
	default:
		if msg.Text == "" {
			return false
		}
		var ins []rune
		for _, r := range msg.Text {
			if unicode.IsPrint(r) || r == ' ' {
				ins = append(ins, r)
			}
		}
		rest := append(append([]rune(nil), ins...), in.value[in.pos:]...)
		in.value = append(in.value[:in.pos], rest...)
		in.pos += len(ins)
	}
	return string(in.value) != old
}

// View shows the input in w cells, with a block cursor when focused, scrolled
// so the cursor stays visible.
func (in *lineInput) View(st Styles, focused bool, w int) string {
	before := string(in.value[:in.pos])
	after := string(in.value[in.pos:])
	cur := " "
	if in.pos < len(in.value) {
		cur = string(in.value[in.pos])
		after = string(in.value[in.pos+1:])
	}
	if !focused {
		return ansi.Truncate(st.FilterText.Render(string(in.value)), w, "…")
	}
	// Keep the cursor in view: drop text on the left when too long.
	for ansi.StringWidth(before)+ansi.StringWidth(cur) > w-1 && before != "" {
		_, size := firstRune(before)
		before = before[size:]
	}
	s := st.FilterText.Render(before) + st.ItemSelected.Render(cur) + st.FilterText.Render(after)
	return ansi.Truncate(s, w, "")
}

func firstRune(s string) (rune, int) {
	for i, r := range s {
		if i == 0 {
			return r, len(string(r))
		}
	}
	return 0, len(s)
}
