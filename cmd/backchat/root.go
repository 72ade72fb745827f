package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"charm.land/log/v2"
	"github.com/backchat/backchat/internal/library"
	"github.com/backchat/backchat/internal/snapshot"
	"github.com/backchat/backchat/loader"
	"github.com/backchat/backchat/model"
	"github.com/backchat/backchat/model/search"
	"github.com/spf13/cobra"
)

// themes are the accepted --theme values; "auto" lets the browser ask the
// terminal for its background colour.
var themes = []string{"auto", "dark", "light", "notty"}

// app is one run of the command: its streams, global flags and resources.
// Tests build their own with fixed streams, time zone and terminal answers.
type app struct {
	in     io.Reader
	out    io.Writer
	errOut io.Writer

	demo       bool
	debug      bool
	theme      string
	libraryDir string // --library

	getenv func(string) string // os.Getenv except in tests

	loc *time.Location // time zone for text output
	// isTerminal reports whether w is an interactive terminal (progress bar).
	isTerminal func(w io.Writer) bool

	// open loads exports; loader.OpenContext except in tests.
	open func(ctx context.Context, opts loader.Options, paths ...string) (*model.Archive, error)
	// holdGC, when set, is passed to the load as loader.Options.HoldGC.
	holdGC func(restore func())
	// releaseLoad, when set, is passed to a load of export files that
	// writes no snapshot as loader.Options.Release (the snapshot's write
	// reads the archive after the command's output).
	releaseLoad func(release func())

	log     *log.Logger // discards unless --debug
	logFile *os.File

	cleanups []func() // run by close (the demo archive's temporary folder)

	// Snapshots (snapshot.go): --cache opts a plain export in, --no-cache
	// turns them off; snapshotPath, when set, names the snapshot of a set
	// of absolute input paths ("" for none) instead.
	cache, noCache bool
	snapshotPath   func(inputs []string) string
	snap           *snapshot.Snapshot // the snapshot the last load came from
	distrust       bool               // a snapshot was damaged: load the inputs
	snapWrites     sync.WaitGroup     // background snapshot writes; close waits
	// closeOut, when set, closes the process's stdout once the command
	// has run, before close waits for the snapshot writes.
	closeOut func() error
	// afterOutput holds the snapshot writes of a command that prints and
	// ends (see trusting): close starts them once its output is done, so
	// they do not compete with it for the cores.
	deferWrites bool
	afterOutput []func()
	// detachable: this is the backchat process itself (main), so those
	// writes may run in a detached process (snapwriter.go).
	detachable bool
	// verifyAfter, when set, stands for the wait (verifyDelay) before a
	// reopened snapshot's index checksum is read; false: do not read it.
	verifyAfter func(ctx context.Context) bool

	indexMu sync.Mutex
	indexOf *model.Archive // the archive index was built or loaded for
	index   *search.Index
}

func newApp(in io.Reader, out, errOut io.Writer) *app {
	return &app{
		in: in, out: out, errOut: errOut,
		loc:        time.Local,
		isTerminal: isTerminal,
		open:       loader.OpenContext,
		getenv:     os.Getenv,
		log:        log.New(io.Discard),
	}
}

// close releases what the run opened (the debug log).
func (a *app) close() {
	for _, f := range a.afterOutput {
		f()
	}
	a.afterOutput = nil
	a.snapWrites.Wait()
	for _, f := range a.cleanups {
		f()
	}
	a.cleanups = nil
	if a.logFile != nil {
		a.log.Info("exit")
		_ = a.logFile.Close()
		a.logFile = nil
	}
}

func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "backchat [PATH...]",
		Short: "Browse ChatGPT data exports in the terminal",
		Long: `backchat opens ChatGPT, Claude, DeepSeek and Grok data exports (the ZIP, its
unpacked folder, or a conversations.json / shard / single-conversation file)
and lets you browse, search and read every conversation, including hidden
messages and branches.

Without a subcommand it starts the full-screen browser. Without PATH, every
command reads the library: the exports copied there by 'backchat import'
(--library DIR, else $BACKCHAT_LIBRARY, else $XDG_DATA_HOME/backchat).`,
		Example: `  backchat ~/Downloads/chatgpt-export.zip
  backchat import ~/Downloads/chatgpt-export.zip && backchat
  backchat --demo
  backchat ls export.zip
  backchat show export.zip 6836a1f2
  backchat search export.zip 'kubernetes after:2025'`,
		Version:       buildVersion(),
		Args:          cobra.ArbitraryArgs,
		SilenceErrors: true,
		SilenceUsage:  true,
		// mistypedCommand: "sarch" is one edit from "search".
		SuggestionsMinimumDistance: 2,
		PersistentPreRunE:          func(*cobra.Command, []string) error { return a.setup() },
		RunE:                       a.runRoot,
	}
	root.SetIn(a.in)
	root.SetOut(a.out)
	root.SetErr(a.errOut)
	root.SetVersionTemplate("backchat {{.Version}}\n")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return usageErrorf("%w", err)
	})
	f := root.PersistentFlags()
	f.BoolVar(&a.demo, "demo", false, "use the built-in demo archive instead of PATH")
	f.BoolVar(&a.debug, "debug", false, "write a debug log to $XDG_STATE_HOME/backchat/backchat.log (or "+filepath.Join(os.TempDir(), "backchat.log")+")")
	f.StringVar(&a.theme, "theme", "auto", "browser colours: auto, dark, light or notty")
	f.StringVar(&a.libraryDir, "library", "", "library folder `DIR`: where import copies exports, what commands read without PATH (default $"+library.EnvVar+", else $XDG_DATA_HOME/backchat)")
	f.BoolVar(&a.cache, "cache", false, "keep a snapshot of the loaded exports in $XDG_CACHE_HOME/backchat so the next run on them opens at once (also BACKCHAT_CACHE=1)")
	f.BoolVar(&a.noCache, "no-cache", false, "neither read nor write a snapshot")
	// Commands that load, print and end run again on the inputs when their
	// snapshot turns out damaged (serve keeps running instead).
	loading := []*cobra.Command{a.lsCommand(), a.showCommand(), a.searchCommand(), a.statsCommand(), a.exportCommand()}
	for _, c := range loading {
		c.RunE = a.trusting(c.RunE)
	}
	root.AddCommand(loading...)
	root.AddCommand(a.serveCommand())
	root.AddCommand(a.importCommand(), a.libraryCommand(), a.snapshotWriterCommand())
	return root
}

