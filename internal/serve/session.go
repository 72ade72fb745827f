package serve

import (
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/ssh"
	bm "charm.land/wish/v2/bubbletea"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"
)

// Messages shown to clients. They end in \n; on a PTY session the SSH
// layer turns that into \r\n.
const (
	msgNoExec     = "backchat: this server only offers the browser; commands are not accepted.\nConnect with: ssh -t -p PORT HOST\n"
	msgNoPTY      = "backchat: the browser needs a terminal; connect with ssh -t.\n"
	msgBusy       = "backchat: sorry, the server already has its maximum of %d sessions open.\nPlease try again in a little while.\n"
	msgShutdown   = "\nbackchat: server shutting down. Goodbye!\n"
	msgIdle       = "\nbackchat: closed after %s without input.\n"
	msgPanic      = "\nbackchat: internal error; this session was closed (other sessions are unaffected).\n"
	msgModelError = "backchat: could not open the browser; the server log has details.\n"
)

// sessionMiddleware is the whole per-session policy: refuse exec and
// non-PTY sessions, apply the session limit, log connect/disconnect, watch
// for idleness, and run the browser through wish's Bubble Tea middleware.
func (s *server) sessionMiddleware(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		defer func() {
			// Last line of defence for a bug in this package: log it with
			// our logger and end only this session.
			if r := recover(); r != nil {
				s.log.Error("session handler panicked", "panic", r, "stack", string(debug.Stack()))
				refuse(sess, msgPanic)
			}
		}()
		s.handleSession(sess)
		next(sess)
	}
}

// handleSession serves one session until its program ends.
func (s *server) handleSession(sess ssh.Session) {
	who := []any{"user", sess.User(), "remote", addrString(sess.RemoteAddr()), "key", keyFingerprint(sess.PublicKey())}
	if sess.RawCommand() != "" {
		// The command itself is not logged: it is whatever the client typed.
		s.log.Info("exec refused", who...)
		refuse(sess, msgNoExec)
		return
	}
	pty, _, hasPTY := sess.Pty()
	if !hasPTY {
		s.log.Info("session without a terminal refused", who...)
		refuse(sess, msgNoPTY)
		return
	}
	st, n, err := s.reg.add(connStateOf(sess.Context()))
	switch {
	case errors.Is(err, errBusy):
		s.log.Warn("session refused: limit reached", append(who, "limit", s.cfg.MaxSessions)...)
		refuse(sess, fmt.Sprintf(msgBusy, s.cfg.MaxSessions))
		return
	case err != nil:
		refuse(sess, msgShutdown)
		return
	}
	defer s.reg.remove(st)
	start := time.Now()
	who = append(who, "session", st.id)
	s.log.Info("connect", append(who, "sessions", n)...)
	s.log.Debug("session terminal", "session", st.id, "term", pty.Term,
		"width", pty.Window.Width, "height", pty.Window.Height,
		"env_vars", len(sess.Environ()))

	if s.cfg.IdleTimeout > 0 {
		go s.watchIdle(st)
	}
	run := bm.MiddlewareWithProgramHandler(func(sess ssh.Session) *tea.Program {
		return s.newProgram(sess, st, pty)
	})
	// Save the client terminal's title before the browser sets its own
	// and restore it when the session ends (XTWINOPS 22/23; Bubble Tea
	// only blanks it). Terminals without a title stack ignore both.
	_, _ = io.WriteString(sess, ansi.WindowOp(22, 0))
	run(func(ssh.Session) {})(sess)
	_, _ = io.WriteString(sess, ansi.WindowOp(23, 0))
	close(st.done)
	st.mu.Lock()
	closeModel := st.closer
	st.mu.Unlock()
	if closeModel != nil {
		closeModel() // stop the model's background work (renders, searches)
	}

	reason := st.endReason()
	switch reason {
	case reasonShutdown:
		notify(sess, msgShutdown)
	case reasonIdle:
		notify(sess, fmt.Sprintf(msgIdle, s.cfg.IdleTimeout))
	case reasonPanic:
		refuse(sess, msgPanic)
	case reasonFactory:
		refuse(sess, msgModelError)
	}
	s.log.Info("disconnect", append(who, "duration", time.Since(start).Round(time.Second),
		"reason", reason.String())...)
}

