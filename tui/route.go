package tui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// onBatch hands a load batch to the list and, once loading is over, counts
// the stats again (the view showed what had arrived so far).
func (m *Model) onBatch(msg loadBatchMsg) tea.Cmd {
	m.done, m.total = msg.done, msg.total
	if m.list.takeBatch(msg, m.opts.Prepared) {
		m.filter.listGrew()
	}
	var cmds []tea.Cmd
	if msg.finished {
		m.loading = false
		m.view.inViewOnly = false // follow renders the rest below
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
	return tea.Batch(append(cmds, m.filter.rerun(), m.stream.follow(msg.finished, m.view.conv != nil, m.now(), m.syncViewer))...)
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
		m.view.focusRow(y)
		return m.view.renderNext()
	}
	_, cmd := m.view.Update(msg)
	return cmd
}

func (m *Model) onKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	if m.filter.active {
		cmd, ev := m.filter.onKey(msg)
		switch ev {
		case filterAccept:
			m.setFocus(focusViewer)
			cmd = tea.Batch(cmd, m.view.renderNext()) // what it renders once focused
		case filterBack:
			m.setFocus(m.filter.before.focus)
			cmd = tea.Batch(cmd, m.view.renderNext()) // cancel's ran with the list focused: in view only
		}
		return cmd
	}
	if m.view.finding() {
		return m.view.onFindKey(msg)
	}
	if m.loadErr != nil {
		if key.Matches(msg, k.Quit) || key.Matches(msg, k.Back) {
			return tea.Quit
		}
		return nil
	}
	if m.help.full {
		_, cmd := m.help.Update(msg)
		return cmd
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
	if cmd, ok := m.view.globalKey(msg, m.focus == focusViewer); ok {
		return cmd
	}
	switch {
	case key.Matches(msg, k.Quit):
		return tea.Quit
	case key.Matches(msg, k.Stats):
		return m.openStats()
	case key.Matches(msg, k.Help):
		m.help.Update(msg)
		return nil
	case key.Matches(msg, k.Filter):
		m.filter.open(m.focus)
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
			return m.view.renderNext()
		}
		m.setFocus(focusList)
		return nil
	case key.Matches(msg, k.ToggleHidden):
		return tea.Batch(m.view.toggleHidden(), m.filter.refresh())
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
			return m.filter.reset()
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
