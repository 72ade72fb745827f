package tui

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/backchat/backchat/internal/render"
	"github.com/backchat/backchat/model"
	"github.com/charmbracelet/x/ansi"
)

// Width limits of RenderStats: narrower requests are drawn at StatsMinWidth,
// wider ones at StatsMaxWidth (long bars stop being readable). `backchat
// stats --width` refuses widths outside them.
const (
	StatsMinWidth = 40
	StatsMaxWidth = 200
)

const (
	// statsMaxMonths is how many months the monthly chart shows; older
	// activity is summarised per year above it.
	statsMaxMonths = 24
	// statsMaxRows caps the model and GPT tables; the rest become one row.
	statsMaxRows = 10
	// readingWPM is the reading speed behind "hours of reading".
	readingWPM = 240
)

// eighths are the left-aligned partial blocks for 1/8 … 7/8 of a cell.
var eighths = [...]string{"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"}

// statsStyles colours the statistics report. Built by newStatsStyles; with
// plain set every style is empty and written/read words differ by glyph.
type statsStyles struct {
	plain                  bool
	title, heading, rule   lipgloss.Style
	label, value, dim      lipgloss.Style
	conv, msg, other       lipgloss.Style // bar colours: conversations, messages, misc
	written, read, warning lipgloss.Style
}

func newStatsStyles(dark, noColor bool) statsStyles {
	n := lipgloss.NewStyle()
	if noColor {
		return statsStyles{plain: true, title: n, heading: n, rule: n, label: n, value: n, dim: n,
			conv: n, msg: n, other: n, written: n, read: n, warning: n}
	}
	ld := lipgloss.LightDark(dark)
	c := func(light, dark string) lipgloss.Style {
		return n.Foreground(ld(lipgloss.Color(light), lipgloss.Color(dark)))
	}
	return statsStyles{
		title:   c("#5A3FC0", "#B7A6FF").Bold(true),
		heading: c("#1F6F8B", "#7FD1E6").Bold(true),
		rule:    c("#B8B8B8", "#4A4A4A"),
		label:   c("#303030", "#D0D0D0"),
		value:   c("#111111", "#F2F2F2").Bold(true),
		dim:     c("#6E6E6E", "#8A8A8A"),
		conv:    c("#C2410C", "#FDBA74"),
		msg:     c("#1D4ED8", "#93C5FD"),
		other:   c("#15803D", "#86EFAC"),
		written: c("#BE185D", "#F9A8D4"),
		read:    c("#0E7490", "#67E8F9"),
		warning: c("#A16207", "#FDE047"),
	}
}

// RenderStats draws s as a terminal report width cells wide (clamped to
// 40…200): totals and date range, activity per month (and per year when
// there is more than two years of it), models, custom GPTs, busiest days,
// longest conversations, words written and read, images and voice. Titles,
// model slugs and ids are sanitised, so archive text cannot reach the
// terminal as control sequences. dark picks the palette; noColor draws
// plain text. Every line ends in "\n" and is at most width cells wide.
//
// services are the services of the conversations counted (model.Services;
// nil: not known). They name the assistant in the words' comparison
// ("Claude wrote 3.2× as many words as you") and leave the custom GPTs'
// section out when no conversation is ChatGPT's.
func RenderStats(s model.Stats, services []string, width int, dark, noColor bool) string {
	r := &statsReport{s: s, w: min(max(width, StatsMinWidth), StatsMaxWidth), st: newStatsStyles(dark, noColor), services: services}
	r.header()
	if s.Conversations == 0 {
		return r.b.String()
	}
	r.activity()
	r.models()
	if len(s.GPTs) > 0 || services == nil || slices.Contains(services, model.ServiceChatGPT) {
		r.gpts()
	}
	r.days()
	r.longest()
	r.words()
	r.media()
	return r.b.String()
}

// statsReport accumulates the report's lines.
type statsReport struct {
	s        model.Stats
	services []string // RenderStats's
	w        int
	st       statsStyles
	b        strings.Builder
}

// assistant names who wrote the words read: the one service's assistant
// ("Claude"), "the assistants" when services mix, "the assistant" when
// they are not known.
func (r *statsReport) assistant() string {
	var named []string
	for _, sv := range r.services {
		if sv != "" && !slices.Contains(named, sv) {
			named = append(named, sv)
		}
	}
	switch len(named) {
	case 0:
		return "the assistant"
	case 1:
		return model.SanitizeLine(serviceLabel(named[0]))
	}
	return "the assistants"
}

