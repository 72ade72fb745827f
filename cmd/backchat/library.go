package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/backchat/backchat/internal/library"
	"github.com/backchat/backchat/internal/render"
	"github.com/backchat/backchat/internal/snapshot"
	"github.com/backchat/backchat/loader"
	"github.com/backchat/backchat/model"
	"github.com/charmbracelet/x/ansi"
	"github.com/spf13/cobra"
)

// importDelayEnv slows every copied MiB by its duration. Tests only: it
// makes an import's copy last long enough to kill it mid-copy.
const importDelayEnv = "BACKCHAT_TEST_IMPORT_DELAY"

// changeListMax is how many conversations of each kind import names.
const changeListMax = 10

// tidyLibrary removes what an interrupted import left, unless an import
// runs now; a failure is only a warning (listing does not need it).
func (a *app) tidyLibrary(dir string) {
	if err := library.Tidy(dir); err != nil {
		fmt.Fprintln(a.errOut, "backchat: warning: "+model.SanitizeLine(err.Error()))
	}
}

// openLibrary opens the library folder (--library, $BACKCHAT_LIBRARY or
// the XDG data folder) and prints its warnings.
func (a *app) openLibrary() (*library.Library, error) {
	dir, err := library.Resolve(a.libraryDir, a.getenv)
	if err != nil {
		return nil, failure(err)
	}
	lib, err := library.Open(dir)
	if err != nil {
		return nil, failure(err)
	}
	a.libraryWarnings(lib)
	return lib, nil
}

// listedLibrary opens the library for `library` and `library verify`:
// tidied of what an interrupted import left, and a failure when empty.
func (a *app) listedLibrary() (*library.Library, error) {
	lib, err := a.openLibrary()
	if err != nil {
		return nil, err
	}
	a.tidyLibrary(lib.Dir)
	if lib.Empty() {
		return nil, failure(fmt.Errorf("%w (library: %s)", library.ErrEmpty, lib.Dir))
	}
	return lib, nil
}

func (a *app) libraryWarnings(lib *library.Library) {
	for _, w := range lib.Warnings {
		fmt.Fprintln(a.errOut, "backchat: warning: "+model.SanitizeLine(w))
	}
	lib.Warnings = nil // said once
}

// librarySource is what to load when no EXPORT is given: the library's
// imports, oldest export first. An empty library is a failure that says
// how to import. This is the one place commands get "the library" from;
// archiveSource.Library carries it on (its Fingerprint and SnapshotPath
// key the snapshot cache).
func (a *app) librarySource() (archiveSource, error) {
	lib, err := a.openLibrary()
	if err != nil {
		return archiveSource{}, err
	}
	paths, err := lib.Paths()
	if errors.Is(err, library.ErrEmpty) {
		return archiveSource{}, failure(fmt.Errorf("%w (library: %s; or try backchat --demo)", library.ErrEmpty, lib.Dir))
	}
	if err != nil {
		return archiveSource{}, failure(err)
	}
	a.log.Info("library", "dir", lib.Dir, "imports", len(paths), "fingerprint", lib.Fingerprint())
	return archiveSource{Paths: paths, Library: lib}, nil
}