// setup validates global flags and opens the debug log.
func (a *app) setup() error {
	if !slices.Contains(themes, a.theme) {
		return usageErrorf("--theme must be one of auto, dark, light, notty (got %q)", a.theme)
	}
	if a.debug && a.logFile == nil {
		path, err := debugLogPath()
		if err != nil {
			return failure(fmt.Errorf("debug log: %w", err))
		}
		f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			return failure(fmt.Errorf("debug log: %w", err))
		}
		a.logFile = f
		a.log = log.NewWithOptions(f, log.Options{Level: log.DebugLevel, ReportTimestamp: true,
			TimeFormat: time.RFC3339Nano, Prefix: "backchat"})
		a.log.Info("start", "version", buildVersion(), "args", os.Args[1:])
	}
	return nil
}

// debugLogPath is $XDG_STATE_HOME/backchat/backchat.log when XDG_STATE_HOME
// is set, else backchat.log in the temporary directory.
func debugLogPath() (string, error) {
	if dir := os.Getenv("XDG_STATE_HOME"); dir != "" && filepath.IsAbs(dir) {
		dir = filepath.Join(dir, "backchat")
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return "", err
		}
		return filepath.Join(dir, "backchat.log"), nil
	}
	return filepath.Join(os.TempDir(), "backchat.log"), nil
}

// runRoot starts the browser on PATH... or the demo archive.
func (a *app) runRoot(cmd *cobra.Command, paths []string) error {
	if err := mistypedCommand(cmd.Root(), paths); err != nil {
		return err
	}
	src, err := a.source(paths)
	if err != nil {
		return err
	}
	a.log.Info("browser", "paths", src.Paths, "demo", src.Demo, "theme", a.theme)
	// Background rebuilds of a damaged snapshot end with the browser.
	bg, cancel := context.WithCancel(cmd.Context())
	defer cancel()
	release := holdGC() // reopengc.go: off while a snapshot reopens
	defer release()
	src = a.browserSnapshot(cmd.Context(), bg, src)
	if src.Ready == nil {
		release() // no snapshot: the load tunes the collector itself
	} else {
		defer time.AfterFunc(reopenGCHold, release).Stop()
	}
	return runBrowser(cmd.Context(), src, browserOptions{
		In: a.in, Out: a.out, Theme: a.theme, Log: a.log, Version: buildVersion(), Location: a.loc,
	})
}

// mistypedCommand is the usage error for a first PATH that does not
// exist and is close to a command's name ("backchat stat", "backchat
// sarch foo"); without it the user reads "open stat: no such file or
// directory". nil otherwise (an existing file named like a command is a
// PATH).
func mistypedCommand(root *cobra.Command, paths []string) error {
	if len(paths) == 0 {
		return nil
	}
	if _, err := os.Stat(paths[0]); !errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if s := root.SuggestionsFor(paths[0]); len(s) > 0 {
		return usageErrorf("%s: no such file or command (did you mean backchat %s?)", paths[0], s[0])
	}
	return nil
}

// source resolves PATH..., --demo or, with neither, the library into what
// to load.
func (a *app) source(paths []string) (archiveSource, error) {
	if a.demo {
		if len(paths) > 0 {
			return archiveSource{}, usageErrorf("--demo takes no PATH (got %q)", paths)
		}
		p, cleanup, err := demoPaths()
		if err != nil {
			return archiveSource{}, failure(fmt.Errorf("demo archive: %w", err))
		}
		if cleanup != nil {
			a.cleanups = append(a.cleanups, cleanup)
		}
		return archiveSource{Paths: p, Demo: true}, nil
	}
	if len(paths) == 0 {
		return a.librarySource()
	}
	return archiveSource{Paths: paths}, nil
}

// readable reports why path cannot be read (missing, no permission, …), or
// nil: a file gives a byte, a folder its listing.
func readable(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if fi.IsDir() {
		_, err = f.ReadDir(1)
	} else {
		_, err = f.Read(make([]byte, 1))
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("read %s: %w", path, err)
	}
	return nil
}
