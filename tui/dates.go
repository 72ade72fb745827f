package tui

import "time"

// dateGroup labels t the way ChatGPT's sidebar groups conversations, relative
// to now (both in now's location): "Today", "Yesterday", "Previous 7 days",
// "Previous 30 days", then months of the current year ("October 2026"), then
// years ("2024"). A zero time is "Unknown date".
func dateGroup(t, now time.Time) string {
	if t.IsZero() {
		return "Unknown date"
	}
	t = t.In(now.Location())
	day := func(x time.Time) time.Time {
		y, m, d := x.Date()
		return time.Date(y, m, d, 0, 0, 0, 0, x.Location())
	}
	today := day(now)
	td := day(t)
	switch {
	case !td.Before(today):
		return "Today" // includes times slightly in the future (clock skew)
	case !td.Before(today.AddDate(0, 0, -1)):
		return "Yesterday"
	case !td.Before(today.AddDate(0, 0, -7)):
		return "Previous 7 days"
	case !td.Before(today.AddDate(0, 0, -30)):
		return "Previous 30 days"
	case t.Year() == now.Year():
		return t.Format("January 2006")
	default:
		return t.Format("2006")
	}
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
