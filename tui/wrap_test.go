package tui

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/backchat/backchat/model"
)

const longURL = "https://example.com/a/very-long/path/that/will/not/fit/in/forty/columns?q=1"

// wrapConv is a message with what Glamour wraps badly: a long code line, a
// long URL, list items with several paragraphs, a numbered item that
// starts with a long word, a table.
func wrapConv() *model.Conversation {
	text := "Intro with a link " + longURL + " in the middle.\n\n" +
		"1. **Title one**\n\n   Text of the first item that is long enough to wrap around the line.\n" +
		"2. Supercalifragilisticexpialidociousandthensomemoreletters and more words\n" +
		"3. See " + longURL + "\n\n" +
		"- a bullet item with quite a lot of words so that it wraps onto a second line, with `inline code span` too\n\n" +
		"```go\nfunc main() {\n        fmt.Println(\"a very long line of code that will need wrapping somewhere\", x)\n}\n```\n\n" +
		"| Name | Description |\n|---|---|\n| alpha | a description with several words in it |\n"
	return buildConv("c-wrap", "Wrapping", testNow, tm{role: model.RoleUser, text: "show me"}, tm{role: model.RoleAssistant, text: text})
}

func wrapModel(t *testing.T, w, h int, theme string) *Model {
	t.Helper()
	m := New(Options{Archive: &model.Archive{Conversations: []*model.Conversation{wrapConv()}}, Theme: theme, Width: w, Height: h, Now: fixedNow})
	run(t, m, m.Init())
	press(t, m, "enter")
	return m
}

// The whole message at every width: URLs whole, code indented under its
// line, list items with a hanging indent and their paragraphs apart, no
// number alone on a line.
func TestWrapKeepsStructure(t *testing.T) {
	for _, w := range []int{40, 60, 80, 120} {
		for _, theme := range []string{"dark", "notty"} {
			v := wrapModel(t, w, 200, theme).view
			lines := make([]string, len(v.lines))
			for i, l := range v.lines {
				lines[i] = strings.ReplaceAll(ansi.Strip(l), "\u00a0", " ")
				if cw := ansi.StringWidth(l); cw > v.width {
					t.Errorf("%d/%s: line %d is %d cells wide: %q", w, theme, i, cw, lines[i])
				}
			}
			all := strings.Join(lines, "\n")
			name := fmt.Sprintf("%d/%s", w, theme)
			// Every URL shows in one piece, whole or cut in the middle.
			n := 0
			for _, l := range lines {
				if strings.Contains(l, "example.com/") {
					n++
					if !strings.Contains(l, "q=1") {
						t.Errorf("%s: the URL is split: %q\n%s", name, l, all)
					}
				}
			}
			if n != 2 {
				t.Errorf("%s: want the URL twice, got %d:\n%s", name, n, all)
			}
			for i, l := range lines {
				tl := strings.TrimSpace(l)
				if tl == "1." || tl == "2." || tl == "3." || tl == "•" {
					t.Errorf("%s: a list marker alone on line %d:\n%s", name, i, all)
				}
				if strings.Contains(l, "TitleText") || strings.Contains(l, "Title oneText") {
					t.Errorf("%s: the item's paragraphs ran together: %q", name, l)
				}
			}
			// Hanging indent: the line after "1. Title one" starts under "Title".
			for i, l := range lines {
				if j := strings.Index(l, "1. Title one"); j >= 0 && i+1 < len(lines) {
					if next := lines[i+1]; !strings.HasPrefix(next, strings.Repeat(" ", j+3)+"Text") {
						t.Errorf("%s: no hanging indent under the item: %q / %q", name, l, next)
					}
				}
				if strings.Contains(l, `fmt.Println("a very`) {
					ind := len(l) - len(strings.TrimLeft(l, " "))
					if i+1 < len(lines) && len(lines[i+1])-len(strings.TrimLeft(lines[i+1], " ")) <= ind && w < 120 {
						t.Errorf("%s: a wrapped code line lost its indent: %q / %q", name, l, lines[i+1])
					}
				}
			}
		}
	}
}

