// Package serve runs the backchat browser over SSH (`backchat serve`).
//
// Every SSH session gets its own Bubble Tea program and its own model, built
// by the caller's ModelFactory from the session's own PTY size, terminal type
// and colour profile; background-colour detection happens per session because
// the model's queries travel over that session's channel, never the server's
// terminal. The archive is loaded once by the caller and shared read-only: this
// package loads nothing.
//
// Access is public-key only, against an OpenSSH authorized_keys file. The
// server offers nothing but the browser on a PTY: no exec, no subsystems
// (SFTP), no port or agent forwarding.
package serve

import (
	"errors"
	"fmt"
	"net"
	"os"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/log/v2"
	"github.com/charmbracelet/colorprofile"
)

// Defaults used by DefaultConfig and by Run for zero-valued fields.
const (
	DefaultListen          = "127.0.0.1:2222"
	DefaultMaxSessions     = 16
	DefaultIdleTimeout     = 30 * time.Minute
	DefaultShutdownTimeout = 5 * time.Second
	// handshakeTimeout bounds how long an unauthenticated connection may sit
	// in the handshake, so idle sockets cannot pile up before the session
	// limit applies.
	handshakeTimeout = 20 * time.Second
)

// SessionInfo describes the SSH session a model is built for. It holds only
// what the client sent; the factory must not read the server process's own
// terminal or environment.
type SessionInfo struct {
	User       string
	RemoteAddr net.Addr
	// Term is the client's $TERM from its PTY request.
	Term string
	// Width and Height are the PTY size at session start, already capped
	// to Config.MaxWidth × MaxHeight; later changes arrive as
	// tea.WindowSizeMsg, capped likewise.
	Width, Height int
	// ColorProfile is derived from the client's TERM (and NO_COLOR,
	// COLORTERM when the client sends them). Bubble Tea already downsamples
	// output to it; a model may use it to pick styles.
	ColorProfile colorprofile.Profile
	// Environ is the environment the client sent (OpenSSH sends only what
	// SendEnv allows), plus TERM.
	Environ []string
}

// ModelFactory builds the model for one session. It is called once per
// session, concurrently from many goroutines, so it must not mutate shared
// state. Light/dark detection belongs in the model: return
// tea.RequestBackgroundColor from Init and handle tea.BackgroundColorMsg, and
// the query goes to this session's terminal. An error ends the session with a
// message to the client and is logged.
type ModelFactory func(info SessionInfo) (tea.Model, error)

// Config is what `backchat serve` needs. It is plain data (no cobra) so the
// cmd fills it from flags; DefaultConfig gives the documented defaults.
type Config struct {
	// Listen is the TCP address, default 127.0.0.1:2222. A non-loopback
	// address is allowed but logged as a warning.
	Listen string
	// HostKeyPath is the server's private key, created (ed25519, 0600) on
	// first run. Default: DefaultHostKeyPath().
	HostKeyPath string
	// AuthorizedKeysPath lists the client keys allowed in. Default:
	// ~/.ssh/authorized_keys. Without a usable key Run refuses to start.
	AuthorizedKeysPath string
	// MaxSessions caps concurrent browser sessions (default 16); the one
	// over the limit gets a polite message and is closed. An authenticated
	// connection holds one of these slots from authentication until it
	// closes, even without a session (`ssh -N`); its first session uses
	// that slot, each further session at once takes one more.
	MaxSessions int
	// MaxWidth and MaxHeight cap the terminal size a session may claim, in
	// its PTY request, its window changes and any size report in its input
	// (defaults DefaultMaxWidth × DefaultMaxHeight). A larger terminal gets
	// a browser of the capped size in its top-left corner.
	MaxWidth, MaxHeight int
	// IdleTimeout closes a session after this long without input, and an
	// authenticated connection after this long without a session (`ssh
	// -N`). Zero means DefaultIdleTimeout; a negative value disables it.
	IdleTimeout time.Duration
	// ShutdownTimeout bounds draining sessions when ctx is cancelled
	// (default 5 s); connections still open after it are closed.
	ShutdownTimeout time.Duration
	// Debug adds per-session detail (terminal, size, colour profile,
	// reasons) to the log. Nothing a user reads is ever logged.
	Debug bool
	// Logger receives connect/disconnect and lifecycle lines. Nil means a
	// logger on os.Stderr. With Debug, Run sets its level to debug.
	Logger *log.Logger
	// NewModel builds each session's model. Required.
	NewModel ModelFactory
	// Attach, if set, is called with each session's model and its
	// program's Send once the program exists, so that work outside the
	// session can wake it (the browser: a search index rebuilt); the
	// function it returns runs when the session ends.
	Attach func(m tea.Model, send func(tea.Msg)) (detach func())
	// Ready, if set, is called once the server listens, with the bound
	// address (useful with port 0) and the host key's SHA256 fingerprint.
	Ready func(addr net.Addr, fingerprint string)
}

