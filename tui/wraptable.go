package tui

import (
	"regexp"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Glamour fits a table into the width by narrowing its columns, and then
// breaks words in the middle. A table whose longest words cannot all fit
// side by side is shown instead as one list item per row ("• Name: alpha ·
// Description: …"), wrapped like any list item.

var tableDelim = regexp.MustCompile(`^\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$`)

// tablesAsLists rewrites the tables of md (outside fenced code) that do
// not fit text cells without breaking a word.
func tablesAsLists(md string, text int) string {
	if !strings.Contains(md, "|") {
		return md
	}
	lines := strings.SplitAfter(md, "\n")
	var b strings.Builder
	var fence string
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		t := strings.TrimSpace(l)
		if fence != "" || strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			switch {
			case fence == "":
				fence = t[:3]
			case strings.HasPrefix(t, fence):
				fence = ""
			}
			b.WriteString(l)
			continue
		}
		if !strings.HasPrefix(t, "|") || i+1 >= len(lines) || !tableDelim.MatchString(strings.TrimSpace(lines[i+1])) {
			b.WriteString(l)
			continue
		}
		head := tableCells(t)
		var rows [][]string
		j := i + 2
		for ; j < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[j]), "|"); j++ {
			rows = append(rows, tableCells(strings.TrimSpace(lines[j])))
		}
		if tableFits(head, rows, text) {
			for _, x := range lines[i:j] {
				b.WriteString(x)
			}
		} else {
			for _, r := range rows {
				var parts []string
				for k, c := range r {
					if c == "" {
						continue
					}
					if k < len(head) && head[k] != "" {
						c = "**" + head[k] + ":** " + c
					}
					parts = append(parts, c)
				}
				b.WriteString("- " + strings.Join(parts, " · ") + "\n")
			}
			b.WriteString("\n")
		}
		i = j - 1
	}
	return b.String()
}

// tableCells splits a table row at its unescaped pipes.
func tableCells(row string) []string {
	row = strings.TrimSuffix(strings.TrimPrefix(row, "|"), "|")
	var cells []string
	var cur strings.Builder
	for i := 0; i < len(row); i++ {
		if row[i] == '\\' && i+1 < len(row) && row[i+1] == '|' {
			cur.WriteString(`\|`)
			i++
			continue
		}
		if row[i] == '|' {
			cells = append(cells, strings.TrimSpace(cur.String()))
			cur.Reset()
			continue
		}
		cur.WriteByte(row[i])
	}
	return append(cells, strings.TrimSpace(cur.String()))
}

// tableFits says whether every column can be as wide as its longest word
// within text cells (a column takes 3 more cells for its rule and padding).
func tableFits(head []string, rows [][]string, text int) bool {
	widths := make([]int, len(head))
	for _, r := range append([][]string{head}, rows...) {
		for k, c := range r {
			if k >= len(widths) {
				widths = append(widths, 0)
			}
			for _, w := range strings.Fields(c) {
				widths[k] = max(widths[k], ansi.StringWidth(strings.Trim(w, "*`")))
			}
		}
	}
	need := 1
	for _, w := range widths {
		need += w + 3
	}
	return need <= text
}