func (a *app) importCommand() *cobra.Command {
	var wait time.Duration
	cmd := &cobra.Command{
		Use:   "import [--wait DURATION] EXPORT...",
		Short: "Copy exports into the library",
		Long: `Copy each EXPORT (a ZIP, a folder, a conversations.json or shard) as it is
into the library, then say what changed: new conversations, updated ones,
and ones the newest export no longer holds (kept, and marked ⊘ in the
browser). Every command run without EXPORT works on the library.

The library is --library DIR, else $BACKCHAT_LIBRARY, else
$XDG_DATA_HOME/backchat (~/.local/share/backchat). Imports are named by the
SHA-256 of their content: importing the same export again, under any name,
does nothing, unless the library's copy is missing, or was written since it
was last found intact and no longer hashes to its name: then it is copied
again (the copy is hashed only when its size, times or inode changed; backchat
library verify hashes every copy). Originals are only read. An import
that fails or is interrupted leaves the library as it was; two imports at
once run one after the other (the second waits up to --wait).`,
		Example: `  backchat import ~/Downloads/chatgpt-export-2026-11.zip
  backchat import old.zip new.zip claude-export/`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageErrorf("import needs the EXPORT to copy (a ZIP, folder or conversations.json)")
			}
			if a.demo {
				return usageErrorf("--demo cannot be imported")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, paths []string) error {
			dir, err := library.Resolve(a.libraryDir, a.getenv)
			if err != nil {
				return failure(err)
			}
			opt := library.Options{Wait: wait, Open: a.open, Before: a.librarySnapshot}
			tty := a.isTerminal(a.errOut)
			if tty {
				// The library loads to compare: show it as the other
				// commands do.
				opt.Open = func(ctx context.Context, lo loader.Options, paths ...string) (*model.Archive, error) {
					p := startProgress(a.errOut, progressDelay)
					defer p.stop()
					lo.Progress = p.update
					return a.open(ctx, lo, paths...)
				}
			}
			opt.OnWait = func(pid int) {
				who := ""
				if pid > 0 {
					who = fmt.Sprintf(" (process %d)", pid)
				}
				fmt.Fprintf(a.errOut, "backchat: waiting for another import%s to finish…\n", who)
			}
			delay, _ := time.ParseDuration(a.getenv(importDelayEnv))
			var bar *progress
			var total int64
			cur := 0 // index in paths of the export being copied
			opt.AfterChunk = func(done int64) {
				if delay > 0 {
					time.Sleep(delay)
				}
				if tty && bar == nil {
					bar = startLabelledProgress(a.errOut, progressDelay, "copying "+model.SanitizeLine(filepath.Base(paths[cur]))+"…")
					total = fileSize(paths[cur])
				}
				if bar != nil {
					bar.update(done, total)
				}
			}
			start := time.Now()
			opt.OnCopied = func(o library.Outcome) {
				if bar != nil {
					bar.stop()
					bar = nil
				}
				cur++
				a.log.Info("copied", "path", o.Path, "already", o.Already, "bytes", o.Import.Size, "since_start", time.Since(start), "err", o.Err)
			}
			rep, err := library.Add(cmd.Context(), dir, paths, opt)
			if err != nil {
				return failure(err)
			}
			a.libraryWarnings(rep.Library)
			a.log.Info("import", "dir", dir, "paths", paths, "took", time.Since(start))
			// What became of each export, in the order given, said once
			// the load has told whether it holds conversations: a copy
			// the load rejects (and removes) is only "not imported", and
			// an import that fails as a whole says nothing was copied.
			for _, o := range rep.Outcomes {
				if o.Err != nil {
					_, _ = fmt.Fprintf(a.errOut, "backchat: not imported: %s\n", model.SanitizeLine(o.Err.Error()))
					continue
				}
				if err := writeAll(a.out, importLine(o, a.loc)); err != nil {
					return err
				}
				if o.Warnings > 0 {
					_, _ = fmt.Fprintf(a.errOut, "backchat: warning: %s: %s load warning%s (backchat ls shows them)\n",
						model.SanitizeLine(o.Path), render.FormatCount(o.Warnings), plural(o.Warnings))
				}
			}
			if err := writeAll(a.out, changesText(rep)); err != nil {
				return err
			}
			a.snapshotAfterImport(cmd.Context(), rep, tty)
			if n := rep.Failed(); n > 0 {
				return failure(fmt.Errorf("%d of %d export%s not imported", n, len(paths), plural(len(paths))))
			}
			return nil
		},
	}
	cmd.Flags().DurationVar(&wait, "wait", 10*time.Minute, "how long to wait for another import to finish")
	return cmd
}

// fileSize is the size of the file at path, 0 for a folder or on error
// (the progress line then shows no percentage).
func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil || !fi.Mode().IsRegular() {
		return 0
	}
	return fi.Size()
}

