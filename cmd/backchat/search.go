package main

import (
	"bytes"
	"errors"
	"fmt"
	"github.com/charmbracelet/x/ansi"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/backchat/backchat/internal/render"
	"github.com/backchat/backchat/model"
	"github.com/backchat/backchat/model/search"
	"github.com/backchat/backchat/model/search/live"
	"github.com/spf13/cobra"
)

// errNoMatch ends `backchat search` with status 1 and no message, like grep.
var errNoMatch = errors.New("no conversation matched")

// searchSnippetWidth is the width of a text result's snippet in cells.
const searchSnippetWidth = 72

// On a terminal a search line fits its width: the title keeps at least
// titleMin cells and leaves the snippet searchSnippetMin when it can.
const searchSnippetMin = 30

func (a *app) searchCommand() *cobra.Command {
	var (
		asJSON bool
		all    bool
		limit  int
	)
	cmd := &cobra.Command{
		Use:   "search [--json] [--limit N] [--all] [PATH...] QUERY",
		Short: "Search conversations, best match first",
		Long: `Search the exports at PATH... (without PATH, the library: see backchat import)
and print the matching conversations, best first, one per line: id (first 8
characters), last update date, title, and a snippet around the best hit with
the match marked »like this« (bold on a terminal, where each line is cut to
the terminal's width). QUERY is the last argument; quote it as one shell word
(after -- when it starts with -).

Query language:

` + search.HelpText(80) + `
With --json, print JSON Lines with id, title, updated (RFC 3339 or null),
score, message_id, node, block, field, offset (of the hit in that field's
text, in bytes), snippet and match (byte range of the hit in snippet).

Exit status: 0 when something matched, 1 when nothing did (or loading
failed), 2 for bad usage or a query syntax error.`,
		Example: `  backchat search export.zip kubernetes
  backchat search export.zip '"kubernetes cluster" -helm after:2025 model:o3'
  backchat search --json --limit 5 export.zip 'title:recipe'`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageErrorf("search needs a QUERY (the last argument)")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if limit < 0 {
				return usageErrorf("--limit must not be negative (got %d)", limit)
			}
			paths, raw := args[:len(args)-1], args[len(args)-1]
			// Parse before loading, so a syntax error costs no load.
			if _, err := search.Parse(raw); err != nil {
				return usageErrorf("query: %w", err)
			}
			arch, err := a.load(cmd.Context(), paths)
			if err != nil {
				return err
			}
			// The browser's search service: the same index, parsing and
			// ranking as its filter.
			start := time.Now()
			s := a.searcher(arch)
			built := time.Since(start)
			res, err := s.Report(cmd.Context(), raw, live.ReportOptions{IncludeHidden: all, Limit: limit, SnippetWidth: searchSnippetWidth})
			if err != nil {
				return failure(fmt.Errorf("search: %w", err))
			}
			a.log.Info("search", "query", raw, "results", len(res.Results), "index", built, "search", time.Since(start)-built)
			if len(res.Results) == 0 {
				return &exitError{code: exitFail, err: errNoMatch}
			}
			var out bytes.Buffer
			if asJSON {
				if err := searchJSON(&out, res.Results); err != nil {
					return failure(err)
				}
			} else {
				tty := a.isTerminal(underlying(a.out)) // a.out is held while the command runs (trusting)
				bold := tty && os.Getenv("NO_COLOR") == "" && a.theme != "notty"
				searchText(&out, res.Results, a.loc, bold, a.outWidth())
			}
			return writeAll(a.out, out.String())
		},
	}
	// A query whose first word is negated ("-helm kubernetes") reads as
	// shorthand flags: say how to pass it.
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		if strings.HasPrefix(err.Error(), "unknown shorthand flag") {
			return usageErrorf("%w (a QUERY that starts with - is read as flags: put -- before it, as in backchat search -- '-word …')", err)
		}
		return usageErrorf("%w", err)
	})
	f := cmd.Flags()
	f.BoolVar(&asJSON, "json", false, "print JSON Lines")
	f.IntVar(&limit, "limit", 0, "print at most N results (0: all)")
	f.BoolVar(&all, "all", false, "search hidden messages too (system prompts, memory, …)")
	return cmd
}

// shortID is the first 8 characters of a conversation id, like git's.
func shortID(id string) string {
	id = model.SanitizeLine(id)
	if r := []rune(id); len(r) > 8 {
		return string(r[:8])
	}
	return id
}

