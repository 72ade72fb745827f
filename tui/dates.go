package tui

import "time"

// dateGroup labels t the way ChatGPT's sidebar groups conversations, relative
// to now (both in now's location): "Today", "Yesterday", "Previous 7 days",
// "Previous 30 days", then months of the current year ("October 2026"), then
// years ("2024"). A zero time is "Unknown date".
func dateGroup(t, now time.Time) string {
	return newDateGrouper(now).group(t)
}

// dateGrouper is dateGroup for many times against one now: the day
// boundaries are worked out once and month labels are reused, so labelling
// a list of 50,000 conversations (once per load batch) costs a few
// comparisons each.
type dateGrouper struct {
	now                           time.Time
	today, yesterday, week, month time.Time      // midnights in now's location
	labels                        map[int]string // year*12+month: its label
	// last is the label of the month (or year) that starts at lastFrom and
	// ends before lastTo: a list newest first asks for the same one many
	// times in a row.
	last             string
	lastFrom, lastTo time.Time
}

func newDateGrouper(now time.Time) *dateGrouper {
	y, m, d := now.Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, now.Location())
	return &dateGrouper{now: now, today: today, yesterday: today.AddDate(0, 0, -1),
		week: today.AddDate(0, 0, -7), month: today.AddDate(0, 0, -30), labels: map[int]string{}}
}

// group labels t as dateGroup does. A time at or after a midnight is on
// that day or later, so comparing t itself with the boundaries is
// comparing its day.
func (g *dateGrouper) group(t time.Time) string {
	switch {
	case t.IsZero():
		return "Unknown date"
	case !t.Before(g.today):
		return "Today" // includes times slightly in the future (clock skew)
	case !t.Before(g.yesterday):
		return "Yesterday"
	case !t.Before(g.week):
		return "Previous 7 days"
	case !t.Before(g.month):
		return "Previous 30 days"
	case g.last != "" && !t.Before(g.lastFrom) && t.Before(g.lastTo):
		return g.last
	}
	t = t.In(g.now.Location())
	y, m, _ := t.Date()
	key := y*12 + int(m)
	l, ok := g.labels[key]
	if !ok {
		l = t.Format("2006")
		if y == g.now.Year() {
			l = t.Format("January 2006")
		}
		g.labels[key] = l
	}
	// The label's span: its month this year, else its whole year.
	loc := g.now.Location()
	if y == g.now.Year() {
		g.lastFrom, g.lastTo = time.Date(y, m, 1, 0, 0, 0, 0, loc), time.Date(y, m+1, 1, 0, 0, 0, 0, loc)
	} else {
		g.lastFrom, g.lastTo = time.Date(y, 1, 1, 0, 0, 0, 0, loc), time.Date(y+1, 1, 1, 0, 0, 0, 0, loc)
	}
	// Never reach into the relative groups above (a month of this year
	// ends after the 30 days' start).
	if g.lastTo.After(g.month) {
		g.lastTo = g.month
	}
	g.last = l
	return l
}

// shortDate formats t compactly for a list row: the time of day for today,
// "Jan 2" within the year, "Jan 2 2006" otherwise.
func shortDate(t, now time.Time) string {
	if t.IsZero() {
		return "no date"
	}
	t = t.In(now.Location())
	switch {
	case dateGroup(t, now) == "Today":
		return t.Format("15:04")
	case t.Year() == now.Year():
		return t.Format("Jan 2")
	default:
		return t.Format("Jan 2 2006")
	}
}

// dayDate is shortDate without the year ("Jul 6"; "15:04" today), for a
// row under a date group, whose label says the year.
func dayDate(t, now time.Time) string {
	if t.IsZero() || dateGroup(t, now) == "Today" {
		return shortDate(t, now)
	}
	return t.In(now.Location()).Format("Jan 2")
}

// resultDate formats t for a result row's title line, where the title
// needs the room: as shortDate, but a date of another year is its month
// and year ("Nov 2023").
func resultDate(t, now time.Time) string {
	if !t.IsZero() && t.In(now.Location()).Year() != now.Year() {
		return t.In(now.Location()).Format("Jan 2006")
	}
	return shortDate(t, now)
}

// longDate formats t for headers.
func longDate(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return "unknown"
	}
	return t.In(loc).Format("2006-01-02 15:04")
}