// importLine says what became of one export.
func importLine(o library.Outcome, loc *time.Location) string {
	imp := o.Import
	name := model.SanitizeLine(o.Path)
	if o.Repaired {
		return fmt.Sprintf("repaired: %s (the library's copy was missing or damaged; copied again, sha256 %s)\n", name, imp.Short())
	}
	if o.Already {
		as := ""
		if filepath.Base(o.Path) != imp.Name {
			as = " as " + model.SanitizeLine(imp.Name)
		}
		return fmt.Sprintf("already imported: %s (same content%s, %s, sha256 %s)\n", name, as,
			imp.Imported.In(loc).Format("imported 2006-01-02 15:04"), imp.Short())
	}
	return fmt.Sprintf("copied %s: %s in %s file%s, sha256 %s\n", name, render.FormatSize(imp.Size),
		render.FormatCount(imp.Files), plural(imp.Files), imp.Short())
}

// changesText summarises what an import changed in the library.
func changesText(rep *library.Report) string {
	ch := rep.Changes
	if len(ch.New)+len(ch.Updated)+len(ch.Gone) == 0 {
		for _, o := range rep.Outcomes {
			if o.Err == nil && !o.Already {
				return "nothing changed in the library's conversations\n"
			}
		}
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s new, %s updated, %s no longer in the newest export (kept, marked ⊘)\n",
		render.FormatCount(len(ch.New)), render.FormatCount(len(ch.Updated)), render.FormatCount(len(ch.Gone)))
	// The ids are padded to the widest listed (ids shorter than 8
	// characters exist), so the titles line up as search's do.
	wID := 0
	for _, es := range [][]library.Entry{ch.New, ch.Updated, ch.Gone} {
		for _, e := range es[:min(len(es), changeListMax)] {
			wID = max(wID, ansi.StringWidth(shortID(e.ID)))
		}
	}
	list := func(mark string, es []library.Entry) {
		for i, e := range es {
			if i == changeListMax {
				fmt.Fprintf(&b, "  %s … and %s more\n", mark, render.FormatCount(len(es)-i))
				break
			}
			id := shortID(e.ID)
			fmt.Fprintf(&b, "  %s %s%s  %s\n", mark, id, strings.Repeat(" ", wID-ansi.StringWidth(id)), model.SanitizeLine(e.Title))
		}
	}
	list("+", ch.New)
	list("~", ch.Updated)
	list("⊘", ch.Gone)
	return b.String()
}

func (a *app) libraryCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "library",
		Short: "List the exports in the library",
		Long: `List the imports of the library, oldest export first: the date of the
newest conversation each holds, its service, size, number of conversations,
the start of its SHA-256 and the name it was imported from; then the
library's folder and total size. 'backchat library verify' re-hashes them.
Both remove what an interrupted import left, unless an import is running.`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			lib, err := a.listedLibrary()
			if err != nil {
				return err
			}
			total, cache, err := lib.Size()
			if err != nil {
				return failure(fmt.Errorf("library: %w", err))
			}
			var b strings.Builder
			tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "EXPORT DATE\tSERVICE\tSIZE\tCONVERSATIONS\tHASH\tIMPORTED\tNAME")
			for _, imp := range lib.Ordered() {
				date := "----------"
				if !imp.ExportDate.IsZero() {
					date = imp.ExportDate.In(a.loc).Format("2006-01-02")
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", date, model.SanitizeLine(imp.Service),
					render.FormatSize(imp.Size), render.FormatCount(imp.Conversations), imp.Short(),
					imp.Imported.In(a.loc).Format("2006-01-02 15:04"), model.SanitizeLine(imp.Name))
			}
			_ = tw.Flush()
			fmt.Fprintf(&b, "%s import%s, %s in %s", render.FormatCount(len(lib.Manifest.Imports)), plural(len(lib.Manifest.Imports)),
				render.FormatSize(total), model.SanitizeLine(lib.Dir))
			if cache > 0 {
				fmt.Fprintf(&b, " (cache %s)", render.FormatSize(cache))
			}
			b.WriteString("\n")
			return writeAll(a.out, b.String())
		},
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "verify",
		Short: "Re-hash every import and report missing or changed ones",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			lib, err := a.listedLibrary()
			if err != nil {
				return err
			}
			probs, err := lib.Verify(cmd.Context(), nil)
			if err != nil {
				return failure(err)
			}
			var b strings.Builder
			for _, p := range probs {
				fmt.Fprintf(&b, "%s  %s: %s\n", p.Import.Short(), model.SanitizeLine(p.Import.Name), model.SanitizeLine(p.Err.Error()))
			}
			n := len(lib.Manifest.Imports)
			if len(probs) == 0 {
				fmt.Fprintf(&b, "%s import%s verified: all intact\n", render.FormatCount(n), plural(n))
				return writeAll(a.out, b.String())
			}
			if err := writeAll(a.out, b.String()); err != nil {
				return err
			}
			return failure(fmt.Errorf("%d of %d import%s missing or changed: import the original export again to repair it", len(probs), n, plural(n)))
		},
	})
	return cmd
}