func (r *statsReport) line(s string) {
	r.b.WriteString(s)
	r.b.WriteByte('\n')
}

// section writes a blank line and "── Title ────…" across the width.
func (r *statsReport) section(title string) {
	r.line("")
	title = ansi.Truncate(title, r.w-4, "…")
	fill := max(r.w-ansi.StringWidth(title)-4, 0)
	r.line(r.st.rule.Render("──") + " " + r.st.heading.Render(title) + " " + r.st.rule.Render(strings.Repeat("─", fill)))
}

// items writes parts separated by " · ", wrapping before a part that would
// cross the width (a part wider than the width is truncated).
func (r *statsReport) items(style lipgloss.Style, parts ...string) {
	var cur []string
	curW := 0
	flush := func() {
		if len(cur) > 0 {
			r.line(strings.Join(cur, r.st.dim.Render(" · ")))
		}
		cur, curW = nil, 0
	}
	for _, p := range parts {
		if p == "" {
			continue
		}
		p = ansi.Truncate(p, r.w, "…")
		pw := ansi.StringWidth(p)
		if len(cur) > 0 && curW+3+pw > r.w {
			flush()
		}
		if len(cur) > 0 {
			curW += 3
		}
		cur = append(cur, style.Render(p))
		curW += pw
	}
	flush()
}

// wrap writes text word-wrapped to the width, each line styled.
func (r *statsReport) wrap(style lipgloss.Style, text string) {
	for _, l := range strings.Split(ansi.Wrap(text, r.w, ""), "\n") {
		r.line(style.Render(l))
	}
}

func (r *statsReport) header() {
	s := r.s
	r.line(r.st.title.Render("backchat stats"))
	if s.Conversations == 0 {
		r.line(r.st.dim.Render("No conversations."))
		return
	}
	r.items(r.st.label,
		count(s.Conversations, "conversation", "conversations"),
		count(s.Messages, "message", "messages"),
		render.FormatCount(s.MessagesAllBranches)+" in all branches")
	if !s.First.IsZero() {
		days := int(s.Last.Sub(s.First).Hours()/24) + 1
		zone := "times in " + model.SanitizeLine(s.Location)
		if s.Location == "Local" || s.Location == "" {
			zone = "local time"
		}
		r.items(r.st.label, s.First.Format("2006-01-02")+" → "+s.Last.Format("2006-01-02"), count(days, "day", "days"), zone)
	}
	flags := []string{render.FormatCount(s.Archived) + " archived", render.FormatCount(s.Starred) + " starred"}
	if s.Shared > 0 {
		flags = append(flags, render.FormatCount(s.Shared)+" shared by link")
	}
	r.items(r.st.label, append(flags,
		count(s.BranchPoints, "branch point", "branch points")+" in "+count(s.BranchedConversations, "conversation", "conversations"))...)
	if s.RatedUp+s.RatedDown > 0 {
		r.items(r.st.label, "rated 👍 "+render.FormatCount(s.RatedUp), "👎 "+render.FormatCount(s.RatedDown))
	}
	for _, a := range s.Accounts {
		r.items(r.st.label, accountLine(a)...)
	}
	if s.UndatedConversations > 0 || s.UndatedMessages > 0 {
		r.wrap(r.st.warning, count(s.UndatedConversations, "conversation", "conversations")+" and "+
			count(s.UndatedMessages, "message", "messages")+" have no date and are in no month.")
	}
}

// barCol is one column of a bar chart.
type barCol struct {
	title string
	short string // title when title does not fit
	style lipgloss.Style
	vals  []int
}

