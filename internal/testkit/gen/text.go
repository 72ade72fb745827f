package gen

import (
	"math"
	"math/rand/v2"
	"strconv"
)

// textGen writes varied prose and Markdown into a reusable buffer.
// Not safe for concurrent use.
type textGen struct {
	r    *rand.Rand
	buf  []byte
	max  int  // cap on answerSize; 0 = none
	long bool // ShapeLong: long answers and big code blocks
}

func (g *textGen) pick(list []string) string { return list[g.r.IntN(len(list))] }

func (g *textGen) sentence() {
	r := g.r
	if r.IntN(25) == 0 {
		g.buf = append(g.buf, g.pick(foreignSentences)...)
		return
	}
	n := 6 + r.IntN(14)
	start := len(g.buf)
	for i := range n {
		if i > 0 {
			g.buf = append(g.buf, ' ')
		}
		switch k := r.IntN(60); {
		case k == 0 && g.long && g.r.IntN(60) != 0:
			// Long answers use a phrase rarely, so that a phrase query
			// has many candidates holding its words apart (in the code
			// comments) and few holding the phrase: the costly case.
			g.buf = append(g.buf, g.pick(enWords)...)
		case k == 0:
			g.buf = append(g.buf, g.pick(phrases)...)
		case k == 1:
			g.buf = append(g.buf, '`')
			g.buf = append(g.buf, g.pick(enWords)...)
			g.buf = append(g.buf, "()`"...)
		case k == 2:
			g.buf = append(g.buf, "**"...)
			g.buf = append(g.buf, g.pick(enWords)...)
			g.buf = append(g.buf, "**"...)
		case k == 3:
			g.buf = strconv.AppendInt(g.buf, int64(r.IntN(2000)), 10)
		default:
			g.buf = append(g.buf, g.pick(enWords)...)
		}
		if i < n-1 && r.IntN(12) == 0 {
			g.buf = append(g.buf, ',')
		}
	}
	if c := g.buf[start]; c >= 'a' && c <= 'z' {
		g.buf[start] = c - 'a' + 'A'
	}
	switch r.IntN(10) {
	case 0:
		g.buf = append(g.buf, '?')
	case 1:
		g.buf = append(g.buf, " — "...)
		g.buf = append(g.buf, g.pick(emoji)...)
	default:
		g.buf = append(g.buf, '.')
	}
}

func (g *textGen) paragraph() {
	n := 2 + g.r.IntN(5)
	for i := range n {
		if i > 0 {
			g.buf = append(g.buf, ' ')
		}
		g.sentence()
	}
}

func (g *textGen) list(ordered bool) {
	n := 3 + g.r.IntN(5)
	for i := range n {
		if ordered {
			g.buf = strconv.AppendInt(g.buf, int64(i+1), 10)
			g.buf = append(g.buf, ". "...)
		} else {
			g.buf = append(g.buf, "- "...)
		}
		g.sentence()
		g.buf = append(g.buf, '\n')
	}
}

func (g *textGen) table() {
	cols := 2 + g.r.IntN(3)
	rows := 2 + g.r.IntN(5)
	for r := -1; r < rows; r++ {
		g.buf = append(g.buf, '|')
		for c := range cols {
			g.buf = append(g.buf, ' ')
			if r == -1 {
				g.buf = append(g.buf, g.pick(titleWords)...)
			} else if c == cols-1 {
				g.buf = strconv.AppendFloat(g.buf, math.Round(g.r.Float64()*10000)/100, 'f', 2, 64)
			} else {
				g.buf = append(g.buf, g.pick(enWords)...)
			}
			g.buf = append(g.buf, " |"...)
		}
		g.buf = append(g.buf, '\n')
		if r == -1 {
			g.buf = append(g.buf, '|')
			for range cols {
				g.buf = append(g.buf, "---|"...)
			}
			g.buf = append(g.buf, '\n')
		}
	}
}