// librarySnapshot is library.Options.Before: the library l (its imports at
// paths) as its snapshot holds it, so an import compares with it instead
// of parsing every export already there. Nil when --no-cache, or when the
// snapshot is missing, out of date or damaged (the import then loads the
// imports; the snapshot of the new content is written after it anyway).
func (a *app) librarySnapshot(l *library.Library, paths []string) (*model.Archive, func(int) int, func()) {
	if a.noCache {
		return nil, nil, nil
	}
	plan := a.snapshotPlan(archiveSource{Paths: paths, Library: l})
	if plan.path == "" {
		return nil, nil, nil
	}
	s, err := snapshot.Open(plan.path, plan.fp)
	if err != nil {
		a.log.Info("import: library snapshot not used", "path", plan.path, "err", err)
		return nil, nil, nil
	}
	a.log.Info("import: comparing with the library snapshot", "path", plan.path, "conversations", len(s.Archive.Conversations))
	return s.Archive, s.Nodes, func() { _ = s.Close() }
}

// repaired reports whether the import copied again a damaged or missing
// copy (library.Outcome.Repaired).
func repaired(rep *library.Report) bool {
	return slices.ContainsFunc(rep.Outcomes, func(o library.Outcome) bool { return o.Repaired && o.Err == nil })
}

// snapshotAfterImport writes the library's snapshot when it has none for
// its current content (an import changed it, or it never had one), so the
// first start after an import opens at once instead of parsing every
// export. It loads the library in the background (the import itself
// loaded only the new exports), unless the import has the whole library
// (rep.Archive: a first import's load, or the library's snapshot combined
// with the new exports' load), which is written as it is; the process
// waits for it before it exits. --no-cache skips it.
func (a *app) snapshotAfterImport(ctx context.Context, rep *library.Report, tty bool) {
	lib := rep.Library
	if a.noCache || lib == nil {
		return
	}
	paths, err := lib.Paths()
	if err != nil {
		return // an empty library: nothing to prepare
	}
	plan := a.snapshotPlan(archiveSource{Paths: paths, Library: lib})
	if plan.path == "" {
		return
	}
	if _, err := os.Stat(plan.path); err == nil && !repaired(rep) {
		// A repaired copy is a new file: the snapshot's fingerprint no
		// longer matches it, though its name (the manifest's) is the same.
		return
	}
	if tty {
		fmt.Fprintln(a.errOut, "backchat: preparing the library so the next start opens at once…")
	}
	if rep.Archive != nil {
		a.snapWrites.Add(1)
		go func() {
			defer a.snapWrites.Done()
			a.writeLoaded(ctx, plan, rep.Archive)
		}()
		return
	}
	a.rebuildSnapshot(ctx, plan)
}