// chart draws rows of labelled horizontal bars, one bar per column, each
// column scaled to its own maximum and followed by its value.
func (r *statsReport) chart(labels []string, cols ...barCol) {
	if len(labels) == 0 {
		return
	}
	lw := 0
	for i, l := range labels {
		labels[i] = model.SanitizeLine(l)
		lw = max(lw, ansi.StringWidth(labels[i]))
	}
	lw = min(lw, max(r.w/3, len("2025-06-01 Sun")))
	const gap = 2
	colW := (r.w - lw - gap*len(cols)) / len(cols)
	type colLayout struct {
		max, valW, barW int
	}
	lay := make([]colLayout, len(cols))
	for j, c := range cols {
		for _, v := range c.vals {
			lay[j].max = max(lay[j].max, v)
			lay[j].valW = max(lay[j].valW, len(render.FormatCount(v)))
		}
		lay[j].barW = max(colW-lay[j].valW-1, 1)
	}
	// Column titles, over the bars.
	head := strings.Repeat(" ", lw)
	for j, c := range cols {
		t := c.title
		if ansi.StringWidth(t) > colW && c.short != "" {
			t = c.short
		}
		t = ansi.Truncate(t, colW, "…")
		head += strings.Repeat(" ", gap) + r.st.dim.Render(t)
		if j < len(cols)-1 {
			head += strings.Repeat(" ", colW-ansi.StringWidth(t))
		}
	}
	r.line(head)
	for i, l := range labels {
		l = ansi.Truncate(l, lw, "…")
		row := r.st.label.Render(l) + strings.Repeat(" ", lw-ansi.StringWidth(l))
		for j, c := range cols {
			v := c.vals[i]
			bar, bw := blocks(v, lay[j].max, lay[j].barW)
			num := render.FormatCount(v)
			cell := c.style.Render(bar) + " " + r.st.value.Render(num)
			if bw == 0 {
				cell = r.st.dim.Render(num)
				if j < len(cols)-1 {
					cell += " "
				}
			}
			pad := colW - bw - 1 - len(num)
			if j == len(cols)-1 {
				pad = 0
			}
			row += strings.Repeat(" ", gap) + cell + strings.Repeat(" ", max(pad, 0))
		}
		r.line(row)
	}
}

// blocks returns a bar of v/max of width cells, in eighths of a cell, and
// its width. A non-zero value always shows at least an eighth.
func blocks(v, maxV, width int) (string, int) {
	if v <= 0 || maxV <= 0 || width <= 0 {
		return "", 0
	}
	e := int(math.Round(float64(v) / float64(maxV) * float64(width*8)))
	e = min(max(e, 1), width*8)
	s := strings.Repeat("█", e/8) + eighths[e%8]
	return s, (e + 7) / 8
}

// activity draws conversations and messages per month: the last 24 months,
// preceded by a per-year summary when the activity spans more months.
func (r *statsReport) activity() {
	months := contiguousMonths(r.s.Months)
	if len(months) == 0 {
		return
	}
	if len(months) > statsMaxMonths {
		var years []model.MonthStats
		for _, m := range months {
			y := m.Month[:4]
			if len(years) == 0 || years[len(years)-1].Month != y {
				years = append(years, model.MonthStats{Month: y})
			}
			last := &years[len(years)-1]
			last.Conversations += m.Conversations
			last.Messages += m.Messages
			last.AllMessages += m.AllMessages
		}
		r.section("Activity per year")
		r.monthChart(years)
		months = months[len(months)-statsMaxMonths:]
		r.section("Activity, last " + strconv.Itoa(statsMaxMonths) + " months")
	} else {
		r.section("Activity per month")
	}
	r.monthChart(months)
}

func (r *statsReport) monthChart(ms []model.MonthStats) {
	labels := make([]string, len(ms))
	conv := barCol{title: "conversations", short: "convs", style: r.st.conv, vals: make([]int, len(ms))}
	msg := barCol{title: "messages", short: "msgs", style: r.st.msg, vals: make([]int, len(ms))}
	for i, m := range ms {
		labels[i], conv.vals[i], msg.vals[i] = m.Month, m.Conversations, m.Messages
	}
	r.chart(labels, conv, msg)
}

// contiguousMonths fills the months without activity between the first and
// the last month of ms (sorted "YYYY-MM" keys) with zero rows.
func contiguousMonths(ms []model.MonthStats) []model.MonthStats {
	if len(ms) == 0 {
		return nil
	}
	key := func(s string) (int, bool) {
		t, err := time.Parse("2006-01", s)
		if err != nil {
			return 0, false
		}
		return t.Year()*12 + int(t.Month()) - 1, true
	}
	first, ok1 := key(ms[0].Month)
	last, ok2 := key(ms[len(ms)-1].Month)
	if !ok1 || !ok2 || last < first || last-first > 12*200 {
		return ms // not the expected keys: draw them as they are
	}
	out := make([]model.MonthStats, 0, last-first+1)
	j := 0
	for k := first; k <= last; k++ {
		label := time.Date(k/12, time.Month(k%12+1), 1, 0, 0, 0, 0, time.UTC).Format("2006-01")
		if j < len(ms) && ms[j].Month == label {
			out = append(out, ms[j])
			j++
			continue
		}
		out = append(out, model.MonthStats{Month: label})
	}
	return out
}

