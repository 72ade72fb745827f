package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/backchat/backchat/internal/render"
	"github.com/backchat/backchat/model"
	"github.com/charmbracelet/x/ansi"
	"github.com/spf13/cobra"
)

func (a *app) lsCommand() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "ls [--json] [PATH...]",
		Short: "List conversations, newest first",
		Long: `List the conversations of the exports at PATH... (without PATH, the library:
see backchat import), newest first: last update date, number of visible
messages on the current thread, model and title. When the exports come from
several services (ChatGPT and Claude, say), a column after the date names
each conversation's service. On a terminal each line is cut to its width
(a long title ends in "…"); piped, lines are whole.

With --json, print one JSON object per line (JSON Lines) with the fields
id, title, created, updated (RFC 3339 or null), model, messages, branches,
archived, starred, gizmo_id, service ("chatgpt", "claude", "deepseek",
"grok"), sources (the exports holding the conversation, oldest first), in_newest
and, for a conversation with no visible message, empty_reason (the load
warning's reason, "all messages hidden" or "no messages").

With several exports (backchat ls old.zip new.zip), conversations are merged
by id, the newest update winning; one missing from the newest export is
marked "(not in newest export)" after its title.`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, paths []string) error {
			// ls prints and ends: the load's GC target is restored after
			// the output (loader.Options.HoldGC).
			var restoreGC func()
			a.holdGC = func(restore func()) { restoreGC = restore }
			// Once the output is written nothing reads the archive: its
			// text is given back then, on both cores, rather than by the
			// exit's teardown on one (loader.Options.Release).
			var release func()
			a.releaseLoad = func(r func()) { release = r }
			defer func() {
				a.holdGC, a.releaseLoad = nil, nil // a later load has its own
				if release != nil {
					release()
				}
				if restoreGC != nil {
					restoreGC()
				}
			}()
			arch, err := a.load(cmd.Context(), paths)
			if err != nil {
				return err
			}
			convs := newestFirst(arch.Conversations)
			if asJSON {
				if err := listJSON(a.out, convs, arch.Warnings); err != nil {
					return failure(err)
				}
				return nil
			}
			var out bytes.Buffer
			listText(&out, convs, a.loc, a.outWidth())
			// From the buffer: a copy (String) would take fresh memory
			// too, the load's garbage not being collected (HoldGC).
			if _, err := a.out.Write(out.Bytes()); err != nil {
				return failure(fmt.Errorf("writing output: %w", err))
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON Lines")
	return cmd
}

// eachPart calls f on n items cut into one part per core (at least 1,000
// items each), in parallel, and returns when all are done.
func eachPart(n int, f func(lo, hi int)) {
	parts := max(1, min(runtime.GOMAXPROCS(0), n/1000))
	var wg sync.WaitGroup
	for k := range parts {
		wg.Go(func() { f(k*n/parts, (k+1)*n/parts) })
	}
	wg.Wait()
}

// newestFirst returns the conversations in model.Newer's order.
func newestFirst(cs []*model.Conversation) []*model.Conversation {
	out := slices.Clone(cs)
	model.SortNewestFirst(out)
	return out
}

// lsModelMin is the fewest cells ls's model column is cut to on a
// terminal, to leave a title titleMin.
const lsModelMin = 8

// listText writes one aligned line per conversation:
// "2025-06-01  12  gpt-4o  Title", or, when the conversations come from
// several services, "2025-06-01  claude   12  -  Title". With width > 0
// (a terminal's, see outWidth) each line fits in width cells where it can:
// a long title is cut with "…" (keeping "(not in newest export)" when the
// title keeps titleMin cells), and so is a model slug too long to leave
// the titles titleMin cells.
func listText(out *bytes.Buffer, convs []*model.Conversation, loc *time.Location, width int) {
	rows := make([]lsRow, len(convs))
	mixed := len(model.Services(convs)) > 1
	// The rows are made on every core, their widths too (counting each
	// conversation's visible messages walks its thread, and the 60,000
	// rows of a 1 GB export are made after the load, while nothing else
	// runs); so are the lines, below.
	var mu sync.Mutex
	wCount, wModel, wService := 0, 0, 0
	eachPart(len(convs), func(lo, hi int) {
		wc, wm, ws := 0, 0, 0
		for i, c := range convs[lo:hi] {
			r := lsRow{date: "----------", count: render.FormatCount(c.VisibleCount()), model: model.SanitizeLine(c.Model),
				title: model.SanitizeLine(c.DisplayTitle())}
			if mixed {
				r.service = model.SanitizeLine(c.Service)
				if r.service == "" {
					r.service = "-"
				}
				r.wService = ansi.StringWidth(r.service)
				ws = max(ws, r.wService)
			}
			if c.NotInNewest() {
				r.note = notInNewestNote
			}
			if t := c.SortTime(); !t.IsZero() {
				r.date = t.In(loc).Format("2006-01-02")
			}
			if r.model == "" {
				r.model = "-"
			}
			r.wModel = ansi.StringWidth(r.model)
			wc, wm = max(wc, len(r.count)), max(wm, r.wModel)
			rows[lo+i] = r
		}
		mu.Lock()
		wCount, wModel, wService = max(wCount, wc), max(wModel, wm), max(wService, ws)
		mu.Unlock()
	})
	if width > 0 {
		wModel = fitRows(rows, width, mixed, wCount, wService, wModel)
	}
	// lineLen is the length of row r's line (each field padded with
	// spaces to its column's width, a newline after the title).
	lineLen := func(r *lsRow) int {
		n := len(r.date) + 2 + wCount + 2 + len(r.model) + wModel - r.wModel + 2 + len(r.title) + len(r.note) + 1
		if mixed {
			n += 2 + len(r.service) + wService - r.wService
		}
		return n
	}
	// Each part's lines go to their place in one buffer, grown once: the
	// load's garbage is not collected before the output (HoldGC in
	// lsCommand), so each doubling would take fresh memory.
	parts := max(1, min(runtime.GOMAXPROCS(0), len(rows)/1000))
	at := make([]int, parts+1)
	for k := range parts {
		n := 0
		for i := k * len(rows) / parts; i < (k+1)*len(rows)/parts; i++ {
			n += lineLen(&rows[i])
		}
		at[k+1] = at[k] + n
	}
	out.Grow(at[parts])
	buf := out.AvailableBuffer()[:at[parts]]
	var wg sync.WaitGroup
	for k := range parts {
		wg.Go(func() {
			b := buf[at[k]:at[k]:at[k+1]]
			for i := k * len(rows) / parts; i < (k+1)*len(rows)/parts; i++ {
				r := &rows[i]
				b = append(b, r.date...)
				if mixed {
					b = append(b, "  "...)
					b = append(b, r.service...)
					b = pad(b, wService-r.wService)
				}
				b = pad(append(b, "  "...), wCount-len(r.count))
				b = append(b, r.count...)
				b = append(append(b, "  "...), r.model...)
				b = pad(b, wModel-r.wModel)
				b = append(append(append(append(b, "  "...), r.title...), r.note...), '\n')
			}
		})
	}
	wg.Wait()
	out.Write(buf)
}

// lsRow is one line of listText, its fields sanitised.
type lsRow struct {
	date, service, count, model, title string
	note                               string // after the title: notInNewestNote or ""
	wService, wModel                   int    // display widths
}

// notInNewestNote follows the title of a conversation the newest export
// no longer holds.
const notInNewestNote = "  (not in newest export)"

// fitRows cuts the rows' titles, and their models when the model column
// (wModel cells wide) leaves the titles less than titleMin, so that each
// line fits in width cells (as far as the date, service and count columns
// leave room), on every core; it returns the model column's new width. A
// title cut keeps its note when the title keeps titleMin cells beside it.
func fitRows(rows []lsRow, width int, mixed bool, wCount, wService, wModel int) int {
	fixed := len("2006-01-02") + 2 + wCount + 2 + 2 // all but the model and the title
	if mixed {
		fixed += 2 + wService
	}
	if width-fixed-wModel < titleMin && wModel > lsModelMin {
		wModel = max(width-fixed-titleMin, lsModelMin)
	}
	avail := width - fixed - wModel // for the title and its note
	wNote := ansi.StringWidth(notInNewestNote)
	eachPart(len(rows), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			r := &rows[i]
			if r.wModel > wModel {
				r.model = cutCells(r.model, wModel)
				r.wModel = ansi.StringWidth(r.model)
			}
			// A string is never wider than its length in bytes (a
			// wide character takes three or four).
			if len(r.title)+len(r.note) <= avail {
				continue
			}
			wTitle := ansi.StringWidth(r.title)
			switch {
			case wTitle+ansi.StringWidth(r.note) <= avail:
			case r.note != "" && avail-wNote >= titleMin:
				r.title = cutCells(r.title, avail-wNote)
			default:
				r.title, r.note = cutCells(r.title+r.note, avail), ""
			}
		}
	})
	return wModel
}

