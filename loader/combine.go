package loader

import (
	"slices"
	"strings"

	"github.com/backchat/backchat/model"
)

// Combine returns the archive OpenContext gives for older's exports
// followed by newer's (older.Sources then newer.Sources, none in both),
// from the two loads, without parsing anything again: a library adding
// an export to what it had loaded (or read from its snapshot). It holds
// only when that argument order is also the loader's export order (each
// export's newest conversation no older than the one before it; ties go
// by argument order, as here), which the caller knows. It applies the
// loader's rules (merge.go, collector.add): the copy with the later
// update time wins, an equal one goes to the later export (newer's);
// Sources list the exports holding a conversation, oldest first, and
// InNewest says whether the newest export of its account holds it.
// Conversations whose Sources or InNewest change are shallow copies;
// older and newer are not modified. Warnings and Accounts are ordered as
// the loader orders them.
func Combine(older, newer *model.Archive) *model.Archive {
	paths := append(slices.Clip(slices.Clone(older.Sources)), newer.Sources...)
	num := make(map[string]int32, len(paths))
	for i, p := range paths {
		num[p] = int32(i)
	}
	convs := make([]*model.Conversation, 0, len(older.Conversations)+len(newer.Conversations))
	in := make([][]int32, 0, cap(convs))
	byID := make(map[string]int, len(older.Conversations))
	held := func(c *model.Conversation) []int32 {
		m := make([]int32, 0, len(c.Sources))
		for _, s := range c.Sources {
			if e, ok := num[s]; ok && !slices.Contains(m, e) {
				m = append(m, e)
			}
		}
		return m
	}
	for _, c := range older.Conversations {
		if c.ID != "" {
			byID[c.ID] = len(convs)
		}
		convs = append(convs, c)
		in = append(in, held(c))
	}
	for _, c := range newer.Conversations {
		i, dup := byID[c.ID]
		if c.ID == "" || !dup {
			convs = append(convs, c)
			in = append(in, held(c))
			continue
		}
		if c.Updated.Compare(convs[i].Updated) >= 0 {
			convs[i] = c
		}
		for _, e := range held(c) {
			if !slices.Contains(in[i], e) {
				in[i] = append(in[i], e)
			}
		}
	}
	var order []int
	for e := range paths {
		if slices.ContainsFunc(in, func(m []int32) bool { return slices.Contains(m, int32(e)) }) {
			order = append(order, e)
		}
	}
	if len(order) > 1 {
		newestOf := NewestPerAccount(len(paths), order, func(yield func([]int32) bool) {
			for _, m := range in {
				if !yield(m) {
					return
				}
			}
		})
		lists := sourceLists{paths: paths}
		for i, c := range convs {
			m := in[i]
			slices.Sort(m)
			inNewest := true
			if n, ok := newestOf(m); ok {
				inNewest = slices.Contains(m, n)
			}
			src := lists.of(m)
			if c.InNewest == inNewest && slices.Equal(c.Sources, src) {
				continue
			}
			cp := *c
			cp.Sources = src
			cp.InNewest = inNewest
			convs[i] = &cp
		}
	}
	a := &model.Archive{Conversations: convs, Sources: paths}
	if older.Warnings != nil || newer.Warnings != nil {
		a.Warnings = append(slices.Clip(slices.Clone(older.Warnings)), newer.Warnings...)
	}
	a.Accounts = uniqueAccounts(nil, nil, slices.Concat(older.Accounts, newer.Accounts))
	model.SortNewestFirst(a.Conversations)
	sortWarnings(a.Warnings)
	return a
}

// sortWarnings puts warnings in the order a load lists them: by file,
// then offset, then index (stable).
func sortWarnings(ws []model.Warning) {
	slices.SortStableFunc(ws, func(x, y model.Warning) int {
		if c := strings.Compare(x.File, y.File); c != 0 {
			return c
		}
		if x.Offset != y.Offset {
			return compareInt(x.Offset, y.Offset)
		}
		return compareInt(int64(x.Index), int64(y.Index))
	})
}