// DefaultConfig returns a Config with every default filled in except
// NewModel, Logger and Ready. It fails only when the home directory is
// unknown.
func DefaultConfig() (Config, error) {
	hk, err := DefaultHostKeyPath()
	if err != nil {
		return Config{}, err
	}
	ak, err := DefaultAuthorizedKeysPath()
	if err != nil {
		return Config{}, err
	}
	return Config{
		Listen:             DefaultListen,
		HostKeyPath:        hk,
		AuthorizedKeysPath: ak,
		MaxSessions:        DefaultMaxSessions,
		MaxWidth:           DefaultMaxWidth,
		MaxHeight:          DefaultMaxHeight,
		IdleTimeout:        DefaultIdleTimeout,
		ShutdownTimeout:    DefaultShutdownTimeout,
	}, nil
}

// withDefaults fills zero fields and rejects impossible values.
func (c Config) withDefaults() (Config, error) {
	if c.NewModel == nil {
		return c, errors.New("serve: Config.NewModel is required")
	}
	if c.MaxSessions < 0 {
		return c, fmt.Errorf("serve: max sessions must be positive, got %d", c.MaxSessions)
	}
	if c.MaxWidth < 0 || c.MaxHeight < 0 {
		return c, fmt.Errorf("serve: maximum terminal size must be positive, got %dx%d", c.MaxWidth, c.MaxHeight)
	}
	if c.ShutdownTimeout < 0 {
		return c, fmt.Errorf("serve: shutdown timeout must be positive, got %s", c.ShutdownTimeout)
	}
	d, err := DefaultConfig()
	if c.HostKeyPath == "" || c.AuthorizedKeysPath == "" {
		if err != nil {
			return c, err
		}
	}
	if c.Listen == "" {
		c.Listen = DefaultListen
	}
	if c.HostKeyPath == "" {
		c.HostKeyPath = d.HostKeyPath
	}
	if c.AuthorizedKeysPath == "" {
		c.AuthorizedKeysPath = d.AuthorizedKeysPath
	}
	if c.MaxSessions == 0 {
		c.MaxSessions = DefaultMaxSessions
	}
	if c.MaxWidth == 0 {
		c.MaxWidth = DefaultMaxWidth
	}
	if c.MaxHeight == 0 {
		c.MaxHeight = DefaultMaxHeight
	}
	if c.IdleTimeout == 0 {
		c.IdleTimeout = DefaultIdleTimeout
	}
	if c.ShutdownTimeout == 0 {
		c.ShutdownTimeout = DefaultShutdownTimeout
	}
	if c.Logger == nil {
		c.Logger = log.New(os.Stderr)
	}
	if c.Debug {
		c.Logger.SetLevel(log.DebugLevel)
	}
	return c, nil
}

// isLoopback reports whether a listen address only accepts local
// connections. An empty host (":2222") means every interface.
func isLoopback(listen string) bool {
	host, _, err := net.SplitHostPort(listen)
	if err != nil || host == "" {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
