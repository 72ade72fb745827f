package serve

import (
	"context"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"time"

	"charm.land/log/v2"
	"charm.land/ssh"
	"charm.land/wish/v2"
	gossh "golang.org/x/crypto/ssh"
)

// server is one running `backchat serve`: the SSH server plus the state the
// session middleware shares (registry, keys). Built once by Run.
type server struct {
	cfg  Config
	log  *log.Logger
	keys *authorizedKeys
	reg  *registry
	ssh  *ssh.Server
}

// Run starts the SSH server and blocks until ctx is cancelled (the cmd
// cancels it on SIGINT/SIGTERM) or the listener fails. On cancellation it
// drains: every session is told "server shutting down" and its program
// quits; connections still open after cfg.ShutdownTimeout are closed. A
// clean shutdown returns nil.
//
// Run refuses to start, with an error saying why, when the authorized-keys
// file is missing, unreadable or holds no usable key, when the host key
// cannot be read or created, or when the address cannot be bound.
func Run(ctx context.Context, cfg Config) error {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return err
	}
	s := &server{cfg: cfg, log: cfg.Logger}
	// A connection over the limit may still open a session to be told so
	// politely; if it opens none it goes after the handshake timeout (or
	// the idle timeout, when shorter).
	grace := handshakeTimeout
	if cfg.IdleTimeout > 0 && cfg.IdleTimeout < grace {
		grace = cfg.IdleTimeout
	}
	s.reg = newRegistry(cfg.MaxSessions, cfg.IdleTimeout, grace, s.connIdle)

	s.keys, err = loadAuthorizedKeys(cfg.AuthorizedKeysPath)
	if err != nil {
		return err
	}
	if m := s.keys.dirWritable; m != 0 {
		s.log.Warn("the authorized keys file's directory is writable by group or others: they could replace the file",
			"dir", filepath.Dir(cfg.AuthorizedKeysPath), "mode", fmt.Sprintf("%04o", m))
	}
	for _, sk := range s.keys.skipped {
		s.log.Warn("authorized keys: line skipped", "path", cfg.AuthorizedKeysPath,
			"line", sk.line, "reason", sk.reason)
	}

	signer, created, err := loadOrCreateHostKey(cfg.HostKeyPath, s.log)
	if err != nil {
		return err
	}
	fingerprint := gossh.FingerprintSHA256(signer.PublicKey())
	if created {
		s.log.Info("generated a new host key", "path", cfg.HostKeyPath)
	}

	if s.ssh, err = s.newSSHServer(signer); err != nil {
		return fmt.Errorf("serve: configure ssh server: %w", err)
	}
	warnIfExposed(s.log, cfg.Listen)
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("serve: listen on %s: %w", cfg.Listen, err)
	}
	s.log.Info("backchat serve listening", "addr", ln.Addr().String(),
		"host_key_fingerprint", fingerprint, "authorized_keys", len(s.keys.keys),
		"max_sessions", cfg.MaxSessions, "idle_timeout", durationOrOff(cfg.IdleTimeout))
	if cfg.Ready != nil {
		cfg.Ready(ln.Addr(), fingerprint)
	}

	serveErr := make(chan error, 1)
	go func() { serveErr <- s.ssh.Serve(ln) }()
	select {
	case err := <-serveErr:
		_ = s.ssh.Close()
		s.reg.drain(reasonShutdown)
		if errors.Is(err, ssh.ErrServerClosed) {
			return nil
		}
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	return s.shutdown()
}

// shutdown drains sessions and closes the server within cfg.ShutdownTimeout.
func (s *server) shutdown() error {
	start := time.Now()
	n := s.reg.drain(reasonShutdown)
	s.log.Info("shutting down", "sessions", n, "timeout", s.cfg.ShutdownTimeout)
	ctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	// Shutdown stops accepting at once and then waits for connections; it
	// runs beside the session wait so a client that keeps its connection
	// open after its session ended cannot hold us past the deadline.
	shutDone := make(chan error, 1)
	go func() { shutDone <- s.ssh.Shutdown(ctx) }()
	drained := s.reg.wait(ctx)
	// Sessions are over (or out of time); remaining connections carry
	// nothing of ours, so close them rather than wait for the clients.
	closeErr := s.ssh.Close()
	<-shutDone
	if !drained {
		s.log.Warn("shutdown timed out; closed remaining connections",
			"sessions", s.reg.count(), "elapsed", time.Since(start).Round(time.Millisecond))
	} else {
		s.log.Info("stopped", "elapsed", time.Since(start).Round(time.Millisecond))
	}
	if closeErr != nil && !errors.Is(closeErr, net.ErrClosed) {
		return fmt.Errorf("serve: close: %w", closeErr)
	}
	return nil
}

