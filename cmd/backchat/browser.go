package main

import (
	"context"
	"io"
	"os"
	"runtime"
	"time"

	"charm.land/log/v2"
	"github.com/backchat/backchat/internal/demo"
	"github.com/backchat/backchat/internal/library"
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
	searcher := live.New()
	o := tui.Options{
		Theme:    browserTheme(opts.Theme),
		NoColor:  os.Getenv("NO_COLOR") != "",
		Load:     indexingLoad(src.Paths, searcher),
		Searcher: searcher,
		Actions:  localActions(os.Environ(), runtime.GOOS),
	}
	if src.Demo {
		// The demo's dates were written against demo.Reference; show them
		// as they were meant ("Today", "Yesterday", …) whatever today is.
		start := time.Now()
		o.Now = func() time.Time { return demo.Reference.Add(time.Since(start)) }
	}
	err := tui.Run(ctx, o, opts.In, opts.Out)
	if err != nil {
		return failure(err)
	}
	return nil
}
