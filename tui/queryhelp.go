package tui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// QueryHelp is the filter's query language in a few lines: the full help
// (?) shows it under the key bindings. It describes what IndexSearcher
// accepts (model/search's Parse); docs/search.md has the long form.
func QueryHelp() []string {
	return []string{
		`Search: words and "quoted phrases" must all occur (any order, case and accents ignored); -word excludes.`,
		`Fields: title:word  role:user|assistant|system|tool  model:o3  after:2025-01  before:2025-06-30`,
		`        is:archived|starred  has:image|code|branch  gpt:g-ID  service:name  (-field:value negates)`,
		`Ranked: title hits, then hits in your messages, then hit density, then newest. H also searches hidden messages.`,
	}
}

// fullHelpLines is the expanded help: the key bindings in columns, then,
// when it fits with at least a few lines of the panes, a blank line and the
// query language wrapped to the screen.
func (m *Model) fullHelpLines() []string {
	lines := strings.Split(m.help.FullHelpView(m.keys.FullHelp()), "\n")
	q := []string{""}
	w := max(m.width-1, 1)
	for _, s := range QueryHelp() {
		for _, l := range strings.Split(ansi.Wrap(s, w, " "), "\n") {
			q = append(q, " "+m.styles.ItemMeta.Render(l))
		}
	}
	if len(lines)+len(q)+2+minBodyLines <= m.height {
		lines = append(lines, q...)
	}
	return lines
}

// minBodyLines is how many lines of the panes the full help leaves at least
// before it drops the query language section.
const minBodyLines = 5