// newSSHServer builds the wish server: public-key auth only, the "session"
// channel only (so direct-tcpip and friends are refused as unknown channel
// types), no global request handlers (so tcpip-forward is refused), no
// subsystems (so SFTP is refused), and agent/X11 requests refused.
func (s *server) newSSHServer(signer gossh.Signer) (*ssh.Server, error) {
	backstop := time.Duration(0)
	if s.cfg.IdleTimeout > 0 {
		// The session watchdog ends idle sessions politely; this
		// connection-level deadline only catches connections with no
		// session at all.
		backstop = s.cfg.IdleTimeout + time.Minute
	}
	return wish.NewServer(
		func(srv *ssh.Server) error {
			srv.AddHostKey(signer)
			srv.HandshakeTimeout = handshakeTimeout
			srv.ChannelHandlers = map[string]ssh.ChannelHandler{"session": s.sessionHandler}
			srv.ConnCallback = s.trackConn
			srv.ServerConfigCallback = s.serverConfig
			srv.RequestHandlers = map[string]ssh.RequestHandler{}
			srv.SubsystemHandlers = map[string]ssh.SubsystemHandler{}
			srv.LocalPortForwardingCallback = nil
			srv.ReversePortForwardingCallback = nil
			srv.ConnectionFailedCallback = func(conn net.Conn, err error) {
				s.log.Debug("connection failed", "remote", conn.RemoteAddr().String(), "err", err)
			}
			return nil
		},
		wish.WithVersion("backchat"),
		wish.WithPublicKeyAuth(s.authPublicKey),
		wish.WithIdleTimeout(backstop),
		wish.WithMiddleware(s.sessionMiddleware),
	)
}

// authPublicKey is the only authentication method offered: password and
// keyboard-interactive have no handler, so the SSH layer never offers them.
func (s *server) authPublicKey(ctx ssh.Context, key ssh.PublicKey) bool {
	ok := s.keys.allows(key)
	if !ok {
		s.log.Info("public key refused", "user", ctx.User(),
			"remote", addrString(ctx.RemoteAddr()), "key", gossh.FingerprintSHA256(key))
	}
	return ok
}

// sessionHandler is ssh.DefaultSessionHandler behind filteredChannel, which
// answers and rewrites the requests the stock handler gets wrong for us.
func (s *server) sessionHandler(srv *ssh.Server, conn *gossh.ServerConn, ch gossh.NewChannel, ctx ssh.Context) {
	capped := func(req string, cols, rows uint32) {
		s.log.Info("terminal size capped", "remote", addrString(conn.RemoteAddr()), "request", req,
			"asked", fmt.Sprintf("%dx%d", cols, rows), "max", fmt.Sprintf("%dx%d", s.cfg.MaxWidth, s.cfg.MaxHeight))
	}
	ssh.DefaultSessionHandler(srv, conn, filteredChannel{NewChannel: ch, maxW: s.cfg.MaxWidth, maxH: s.cfg.MaxHeight, capped: capped}, ctx)
}

// filteredChannel wraps a new session channel so that its requests are
// vetted before the session's request loop sees them:
//
//   - agent and X11 forwarding are refused (the stock handler says yes to
//     auth-agent-req, which would mislead the client);
//   - the window in "pty-req" and "window-change" is capped to maxW × maxH,
//     so nothing downstream (the session's Pty, wish, Bubble Tea's
//     renderer, the model) ever sees a larger size;
//   - "signal" is answered "no" when the client wants a reply: the library
//     never replies to it (a client waiting for the reply hangs), and this
//     server runs no process a signal could reach. It is not passed on.
type filteredChannel struct {
	gossh.NewChannel
	maxW, maxH int
	capped     func(req string, cols, rows uint32) // told the size asked for when it was capped
}

// Accept accepts the channel and filters its request stream, preserving
// order; the filtered stream closes when the original does.
func (c filteredChannel) Accept() (gossh.Channel, <-chan *gossh.Request, error) {
	ch, reqs, err := c.NewChannel.Accept()
	if err != nil {
		return ch, reqs, err
	}
	out := make(chan *gossh.Request)
	go func() {
		defer close(out)
		for req := range reqs {
			switch req.Type {
			case "auth-agent-req@openssh.com", "x11-req", "signal":
				if req.WantReply {
					_ = req.Reply(false, nil)
				}
				continue
			case "pty-req":
				if cols, rows, changed := clampPtyRequest(req.Payload, c.maxW, c.maxH); changed && c.capped != nil {
					c.capped(req.Type, cols, rows)
				}
			case "window-change":
				if cols, rows, changed := clampWindowChange(req.Payload, c.maxW, c.maxH); changed && c.capped != nil {
					c.capped(req.Type, cols, rows)
				}
			}
			out <- req
		}
	}()
	return ch, out, nil
}

// warnIfExposed logs a warning when listen accepts more than local
// connections.
func warnIfExposed(logger *log.Logger, listen string) {
	if !isLoopback(listen) {
		logger.Warn("listening on a non-loopback address: anyone who can reach it may try to log in",
			"listen", listen)
	}
}

// addrString formats an address for logs, tolerating nil.
func addrString(a net.Addr) string {
	if a == nil {
		return "unknown"
	}
	return a.String()
}

// durationOrOff formats a timeout for logs.
func durationOrOff(d time.Duration) string {
	if d <= 0 {
		return "off"
	}
	return d.String()
}
