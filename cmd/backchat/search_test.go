package main

import (
	"encoding/json"
	"github.com/backchat/backchat/model"
	"github.com/charmbracelet/x/ansi"
	"io"
	"strings"
	"testing"
)

func TestSearch(t *testing.T) {
	r := cli(t, archive(), "search", "export.zip", "more.json", "scattering")
	if r.code != exitOK || r.stderr != "" {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	checkGolden(t, "search", []byte(r.stdout))
	if !strings.Contains(r.stdout, "»scattering«") || strings.Count(r.stdout, "\n") != 1 {
		t.Errorf("want one result with the hit marked:\n%s", r.stdout)
	}
	// Ranking: the title hit first, then by density.
	r = cli(t, archive(), "search", "export.zip", "more.json", "e")
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if r.code != exitOK || len(lines) < 3 || !strings.HasPrefix(lines[0], "abc-222 ") {
		t.Fatalf("exit %d, results:\n%s", r.code, r.stdout)
	}
	if c, bad := rawControl(r.stdout); bad {
		t.Errorf("raw control %U in search output", c)
	}
}

func TestSearchJSON(t *testing.T) {
	r := cli(t, archive(), "search", "--json", "--limit", "1", "export.zip", "more.json", "sky blue")
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	checkGolden(t, "search_json", []byte(r.stdout))
	var e searchEntry
	if err := json.Unmarshal([]byte(r.stdout), &e); err != nil {
		t.Fatal(err)
	}
	if e.ID != "abc-222" || e.MessageID != "ma" || e.Node != 1 || e.Field != "text" || int(e.Offset) != len("Why is the ") ||
		e.Snippet[e.Match[0]:e.Match[1]] != "sky" {
		t.Errorf("entry %+v", e)
	}
}

func TestSearchExitStatus(t *testing.T) {
	if r := cli(t, archive(), "search", "export.zip", "zzzunmatched"); r.code != exitFail || r.stdout != "" || r.stderr != "" {
		t.Errorf("no match: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	r := cli(t, archive(), "search", "export.zip", "colour:red")
	if r.code != exitUsage || !strings.Contains(r.stderr, `unknown field "colour:"`) {
		t.Errorf("bad query: exit %d, stderr %q", r.code, r.stderr)
	}
	if r := cli(t, archive(), "search", "export.zip", "x", "--limit", "-1"); r.code != exitUsage {
		t.Errorf("negative limit: exit %d", r.code)
	}
	if r := cli(t, archive(), "search"); r.code != exitUsage {
		t.Errorf("no query: exit %d", r.code)
	}
}

func TestSearchHiddenOnlyWithAll(t *testing.T) {
	files := archive()
	files["export.zip"][0].Nodes[1].Msg.Blocks[0].Text = "secret system prompt"
	if r := cli(t, files, "search", "export.zip", "secret"); r.code != exitFail {
		t.Errorf("hidden text matched without --all: %d %q", r.code, r.stdout)
	}
	r := cli(t, files, "search", "--all", "export.zip", "secret")
	if r.code != exitOK || !strings.HasPrefix(r.stdout, "abc-111 ") || !strings.Contains(r.stdout, "»secret« system prompt") {
		t.Errorf("--all: exit %d\n%s", r.code, r.stdout)
	}
}

func TestSearchBoldOnTerminal(t *testing.T) {
	t.Setenv("NO_COLOR", "")
	var out, errOut strings.Builder
	a := newApp(strings.NewReader(""), &out, &errOut)
	a.isTerminal = func(w io.Writer) bool { return w == io.Writer(&out) } // the terminal, not the writer holding it
	a.open = fakeOpen(archive())
	if code := execute(t.Context(), a, []string{"search", "export.zip", "sky"}); code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if !strings.Contains(out.String(), "\x1b[1msky\x1b[22m") || strings.Contains(out.String(), "»") {
		t.Errorf("want bold hit on a terminal: %q", out.String())
	}
}

func TestSearchHostileTitleSanitised(t *testing.T) {
	r := cli(t, archive(), "search", "more.json", "title")
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if c, bad := rawControl(r.stdout); bad {
		t.Errorf("raw control %U in search output %q", c, r.stdout)
	}
	if !strings.Contains(r.stdout, "»title«") {
		t.Errorf("title hit not marked: %q", r.stdout)
	}
}

// searchLongOnTerminal runs `search long.json windy` on an archive with a
// long title, its output a terminal (80 columns when its width is
// unknown), with NO_COLOR set to noColor; it returns the one result line
// and the archive.
func searchLongOnTerminal(t *testing.T, noColor string) (string, map[string][]*model.Conversation) {
	t.Helper()
	files := archive()
	c := conv("long-1", "A very long title about planning a vegetable garden on a small balcony in the city", "gpt-4o", at(3, 9),
		"Some words before the hit, enough to fill a snippet: which vegetables grow best in pots on a windy balcony facing north?", "Herbs.")
	files["long.json"] = []*model.Conversation{c}
	t.Setenv("NO_COLOR", noColor)
	var out, errOut strings.Builder
	a := newApp(strings.NewReader(""), &out, &errOut)
	a.isTerminal = func(w io.Writer) bool { return w == io.Writer(&out) } // the terminal, not the writer holding it
	a.open = fakeOpen(files)
	if code := execute(t.Context(), a, []string{"search", "long.json", "windy"}); code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	line := strings.TrimSuffix(out.String(), "\n")
	if w := ansi.StringWidth(line); w > 80 {
		t.Errorf("a terminal line is %d cells wide: %q", w, line)
	}
	return line, files
}

// TestSearchFitsTheTerminal: on a terminal each result line fits: a long
// title is cut with "…" and the snippet narrowed around its hit, which
// stays marked. Piped, the line is whole.
func TestSearchFitsTheTerminal(t *testing.T) {
	line, files := searchLongOnTerminal(t, "")
	if !strings.Contains(line, "\x1b[1mwindy\x1b[22m") || !strings.Contains(line, "A very long title") || !strings.Contains(line, "…") {
		t.Errorf("the cut line lost its title or hit: %q", line)
	}
	r := cli(t, files, "search", "long.json", "windy")
	if !strings.Contains(r.stdout, "small balcony in the city") || !strings.Contains(r.stdout, "»windy«") {
		t.Errorf("piped output was cut: %q", r.stdout)
	}
}

// TestSearchFitsTheTerminalWithoutColour: with NO_COLOR a terminal's hit
// is marked »so«, two cells the bold marks do not take; each line still
// fits (it was two cells too wide and wrapped) and keeps its marks.
func TestSearchFitsTheTerminalWithoutColour(t *testing.T) {
	line, _ := searchLongOnTerminal(t, "1")
	if !strings.Contains(line, "»windy«") || !strings.Contains(line, "A very long title") {
		t.Errorf("the cut line lost its title or hit: %q", line)
	}
}

// TestSearchQueryStartingWithDash: a query whose first word is negated
// ("-helm kubernetes") is taken for flags; the usage error says to put --
// before it, and with -- it searches.
func TestSearchQueryStartingWithDash(t *testing.T) {
	r := cli(t, archive(), "search", "export.zip", "-zzz scattering")
	if r.code != exitUsage || !strings.Contains(r.stderr, "unknown shorthand flag") || !strings.Contains(r.stderr, "put -- before it") {
		t.Fatalf("code %d, stderr %q: want a usage error that says to put -- before the query", r.code, r.stderr)
	}
	if r := cli(t, archive(), "search", "--limti", "3", "export.zip", "scattering"); r.code != exitUsage || strings.Contains(r.stderr, "put -- before it") {
		t.Fatalf("a mistyped long flag: code %d, stderr %q (no hint about queries)", r.code, r.stderr)
	}
	r = cli(t, archive(), "search", "export.zip", "--", "-zzz scattering")
	if r.code != 0 || r.stdout == "" {
		t.Fatalf("search -- '-zzz scattering': code %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
}
