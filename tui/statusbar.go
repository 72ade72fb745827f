package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/backchat/backchat/internal/render"
)

// statusInfo is what the status bar shows; the root fills it from its state.
type statusInfo struct {
	loading     bool
	done, total int64
	loaded      int // conversations so far
	shown       int // conversations listed
	filtering   bool
	partial     bool // a short query listed only the top matches
	searching   bool
	indexing    string // "indexing 43%": the filter's answer covers the conversations indexed so far
	warnings    int
	hit         string // "hit 3/17"
	errText     string
	notice      string // what the last action did
	noticeErr   bool   // notice reports a failure
}

// progressBar draws a bar of w cells for done/total.
func progressBar(st Styles, done, total int64, w int) string {
	if w <= 0 {
		return ""
	}
	full := 0
	if total > 0 {
		full = int(min(done, total) * int64(w) / total)
	}
	return st.BarFull.Render(strings.Repeat("█", full)) + st.BarEmpty.Render(strings.Repeat("░", w-full))
}

// statusBar renders one line of exactly width cells.
func statusBar(st Styles, in statusInfo, width int) string {
	if width <= 0 {
		return ""
	}
	var left []string
	if in.loading {
		pct := ""
		if in.total > 0 {
			pct = fmt.Sprintf(" %3d%%", min(in.done, in.total)*100/in.total)
		}
		bw := min(20, width/5)
		left = append(left, st.StatusKey.Render(" Loading")+st.Status.Render(" ")+progressBar(st, in.done, in.total, bw)+st.Status.Render(pct))
	}
	count := plural(in.loaded, "conversation")
	if in.filtering {
		shown := render.FormatCount(in.shown)
		if in.partial {
			shown = "top " + shown
		}
		count = shown + " of " + count + " match"
		if in.searching {
			count += " …"
		}
	}
	left = append(left, st.Status.Render(" "+count))
	if in.indexing != "" {
		left = append(left, st.StatusKey.Render(" "+in.indexing))
	}
	if in.warnings > 0 {
		left = append(left, st.StatusWarn.Render(" ⚠ "+plural(in.warnings, "warning")+" (W)"))
	}
	if in.errText != "" {
		left = append(left, st.StatusError.Render(" "+in.errText))
	}
	if in.notice != "" {
		ns := st.StatusKey
		if in.noticeErr {
			ns = st.StatusError
		}
		// The notice comes first: it is what the user just asked for.
		left = append([]string{ns.Render(" " + in.notice)}, left...)
	}
	l := strings.Join(left, st.Status.Render(" "))
	r := ""
	if in.hit != "" {
		r = st.StatusKey.Render(in.hit + " ")
	}
	lw, rw := ansi.StringWidth(l), ansi.StringWidth(r)
	if lw+rw > width {
		gap := 0
		if rw > 0 {
			gap = 1 // a space between the cut left part and the right one
		}
		l = ansi.Truncate(l, max(width-rw-gap, 0), "…")
		lw = ansi.StringWidth(l)
		if lw+rw > width {
			r = ""
			rw = 0
		}
	}
	return l + st.Status.Render(strings.Repeat(" ", max(width-lw-rw, 0))) + r
}
