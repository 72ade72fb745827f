package tui

import (
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/backchat/backchat/model"
	"github.com/backchat/backchat/model/search"
	"github.com/backchat/backchat/model/search/live"
)

// hitsMsg is every hit of query number seq in one conversation, from the
// searcher's AllHits. Answers for another conversation or an older query
// are dropped.
type hitsMsg struct {
	seq  int
	conv *model.Conversation
	hits []live.Hit
	err  error
}

// searchOptions is the browser state searches depend on.
func (m *Model) searchOptions() live.Options {
	return live.Options{IncludeHidden: m.view.showHidden}
}

// runFilter searches the whole list for the current query.
func (m *Model) runFilter() tea.Cmd {
	return m.filter.run(m.list.all, m.searchOptions())
}

// bestNode is the node of the hit a result opens at (model.NoNode: the
// title, or no hit known).
func (m *Model) bestNode(c *model.Conversation) int32 {
	return m.filter.bestNode(m.list.all, c)
}

// hitsCmd asks the searcher for every hit of the query in the conversation
// on view (see filterPane.hitsCmd).
func (m *Model) hitsCmd() tea.Cmd {
	return m.filter.hitsCmd(m.ctx, m.view.conv)
}

func (m *Model) onHits(msg hitsMsg) tea.Cmd {
	if !m.filter.hitsCurrent(msg) || msg.conv != m.view.conv || msg.err != nil || len(msg.hits) == 0 {
		// Stale, the query failed (the filter shows why), or nothing to
		// narrow to: the viewer keeps finding the terms on its own.
		return nil
	}
	m.view.setEngineHits(msg.hits)
	return m.view.renderNext()
}

// setEngineHits narrows highlighting and n/N to the messages the engine
// found hits in (and the header for a title hit), realising them so hits
// in messages Glamour has not reached are counted. The current hit stays
// the current one when it is still a hit.
func (v *viewer) setEngineHits(hits []live.Hit) {
	nodes := make(map[int32]bool, len(hits))
	for _, h := range hits {
		nodes[h.Node] = true
	}
	var keep struct {
		node       int32
		line, from int
		ok         bool
	}
	if v.curHit >= 0 && v.curHit < len(v.hits) {
		h := v.hits[v.curHit]
		s := v.segAt(h.line)
		keep.node, keep.line, keep.from, keep.ok = v.segs[s].node, h.line-v.starts[s], h.start, true
	}
	v.hitNodes = nodes
	v.realiseMatching()
	v.findHits()
	v.curHit = -1
	if !keep.ok {
		return
	}
	for i, h := range v.hits {
		s := v.segAt(h.line)
		if v.segs[s].node == keep.node && h.line-v.starts[s] >= keep.line && (h.line-v.starts[s] > keep.line || h.start >= keep.from) {
			v.curHit = i
			break
		}
	}
	if v.curHit < 0 && len(v.hits) > 0 {
		v.curHit = 0
	}
	if v.curHit >= 0 {
		v.scrollToHit()
	}
}

// inHitNodes reports whether segment s may hold hits: every segment when
// the engine's hits are not known (yet).
func (v *viewer) inHitNodes(s int) bool {
	return v.hitNodes == nil || v.hitNodes[v.segs[s].node]
}

// toggleHidden shows or hides hidden messages; a filter then searches
// again, since hidden messages are searched only while shown.
func (m *Model) toggleHidden() tea.Cmd {
	cmd := m.view.toggleHidden()
	if !m.filter.on() {
		return cmd
	}
	return tea.Batch(cmd, m.runFilter())
}

// fullHelpLines is the expanded help: the key bindings in columns, then,
// when it fits with at least a few lines of the panes, a blank line and the
// query language's summary (model/search's HelpSummary) at the screen's
// width.
func (m *Model) fullHelpLines() []string {
	lines := strings.Split(m.help.FullHelpView(m.keys.FullHelp()), "\n")
	q := []string{""}
	w := max(m.width-1, 1)
	for _, l := range search.HelpSummary(w) {
		q = append(q, " "+m.styles.ItemMeta.Render(l))
	}
	if len(lines)+len(q)+2+minBodyLines <= m.height {
		lines = append(lines, q...)
	}
	return lines
}

// minBodyLines is how many lines of the panes the full help leaves at least
// before it drops the query language section.
const minBodyLines = 5