// pad appends n spaces to b.
func pad(b []byte, n int) []byte {
	for range n {
		b = append(b, ' ')
	}
	return b
}

// lsEntry is one line of `ls --json`.
type lsEntry struct {
	ID       string   `json:"id"`
	Title    string   `json:"title"`
	Created  *string  `json:"created"`
	Updated  *string  `json:"updated"`
	Model    string   `json:"model"`
	Messages int      `json:"messages"`
	Branches int      `json:"branches"`
	Archived bool     `json:"archived"`
	Starred  bool     `json:"starred"`
	GizmoID  string   `json:"gizmo_id"`
	Service  string   `json:"service"`
	Sources  []string `json:"sources"`
	InNewest bool     `json:"in_newest"`
	Shared   bool     `json:"shared,omitempty"` // shared by public link
	// EmptyReason says why a conversation shows no message (messages 0):
	// a load warning's reason, "all messages hidden" or "no messages".
	EmptyReason string `json:"empty_reason,omitempty"`
}

// listJSON writes one JSON object per conversation (JSON Lines). The
// lines are encoded on every core, each part into its own buffer, and the
// parts written in order.
func listJSON(w io.Writer, convs []*model.Conversation, warns []model.Warning) error {
	reasons := render.WarningReasons(warns)
	parts := max(1, min(runtime.GOMAXPROCS(0), len(convs)/1000))
	bufs := make([]bytes.Buffer, parts)
	errs := make([]error, parts)
	var wg sync.WaitGroup
	for k := range parts {
		wg.Go(func() {
			for _, c := range convs[k*len(convs)/parts : (k+1)*len(convs)/parts] {
				e := lsEntry{ID: c.ID, Title: c.Title, Created: render.TimeJSON(c.Created), Updated: render.TimeJSON(c.Updated),
					Model: c.Model, Messages: c.VisibleCount(), Branches: c.BranchPoints(),
					Archived: c.Archived, Starred: c.Starred, GizmoID: c.GizmoID, Service: c.Service,
					Sources: render.SourcesJSON(c), InNewest: !c.NotInNewest(), Shared: c.Shared}
				if e.Messages == 0 {
					e.EmptyReason = render.EmptyReason(c, reasons)
				}
				if err := render.WriteJSON(&bufs[k], e, ""); err != nil {
					errs[k] = err
					return
				}
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	for k := range bufs {
		if _, err := w.Write(bufs[k].Bytes()); err != nil {
			return fmt.Errorf("writing output: %w", err)
		}
	}
	return nil
}
