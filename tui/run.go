package tui

import (
	"context"
	"errors"
	"fmt"
	"io"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// Run runs the browser on the given terminal input and output until the user
// quits or ctx is cancelled. It is the one entry point for cmd/ and for an SSH
// session (pass the session's reader and writer, and its PTY size in
// opts.Width/Height). It never exits the process. When the archive could not
// be loaded it returns the loader's error once the user has quit the screen
// that shows it, so the caller can print it and exit non-zero.
//
// The terminal's window title is pushed on its title stack before the
// browser sets its own and popped afterwards (XTWINOPS 22 and 23): Bubble Tea
// only blanks it on exit.
func Run(ctx context.Context, opts Options, in io.Reader, out io.Writer, extra ...tea.ProgramOption) error {
	m := New(opts)
	defer m.Close()
	popts := []tea.ProgramOption{tea.WithContext(ctx), tea.WithInput(in), tea.WithOutput(out)}
	if opts.Width > 0 && opts.Height > 0 {
		popts = append(popts, tea.WithWindowSize(opts.Width, opts.Height))
	}
	// 120 frames a second (Bubble Tea's default is 60): a key's frame
	// waits for the next tick, so this halves that wait.
	popts = append(popts, tea.WithFPS(localFPS))
	popts = append(popts, extra...)
	p := tea.NewProgram(m, popts...)
	defer WatchReindex(m, p.Send)()
	_, _ = io.WriteString(out, pushTitle)
	_, err := p.Run()
	_, _ = io.WriteString(out, popTitle)
	if err != nil && !errors.Is(err, tea.ErrProgramKilled) {
		return fmt.Errorf("tui: %w", err)
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return m.loadErr
}

// WatchReindex has send (a program's Send) wake m's filter when its
// searcher indexes the archive again (a damaged snapshot index replaced):
// a filter on screen then searches again without a keystroke. Run does
// it; `serve` does it for each session (internal/serve Config.Attach).
// The returned func stops it.
func WatchReindex(m *Model, send func(tea.Msg)) (stop func()) {
	return m.filter.watchReindex(send)
}

// localFPS is the browser's frame rate in a local terminal.
const localFPS = 120

// pushTitle and popTitle save and restore the terminal's window and icon
// titles (xterm's XTWINOPS 22 and 23; terminals without a title stack
// ignore them). internal/serve does the same around each SSH session.
var (
	pushTitle = ansi.WindowOp(22, 0)
	popTitle  = ansi.WindowOp(23, 0)
)
