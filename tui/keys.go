package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
)

// KeyMap is every key binding of the browser. It is the one source of truth
// for key handling, the help bar and the README's key table.
type KeyMap struct {
	Up, Down           key.Binding
	Top, Bottom        key.Binding
	PageDown, PageUp   key.Binding
	NextPane, PrevPane key.Binding
	Open, Back         key.Binding
	Filter             key.Binding // in the list: filters the archive
	Find               key.Binding // in the viewer: finds in the conversation
	ClearFilter        key.Binding
	AcceptFilter       key.Binding
	ResultUp           key.Binding // in the filter input: the selection up
	ResultDown         key.Binding // in the filter input: the selection down
	NextHit, PrevHit   key.Binding
	PrevBranch         key.Binding // the focused message's fork
	NextBranch         key.Binding
	PrevMessage        key.Binding // moves the viewer's focus
	NextMessage        key.Binding
	ToggleFold         key.Binding // the folded item under the focus
	ToggleAllFolds     key.Binding
	ToggleHidden       key.Binding
	Warnings           key.Binding
	Copy               key.Binding // the focused message, as Markdown (OSC 52)
	CopyCode           key.Binding // a code block of the focused message (else one in view)
	Pager              key.Binding // the conversation in $PAGER
	Editor             key.Binding // the conversation in $EDITOR, read-only
	Save               key.Binding // the conversation to a Markdown file
	OpenImage          key.Binding // an image of the focused message (else one in view)
	Stats              key.Binding // the archive's statistics, full screen
	CloseView          key.Binding // closes the stats view or a picker
	Help               key.Binding
	Quit               key.Binding
}

// DefaultKeyMap returns the standard bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:             key.NewBinding(key.WithKeys("k", "up"), key.WithHelp("↑/k", "up")),
		Down:           key.NewBinding(key.WithKeys("j", "down"), key.WithHelp("↓/j", "down")),
		Top:            key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g/home", "top")),
		Bottom:         key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G/end", "bottom")),
		PageDown:       key.NewBinding(key.WithKeys("ctrl+d", "pgdown"), key.WithHelp("ctrl+d/pgdn", "page down")),
		PageUp:         key.NewBinding(key.WithKeys("ctrl+u", "pgup"), key.WithHelp("ctrl+u/pgup", "page up")),
		NextPane:       key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next pane")),
		PrevPane:       key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous pane")),
		Open:           key.NewBinding(key.WithKeys("enter", "l", "right"), key.WithHelp("enter/l", "open")),
		Back:           key.NewBinding(key.WithKeys("h", "esc", "left"), key.WithHelp("h/esc", "back to list")),
		Filter:         key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		Find:           key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "find in conversation (viewer)")),
		ClearFilter:    key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter")),
		AcceptFilter:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open match")),
		ResultUp:       key.NewBinding(key.WithKeys("up", "ctrl+p", "ctrl+k"), key.WithHelp("↑/ctrl+p", "previous match")),
		ResultDown:     key.NewBinding(key.WithKeys("down", "ctrl+n", "ctrl+j"), key.WithHelp("↓/ctrl+n", "next match")),
		NextHit:        key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "next hit")),
		PrevHit:        key.NewBinding(key.WithKeys("N"), key.WithHelp("N", "previous hit")),
		PrevBranch:     key.NewBinding(key.WithKeys("["), key.WithHelp("[", "previous branch")),
		NextBranch:     key.NewBinding(key.WithKeys("]"), key.WithHelp("]", "next branch")),
		PrevMessage:    key.NewBinding(key.WithKeys("{"), key.WithHelp("{", "focus previous message")),
		NextMessage:    key.NewBinding(key.WithKeys("}"), key.WithHelp("}", "focus next message")),
		ToggleFold:     key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "expand/fold item in view")),
		ToggleAllFolds: key.NewBinding(key.WithKeys("T"), key.WithHelp("T", "expand/fold all")),
		ToggleHidden:   key.NewBinding(key.WithKeys("H"), key.WithHelp("H", "show hidden")),
		Warnings:       key.NewBinding(key.WithKeys("W"), key.WithHelp("W", "load warnings")),
		Copy:           key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy message (Markdown)")),
		CopyCode:       key.NewBinding(key.WithKeys("Y"), key.WithHelp("Y", "copy code block")),
		Pager:          key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "open in $PAGER")),
		Editor:         key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "open in $EDITOR (read-only)")),
		Save:           key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "write Markdown file")),
		OpenImage:      key.NewBinding(key.WithKeys("i"), key.WithHelp("i", "open image")),
		Stats:          key.NewBinding(key.WithKeys("S"), key.WithHelp("S", "statistics")),
		CloseView:      key.NewBinding(key.WithKeys("esc", "q"), key.WithHelp("esc/q", "close stats or picker")),
		Help:           key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:           key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
	}
}

