// Command backchat browses ChatGPT data exports in the terminal.
//
//	backchat [PATH...]                 open the browser on exports (ZIP, folder, JSON),
//	                                   or on the library when no PATH is given
//	backchat import EXPORT...          copy exports into the library
//	backchat library [verify]          list (or re-hash) the library's imports
//	backchat --demo                    open the browser on the built-in demo archive
//	backchat ls [--json] PATH...       list conversations, newest first
//	backchat show [--format text|markdown|json] [--all] PATH... ID
//	backchat search [--json] [--limit N] [--all] PATH... QUERY
//
// Exit status: 0 on success, also when some conversations were skipped with a
// warning; 1 when nothing could be loaded, an ID matches no conversation, a
// search matches nothing, or output failed; 2 on bad usage (a search query
// that does not parse included). Only this package exits the process.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/backchat/backchat/model"
)

// Exit codes.
const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2
)

// version is set at link time (-ldflags "-X main.version=v1.2.3"); otherwise
// the version comes from the build info (see versionFrom).
var version = ""

func buildVersion() string {
	if version != "" {
		return version
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "dev"
	}
	return versionFrom(bi)
}

// versionFrom names a build from its build info: the module version (a
// pseudo-version such as v0.0.0-20261126225736-9f4c02762c5a when built from a
// clone, "(devel)" under go run) and the VCS revision, commit time and dirty
// flag that `go build` stamps when it runs inside a clone with -buildvcs on
// (the default; `go run` and GOFLAGS=-buildvcs=false stamp none). Without
// either it says "dev".
func versionFrom(bi *debug.BuildInfo) string {
	v := bi.Main.Version
	var rev, when string
	modified := false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			when = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if v == "" || v == "(devel)" {
		if rev == "" {
			return "dev"
		}
		v = "devel"
	}
	if rev == "" {
		return v
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	out := v + " (revision " + rev
	if when != "" {
		out += ", " + when
	}
	if modified {
		out += ", modified"
	}
	return out + ")"
}

func main() {
	// SIGHUP (the terminal closed) ends the run like SIGTERM, so what it
	// made is removed (the demo archive's temporary folder).
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	stopProfiling := startProfiling() // profile.go: hidden BACKCHAT_CPUPROFILE, BACKCHAT_TRACE
	a := newApp(os.Stdin, os.Stdout, os.Stderr)
	a.closeOut = os.Stdout.Close
	a.detachable = true
	code := execute(ctx, a, os.Args[1:])
	stopProfiling()
	stop()
	os.Exit(code)
}

// exitError carries the exit code an error should end the process with.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// usageErrorf reports bad usage (exit status 2).
func usageErrorf(format string, args ...any) error {
	return &exitError{code: exitUsage, err: fmt.Errorf(format, args...)}
}

// failure marks err as a failure to do the job (exit status 1).
func failure(err error) error {
	return &exitError{code: exitFail, err: err}
}

// execute runs the command line args against a and returns the exit code.
// Errors are printed to a's stderr as one sanitised line.
func execute(ctx context.Context, a *app, args []string) int {
	root := a.rootCommand()
	root.SetArgs(args)
	ran, err := root.ExecuteContextC(ctx)
	if a.closeOut != nil {
		// The command's output is complete: a reader of it (a pipe, a
		// pager) sees its end now, not after a snapshot write that close
		// waits for. Errors still go to stderr.
		_ = a.closeOut()
	}
	a.close()
	if err == nil {
		return exitOK
	}
	if errors.Is(err, errNoMatch) {
		return exitFail // like grep: the empty output says it
	}
	fmt.Fprintln(a.errOut, "backchat: "+model.SanitizeLine(err.Error()))
	code := exitFail
	var ee *exitError
	if errors.As(err, &ee) {
		code = ee.code
	}
	if code == exitUsage {
		path := root.CommandPath()
		if ran != nil {
			path = ran.CommandPath() // the help of the command that was misused
		}
		fmt.Fprintln(a.errOut, "Run '"+path+" --help' for usage.")
	}
	return code
}

// writeAll writes s to w and reports a failed write as a failure.
func writeAll(w io.Writer, s string) error {
	if _, err := io.WriteString(w, s); err != nil {
		return failure(fmt.Errorf("writing output: %w", err))
	}
	return nil
}