// newProgram builds this session's model and program. Returning nil (model
// error, or the session was stopped meanwhile) makes wish skip running it.
func (s *server) newProgram(sess ssh.Session, st *sessionState, pty ssh.Pty) *tea.Program {
	env := append(sess.Environ(), "TERM="+pty.Term)
	info := SessionInfo{
		User:         sess.User(),
		RemoteAddr:   sess.RemoteAddr(),
		Term:         pty.Term,
		Width:        pty.Window.Width,
		Height:       pty.Window.Height,
		ColorProfile: colorprofile.Env(env),
		Environ:      env,
	}
	s.log.Debug("session colour profile", "session", st.id, "profile", info.ColorProfile.String())
	model, err := s.buildModel(info)
	if err != nil {
		s.log.Error("could not build the session's model", "session", st.id, "err", err)
		st.stop(reasonFactory)
		return nil
	}
	opts := append(bm.MakeOptions(sess),
		// Process signals belong to Run's caller, which drains every
		// session; a per-program handler would race it.
		tea.WithoutSignalHandler(),
		// Overrides MakeOptions' input so key presses reset the idle clock.
		tea.WithInput(activityReader{r: sess, st: st}),
		// Overrides MakeOptions' filter: caps size reports from the input.
		tea.WithFilter(programFilter(s.cfg.MaxWidth, s.cfg.MaxHeight)),
	)
	if c, ok := model.(interface{ Close() }); ok {
		st.mu.Lock()
		st.closer = c.Close
		st.mu.Unlock()
	}
	p := tea.NewProgram(guardModel{inner: model, st: st, s: s}, opts...)
	if !st.setProgram(p) {
		return nil
	}
	if s.cfg.Attach != nil {
		detach := s.cfg.Attach(model, p.Send)
		st.mu.Lock()
		closeModel := st.closer
		st.closer = func() {
			detach()
			if closeModel != nil {
				closeModel()
			}
		}
		st.mu.Unlock()
	}
	return p
}

// buildModel calls the factory, turning a panic into an error.
func (s *server) buildModel(info SessionInfo) (m tea.Model, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("model factory panicked: %v", r)
		}
	}()
	m, err = s.cfg.NewModel(info)
	if err == nil && m == nil {
		err = errors.New("model factory returned no model")
	}
	return m, err
}

// watchIdle stops the session once it has gone IdleTimeout without input.
func (s *server) watchIdle(st *sessionState) {
	t := time.NewTimer(s.cfg.IdleTimeout)
	defer t.Stop()
	for {
		select {
		case <-st.done:
			return
		case <-t.C:
			idle := st.idleFor()
			if idle >= s.cfg.IdleTimeout {
				s.log.Debug("session idle", "session", st.id, "idle", idle.Round(time.Second))
				st.stop(reasonIdle)
				return
			}
			t.Reset(s.cfg.IdleTimeout - idle)
		}
	}
}

// panicked logs a recovered model panic and ends only this session.
func (s *server) panicked(st *sessionState, where string, r any) {
	s.log.Error("session panicked", "session", st.id, "in", where, "panic", r, "stack", string(debug.Stack()))
	st.stop(reasonPanic)
}

// guardModel wraps the caller's model so that a panic in Init, Update or
// View ends this session with a message instead of relying on Bubble Tea's
// handler (which prints to the server's own stderr). Panics inside commands
// are still caught by Bubble Tea and end only this program.
type guardModel struct {
	inner tea.Model
	st    *sessionState
	s     *server
}

// Init delegates to the wrapped model.
func (g guardModel) Init() (cmd tea.Cmd) {
	defer func() {
		if r := recover(); r != nil {
			g.s.panicked(g.st, "Init", r)
			cmd = nil
		}
	}()
	return g.inner.Init()
}

// Update delegates to the wrapped model; after a panic the old model stays
// in place and the program quits.
func (g guardModel) Update(msg tea.Msg) (m tea.Model, cmd tea.Cmd) {
	defer func() {
		if r := recover(); r != nil {
			g.s.panicked(g.st, "Update", r)
			m, cmd = g, tea.Quit
		}
	}()
	inner, cmd := g.inner.Update(msg)
	g.inner = inner
	return g, cmd
}

// View delegates to the wrapped model, drawing nothing after a panic.
func (g guardModel) View() (v tea.View) {
	defer func() {
		if r := recover(); r != nil {
			g.s.panicked(g.st, "View", r)
			v = tea.NewView("")
		}
	}()
	return g.inner.View()
}

// activityReader is the program's input; every byte read counts as activity
// for the idle watchdog.
type activityReader struct {
	r  io.Reader
	st *sessionState
}

// Read reads from the session and records activity.
func (a activityReader) Read(p []byte) (int, error) {
	n, err := a.r.Read(p)
	if n > 0 {
		a.st.touch()
	}
	return n, err
}

// refuse tells the client why and ends the session with exit status 1.
func refuse(sess ssh.Session, msg string) {
	_, _ = io.WriteString(sess.Stderr(), msg)
	_ = sess.Exit(1)
}

// notify writes a closing message; the session then exits with status 0.
func notify(sess ssh.Session, msg string) {
	_, _ = io.WriteString(sess.Stderr(), msg)
}

// keyFingerprint formats a client key for logs.
func keyFingerprint(k ssh.PublicKey) string {
	if k == nil {
		return "none"
	}
	return gossh.FingerprintSHA256(k)
}
