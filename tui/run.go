package tui

import (
	"context"
	"errors"
	"fmt"
	"io"

	tea "charm.land/bubbletea/v2"
)

// Run runs the browser on the given terminal input and output until the user
// quits or ctx is cancelled. It is the one entry point for cmd/ and for an SSH
// session (pass the session's reader and writer, and its PTY size in
// opts.Width/Height). It never exits the process.
func Run(ctx context.Context, opts Options, in io.Reader, out io.Writer, extra ...tea.ProgramOption) error {
	m := New(opts)
	defer m.Close()
	popts := []tea.ProgramOption{tea.WithContext(ctx), tea.WithInput(in), tea.WithOutput(out)}
	if opts.Width > 0 && opts.Height > 0 {
		popts = append(popts, tea.WithWindowSize(opts.Width, opts.Height))
	}
	popts = append(popts, extra...)
	p := tea.NewProgram(m, popts...)
	if _, err := p.Run(); err != nil && !errors.Is(err, tea.ErrProgramKilled) {
		return fmt.Errorf("tui: %w", err)
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return nil
}