// Hyperlinks: the shown URL links to its full target; an archive's
// hyperlink to anything but http(s) is dropped.
func TestLinkLines(t *testing.T) {
	md, links := layoutMarkdown("see "+longURL+" and `"+longURL+"` and [x](javascript:alert(1))\n", 40)
	if len(links) != 1 || links[0].target != longURL || strings.Contains(md, "https://example.com/a/very-long") && !strings.Contains(md, "`") {
		t.Fatalf("links %+v, md %q", links, md)
	}
	got := linkLines([]string{"see " + links[0].text + " and", "\x1b]8;;javascript:alert(1)\x07x\x1b]8;;\x07", "\x1b]8;id=1;https://ok.example/\x07ok\x1b]8;;\x07"}, links)
	if !strings.Contains(got[0], "\x1b]8;;"+longURL+"\x1b\\"+links[0].text+"\x1b]8;;\x1b\\") {
		t.Errorf("no hyperlink around the shown URL: %q", got[0])
	}
	if strings.Contains(got[1], "javascript") || !strings.Contains(got[2], "https://ok.example/") {
		t.Errorf("unsafe target kept or safe one dropped: %q %q", got[1], got[2])
	}
	for _, bad := range []string{"javascript:x", "file:///etc/passwd", "https://", "http://a b"} {
		if _, ok := safeTarget(bad); ok {
			t.Errorf("safeTarget(%q) accepted", bad)
		}
	}
}

func TestScreenURL(t *testing.T) {
	if got := screenURL("https://a.example/x-y", 40); got != "a.example/x\u2011y" {
		t.Errorf("screenURL short = %q", got)
	}
	got := screenURL(longURL, 30)
	if ansi.StringWidth(got) > 30 || !strings.Contains(got, "…") || !strings.HasPrefix(got, "example.com/") || !strings.HasSuffix(got, "q=1") {
		t.Errorf("screenURL long = %q", got)
	}
}

func TestWrapCode(t *testing.T) {
	got := wrapCode("        fmt.Println(\"a very long line of code that will need wrapping\")\n", 30)
	for i, l := range strings.Split(strings.TrimRight(got, "\n"), "\n") {
		if ansi.StringWidth(l) > 30 {
			t.Errorf("line %d too wide: %q", i, l)
		}
		if i > 0 && !strings.HasPrefix(l, "          ") {
			t.Errorf("continuation %d not indented under its line: %q", i, l)
		}
	}
	if got := wrapCode("short\n", 30); got != "short\n" {
		t.Errorf("a short line changed: %q", got)
	}
}

func TestWrapGolden(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {40, 12}, {120, 40}} {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			m := wrapModel(t, sz[0], sz[1], "dark")
			var pages []string
			for i := 0; i < 6; i++ {
				pages = append(pages, screen(m))
				press(t, m, "ctrl+d")
			}
			golden.RequireEqual(t, strings.Join(pages, "\n----\n"))
		})
	}
}

// A code line wrapped before Glamour keeps its colour: the rest of a Go
// string literal is drawn in the string's colour on its continuation
// lines, indented under the line.
func TestWrappedCodeKeepsColour(t *testing.T) {
	md, _ := layoutMarkdown("```go\nfunc main() {\n        fmt.Println(\"a very long line of code that will need wrapping somewhere\", x)\n}\n```\n", 40)
	lines, err := newRenderPool().render(t.Context(), "dark", 40, md)
	if err != nil {
		t.Fatal(err)
	}
	sgr := regexp.MustCompile("\x1b\\[([0-9;]+)m\"a very")
	var colour string
	for i, l := range lines {
		if m := sgr.FindStringSubmatch(l); m != nil {
			colour = m[1]
			if i+1 >= len(lines) || !strings.Contains(lines[i+1], "\x1b["+colour+"m          line of code") {
				t.Errorf("the continuation is not in the string's colour %s, indented: %q", colour, lines[i+1])
			}
		}
	}
	if colour == "" {
		t.Fatalf("no string token found: %q", lines)
	}
}

// A table whose words cannot fit side by side becomes one list item per
// row; one that fits stays a table.
func TestTablesAsLists(t *testing.T) {
	md := "| Name | Description |\n|---|:---:|\n| alpha | Supercalifragilisticexpialidocious words |\n| beta \\| b | short |\n\nafter\n"
	got := tablesAsLists(md, 30)
	want := "- **Name:** alpha · **Description:** Supercalifragilisticexpialidocious words\n- **Name:** beta \\| b · **Description:** short\n\n\nafter\n"
	if got != want {
		t.Errorf("narrow:\n%q\nwant\n%q", got, want)
	}
	if got := tablesAsLists(md, 80); got != md {
		t.Errorf("a table that fits changed:\n%q", got)
	}
	code := "```\n| a | b |\n|---|---|\n```\n"
	if got := tablesAsLists(code, 5); got != code {
		t.Errorf("a table in code changed: %q", got)
	}
	// On screen, no word of the cells is broken (a word wider than the
	// line itself still would be).
	wide := "| Name | Description | Notes |\n|---|---|---|\n| alpha | Supercalifragilisticexpialidocious words | errgroup.WithContext cancels |\n"
	m := New(Options{Archive: &model.Archive{Conversations: []*model.Conversation{buildConv("c-t", "Table", testNow,
		tm{role: model.RoleAssistant, text: wide})}}, Theme: "dark", Width: 60, Height: 30, Now: fixedNow})
	run(t, m, m.Init())
	press(t, m, "enter")
	s := screen(m)
	if !strings.Contains(s, "Supercalifragilisticexpialidocious") || !strings.Contains(s, "errgroup.WithContext") || !strings.Contains(s, "Name: alpha") {
		t.Errorf("the row's words should show whole:\n%s", s)
	}
}

