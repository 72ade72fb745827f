package search

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/backchat/backchat/model"
)

// Query is a parsed search query. Build it with Parse; the zero Query
// matches every conversation.
//
// Semantics (shared by the TUI filter and the CLI):
//   - Terms (words and "quoted phrases") must all occur, in any order, as
//     substrings of the folded text (see Fold): "kube" finds "Kubernetes",
//     and CJK needs no word boundaries. A phrase matches literally, single
//     spaces included; it never spans two messages or two fields.
//   - A term occurs in a conversation when it occurs in its title or in the
//     searchable text of a message in scope (every Block text field, on
//     every branch, folded items included; Hidden messages only with
//     Options.IncludeHidden; role: narrows the messages in scope and then
//     leaves the title out of scope).
//   - -term excludes conversations where the term occurs (same scope).
//   - title:term must occur in the title.
//   - Filters narrow the conversations: role:, model: (prefix of the
//     conversation's model or any message's model), after:/before: (on
//     Conversation.SortTime, UTC; after:D means on or after the start of D,
//     before:D strictly before it; D is YYYY, YYYY-MM or YYYY-MM-DD), is:,
//     has:, gpt: (custom GPT id), service: (prefix of Conversation.Service).
//     Any filter may be negated with a leading '-'.
type Query struct {
	Terms    []Term   // positive terms, in query order
	Excludes []Term   // -terms
	Filters  []Filter // field filters other than title:
	Raw      string   // the query as typed
}

// Term is one word or phrase of a query.
type Term struct {
	Text   string // as typed (without quotes)
	Folded string // Fold(Text): what is matched
	Title  bool   // title:term: only the conversation title is searched
	Phrase bool   // was quoted
}

// Filter is one field:value constraint.
type Filter struct {
	Field string // field name as in the field table, e.g. "model"
	Value string // the value as typed
	Neg   bool   // -field:value

	folded string
	role   model.Role
	from   time.Time // after:
	to     time.Time // before:
}

// fieldKind says how a field's value is interpreted.
type fieldKind uint8

const (
	kindTitle fieldKind = iota
	kindRole
	kindPrefix // model:, service:
	kindAfter
	kindBefore
	kindFlag // is:, has:
	kindExact
)

// fieldSpec describes one query field. The table is data so later issues
// add fields (is:deleted, new services) by adding rows and flag values.
type fieldSpec struct {
	name   string
	kind   fieldKind
	values []string // allowed values for kindFlag and kindRole
	help   string
}

// fieldTable lists every field the query language knows.
var fieldTable = []fieldSpec{
	{name: "title", kind: kindTitle, help: "word or phrase in the title"},
	{name: "role", kind: kindRole, values: []string{"user", "assistant", "system", "tool"}, help: "only messages by this role"},
	{name: "model", kind: kindPrefix, help: "model slug prefix, e.g. gpt-4o"},
	{name: "after", kind: kindAfter, help: "on or after YYYY[-MM[-DD]]"},
	{name: "before", kind: kindBefore, help: "before YYYY[-MM[-DD]]"},
	// is:deleted: missing from the newest of several exports loaded.
	{name: "is", kind: kindFlag, values: []string{"archived", "starred", "deleted", "shared"}, help: "conversation flag (deleted: not in the newest export; shared: shared by public link)"},
	{name: "has", kind: kindFlag, values: []string{"image", "code", "branch"}, help: "conversation content"},
	{name: "gpt", kind: kindExact, help: "custom GPT id (gizmo_id)"},
	{name: "service", kind: kindPrefix, help: "source service, e.g. chatgpt"},
}

// KnownFields returns the names of the query fields, in table order.
func KnownFields() []string {
	out := make([]string, len(fieldTable))
	for i, f := range fieldTable {
		out[i] = f.name
	}
	return out
}

func lookupField(name string) *fieldSpec {
	for i := range fieldTable {
		if fieldTable[i].name == name {
			return &fieldTable[i]
		}
	}
	return nil
}

