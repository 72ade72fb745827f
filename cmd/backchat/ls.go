package main

import (
	"bytes"
	"fmt"
	"runtime"
	"slices"
	"strings"
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
each conversation's service.

With --json, print one JSON object per line (JSON Lines) with the fields
id, title, created, updated (RFC 3339 or null), model, messages, branches,
archived, starred, gizmo_id, service ("chatgpt", "claude", "deepseek",
"grok"), sources (the exports holding the conversation, oldest first) and
in_newest.

With several exports (backchat ls old.zip new.zip), conversations are merged
by id, the newest update winning; one missing from the newest export is
marked "(not in newest export)" after its title.`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, paths []string) error {
			// ls prints and ends: the load's GC target is restored after
			// the output (loader.Options.HoldGC).
			var restoreGC func()
			a.holdGC = func(restore func()) { restoreGC = restore }
			defer func() {
				a.holdGC = nil // a later load restores its own
				if restoreGC != nil {
					restoreGC()
				}
			}()
			arch, err := a.load(cmd.Context(), paths)
			if err != nil {
				return err
			}
			convs := newestFirst(arch.Conversations)
			var out bytes.Buffer
			if asJSON {
				err = listJSON(&out, convs)
			} else {
				listText(&out, convs, a.loc)
			}
			if err != nil {
				return failure(err)
			}
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

// listText writes one aligned line per conversation:
// "2025-06-01  12  gpt-4o  Title", or, when the conversations come from
// several services, "2025-06-01  claude   12  -  Title".
func listText(out *bytes.Buffer, convs []*model.Conversation, loc *time.Location) {
	type row struct{ date, service, count, model, title string }
	rows := make([]row, len(convs))
	wCount, wModel, wService := 0, 0, 0
	mixed := len(model.Services(convs)) > 1
	// The rows are made on every core: counting each conversation's
	// visible messages walks its thread (0.1 s on one core for the 60,000
	// conversations of a 1 GB export, after the load).
	eachPart(len(convs), func(lo, hi int) {
		for i, c := range convs[lo:hi] {
			r := row{date: "----------", count: render.FormatCount(c.VisibleCount()), model: model.SanitizeLine(c.Model),
				title: model.SanitizeLine(c.DisplayTitle())}
			if mixed {
				r.service = model.SanitizeLine(c.Service)
				if r.service == "" {
					r.service = "-"
				}
			}
			if c.NotInNewest() {
				r.title += "  (not in newest export)"
			}
			if t := c.SortTime(); !t.IsZero() {
				r.date = t.In(loc).Format("2006-01-02")
			}
			if r.model == "" {
				r.model = "-"
			}
			rows[lo+i] = r
		}
	})
	size := 0
	for _, r := range rows {
		if mixed {
			wService = max(wService, ansi.StringWidth(r.service))
		}
		wCount = max(wCount, len(r.count))
		wModel = max(wModel, ansi.StringWidth(r.model))
		size += len(r.date) + len(r.service) + len(r.count) + len(r.model) + len(r.title)
	}
	// Grown once: the load's garbage is not collected before the output
	// (HoldGC in lsCommand), so each doubling would take fresh memory.
	out.Grow(size + len(rows)*(wService+wCount+wModel+8))
	for _, r := range rows {
		if mixed {
			fmt.Fprintf(out, "%s  %s%s", r.date, r.service, strings.Repeat(" ", wService-ansi.StringWidth(r.service)))
		} else {
			out.WriteString(r.date)
		}
		fmt.Fprintf(out, "  %*s  %s%s  %s\n", wCount, r.count, r.model,
			strings.Repeat(" ", wModel-ansi.StringWidth(r.model)), r.title)
	}
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
}

func listJSON(out *bytes.Buffer, convs []*model.Conversation) error {
	for _, c := range convs {
		e := lsEntry{ID: c.ID, Title: c.Title, Created: render.TimeJSON(c.Created), Updated: render.TimeJSON(c.Updated),
			Model: c.Model, Messages: c.VisibleCount(), Branches: c.BranchPoints(),
			Archived: c.Archived, Starred: c.Starred, GizmoID: c.GizmoID, Service: c.Service,
			Sources: render.SourcesJSON(c), InNewest: !c.NotInNewest(), Shared: c.Shared}
		if err := render.WriteJSON(out, e, ""); err != nil {
			return err
		}
	}
	return nil
}
