package main

import (
	"context"
	"io"
	"os"
	"runtime"
	"time"

	"charm.land/log/v2"
	"github.com/backchat/backchat/internal/library"
	"github.com/backchat/backchat/internal/snapshot"
	"github.com/backchat/backchat/loader"
	"github.com/backchat/backchat/model"
	"github.com/backchat/backchat/model/search/live"
	"github.com/backchat/backchat/tui"
)

// archiveSource is what the browser should load.
type archiveSource struct {
	Paths []string // export paths (ZIP, folder, JSON); for the demo, its files
	Demo  bool     // Paths came from the built-in demo archive
	// Library is set when Paths are the library's imports (no PATH given):
	// its Fingerprint and SnapshotPath key a snapshot of the loaded archive.
	Library *library.Library
	// Ready, when set, is an archive reopened complete (a library
	// snapshot): the browser shows it at once instead of loading Paths.
	Ready *readyArchive
	// Loaded, when set, is called once a load of Paths has finished
	// without error, with the archive and its searcher (the snapshot
	// writer).
	Loaded func(*model.Archive, *live.Searcher)
}

// readyArchive is a complete archive and the searcher over its index,
// built before (a library snapshot's: live.NewIndexedLater over
// search.LoadIndex, which loads while the first screen is drawn).
type readyArchive struct {
	Archive  *model.Archive
	Searcher *live.Searcher
}

// browserSource sets o to show src: a ready archive with its index at
// once, else a load of src.Paths streamed in and indexed as it comes.
//
// budget, when > 0, is the export's bytes of JSON (exportBudget), which
// the browser keeps its memory within: a load that writes no snapshot
// (src.Loaded nil) then keeps the text of the conversations decoded
// beyond compactPlain(budget) compressed (compactingLoad).
func browserSource(o *tui.Options, src archiveSource, budget int64) {
	if r := src.Ready; r != nil {
		o.Archive, o.Searcher = r.Archive, r.Searcher
		if lib := src.Library; lib != nil {
			a := *r.Archive // its warnings name the imports, not the library's copies
			a.Warnings, o.Archive = originals(lib, a.Warnings), &a
		}
		return
	}
	if budget > 0 && src.Loaded == nil {
		searcher := live.NewOffsets()
		newK := func() loader.Compactor { return snapshot.NewCompactor() }
		o.Load, o.Searcher = compactingLoad(src.Paths, src.Library, searcher, nil, newK, compactPlain(budget)), searcher
		return
	}
	searcher := live.New()
	o.Load, o.Searcher = indexingLoad(src.Paths, src.Library, searcher, src.Loaded), searcher
}

// browserOptions carries the global flags and the terminal to the browser.
type browserOptions struct {
	In       io.Reader // keyboard input (stdin)
	Out      io.Writer // the terminal (stdout)
	Theme    string    // auto, dark, light or notty
	Log      *log.Logger
	Version  string
	Location *time.Location
}

// browserTheme maps --theme to tui.Options.Theme ("" asks the terminal).
func browserTheme(theme string) string {
	if theme == "auto" {
		return ""
	}
	return theme
}

// runBrowser starts the full-screen browser and returns when it quits. The
// browser loads the archive itself so its screen appears at once and fills
// as conversations stream in. A path that cannot be read fails before the
// screen opens; an archive that fails to load is shown, then returned as
// the error (exit status 1).
var runBrowser = func(ctx context.Context, src archiveSource, opts browserOptions) error {
	for _, p := range src.Paths {
		// Say so on stderr, not on a full screen: a path that cannot be
		// read is a mistake on the command line.
		if err := readable(p); err != nil {
			return failure(err)
		}
	}
	o := tui.Options{
		Theme:   browserTheme(opts.Theme),
		NoColor: os.Getenv("NO_COLOR") != "",
		Actions: localActions(os.Environ(), runtime.GOOS),
	}
	var budget int64
	if !src.Demo && src.Ready == nil {
		budget = exportBudget(src.Paths)
	}
	browserSource(&o, src, budget)
	if budget > 0 {
		// rsscap.go: once loaded, keep the RSS within the export's size.
		var stop func()
		o.Load, stop = capAfterLoad(o.Load, budget)
		defer stop()
	}
	if src.Demo {
		o.Now = demoClock()
	}
	err := tui.Run(ctx, o, opts.In, opts.Out)
	if err != nil {
		return failure(err)
	}
	return nil
}
