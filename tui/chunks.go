package tui

import (
	"strings"
)

// Glamour renders a message in one go and cannot be stopped: a long answer
// with big code blocks takes 50–400 ms, which held the first screen of a
// conversation back and kept both cores busy after the user had moved on.
// markdownChunks cuts a message's Markdown between top-level blocks so that
// it can be rendered a piece at a time (the pieces in view first, a
// cancelled render stopping between two pieces); the pieces' rendered lines,
// joined by one blank line, are what Glamour makes of the whole.

// chunkBytes is about how much Markdown one piece holds: small enough that
// one piece renders within a frame or two, large enough that most messages
// are one piece.
const chunkBytes = 2 << 10

// markdownChunks splits md (as layoutMarkdown returns it) into pieces of
// about chunkBytes, cut only at a blank line followed by a line that starts
// a new top-level paragraph, heading or fenced code block at the left
// margin, outside fenced code. Markdown whose blocks may reach across such
// a line (link reference definitions, footnotes, raw HTML blocks) stays
// whole.
func markdownChunks(md string) []string {
	if len(md) <= chunkBytes || !chunkable(md) {
		return []string{md}
	}
	var out []string
	start := 0 // start of the current piece
	var fence string
	pos := 0
	prevBlank := false
	// tailBlankCode: the last block is fenced code ending in a blank line,
	// which a piece's render would trim; never cut after it.
	tailBlankCode := false
	for pos < len(md) {
		end := strings.IndexByte(md[pos:], '\n')
		if end < 0 {
			end = len(md)
		} else {
			end += pos + 1
		}
		line := md[pos:end]
		t := strings.TrimLeft(line, " ")
		if fence != "" {
			body := strings.TrimRight(t, "\n ")
			if strings.HasPrefix(body, fence) && strings.Trim(body, fence[:1]) == "" {
				fence = ""
				tailBlankCode = prevBlank
				prevBlank = false
			} else {
				prevBlank = strings.TrimSpace(line) == ""
			}
			pos = end
			continue
		}
		if prevBlank && !tailBlankCode && pos-start >= chunkBytes && startsBlock(line) {
			out = append(out, md[start:pos])
			start = pos
		}
		if strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			n := 0
			for n < len(t) && t[n] == t[0] {
				n++
			}
			fence = t[:n]
		}
		prevBlank = strings.TrimSpace(line) == ""
		if !prevBlank {
			tailBlankCode = false
		}
		pos = end
	}
	if start < len(md) {
		out = append(out, md[start:])
	}
	return out
}

// startsBlock says whether line, after a blank line, surely starts a new
// top-level block that nothing before it continues: a paragraph, heading
// or fence at the left margin (not a list item, quote, table, HTML or
// indented line, which may belong to the block before).
func startsBlock(line string) bool {
	if line == "" || line[0] == ' ' || line[0] == '\t' || line[0] == '\n' {
		return false
	}
	switch line[0] {
	case '>', '<', '|', '[', '-', '+', '*', '=', '_', ':':
		return false
	}
	if line[0] >= '0' && line[0] <= '9' {
		i := 0
		for i < len(line) && line[i] >= '0' && line[i] <= '9' {
			i++
		}
		if i < len(line) && (line[i] == '.' || line[i] == ')') {
			return false // an ordered list item
		}
	}
	return true
}

// chunkable says whether md holds nothing that ties blocks across a blank
// line: link reference definitions and footnotes (used anywhere, defined
// anywhere) and the HTML blocks CommonMark lets run over blank lines.
func chunkable(md string) bool {
	if strings.Contains(md, "]:") {
		return false
	}
	for _, s := range []string{"<!--", "<?", "<![", "<script", "<pre", "<style", "<textarea", "<SCRIPT", "<PRE", "<STYLE", "<TEXTAREA"} {
		if strings.Contains(md, s) {
			return false
		}
	}
	return true
}
