// Connections: an authenticated connection costs a slot even when it opens
// no session (`ssh -N`), and is closed when it has had no session for the
// idle timeout.

package serve

import (
	"net"
	"sync"
	"time"

	"charm.land/ssh"
	gossh "golang.org/x/crypto/ssh"
)

// connStateKey is where a connection's connState lives in its ssh.Context.
type connStateKey struct{}

// connState is the server's handle on one TCP connection. The fields after
// mu are guarded by the registry's mutex, not their own.
type connState struct {
	raw    net.Conn // closing it drops the connection
	remote string

	// Guarded by registry.mu.
	admitted bool        // holds a slot
	closed   bool        // the connection has gone
	live     int         // sessions running on it
	timer    *time.Timer // closes it when it has no session for too long
}

// trackedConn is the net.Conn the SSH library serves; its Close tells the
// registry the connection has gone (once, however often it is closed).
type trackedConn struct {
	net.Conn
	once    sync.Once
	onClose func()
}

// Close closes the connection and reports it gone.
func (t *trackedConn) Close() error {
	err := t.Conn.Close()
	t.once.Do(t.onClose)
	return err
}

// trackConn is the server's ConnCallback: it records every accepted
// connection in its context so that authentication and sessions can find it.
func (s *server) trackConn(ctx ssh.Context, conn net.Conn) net.Conn {
	c := &connState{remote: addrString(conn.RemoteAddr())}
	tc := &trackedConn{Conn: conn}
	c.raw = tc
	tc.onClose = func() { s.reg.closeConn(c) }
	ctx.SetValue(connStateKey{}, c)
	return tc
}

// connStateOf returns the connState trackConn stored in ctx, or nil.
func connStateOf(ctx interface{ Value(any) any }) *connState {
	c, _ := ctx.Value(connStateKey{}).(*connState)
	return c
}

// serverConfig is the server's ServerConfigCallback. Its AuthLogCallback is
// the one place that learns a connection has authenticated (a public-key
// query that is never signed does not count), and admits it.
func (s *server) serverConfig(ctx ssh.Context) *gossh.ServerConfig {
	return &gossh.ServerConfig{
		AuthLogCallback: func(_ gossh.ConnMetadata, method string, err error) {
			if err != nil {
				return
			}
			c := connStateOf(ctx)
			if c == nil {
				return
			}
			if !s.reg.admitConn(c) {
				s.log.Debug("authenticated connection over the session limit", "remote", c.remote,
					"method", method, "limit", s.cfg.MaxSessions)
			}
		},
	}
}

// connIdle is called by a connection's timer: a connection that still has
// no session is closed. Its slot is free before the client sees the close
// (the close's own callback comes later and finds it gone).
func (s *server) connIdle(c *connState, admitted bool) {
	s.reg.closeConn(c)
	s.log.Info("connection without a session closed", "remote", c.remote,
		"reason", map[bool]string{true: "idle", false: "over the session limit"}[admitted])
	_ = c.raw.Close()
}
