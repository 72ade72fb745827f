package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/backchat/backchat/internal/library"
	"github.com/backchat/backchat/internal/render"
	"github.com/backchat/backchat/loader"
	"github.com/backchat/backchat/model"
	"github.com/charmbracelet/x/term"
)

// progressDelay is how long a load runs before a progress line appears.
const progressDelay = 300 * time.Millisecond

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(f.Fd())
}

// load opens PATH... (or the demo archive) for a subcommand. Warnings go to
// stderr one line each, followed by a count. It fails only when nothing
// could be loaded.
func (a *app) load(ctx context.Context, paths []string) (*model.Archive, error) {
	src, err := a.source(paths)
	if err != nil {
		return nil, err
	}
	plan := a.snapshotPlan(src)
	if plan.path != "" && !a.distrust {
		if s := a.openSnapshot(plan); s != nil {
			a.snap = s
			s.Archive.Warnings = originals(src.Library, s.Archive.Warnings)
			a.reportWarnings(s.Archive.Warnings)
			return s.Archive, nil
		}
	}
	start := time.Now()
	var p *progress
	opts := loader.Options{HoldGC: a.holdGC}
	if plan.path == "" {
		opts.Release = a.releaseLoad
	}
	if a.isTerminal(underlying(a.errOut)) {
		p = startProgress(a.errOut, progressDelay)
		opts.Progress = p.update
	}
	arch, err := a.open(ctx, opts, src.Paths...)
	if p != nil {
		p.stop()
	}
	n := 0
	if arch != nil {
		n = len(arch.Conversations)
		arch.Warnings = originals(src.Library, arch.Warnings)
		a.reportWarnings(arch.Warnings)
	}
	a.log.Info("loaded", "paths", src.Paths, "conversations", n, "took", time.Since(start), "err", err)
	where := strings.Join(src.Paths, ", ")
	switch {
	case ctx.Err() != nil:
		return nil, failure(fmt.Errorf("loading %s: %w", where, ctx.Err()))
	case n == 0 && err != nil:
		return nil, failure(loadError(where, err))
	case n == 0:
		return nil, failure(fmt.Errorf("no conversations found in %s", where))
	case err != nil:
		// Something was loaded: say what failed and carry on. No
		// snapshot: what failed may work next time.
		fmt.Fprintln(a.errOut, "backchat: warning: "+model.SanitizeLine(err.Error()))
	case plan.path != "":
		a.writeSnapshotLater(ctx, plan, arch, nil)
	}
	return arch, nil
}

// originals is ws naming each library import by the file the user
// imported, not the library's copy of it (library.Originals); ws itself
// when lib is nil. A new slice: a snapshot being written may read ws.
func originals(lib *library.Library, ws []model.Warning) []model.Warning {
	if lib == nil || len(ws) == 0 {
		return ws
	}
	out := make([]model.Warning, len(ws))
	for i, w := range ws {
		w.File, w.Reason = lib.Originals(w.File), lib.Originals(w.Reason)
		out[i] = w
	}
	return out
}

// reportWarnings prints each load warning on its own line and a summary.
func (a *app) reportWarnings(ws []model.Warning) {
	if len(ws) == 0 {
		return
	}
	skipped := 0
	var b strings.Builder
	for _, w := range ws {
		if w.Kind == model.WarnSkipped {
			skipped++
		}
		b.WriteString("backchat: warning: " + model.SanitizeLine(w.String()) + "\n")
		a.log.Warn("load", "warning", w.String())
	}
	fmt.Fprintf(&b, "backchat: %s load warning%s, %s conversation%s skipped\n",
		render.FormatCount(len(ws)), plural(len(ws)), render.FormatCount(skipped), plural(skipped))
	_, _ = io.WriteString(a.errOut, b.String())
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// progress draws a one-line progress indicator ("\r…") on a terminal once a
// load has taken longer than a delay, and erases it when stopped. update may
// be called from loader goroutines.
type progress struct {
	w     io.Writer
	label string // "loading…"
	mu    sync.Mutex
	done  int64
	tot   int64
	quit  chan struct{}
	wg    sync.WaitGroup
}

func startProgress(w io.Writer, delay time.Duration) *progress {
	return startLabelledProgress(w, delay, "loading…")
}

// startLabelledProgress is startProgress with another label ("copying…").
func startLabelledProgress(w io.Writer, delay time.Duration, label string) *progress {
	p := &progress{w: w, label: label, quit: make(chan struct{})}
	p.wg.Add(1)
	go p.run(delay)
	return p
}

func (p *progress) update(done, total int64) {
	p.mu.Lock()
	p.done, p.tot = done, total
	p.mu.Unlock()
}

func (p *progress) run(delay time.Duration) {
	defer p.wg.Done()
	select {
	case <-p.quit:
		return
	case <-time.After(delay):
	}
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	for {
		p.draw()
		select {
		case <-p.quit:
			_, _ = io.WriteString(p.w, "\r\x1b[K")
			return
		case <-t.C:
		}
	}
}

func (p *progress) draw() {
	p.mu.Lock()
	done, tot := p.done, p.tot
	p.mu.Unlock()
	line := "\r" + p.label
	if tot > 0 {
		line += fmt.Sprintf(" %3d%% (%s of %s)", done*100/tot, render.FormatSize(done), render.FormatSize(tot))
	}
	_, _ = io.WriteString(p.w, line+"\x1b[K")
}

// stop ends the indicator and waits until its line is erased.
func (p *progress) stop() {
	close(p.quit)
	p.wg.Wait()
}

// loadError says which load failed. The loader's own errors already name
// the file they are about ("loader: PATH: …"), which the user then read
// twice ("loading PATH: loader: PATH: not a chat export…"): those read
// "loading PATH: …" once, naming the failing one of several paths.
func loadError(where string, err error) error {
	if rest, ok := strings.CutPrefix(err.Error(), "loader: "); ok {
		return &wrapped{msg: "loading " + rest, err: err}
	}
	return fmt.Errorf("loading %s: %w", where, err)
}

// wrapped is an error with its own message over err (errors.Is and As
// see err).
type wrapped struct {
	msg string
	err error
}

func (e *wrapped) Error() string { return e.msg }
func (e *wrapped) Unwrap() error { return e.err }
