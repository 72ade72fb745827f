package tui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/backchat/backchat/model"
)

// openStats opens the stats view over the screen and starts counting.
func (m *Model) openStats() tea.Cmd {
	m.stats = newStatsView(m.keys, m.styles, m.view.style)
	m.overlay = overlayStats
	m.layout()
	return m.countStats()
}

// countStats counts the conversations loaded so far for the stats view. It
// hands the command a copy of the list.
func (m *Model) countStats() tea.Cmd {
	a := &model.Archive{Conversations: append([]*model.Conversation(nil), m.list.all...), Warnings: m.view.warns}
	return m.stats.count(a, m.view.loc, m.loading)
}

// openPicker opens p over the screen.
func (m *Model) openPicker(p *picker) {
	p.keys, p.styles = m.keys.pickerKeys(), m.styles
	m.picker = p
	m.overlay = overlayPicker
	m.layout()
}

// onOverlay gives msg to the open overlay and closes it once it is done
// (the command of a picker's choice then runs).
func (m *Model) onOverlay(msg tea.Msg) tea.Cmd {
	if m.overlay == overlayStats {
		_, cmd := m.stats.Update(msg)
		if m.stats.closed {
			m.closeOverlay()
		}
		return cmd
	}
	_, cmd := m.picker.Update(msg)
	if m.picker.cancelled {
		m.act.say("cancelled")
	}
	if m.picker.done() {
		m.closeOverlay()
	}
	return cmd
}

// closeOverlay closes the open overlay; focus is where it was. A stats
// count still running is dropped when it answers.
func (m *Model) closeOverlay() {
	m.overlay, m.stats, m.picker = overlayNone, nil, nil
}

// Every part of the screen is a pane.
var (
	_ pane = (*convList)(nil)
	_ pane = (*viewer)(nil)
	_ pane = (*warnView)(nil)
	_ pane = (*statsView)(nil)
	_ pane = (*picker)(nil)
	_ pane = (*helpPane)(nil)
)