func (r *statsReport) models() {
	ms := r.s.Models
	if len(ms) == 0 {
		return
	}
	r.section("Models")
	n := min(len(ms), statsMaxRows)
	labels := make([]string, 0, n+1)
	msg := barCol{title: "messages", short: "msgs", style: r.st.msg}
	conv := barCol{title: "conversations", short: "convs", style: r.st.conv}
	for _, m := range ms[:n] {
		l := m.Model
		if l == "" {
			l = "(unknown)"
		}
		labels = append(labels, l)
		msg.vals = append(msg.vals, m.Messages)
		conv.vals = append(conv.vals, m.Conversations)
	}
	if rest := ms[n:]; len(rest) > 0 {
		om, oc := 0, 0
		for _, m := range rest {
			om += m.Messages
			oc += m.Conversations
		}
		labels = append(labels, count(len(rest), "other", "others"))
		msg.vals = append(msg.vals, om)
		conv.vals = append(conv.vals, oc)
	}
	r.chart(labels, msg, conv)
}

func (r *statsReport) gpts() {
	gs := r.s.GPTs
	r.section("Custom GPTs")
	if len(gs) == 0 {
		r.line(r.st.dim.Render("No conversations with a custom GPT."))
		return
	}
	n := min(len(gs), statsMaxRows)
	labels := make([]string, 0, n+1)
	conv := barCol{title: "conversations", short: "convs", style: r.st.conv}
	msg := barCol{title: "messages", short: "msgs", style: r.st.msg}
	for _, g := range gs[:n] {
		labels = append(labels, g.GizmoID)
		conv.vals = append(conv.vals, g.Conversations)
		msg.vals = append(msg.vals, g.Messages)
	}
	if rest := gs[n:]; len(rest) > 0 {
		oc, om := 0, 0
		for _, g := range rest {
			oc += g.Conversations
			om += g.Messages
		}
		labels = append(labels, count(len(rest), "other GPT", "other GPTs"))
		conv.vals = append(conv.vals, oc)
		msg.vals = append(msg.vals, om)
	}
	r.chart(labels, conv, msg)
	r.wrap(r.st.dim, "The export names GPTs by id only.")
}

func (r *statsReport) days() {
	ds := r.s.BusiestDays
	if len(ds) == 0 {
		return
	}
	r.section("Busiest days")
	labels := make([]string, len(ds))
	msg := barCol{title: "messages", short: "msgs", style: r.st.msg, vals: make([]int, len(ds))}
	for i, d := range ds {
		labels[i] = d.Date
		if t, err := time.Parse("2006-01-02", d.Date); err == nil {
			labels[i] += " " + t.Format("Mon")
		}
		msg.vals[i] = d.Messages
	}
	r.chart(labels, msg)
}

func (r *statsReport) longest() {
	if len(r.s.LongestByMessages) > 0 {
		r.section("Longest conversations, by messages")
		r.ranking(r.s.LongestByMessages, func(c model.ConvStats) int { return c.Messages }, "msg", "msgs")
	}
	if len(r.s.LongestByWords) > 0 {
		r.section("Longest conversations, by words")
		r.ranking(r.s.LongestByWords, func(c model.ConvStats) int { return c.Words }, "word", "words")
	}
}

// ranking writes " 1.  1,234 msgs  2025-06-01  Title", the date only when
// the width leaves a title at least 30 cells.
func (r *statsReport) ranking(cs []model.ConvStats, val func(model.ConvStats) int, one, many string) {
	nw, rw, uw := 0, len(strconv.Itoa(len(cs)))+1, 0
	for _, c := range cs {
		nw = max(nw, len(render.FormatCount(val(c))))
		uw = max(uw, len(unitOf(val(c), one, many)))
	}
	used := rw + 1 + nw + 1 + uw + 2
	withDate := r.w-used-12 >= 30
	if withDate {
		used += 12
	}
	for i, c := range cs {
		rank := strconv.Itoa(i+1) + "."
		num := render.FormatCount(val(c))
		unit := unitOf(val(c), one, many)
		left := strings.Repeat(" ", rw-len(rank)) + r.st.dim.Render(rank) + " " +
			strings.Repeat(" ", nw-len(num)) + r.st.value.Render(num) + " " + r.st.dim.Render(unit) +
			strings.Repeat(" ", uw-len(unit)+2)
		if withDate {
			d := "          "
			if !c.Created.IsZero() {
				d = c.Created.Format("2006-01-02")
			}
			left += r.st.dim.Render(d) + "  "
		}
		title := c.Title
		if title == "" {
			title = "(untitled)"
		}
		title = ansi.Truncate(model.SanitizeLine(title), max(r.w-used, 1), "…")
		r.line(left + r.st.label.Render(title))
	}
}