// ShortHelp is the one-line help of the whole browser (help.KeyMap).
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Down, k.Open, k.Filter, k.NextHit, k.ToggleFold, k.Help, k.Quit}
}

// FullHelp is the expanded help, grouped in columns (help.KeyMap).
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.Top, k.Bottom, k.PageDown, k.PageUp},
		{k.NextPane, k.PrevPane, k.Open, k.Back, k.Warnings},
		{k.Filter, k.Find, k.ResultDown, k.ResultUp, k.AcceptFilter, k.ClearFilter, k.NextHit, k.PrevHit},
		{k.PrevMessage, k.NextMessage, k.PrevBranch, k.NextBranch, k.ToggleFold, k.ToggleAllFolds, k.ToggleHidden, k.Help, k.Quit},
		{k.Copy, k.CopyCode, k.Pager, k.Editor, k.Save, k.OpenImage, k.Stats, k.CloseView},
	}
}

// helpSection is one group of the full help (?): the keys that work in
// one context.
type helpSection struct {
	Title string
	Keys  []key.Binding
}

// HelpSections groups every binding by where it works, the full help's
// order. A test checks that it holds every binding of FullHelp.
func (k KeyMap) HelpSections() []helpSection {
	pick, warn := k.pickerKeys(), k.warnKeys()
	return []helpSection{
		{"Everywhere", []key.Binding{k.Help, k.Filter, k.NextPane, k.PrevPane, k.Stats, k.Warnings, k.Quit}},
		{"Moving (list, viewer, panes)", []key.Binding{k.Up, k.Down, k.Top, k.Bottom, k.PageDown, k.PageUp}},
		{"List", []key.Binding{k.Open, k.ClearFilter, k.NextHit, k.PrevHit}},
		{"Filter input", []key.Binding{k.ResultDown, k.ResultUp, k.AcceptFilter, k.ClearFilter}},
		{"Viewer", []key.Binding{k.Back, k.Find, k.NextHit, k.PrevHit, k.PrevMessage, k.NextMessage, k.PrevBranch, k.NextBranch, k.ToggleFold, k.ToggleAllFolds, k.ToggleHidden}},
		{"Viewer: copy, open and save", []key.Binding{k.Copy, k.CopyCode, k.Pager, k.Editor, k.Save, k.OpenImage}},
		{"Load warnings (W)", []key.Binding{warn.Open, k.Back}},
		{"Stats, pickers", []key.Binding{k.CloseView, pick.Pick, pick.PickNumber}},
	}
}

// KeyTableMarkdown renders the default key bindings as a Markdown table, the
// form the README embeds (a test fails when the README drifts from it).
func KeyTableMarkdown() string {
	var b strings.Builder
	b.WriteString("| Key | Action |\n|---|---|\n")
	for _, col := range DefaultKeyMap().FullHelp() {
		for _, kb := range col {
			h := kb.Help()
			keys := make([]string, 0, len(kb.Keys()))
			for _, k := range kb.Keys() {
				keys = append(keys, "`"+k+"`")
			}
			b.WriteString("| " + strings.Join(keys, ", ") + " | " + h.Desc + " |\n")
		}
	}
	return b.String()
}

// The panes' own key maps below are views of the KeyMap: one binding, one
// place, so the README's table and every pane's help agree. Each pane
// matches only its own map.

// warnKeys are the keys of the warnings pane (W).
type warnKeys struct {
	Up, Down, PageUp, PageDown, Top, Bottom key.Binding
	Open                                    key.Binding // the selected warning in full, or one line again
	Back                                    key.Binding // the root takes it: focus goes back to the list
}

func (k KeyMap) warnKeys() warnKeys {
	return warnKeys{Up: k.Up, Down: k.Down, PageUp: k.PageUp, PageDown: k.PageDown, Top: k.Top, Bottom: k.Bottom,
		Open: key.NewBinding(key.WithKeys(k.Open.Keys()...), key.WithHelp(k.Open.Help().Key, "full text")), Back: k.Back}
}

