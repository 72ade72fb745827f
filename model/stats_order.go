package model

import (
	"cmp"
	"slices"
)

// pushTop inserts x into top (kept sorted by key descending; equal keys
// keep archive order) and trims it to TopN. Zero keys are not ranked.
func pushTop(top []ConvStats, x ConvStats, key func(ConvStats) int) []ConvStats {
	k := key(x)
	if k == 0 || (len(top) == TopN && k <= key(top[TopN-1])) {
		return top
	}
	i := len(top)
	for i > 0 && k > key(top[i-1]) {
		i--
	}
	top = slices.Insert(top, i, x)
	if len(top) > TopN {
		top = top[:TopN]
	}
	return top
}

// finish turns the accumulator's maps into Stats' sorted slices.
func (acc *statsAcc) finish(s *Stats) {
	keys := make([]int, 0, len(acc.months))
	for k := range acc.months {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	s.Months = make([]MonthStats, 0, len(keys))
	for _, k := range keys {
		ms := *acc.months[k]
		ms.Month = monthKey(k/12, k%12+1)
		s.Months = append(s.Months, ms)
	}

	for _, m := range acc.models {
		if m.Conversations > 0 || m.Messages > 0 {
			s.Models = append(s.Models, *m)
		}
	}
	slices.SortFunc(s.Models, func(x, y ModelStats) int {
		return cmp.Or(cmp.Compare(y.Messages, x.Messages), cmp.Compare(y.Conversations, x.Conversations),
			cmp.Compare(x.Model, y.Model))
	})

	for _, g := range acc.gpts {
		s.GPTs = append(s.GPTs, *g)
	}
	slices.SortFunc(s.GPTs, func(x, y GPTStats) int {
		return cmp.Or(cmp.Compare(y.Conversations, x.Conversations), cmp.Compare(y.Messages, x.Messages),
			cmp.Compare(x.GizmoID, y.GizmoID))
	})

	days := make([]DayStats, 0, len(acc.days))
	dkeys := make([]int, 0, len(acc.days))
	for k := range acc.days {
		dkeys = append(dkeys, k)
	}
	slices.SortFunc(dkeys, func(x, y int) int {
		return cmp.Or(cmp.Compare(acc.days[y], acc.days[x]), cmp.Compare(x, y))
	})
	for _, k := range dkeys[:min(TopN, len(dkeys))] {
		days = append(days, DayStats{Date: dayKey(k), Messages: acc.days[k]})
	}
	s.BusiestDays = days
	if s.LongestByMessages == nil {
		s.LongestByMessages = []ConvStats{}
	}
	if s.LongestByWords == nil {
		s.LongestByWords = []ConvStats{}
	}
	if s.Models == nil {
		s.Models = []ModelStats{}
	}
	if s.GPTs == nil {
		s.GPTs = []GPTStats{}
	}
}

// monthKey formats "2025-06" without fmt (years 0–9999).
func monthKey(y, m int) string {
	b := make([]byte, 0, 7)
	b = appendPad(b, y, 4)
	b = append(b, '-')
	return string(appendPad(b, m, 2))
}

// dayKey formats a year*10000+month*100+day key as "2025-06-01".
func dayKey(k int) string {
	b := make([]byte, 0, 10)
	b = appendPad(b, k/10000, 4)
	b = append(b, '-')
	b = appendPad(b, k/100%100, 2)
	b = append(b, '-')
	return string(appendPad(b, k%100, 2))
}

func appendPad(b []byte, v, width int) []byte {
	var d [8]byte
	i := len(d)
	if v < 0 {
		v = 0
	}
	for v > 0 || i == len(d) {
		i--
		d[i] = byte('0' + v%10)
		v /= 10
	}
	for len(d)-i < width {
		i--
		d[i] = '0'
	}
	return append(b, d[i:]...)
}
