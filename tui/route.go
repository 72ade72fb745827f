package tui

import (
	"context"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/backchat/backchat/model"
)

// onBatch hands a load batch to the list and, once loading is over, counts
// the stats again (the view showed what had arrived so far).
func (m *Model) onBatch(msg loadBatchMsg) tea.Cmd {
	m.done, m.total = msg.done, msg.total
	if m.list.takeBatch(msg, m.opts.Prepared) && m.filter.on() {
		m.filter.stale = true
	}
	var cmds []tea.Cmd
	if msg.finished {
		m.loading = false
		if msg.err != nil {
			m.loadErr = msg.err
		} else if msg.archive != nil {
			m.setWarnings(msg.archive.Warnings)
		}
		if m.stats != nil {
			cmds = append(cmds, m.countStats())
		}
	} else {
		cmds = append(cmds, waitBatchCmd(m.stream))
	}
	if m.filter.stale && !m.filter.searching {
		cmds = append(cmds, m.runFilter())
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
		m.filter.resConvs = m.list.all
		if !sameSnapshot(msg.convs, m.list.all) {
			// Conversations that arrived meanwhile were not searched: this
			// answer must not be narrowed from.
			m.filter.resConvs = nil
			// The list grew (and was re-sorted) since the search began: map
			// the snapshot's indices through the conversations themselves.
			res = remap(res, msg.convs, m.list.all)
			m.filter.res = &res
		}
		m.list.found = m.filter.res // before setFiltered: rows size by its excerpts
		m.list.setFiltered(res.Convs, true, newQuery)
		sel := m.view.conv
		m.view.setTerms(m.filter.terms())
		if sel != nil && sel == m.list.selected() {
			if newQuery {
				m.view.firstHit(m.bestNode(sel))
			}
			cmds = append(cmds, m.hitsCmd())
		}
	}
	if m.filter.stale {
		cmds = append(cmds, m.runFilter())
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
	if m.overlay != overlayNone {
		return m.onOverlay(msg)
	}
	if cmd, p, ok := m.act.onKey(msg, m.view); ok {
		if p != nil {
			m.openPicker(p)
		}
		return cmd
	}
	switch {
	case key.Matches(msg, k.Quit):
		return tea.Quit
	case key.Matches(msg, k.Stats):
		return m.openStats()
	case key.Matches(msg, k.Help):
		m.help.Update(msg)
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
		return m.toggleHidden()
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
	default:
		if key.Matches(msg, k.Back) {
			m.setFocus(focusList)
			return nil
		}
		_, cmd := m.focused().Update(msg)
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
			for k, i := range r.Convs {
				if i < len(m.list.all) && m.list.all[i] == sel {
					first = r.firstNode(k)
				}
			}
		}
		m.view.openAtHit(first)
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
	return m.runFilter()
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
	return mapResults(res, func(i int) (int, bool) {
		if i < 0 || i >= len(from) {
			return 0, false
		}
		j, ok := at[from[i]]
		return j, ok
	})
}
