package tui

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// explain is what the list shows in place of results when a query lists
// none, in w cells: a query error whole (wrapped, the bad token marked
// under the query), or that nothing matched and what to try. Nil when the
// list has results or no query is on.
func (f *filterPane) explain(st Styles, w int) []string {
	if !f.on() || w <= 0 {
		return nil
	}
	// wrap wraps s at w cells, its first line after first, the others
	// after as many spaces (a hanging indent).
	wrap := func(style func(...string) string, s, first string) []string {
		var out []string
		indent := ansi.StringWidth(first)
		for i, l := range strings.Split(ansi.Wrap(s, max(w-indent, 4), " "), "\n") {
			if i == 0 {
				out = append(out, first+style(l))
			} else {
				out = append(out, strings.Repeat(" ", indent)+style(l))
			}
		}
		return out
	}
	if f.err != nil {
		msg := strings.TrimPrefix(safeLine(f.err.Error()), "search: ")
		lines := []string{"", " " + st.ErrorTitle.Render("The query has an error:")}
		lines = append(lines, wrap(st.ErrorBody.Render, msg, " ")...)
		lines = append(lines, "")
		from, to := badToken(f.query, msg)
		return append(lines, markToken(st, safeLine(f.query), from, to, w)...)
	}
	if f.list.count() > 0 {
		return nil
	}
	if f.searching {
		return []string{st.Empty.Render(" Searching…")}
	}
	lines := []string{""}
	if ix := f.indexing(); ix != "" {
		// The answer covers only the conversations indexed so far: no
		// advice yet, the search runs again as the index grows.
		lines = append(lines, wrap(st.Empty.Render, "No matches for “"+safeLine(f.query)+"” in the conversations indexed so far ("+strings.TrimPrefix(ix, "indexing ")+").", " ")...)
		return append(lines, "", " "+st.ItemMeta.Render("The search runs again as indexing goes on."))
	}
	lines = append(lines, wrap(st.Empty.Render, "No matches for “"+safeLine(f.query)+"”.", " ")...)
	lines = append(lines, "", " "+st.ItemMeta.Render("Try:"))
	for _, s := range f.suggestions() {
		lines = append(lines, wrap(st.ItemMeta.Render, s, "  • ")...)
	}
	return lines
}

// suggestions are what to try when a query matches nothing, the likeliest
// first.
func (f *filterPane) suggestions() []string {
	var out []string
	words := strings.Fields(f.query)
	if f.list.loading {
		out = append(out, "waiting: the archive is still loading")
	}
	if strings.Contains(f.query, `"`) {
		out = append(out, "dropping the quotes: a phrase needs its words in that order")
	}
	for _, w := range words {
		if strings.Contains(w, ":") && !strings.HasPrefix(w, `"`) {
			out = append(out, "dropping a filter such as "+safeLine(w))
			break
		}
	}
	if len(words) > 1 {
		out = append(out, "fewer words: a conversation must hold every one")
	}
	out = append(out, startHint(words))
	if !f.view.showHidden {
		out = append(out, "H, to search hidden messages too")
	}
	return out
}

// startHint is the advice about the words themselves. The engine looks
// for each term anywhere in the text, inside words too (a substring:
// model/search/query.go; "arden" finds "garden"), so a term that finds
// nothing is not a word's start gone wrong: a shorter piece of it, or
// another spelling, is what may match. It names the query's last plain
// word (not a filter, an exclusion or a phrase), the one most likely being
// typed.
func startHint(words []string) string {
	const how = "terms match anywhere inside words (arden finds garden)"
	for i := len(words) - 1; i >= 0; i-- {
		w := words[i]
		if strings.ContainsAny(w, `:"`) || strings.HasPrefix(w, "-") || utf8.RuneCountInString(w) < 3 {
			continue
		}
		return "a shorter piece of “" + safeLine(w) + "”, or another spelling: " + how
	}
	return "a shorter word or another spelling: " + how
}

// badToken is the byte range of q that the query error msg (from
// model/search's Parse) is about, or -1, -1 when it names none: an
// unclosed quote runs to the end; an unknown field, or a field with a
// missing or bad value, is that field's token.
func badToken(q, msg string) (int, int) {
	if strings.HasPrefix(msg, "unclosed quote") {
		open := -1
		for i := 0; i < len(q); i++ {
			if q[i] == '"' {
				if open < 0 {
					open = i
				} else {
					open = -1
				}
			}
		}
		if open < 0 {
			return -1, -1
		}
		return open, len(q)
	}
	var tok string
	if _, rest, ok := strings.Cut(msg, "unknown field "); ok {
		if p, err := strconv.QuotedPrefix(rest); err == nil {
			tok, _ = strconv.Unquote(p)
		}
	} else if head, _, ok := strings.Cut(msg, ": "); ok && !strings.Contains(head, " ") {
		tok = head
		if !strings.Contains(tok, ":") {
			tok += ":"
		}
	}
	if tok == "" {
		return -1, -1
	}
	low, tok := strings.ToLower(q), strings.ToLower(tok)
	for i := 0; i+len(tok) <= len(low); i++ {
		if strings.HasPrefix(low[i:], tok) && (i == 0 || low[i-1] == ' ' || low[i-1] == '-') {
			end := i + len(tok)
			for end < len(q) && q[end] != ' ' {
				end++
			}
			return i, end
		}
	}
	return -1, -1
}

// markToken shows q (already safe) wrapped at w cells, the bytes [from, to)
// highlighted and underlined with carets on the line below, so the mark
// reads without colours too.
func markToken(st Styles, q string, from, to, w int) []string {
	const indent = " "
	cw := max(w-len(indent), 4)
	var out []string
	start := 0
	for start < len(q) || start == 0 {
		// The next chunk: as many runes as fit in cw cells.
		end, cells := start, 0
		for end < len(q) {
			r, size := utf8.DecodeRuneInString(q[end:])
			rw := max(ansi.StringWidth(string(r)), 0)
			if cells+rw > cw {
				break
			}
			cells += rw
			end += size
		}
		if end == start && end < len(q) {
			_, size := utf8.DecodeRuneInString(q[end:])
			end += size // a rune wider than the line
		}
		a, b := max(from, start), min(to, end)
		if from < 0 || a >= b {
			out = append(out, indent+st.FilterText.Render(q[start:end]))
		} else {
			out = append(out, indent+st.FilterText.Render(q[start:a])+st.Hit.Render(q[a:b])+st.FilterText.Render(q[b:end]),
				indent+strings.Repeat(" ", ansi.StringWidth(q[start:a]))+st.ErrorTitle.Render(strings.Repeat("^", max(ansi.StringWidth(q[a:b]), 1))))
		}
		if end >= len(q) {
			break
		}
		start = end
	}
	return out
}