func (r *statsReport) words() {
	s := r.s
	if s.WordsWritten == 0 && s.WordsRead == 0 {
		return
	}
	r.section("Words")
	// The two bars share one scale, so their lengths compare.
	vals := []int{int(s.WordsWritten), int(s.WordsRead)}
	styles := []lipgloss.Style{r.st.written, r.st.read}
	labels := []string{"you wrote", "you read"}
	mx := max(vals[0], vals[1])
	lw, valW := len(labels[0]), len(render.FormatCount(mx))
	barW := max(r.w-lw-2-1-valW-1-len("words"), 1)
	for i, l := range labels {
		bar, bw := blocks(vals[i], mx, barW)
		if r.st.plain && i == 1 && bar != "" {
			// Without colour the two bars differ by glyph.
			bar = strings.Repeat("▒", bw)
		}
		num := render.FormatCount(vals[i])
		r.line(r.st.label.Render(l) + strings.Repeat(" ", lw-len(l)+2) + styles[i].Render(bar) +
			strings.Repeat(" ", barW-bw+1+valW-len(num)) + r.st.value.Render(num) + " " + r.st.dim.Render("words"))
	}
	var parts []string
	switch {
	case s.WordsWritten > 0 && s.WordsRead >= s.WordsWritten:
		ratio := float64(s.WordsRead) / float64(s.WordsWritten)
		who := r.assistant()
		parts = append(parts, strings.ToUpper(who[:1])+who[1:]+" wrote "+strconv.FormatFloat(ratio, 'f', 1, 64)+"× as many words as you")
	case s.WordsRead > 0 && s.WordsWritten > s.WordsRead:
		ratio := float64(s.WordsWritten) / float64(s.WordsRead)
		parts = append(parts, "you wrote "+strconv.FormatFloat(ratio, 'f', 1, 64)+"× as many words as "+r.assistant())
	}
	if s.WordsRead > 0 {
		reading := "≈ " + count(max(int(math.Round(float64(s.WordsRead)/readingWPM)), 1), "minute", "minutes")
		if h := float64(s.WordsRead) / readingWPM / 60; h >= 1 {
			reading = "≈ " + strconv.FormatFloat(h, 'f', 1, 64) + " hours"
		}
		parts = append(parts, reading+" of reading at "+strconv.Itoa(readingWPM)+" words a minute")
	}
	r.items(r.st.dim, parts...)
}

func (r *statsReport) media() {
	s := r.s
	r.section("Images and voice")
	r.items(r.st.label,
		count(s.ImagesGenerated, "image generated", "images generated"),
		render.FormatCount(s.ImagesUploaded)+" uploaded",
		render.FormatCount(s.ImagesOther)+" other (screenshots, tool images)")
	voice := []string{count(s.VoiceMessages, "voice message", "voice messages"), count(s.AudioClips, "audio clip", "audio clips")}
	switch {
	case s.VoiceTimed == 0 && s.AudioClips > 0:
		voice = append(voice, "duration unknown")
	case s.VoiceTimed > 0:
		d := strconv.FormatFloat(s.VoiceSeconds/60, 'f', 1, 64) + " minutes"
		if s.VoiceTimed < s.AudioClips {
			d += " (" + render.FormatCount(s.VoiceTimed) + " of " + render.FormatCount(s.AudioClips) + " clips timed)"
		}
		voice = append(voice, d)
	}
	r.items(r.st.label, voice...)
}

// unitOf is one for 1, else many.
func unitOf(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// count formats "1 conversation" / "1,234 conversations".
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return render.FormatCount(n) + " " + many
}

// accountLine describes one export's account: "Account: ChatGPT",
// the name, the e-mail, the plan (what the export gives).
func accountLine(a model.AccountStats) []string {
	parts := []string{"Account: " + model.SanitizeLine(serviceLabel(a.Service))}
	for _, s := range []string{a.Name, a.Email} {
		if s != "" {
			parts = append(parts, model.SanitizeLine(s))
		}
	}
	if a.Plan != "" {
		parts = append(parts, model.SanitizeLine(a.Plan)+" plan")
	}
	return parts
}

// serviceLabel names a service for people ("chatgpt" → "ChatGPT").
func serviceLabel(s string) string {
	switch s {
	case model.ServiceChatGPT:
		return "ChatGPT"
	case model.ServiceClaude:
		return "Claude"
	case model.ServiceDeepSeek:
		return "DeepSeek"
	case model.ServiceGrok:
		return "Grok"
	}
	return s
}