func (g *textGen) code() {
	s := codeSnippets[g.r.IntN(len(codeSnippets))]
	g.buf = append(g.buf, "```"...)
	g.buf = append(g.buf, s[0]...)
	g.buf = append(g.buf, '\n')
	g.buf = append(g.buf, s[1]...)
	g.buf = append(g.buf, "```"...)
}

// bigCode writes a fenced code block of 40–200 lines: lines of one
// language's snippets interleaved with comments in prose words, as a long
// technical answer has.
func (g *textGen) bigCode() {
	s := codeSnippets[g.r.IntN(len(codeSnippets))]
	comment := "// "
	switch s[0] {
	case "python", "bash", "yaml":
		comment = "# "
	case "sql":
		comment = "-- "
	}
	g.buf = append(g.buf, "```"...)
	g.buf = append(g.buf, s[0]...)
	g.buf = append(g.buf, '\n')
	n := 40 + g.r.IntN(160)
	body := s[1]
	pos := 0
	for range n {
		if g.r.IntN(6) == 0 {
			g.buf = append(g.buf, comment...)
			for k := range 4 + g.r.IntN(8) {
				if k > 0 {
					g.buf = append(g.buf, ' ')
				}
				if g.r.IntN(8) == 0 {
					g.buf = append(g.buf, g.pick(techWords)...)
				} else {
					g.buf = append(g.buf, g.pick(enWords)...)
				}
			}
			g.buf = append(g.buf, '\n')
			continue
		}
		// The next line of the snippet, wrapping round to its start.
		if pos >= len(body) {
			pos = 0
		}
		end := pos
		for end < len(body) && body[end] != '\n' {
			end++
		}
		g.buf = append(g.buf, body[pos:end]...)
		g.buf = append(g.buf, '\n')
		pos = end + 1
	}
	g.buf = append(g.buf, "```"...)
}

// answer returns a Markdown answer of roughly size bytes.
func (g *textGen) answer(size int) string {
	g.buf = g.buf[:0]
	g.paragraph()
	for len(g.buf) < size {
		g.buf = append(g.buf, "\n\n"...)
		switch g.r.IntN(9) {
		case 0:
			g.buf = append(g.buf, "### "...)
			g.buf = append(g.buf, g.pick(headings)...)
			g.buf = append(g.buf, "\n\n"...)
			g.paragraph()
		case 1:
			g.list(false)
		case 2:
			g.list(true)
		case 3:
			g.table()
		case 4:
			if g.long {
				g.bigCode()
			} else {
				g.code()
			}
		case 5:
			if g.long {
				g.bigCode()
			} else {
				g.paragraph()
			}
		default:
			g.paragraph()
		}
	}
	return string(g.buf)
}

// question returns a short user prompt.
func (g *textGen) question() string {
	g.buf = g.buf[:0]
	n := 1 + g.r.IntN(3)
	for i := range n {
		if i > 0 {
			g.buf = append(g.buf, ' ')
		}
		g.sentence()
	}
	if g.r.IntN(8) == 0 {
		g.buf = append(g.buf, "\n\n"...)
		g.code()
	}
	return string(g.buf)
}

// title returns a two-to-four word title.
func (g *textGen) title() string {
	g.buf = g.buf[:0]
	n := 2 + g.r.IntN(3)
	for i := range n {
		if i > 0 {
			g.buf = append(g.buf, ' ')
		}
		g.buf = append(g.buf, g.pick(titleWords)...)
	}
	return string(g.buf)
}

// answerSize draws a long-tailed answer length in bytes.
func (g *textGen) answerSize() int {
	s := 250 * math.Exp(g.r.NormFloat64()*0.9+0.6)
	if g.long {
		s = 3000 * math.Exp(g.r.NormFloat64()*0.5+0.8)
	}
	if g.r.IntN(100) == 0 {
		s = 20000 + g.r.Float64()*60000
	}
	s = min(s, 90000)
	if g.max > 0 {
		s = min(s, float64(g.max))
	}
	return int(s)
}
