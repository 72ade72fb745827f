package tui

import (
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/backchat/backchat/model"
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

// indexRefresh is how often a filter answered from a partial index (the
// index is still built after the load) searches again, like the refresh
// while the archive loads.
const indexRefresh = time.Second

// onMsg handles the filter's own messages: answers and index ticks.
func (f *filterPane) onMsg(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case indexTickMsg:
		return f.onIndexTick(msg)
	case reindexedMsg:
		return f.onReindexed()
	case locatedMsg:
		return nil // the next frame draws the rows' snippets
	}
	return f.onSearch(msg.(searchMsg))
}

// watchReindex has send deliver a reindexedMsg after each Reindex of the
// searcher (Run passes the program's Send); the returned func stops it.
func (f *filterPane) watchReindex(send func(tea.Msg)) (stop func()) {
	s := f.session.Searcher()
	if s == nil {
		return func() {}
	}
	return s.OnReindex(func() { send(reindexedMsg{}) })
}

// onReindexed searches again for the query on, from scratch (not within
// its answer, which the dropped index gave): the answer says "indexing"
// and is searched again as the index is rebuilt (indexTick), so the list
// shows the rebuilt index's answer without a keystroke.
func (f *filterPane) onReindexed() tea.Cmd {
	f.session.Stop()
	return f.refresh()
}

// indexing is the status bar's word while the answer shown covers only
// the conversations indexed so far ("indexing 43%"); "" otherwise.
func (f *filterPane) indexing() string {
	if !f.on() || f.res == nil || !f.res.Indexing || f.res.IndexTotal <= 0 {
		return ""
	}
	return fmt.Sprintf("indexing %d%%", min(f.res.Indexed*100/f.res.IndexTotal, 99))
}

// indexTick schedules the next search while the answer is a partial
// index's (nil otherwise).
func (f *filterPane) indexTick() tea.Cmd {
	if f.indexing() == "" {
		return nil
	}
	f.tickSeq++
	seq := f.tickSeq
	return tea.Tick(f.tickEvery, func(time.Time) tea.Msg { return indexTickMsg{seq} })
}

// onIndexTick searches again when the answer shown is still a partial
// index's and no search runs (a search typed meanwhile answers instead).
func (f *filterPane) onIndexTick(msg indexTickMsg) tea.Cmd {
	if msg.seq != f.tickSeq || f.indexing() == "" || f.searching {
		return nil
	}
	return f.search()
}

// onSearch applies a search's answer: the list narrows to the results (back
// to its top for a new query), the viewer highlights the new terms and, when
// its conversation is still the selection, lands on its best hit again and
// asks for the engine's hits. A list that grew meanwhile is searched again.
func (f *filterPane) onSearch(msg searchMsg) tea.Cmd {
	res, newQuery, ok := f.apply(msg)
	if !ok {
		return nil // stale: a newer query is running or the filter was cleared
	}
	var cmds []tea.Cmd
	if res == nil && f.err != nil {
		// A query error: no results (the list explains the error).
		f.list.found = nil
		f.list.setFiltered([]int{}, true, true)
		f.view.setTerms(nil)
	}
	if res != nil {
		f.list.found = res // before setFiltered: rows size by its excerpts
		f.list.setFiltered(res.Convs, true, newQuery)
		sel := f.view.conv
		f.view.setTerms(f.terms())
		if sel != nil && sel == f.list.selected() {
			if newQuery {
				f.view.openAtHit(f.bestNode(sel))
			}
			cmds = append(cmds, f.hitsCmd())
		}
	}
	return tea.Batch(append(cmds, f.rerun(), f.indexTick(), f.sync())...)
}

// sync shows the list's selection in the viewer and starts its renders.
// With a filter on, a newly shown conversation lands on its best hit as
// opening it does (the preview shows the answer; a hit in a folded item
// expands the items) and its engine hits are asked for.
func (f *filterPane) sync() tea.Cmd {
	sel := f.list.selected()
	var hits tea.Cmd
	if sel != f.view.conv {
		f.view.show(sel)
		f.view.setTerms(f.terms())
		if f.on() && sel != nil {
			f.view.openAtHit(f.bestNode(sel)) // as enter lands (filter.go)
			hits = f.hitsCmd()
		}
	}
	return tea.Batch(hits, f.view.renderNext(), f.list.locateCmd())
}

// reset clears the filter, if one is on, and shows the whole list.
func (f *filterPane) reset() tea.Cmd {
	f.clear()
	return f.showAll()
}

// showAll shows the whole list, without highlighting.
func (f *filterPane) showAll() tea.Cmd {
	f.list.setFiltered(nil, false, false)
	f.view.setTerms(nil)
	return f.sync()
}

// bestNode is the node of the hit the result c opens at (model.NoNode: the
// title, or no hit known).
func (f *filterPane) bestNode(c *model.Conversation) int32 {
	r, list := f.res, f.list.all
	if r == nil || c == nil {
		return model.NoNode
	}
	for k, i := range r.Convs {
		if i >= 0 && i < len(list) && list[i] == c {
			return r.FirstNode(k)
		}
	}
	return model.NoNode
}

// hitsCmd asks the searcher for every hit of the answered query in the
// conversation on view, so n/N walk exactly the messages the engine matched
// (its scope: role:, hidden messages, accent folding). Nil when no filter
// is on.
func (f *filterPane) hitsCmd() tea.Cmd {
	f.hitSeq++
	c := f.view.conv
	if c == nil || !f.on() || f.res == nil {
		return nil
	}
	ctx, s, seq, q, opt := f.ctx, f.session.Searcher(), f.hitSeq, f.res.Query, f.session.Options()
	return func() tea.Msg {
		hits, err := s.AllHits(ctx, c, q, opt)
		return hitsMsg{seq: seq, conv: c, hits: hits, err: err}
	}
}

// onHits gives the engine's hits to the viewer when they answer the latest
// hitsCmd for the conversation on view.
func (f *filterPane) onHits(msg hitsMsg) tea.Cmd {
	if msg.seq != f.hitSeq || msg.conv != f.view.conv || msg.err != nil || len(msg.hits) == 0 {
		// Stale, the query failed (the filter shows why), or nothing to
		// narrow to: the viewer keeps finding the terms on its own.
		return nil
	}
	f.view.setEngineHits(msg.hits)
	return f.view.renderNext()
}

// setEngineHits narrows highlighting and n/N to the messages the engine
// found hits in (and the header for a title hit); those Glamour has not
// reached are counted by their Markdown and realised as n/N reach them
// (lazyhits.go; a phrase realises them all). The current hit stays the
// current one when it is still a hit.
func (v *viewer) setEngineHits(hits []live.Hit) {
	if v.find.listHits = hits; v.find.query != "" {
		return // a find shows its own hits; these come back after it
	}
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
	v.hitGen = hitGens.Add(1) // the segments' cached hits are of the old nodes
	v.setHitOrder(hits)
	v.realiseMatching()
	v.collectHits()
	v.curHit, v.pin = -1, hitPin{}
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
		// The same hit kept: the user's focus since landing on it (a { or
		// } while the engine answered) stays.
		focus, has := v.focus, v.hasFocus
		v.scrollToHit()
		if v.hitNode(v.curHit) == keep.node {
			v.focus, v.hasFocus = focus, has
		}
	}
}

// inHitNodes reports whether segment s may hold hits: every segment when
// the engine's hits are not known (yet).
func (v *viewer) inHitNodes(s int) bool {
	return v.hitNodes == nil || v.hitNodes[v.segs[s].node]
}
