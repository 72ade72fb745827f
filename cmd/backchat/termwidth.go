package main

import (
	"os"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/term"
)

// defaultWidth is the width assumed for a terminal whose size cannot be
// read, and stats' report width when stdout is not a terminal.
const defaultWidth = 80

// titleMin is the fewest cells a title is cut to on a terminal while the
// line's other columns can give way (search's snippet, ls's model).
const titleMin = 16

// outWidth is the width lines a command prints to stdout are cut to (ls,
// search): the terminal's when stdout is one, defaultWidth when its size
// cannot be read, and 0 when stdout is not a terminal: piped lines stay
// whole, for grep. COLUMNS is not read: the terminal's own size is always
// current where an exported COLUMNS goes stale on a resize (shells set it
// without exporting it, so a child sees it only when a user exported it),
// and where there is no terminal nothing is cut anyway.
func (a *app) outWidth() int {
	out := underlying(a.out) // a.out is held while the command runs (trusting)
	if !a.isTerminal(out) {
		return 0
	}
	if f, ok := out.(*os.File); ok {
		if w, _, err := term.GetSize(f.Fd()); err == nil && w > 0 {
			return w
		}
	}
	return defaultWidth
}

// cutCells cuts s (printable: sanitised) to at most w cells, at least one,
// ending it with "…" where it is cut.
func cutCells(s string, w int) string {
	return ansi.Truncate(s, max(w, 1), "…")
}
