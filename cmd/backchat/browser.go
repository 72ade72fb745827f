package main

import (
	"context"
	"errors"
	"io"
	"time"

	"charm.land/log/v2"
)

// archiveSource is what the browser should load.
type archiveSource struct {
	Paths []string // export paths (ZIP, folder, JSON); for the demo, its files
	Demo  bool     // Paths came from the built-in demo archive
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

// runBrowser starts the full-screen browser and returns when it quits.
//
// NOTE: the TUI is built on another branch; the integrator replaces this
// file with a call to tui.Run. Until then the root command fails clearly.
var runBrowser = func(ctx context.Context, src archiveSource, opts browserOptions) error {
	return failure(errors.New("the browser is not wired yet; use 'backchat ls' or 'backchat show'"))
}
