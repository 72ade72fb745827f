package main

import (
	"io"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// TestHelpParagraphsAreFilled: the prose of every --help text is filled
// like a paragraph: no line is over 80 columns, none ends where the next line's first word would
// still have fitted in 70 columns (a ragged line left by an edit). Indented
// lines (tables, examples) and the line before them are exempt.
func TestHelpParagraphsAreFilled(t *testing.T) {
	root := newApp(strings.NewReader(""), io.Discard, io.Discard).rootCommand()
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		lines := strings.Split(c.Long, "\n")
		for i, l := range lines {
			if n := len([]rune(l)); n > 80 {
				t.Errorf("backchat %s --help: line %d is %d columns wide: %q", c.CommandPath(), i+1, n, l)
			}
		}
		for i := 0; i+1 < len(lines); i++ {
			cur, next := lines[i], lines[i+1]
			if cur == "" || next == "" || strings.HasPrefix(cur, " ") || strings.HasPrefix(next, " ") {
				continue
			}
			word, _, _ := strings.Cut(next, " ")
			if len([]rune(cur))+1+len([]rune(word)) <= 70 {
				t.Errorf("backchat %s --help: line %d is short: %q could take %q from the next", c.CommandPath(), i+1, cur, word)
			}
		}
		for _, s := range c.Commands() {
			walk(s)
		}
	}
	walk(root)
}

// TestRootHelpNamesEveryService: the first paragraph of backchat --help
// names every service whose exports backchat reads.
func TestRootHelpNamesEveryService(t *testing.T) {
	root := newApp(strings.NewReader(""), io.Discard, io.Discard).rootCommand()
	first, _, _ := strings.Cut(root.Long, "\n\n")
	for _, s := range []string{"ChatGPT", "Claude", "DeepSeek", "Grok"} {
		if !strings.Contains(first, s) {
			t.Errorf("backchat --help does not name %s:\n%s", s, first)
		}
	}
}

// TestUsageErrorPointsAtTheCommandsHelp: a misused subcommand sends the
// user to that subcommand's --help, where its flags and arguments are.
func TestUsageErrorPointsAtTheCommandsHelp(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"show", "--demo"}, "Run 'backchat show --help' for usage."},
		{[]string{"ls", "--bogus"}, "Run 'backchat ls --help' for usage."},
		{[]string{"library", "verify", "--bogus"}, "Run 'backchat library verify --help' for usage."},
		{[]string{"--bogus"}, "Run 'backchat --help' for usage."},
	} {
		r := run(t, nil, tc.args...)
		if r.code != exitUsage || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("backchat %v: exit %d, stderr %q; want exit %d and %q", tc.args, r.code, r.stderr, exitUsage, tc.want)
		}
	}
}
