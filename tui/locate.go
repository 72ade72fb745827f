package tui

import tea "charm.land/bubbletea/v2"

// locatedMsg says that excerpts of filter rows are located now (locateCmd):
// the list's next frame quotes them (its rows' keys say which are).
type locatedMsg struct{}

// locateCmd locates, off the event loop, the excerpts of the filter rows
// in view that the search did not locate (it locates the first screenful,
// live's prelocateRows; a taller list or one scrolled down shows more).
// View never searches: it draws such a row without its snippet until
// then. Nil when every row in view is located or being located.
func (l *convList) locateCmd() tea.Cmd {
	res := l.found
	if !l.filter || res == nil {
		return nil
	}
	if l.locatingFor != res {
		l.locating, l.locatingFor = map[int32]bool{}, res
	}
	var ks []int
	lines := 0
	for i := l.offset; i < len(l.rows) && lines < l.height; i++ {
		r := l.rows[i]
		lines += r.height()
		if r.label != "" || l.locating[r.pos] {
			continue
		}
		if _, _, done := res.Located(int(r.pos)); !done {
			l.locating[r.pos] = true
			ks = append(ks, int(r.pos))
		}
	}
	if len(ks) == 0 {
		return nil
	}
	return func() tea.Msg {
		for _, k := range ks {
			res.Excerpt(k) // cached in res for every copy of it
		}
		return locatedMsg{}
	}
}
