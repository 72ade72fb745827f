package search

import "strings"

// Narrows reports whether next provably matches a subset of what prev
// matches, under the same Options: then a search for next need only look at
// prev's results (Options.Within), so typing a longer query gets cheaper
// with every keystroke. It is conservative: false whenever that is not
// certain.
//
// It holds when
//   - every term of prev is a substring (folded) of some term of next of
//     the same kind (plain or title:), since a field containing the longer
//     folded text contains the shorter;
//   - the role: filters are the same (they decide which messages both
//     terms and exclusions look at);
//   - every exclusion of prev is in next (next may add exclusions: an
//     exclusion that changes, "-o" → "-on", excludes less, so it does not
//     narrow);
//   - every other filter of prev is in next, or next has a stricter one of
//     the same field: a longer model:/service: prefix (a shorter one for a
//     negated filter), a later after: or an earlier before:.
func Narrows(prev, next Query) bool {
	for _, t := range prev.Terms {
		ok := false
		for _, u := range next.Terms {
			if u.Title == t.Title && strings.Contains(u.Folded, t.Folded) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	for _, t := range prev.Excludes {
		ok := false
		for _, u := range next.Excludes {
			if u.Title == t.Title && u.Folded == t.Folded {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	if !sameRoles(prev.Filters, next.Filters) {
		return false
	}
	for i := range prev.Filters {
		f := &prev.Filters[i]
		if f.kind() == kindRole {
			continue
		}
		ok := false
		for j := range next.Filters {
			if stricter(&next.Filters[j], f) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// sameRoles reports whether a and b hold the same role: filters (as sets).
func sameRoles(a, b []Filter) bool {
	sub := func(x, y []Filter) bool {
		for i := range x {
			if x[i].kind() != kindRole {
				continue
			}
			ok := false
			for j := range y {
				if y[j].kind() == kindRole && y[j].Neg == x[i].Neg && y[j].role == x[i].role {
					ok = true
					break
				}
			}
			if !ok {
				return false
			}
		}
		return true
	}
	return sub(a, b) && sub(b, a)
}

// stricter reports whether every conversation filter g admits, f admits
// too (g is f or a stricter filter of the same field).
func stricter(g, f *Filter) bool {
	if g.Field != f.Field || g.Neg != f.Neg {
		return false
	}
	switch f.kind() {
	case kindPrefix:
		if f.Neg { // excluding a shorter prefix excludes more
			return strings.HasPrefix(f.folded, g.folded)
		}
		return strings.HasPrefix(g.folded, f.folded)
	case kindAfter:
		if f.Neg {
			return !g.from.After(f.from)
		}
		return !g.from.Before(f.from)
	case kindBefore:
		if f.Neg {
			return !g.to.Before(f.to)
		}
		return !g.to.After(f.to)
	}
	return g.folded == f.folded
}