// BenchmarkLayoutMarkdown: the screen layout pass on about 1 MB of mixed
// Markdown (runs in the render command, off the event loop).
func BenchmarkLayoutMarkdown(b *testing.B) {
	md := strings.Repeat(wrapConv().Nodes[2].Msg.Blocks[0].Text+"\n", 1<<20/700)
	b.SetBytes(int64(len(md)))
	for b.Loop() {
		layoutMarkdown(md, 80)
	}
}

// TestWrapCodeLongLine: a code line of 256 KB (a pasted log or
// minified file) is wrapped in time linear in its length (it took minutes,
// each piece re-reading the rest of the line), into lines that fit, with
// nothing lost; wide characters are not split.
func TestWrapCodeLongLine(t *testing.T) {
	for _, unit := range []string{"z", "é", "宽", "a b "} {
		line := strings.Repeat(unit, (256<<10)/len(unit))
		start := time.Now()
		got := wrapCode(line+"\n", 40)
		if d := time.Since(start); d > 10*time.Second {
			t.Fatalf("%q: wrapping 256 KB took %v", unit, d)
		}
		var joined strings.Builder
		for i, l := range strings.Split(strings.TrimSuffix(got, "\n"), "\n") {
			if w := ansi.StringWidth(l); w > 40 {
				t.Fatalf("%q: line %d is %d cells wide", unit, i, w)
			}
			if !utf8.ValidString(l) {
				t.Fatalf("%q: line %d splits a character", unit, i)
			}
			joined.WriteString(strings.TrimLeft(l, " "))
		}
		if want := strings.ReplaceAll(line, " ", ""); strings.ReplaceAll(joined.String(), " ", "") != want {
			t.Fatalf("%q: text lost or changed in wrapping", unit)
		}
	}
}

// TestLinkLinesLinksEachURLOnce: a URL shown twice on a line (or whose
// screen form lies inside another URL's target, or next to Glamour's
// styles) is linked at each place it shows, never inside a hyperlink
// sequence already made: replacing inside one broke its target and
// garbled the line on screen.
func TestLinkLinesLinksEachURLOnce(t *testing.T) {
	a := hyperlink("https://a.example/x") + "a.example/x" + hyperlink("")
	b := hyperlink("https://b.example/a.example/x") + "b.example/a.example/x" + hyperlink("")
	for _, c := range []struct{ line, want string }{
		{"see https://a.example/x and https://a.example/x", "see " + a + " and " + a},
		{"see https://b.example/a.example/x then https://a.example/x", "see " + b + " then " + a},
		{"see https://a.example/x then https://b.example/a.example/x", "see " + a + " then " + b},
		{"\x1b[1mhttps://a.example/x\x1b[0m https://a.example/x", "\x1b[1m" + a + "\x1b[0m " + a},
	} {
		md, links := layoutMarkdown(c.line+"\n", 80)
		if len(links) != 2 {
			t.Fatalf("%q: links %+v", c.line, links)
		}
		if got := linkLines([]string{strings.TrimSuffix(md, "\n")}, links)[0]; got != c.want {
			t.Errorf("%q:\n got %q\nwant %q", c.line, got, c.want)
		}
	}
}

// BenchmarkLinkLines: a message of 200 paragraphs, ten of them with a URL,
// at 80 columns, its lines styled as Glamour's are.
func BenchmarkLinkLines(b *testing.B) {
	var md strings.Builder
	for i := range 200 {
		if i%20 == 0 {
			fmt.Fprintf(&md, "See https://example.com/docs/page-%d for more about this and that.\n\n", i)
		} else {
			md.WriteString("Some ordinary paragraph text that goes on for a while with words in it.\n\n")
		}
	}
	out, links := layoutMarkdown(md.String(), 80)
	lines := strings.Split(out, "\n")
	for i := range lines {
		lines[i] = "\x1b[38;5;252m" + lines[i] + "\x1b[0m"
	}
	b.ReportAllocs()
	for b.Loop() {
		linkLines(append([]string(nil), lines...), links)
	}
}
