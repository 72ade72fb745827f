package search

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

var updateDocs = flag.Bool("update-docs", false, "rewrite the generated query help in docs/search.md and README.md")

// TestHelpExamplesParse: every example the help shows is a valid query.
func TestHelpExamplesParse(t *testing.T) {
	for _, e := range HelpEntries() {
		if len(e.Examples) == 0 || e.Means == "" {
			t.Errorf("entry %+v lacks examples or a meaning", e)
		}
		for _, x := range e.Examples {
			if _, err := Parse(x); err != nil {
				t.Errorf("help example %q does not parse: %v", x, err)
			}
		}
	}
}

// TestHelpCoversParser: every field of the parser's table, every value it
// accepts for role: and the flags, and every piece of syntax Parse reads
// (word, phrase, exclusion, field:value, field:"phrase", -field:value)
// appears in the help.
func TestHelpCoversParser(t *testing.T) {
	var queries []Query
	for _, e := range HelpEntries() {
		for _, x := range e.Examples {
			q, _ := Parse(x)
			queries = append(queries, q)
		}
	}
	md := HelpMarkdown()
	summary := strings.Join(HelpSummary(1000), "\n")
	for _, f := range fieldTable {
		shown := false
		for _, q := range queries {
			for _, fl := range q.Filters {
				shown = shown || fl.Field == f.name
			}
			for _, term := range q.Terms {
				shown = shown || (f.kind == kindTitle && term.Title)
			}
		}
		if !shown {
			t.Errorf("no help example uses the field %s:", f.name)
		}
		if !strings.Contains(summary, f.name+":") {
			t.Errorf("the help summary lacks the field %s:", f.name)
		}
		for _, v := range f.values {
			if !strings.Contains(md, f.name+":"+v) {
				t.Errorf("the help never shows %s:%s", f.name, v)
			}
			if !strings.Contains(summary, v) {
				t.Errorf("the help summary lacks %s:%s", f.name, v)
			}
		}
	}
	syntax := map[string]func(Query) bool{
		"a word":                   func(q Query) bool { return len(q.Terms) == 1 && !q.Terms[0].Phrase && !q.Terms[0].Title },
		"several words":            func(q Query) bool { return len(q.Terms) > 1 },
		`a "phrase"`:               func(q Query) bool { return len(q.Terms) == 1 && q.Terms[0].Phrase && !q.Terms[0].Title },
		"an exclusion -word":       func(q Query) bool { return len(q.Excludes) > 0 },
		"title:word":               func(q Query) bool { return len(q.Terms) == 1 && q.Terms[0].Title && !q.Terms[0].Phrase },
		`title:"phrase"`:           func(q Query) bool { return len(q.Terms) == 1 && q.Terms[0].Title && q.Terms[0].Phrase },
		"a field with a word":      func(q Query) bool { return len(q.Filters) > 0 && len(q.Terms) > 0 },
		"a negated -field:value":   func(q Query) bool { return len(q.Filters) == 1 && q.Filters[0].Neg },
		"a plain field:value only": func(q Query) bool { return len(q.Filters) == 1 && !q.Filters[0].Neg && len(q.Terms) == 0 },
	}
	for name, holds := range syntax {
		found := false
		for _, q := range queries {
			found = found || holds(q)
		}
		if !found {
			t.Errorf("no help example shows %s", name)
		}
	}
}

// TestHelpTextWraps: the plain text keeps to the width and shows every
// example without Markdown quotes.
func TestHelpTextWraps(t *testing.T) {
	for _, w := range []int{60, 80, 120} {
		s := HelpText(w)
		for _, l := range strings.Split(strings.TrimSuffix(s, "\n"), "\n") {
			if n := utf8.RuneCountInString(l); n > w {
				t.Errorf("width %d: line of %d runes: %q", w, n, l)
			}
		}
		for _, e := range HelpEntries() {
			for _, x := range e.Examples {
				if !strings.Contains(s, x) {
					t.Errorf("width %d: example %q missing", w, x)
				}
			}
		}
		if strings.Contains(s, "`") {
			t.Errorf("width %d: plain text holds a backquote", w)
		}
	}
}

// TestHelpSummaryWraps: the summary keeps to the width without splitting a
// construct.
func TestHelpSummaryWraps(t *testing.T) {
	for _, w := range []int{40, 79, 199} {
		lines := HelpSummary(w)
		for _, l := range lines {
			if n := utf8.RuneCountInString(l); n > w {
				t.Errorf("width %d: line of %d runes: %q", w, n, l)
			}
		}
		text := "  " + strings.TrimPrefix(strings.Join(lines, "  "), "Query: ") + "  "
		for _, e := range HelpEntries() {
			if e.Compact != "" && !strings.Contains(text, "  "+e.Compact+"  ") {
				t.Errorf("width %d: %q is missing or split:\n%s", w, e.Compact, strings.Join(lines, "\n"))
			}
		}
	}
}

// TestHelpInDocs fails when the generated blocks of docs/search.md and
// README.md drift from the help; -update-docs rewrites them.
func TestHelpInDocs(t *testing.T) {
	const begin, end = "<!-- query:begin -->\n", "<!-- query:end -->"
	for _, name := range []string{filepath.Join("docs", "search.md"), "README.md"} {
		path := filepath.Join("..", "..", name)
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		s := string(b)
		i, j := strings.Index(s, begin), strings.Index(s, end)
		if i < 0 || j < i {
			t.Errorf("%s lacks the query help markers", name)
			continue
		}
		if *updateDocs {
			s = s[:i+len(begin)] + HelpMarkdown() + s[j:]
			if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if got := s[i+len(begin) : j]; got != HelpMarkdown() {
			t.Errorf("%s: the query help drifted from model/search/help.go; run go test ./model/search -run TestHelpInDocs -update-docs", name)
		}
	}
}