// Parse parses a query. Unknown fields, bad values and unclosed quotes are
// errors whose message names what is accepted; nothing is silently
// ignored. A word whose "field" is not all letters (12:30) or whose value
// starts with "//" (https://…) is an ordinary word.
func Parse(q string) (Query, error) {
	out := Query{Raw: q}
	s := q
	for {
		s = strings.TrimLeftFunc(s, unicode.IsSpace)
		if s == "" {
			return out, nil
		}
		neg := false
		if s[0] == '-' && len(s) > 1 && !isSpaceByte(s[1]) {
			neg = true
			s = s[1:]
		}
		if s[0] == '"' {
			text, rest, err := quoted(s)
			if err != nil {
				return Query{}, err
			}
			s = rest
			if err := out.addTerm(Term{Text: text, Phrase: true}, neg); err != nil {
				return Query{}, err
			}
			continue
		}
		tok, rest := word(s)
		s = rest
		name, val, isField := splitField(tok)
		if !isField {
			if err := out.addTerm(Term{Text: tok}, neg); err != nil {
				return Query{}, err
			}
			continue
		}
		spec := lookupField(strings.ToLower(name))
		if spec == nil {
			return Query{}, fmt.Errorf("unknown field %q (known fields: %s:)",
				name+":", strings.Join(KnownFields(), ":, "))
		}
		phrase := false
		if val == "" && strings.HasPrefix(s, "\"") {
			text, rest, err := quoted(s)
			if err != nil {
				return Query{}, err
			}
			val, s, phrase = text, rest, true
		}
		if val == "" {
			return Query{}, fmt.Errorf("%s: needs a value (%s)", spec.name, spec.help)
		}
		if spec.kind == kindTitle {
			if err := out.addTerm(Term{Text: val, Title: true, Phrase: phrase}, neg); err != nil {
				return Query{}, err
			}
			continue
		}
		f, err := newFilter(spec, val, neg)
		if err != nil {
			return Query{}, err
		}
		out.Filters = append(out.Filters, f)
	}
}

func isSpaceByte(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\r' }

// quoted reads a "phrase" at the start of s.
func quoted(s string) (text, rest string, err error) {
	end := strings.IndexByte(s[1:], '"')
	if end < 0 {
		return "", "", errors.New("unclosed quote: close the phrase with \"")
	}
	return s[1 : 1+end], s[2+end:], nil
}

// word reads up to the next space (a field value may continue with a quote).
func word(s string) (tok, rest string) {
	i := strings.IndexFunc(s, unicode.IsSpace)
	if i < 0 {
		i = len(s)
	}
	tok = s[:i]
	// field:"quoted value": stop after the colon so the caller reads the quote.
	if c := strings.IndexByte(tok, ':'); c >= 0 && c+1 < len(tok) && tok[c+1] == '"' {
		return tok[:c+1], s[c+1:]
	}
	return tok, s[i:]
}

// splitField splits name:value when name is all letters and the value does
// not look like the rest of a URL.
func splitField(tok string) (name, val string, ok bool) {
	c := strings.IndexByte(tok, ':')
	if c <= 0 {
		return "", "", false
	}
	name, val = tok[:c], tok[c+1:]
	for _, r := range name {
		if !unicode.IsLetter(r) {
			return "", "", false
		}
	}
	if strings.HasPrefix(val, "//") {
		return "", "", false
	}
	return name, val, true
}

func (q *Query) addTerm(t Term, neg bool) error {
	t.Folded = Fold(t.Text)
	if t.Folded == "" {
		// Only combining marks (or ""): the empty string occurs everywhere,
		// so the term requires nothing and excludes nothing.
		return nil
	}
	if neg {
		q.Excludes = append(q.Excludes, t)
	} else {
		q.Terms = append(q.Terms, t)
	}
	return nil
}

func newFilter(spec *fieldSpec, val string, neg bool) (Filter, error) {
	f := Filter{Field: spec.name, Value: val, Neg: neg, folded: Fold(val)}
	switch spec.kind {
	case kindRole, kindFlag:
		for _, v := range spec.values {
			if v == f.folded {
				f.role = model.Role(v)
				return f, nil
			}
		}
		return f, fmt.Errorf("%s:%s: unknown value; use one of %s", spec.name, val,
			strings.Join(spec.values, ", "))
	case kindAfter, kindBefore:
		t, err := parseDate(val)
		if err != nil {
			return f, fmt.Errorf("%s:%s: %w", spec.name, val, err)
		}
		if spec.kind == kindAfter {
			f.from = t
		} else {
			f.to = t
		}
	}
	return f, nil
}

// parseDate accepts YYYY, YYYY-MM and YYYY-MM-DD and returns the start of
// that period in UTC.
func parseDate(v string) (time.Time, error) {
	layouts := map[int]string{4: "2006", 7: "2006-01", 10: "2006-01-02"}
	layout, ok := layouts[utf8.RuneCountInString(v)]
	if ok {
		if t, err := time.Parse(layout, v); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errors.New("date must be YYYY, YYYY-MM or YYYY-MM-DD")
}

// kind returns the field kind of a filter.
func (f *Filter) kind() fieldKind {
	if s := lookupField(f.Field); s != nil {
		return s.kind
	}
	return kindExact
}