// searchText writes "id  date  title  snippet" per result. Every piece of
// archive text goes through model.SanitizeLine; hits are marked »so« or, on
// a terminal, in bold. A title hit is marked in the title, and the snippet
// then quotes the first hit in a message, if any. With width > 0 (a
// terminal's) each line fits in width cells: a long title is cut with "…"
// and the snippet narrowed around its hit.
func searchText(out *bytes.Buffer, rs []search.Result, loc *time.Location, bold bool, width int) {
	open, closing := "»", "«"
	if bold {
		open, closing = "\x1b[1m", "\x1b[22m"
	}
	mark := func(s string, m [2]int) string {
		pre, hit, post, ok := markParts(s, m)
		if !ok {
			return pre
		}
		return pre + open + hit + closing + post
	}
	wID := 0
	for i := range rs {
		wID = max(wID, len([]rune(shortID(rs[i].Conv.ID))))
	}
	for i := range rs {
		r := &rs[i]
		c := r.Conv
		date := "----------"
		if t := c.SortTime(); !t.IsZero() {
			date = t.In(loc).Format("2006-01-02")
		}
		id := shortID(c.ID)
		title := model.SanitizeLine(c.DisplayTitle())
		// cut cuts the title to w cells (see cutMarked); an unmarked
		// title has no hit.
		cut := func(w int) string { return cutCells(title, w) }
		snippet, match := r.Snippet, r.SnippetMatch
		if r.Best.Field == search.FieldConvTitle && r.Best.Len > 0 {
			tm := [2]int{int(r.Best.Off), int(r.Best.Off + r.Best.Len)}
			pre, hit, post, ok := markParts(c.Title, tm)
			title = pre
			if ok {
				title = pre + open + hit + closing + post
				cut = func(w int) string { return cutMarked(pre, hit, post, open, closing, max(w, 1)) }
			}
			snippet = ""
			for _, h := range r.Hits {
				if h.Field != search.FieldConvTitle {
					snippet, match = search.Snippet(search.Text(c, h), int(h.Off), int(h.Len), searchSnippetWidth)
					break
				}
			}
		}
		head := id + strings.Repeat(" ", wID-len([]rune(id))) + "  " + date + "  "
		if width > 0 {
			avail := width - ansi.StringWidth(head)
			// The snippet's marks take cells when they are »« (NO_COLOR,
			// notty), none in bold; it is printed sanitised (a control
			// byte shows as a picture one cell wide).
			marks := ansi.StringWidth(open + closing)
			if snippet != "" && ansi.StringWidth(title)+2+ansi.StringWidth(model.SanitizeLine(snippet))+marks > avail {
				// The title keeps at most what leaves the snippet 30 cells.
				title = cut(max(avail-2-marks-searchSnippetMin, titleMin))
				// search.Snippet measures as ansi.StringWidth does (by
				// grapheme); the marks and a wide character at a cut can
				// still leave the printed line over: narrow it by what
				// the printed snippet overflows until it fits.
				orig, om := snippet, match
				tw := ansi.StringWidth(title)
				for sw := avail - tw - 2 - marks; ; {
					if sw < searchSnippetMin/2 {
						snippet = ""
						break
					}
					snippet, match = search.Snippet(orig, om[0], om[1]-om[0], sw)
					over := tw + 2 + ansi.StringWidth(mark(snippet, match)) - avail
					if over <= 0 {
						break
					}
					sw -= over
				}
			}
			if ansi.StringWidth(title) > avail {
				title = cut(avail)
			}
		}
		out.WriteString(head + title)
		if snippet != "" {
			out.WriteString("  " + mark(snippet, match))
		}
		out.WriteByte('\n')
	}
}

// markParts splits s around the hit s[m[0]:m[1]] (its ends moved back to
// rune starts), each part sanitised; ok is false, and pre all of s
// sanitised, when m does not lie in s.
func markParts(s string, m [2]int) (pre, hit, post string, ok bool) {
	if m[0] < 0 || m[0] > m[1] || m[1] > len(s) {
		return model.SanitizeLine(s), "", "", false
	}
	for m[0] > 0 && m[0] < len(s) && !utf8.RuneStart(s[m[0]]) {
		m[0]--
	}
	for m[1] > m[0] && m[1] < len(s) && !utf8.RuneStart(s[m[1]]) {
		m[1]--
	}
	return model.SanitizeLine(s[:m[0]]), model.SanitizeLine(s[m[0]:m[1]]), model.SanitizeLine(s[m[1]:]), true
}

// cutMarked is pre+open+hit+closing+post cut to w cells with "…" where it
// is cut, keeping the marks balanced: a hit cut short keeps its closing
// mark (the "…" inside it), and a hit that does not fit at all is left out
// with both marks. (ansi.Truncate alone dropped a »« title's «.)
func cutMarked(pre, hit, post, open, closing string, w int) string {
	wPre, wHit := ansi.StringWidth(pre), ansi.StringWidth(hit)
	wMarks := ansi.StringWidth(open) + ansi.StringWidth(closing)
	switch whole := wPre + wMarks + wHit; {
	case whole+ansi.StringWidth(post) <= w:
		return pre + open + hit + closing + post
	case whole+1 <= w:
		return pre + open + hit + closing + ansi.Truncate(post, w-whole, "…")
	case wPre+wMarks+2 <= w:
		return pre + open + ansi.Truncate(hit, w-wPre-wMarks, "…") + closing
	}
	return ansi.Truncate(pre, w, "…")
}

// searchEntry is one line of `search --json`.
type searchEntry struct {
	ID        string  `json:"id"`
	Title     string  `json:"title"`
	Updated   *string `json:"updated"`
	Score     float64 `json:"score"`
	MessageID string  `json:"message_id"` // "" for a title hit or no hit
	Node      int32   `json:"node"`       // -1 for a title hit or no hit
	Block     int32   `json:"block"`
	Field     string  `json:"field"`
	Offset    int32   `json:"offset"`
	Snippet   string  `json:"snippet"`
	Match     [2]int  `json:"match"`
}

func searchJSON(out *bytes.Buffer, rs []search.Result) error {
	for i := range rs {
		r := &rs[i]
		c := r.Conv
		e := searchEntry{ID: c.ID, Title: c.Title, Updated: render.TimeJSON(c.Updated), Score: r.Score,
			Node: r.Best.Node, Block: r.Best.Block, Field: r.Best.Field.String(), Offset: r.Best.Off,
			Snippet: r.Snippet, Match: r.SnippetMatch}
		if n := r.Best.Node; n >= 0 && int(n) < len(c.Tree()) && c.Tree()[n].Msg != nil {
			e.MessageID = c.Tree()[n].Msg.ID
		}
		if r.Best.Len == 0 {
			e.Node, e.Block, e.Field, e.Offset, e.Match = model.NoNode, -1, "", -1, [2]int{-1, -1}
		}
		if err := render.WriteJSON(out, e, ""); err != nil {
			return err
		}
	}
	return nil
}