// ShortHelp implements help.KeyMap.
func (k warnKeys) ShortHelp() []key.Binding { return []key.Binding{k.Down, k.Up, k.Open, k.Back} }

// FullHelp implements help.KeyMap.
func (k warnKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom, k.Open, k.Back}}
}

// statsKeys are the keys of the stats view (S): it scrolls, and esc, q or S
// close it.
type statsKeys struct {
	Up, Down, PageUp, PageDown, Top, Bottom key.Binding
	Close                                   key.Binding
	Quit                                    key.Binding // ctrl+c only: q closes the view
}

func (k KeyMap) statsKeys() statsKeys {
	pgdn := k.PageDown.Help()
	return statsKeys{Up: k.Up, Down: k.Down, PageUp: k.PageUp, Top: k.Top, Bottom: k.Bottom,
		PageDown: key.NewBinding(key.WithKeys(append(k.PageDown.Keys(), "space")...), key.WithHelp(pgdn.Key, pgdn.Desc)),
		Close:    key.NewBinding(key.WithKeys(append(k.CloseView.Keys(), k.Stats.Keys()...)...), key.WithHelp(k.CloseView.Help().Key, "close stats")),
		Quit:     key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
	}
}

// ShortHelp implements help.KeyMap.
func (k statsKeys) ShortHelp() []key.Binding {
	return []key.Binding{k.Down, k.PageDown, k.Top, k.Close}
}

// FullHelp implements help.KeyMap.
func (k statsKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom}, {k.Close, k.Quit}}
}

// pickerKeys are the keys of a picker (Y, i with several candidates): move,
// pick with enter or a row's digit, cancel with esc, q or h.
type pickerKeys struct {
	Up, Down, PageUp, PageDown, Top, Bottom key.Binding
	Pick, PickNumber, Cancel                key.Binding
	Quit                                    key.Binding // ctrl+c only: q cancels
}

func (k KeyMap) pickerKeys() pickerKeys {
	return pickerKeys{Up: k.Up, Down: k.Down, PageUp: k.PageUp, PageDown: k.PageDown, Top: k.Top, Bottom: k.Bottom,
		Pick:       key.NewBinding(key.WithKeys(k.AcceptFilter.Keys()...), key.WithHelp(k.AcceptFilter.Help().Key, "pick")),
		PickNumber: key.NewBinding(key.WithKeys("1", "2", "3", "4", "5", "6", "7", "8", "9"), key.WithHelp("1–9", "pick by number")),
		Cancel:     key.NewBinding(key.WithKeys(append(k.CloseView.Keys(), k.Back.Keys()...)...), key.WithHelp("esc", "cancel")),
		Quit:       key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
	}
}

// ShortHelp implements help.KeyMap.
func (k pickerKeys) ShortHelp() []key.Binding { return []key.Binding{k.Pick, k.Cancel} }

// FullHelp implements help.KeyMap.
func (k pickerKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom}, {k.Pick, k.PickNumber, k.Cancel, k.Quit}}
}

// helpKeys are the keys of the help pane: ? shows the full help; while it
// shows, the moving keys scroll it and ?, esc or q close it.
type helpKeys struct {
	Toggle                                  key.Binding
	Up, Down, PageUp, PageDown, Top, Bottom key.Binding
	Close                                   key.Binding
	Quit                                    key.Binding // ctrl+c only: q closes the help
}

func (k KeyMap) helpKeys() helpKeys {
	pgdn := k.PageDown.Help()
	return helpKeys{Toggle: k.Help, Up: k.Up, Down: k.Down, PageUp: k.PageUp, Top: k.Top, Bottom: k.Bottom,
		PageDown: key.NewBinding(key.WithKeys(append(k.PageDown.Keys(), "space")...), key.WithHelp(pgdn.Key, pgdn.Desc)),
		Close:    key.NewBinding(key.WithKeys(k.CloseView.Keys()...), key.WithHelp(k.CloseView.Help().Key, "close help")),
		Quit:     key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
	}
}

// ShortHelp implements help.KeyMap.
func (k helpKeys) ShortHelp() []key.Binding { return []key.Binding{k.Close, k.Down, k.PageDown} }

// FullHelp implements help.KeyMap.
func (k helpKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Toggle, k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom, k.Close, k.Quit}}
}
