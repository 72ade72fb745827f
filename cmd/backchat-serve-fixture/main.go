// Command backchat-serve-fixture is a stand-in for `backchat serve` used by
// scripts/e2e-ssh.sh and by hand: the real SSH server from internal/serve,
// with a fake browser that shows a fixed title, the session's size and the
// last key, and quits on q. It takes the same flags as `backchat serve`:
//
//	backchat-serve-fixture serve [--listen ADDR] [--host-key PATH] [--authorized-keys PATH]
//	    [--max-sessions N] [--idle-timeout D] [--debug] [PATH...]
//
// PATH arguments are accepted and ignored: the fixture loads nothing. The
// title can be changed with $FIXTURE_TITLE.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	tea "charm.land/bubbletea/v2"
	"charm.land/log/v2"

	"github.com/backchat/backchat/internal/serve"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stderr))
}

// run parses the command line and serves until SIGINT/SIGTERM; it returns
// the process exit code.
func run(args []string, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "serve" {
		fmt.Fprintln(stderr, "usage: backchat-serve-fixture serve [flags] [PATH...]")
		return 2
	}
	cfg, err := serve.DefaultConfig()
	if err != nil {
		fmt.Fprintln(stderr, "backchat-serve-fixture:", err)
		return 1
	}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.Listen, "listen", cfg.Listen, "address to listen on")
	fs.StringVar(&cfg.HostKeyPath, "host-key", cfg.HostKeyPath, "host key path (created on first run)")
	fs.StringVar(&cfg.AuthorizedKeysPath, "authorized-keys", cfg.AuthorizedKeysPath, "authorized_keys file")
	fs.IntVar(&cfg.MaxSessions, "max-sessions", cfg.MaxSessions, "maximum concurrent sessions")
	fs.DurationVar(&cfg.IdleTimeout, "idle-timeout", cfg.IdleTimeout, "close sessions idle this long (negative: never)")
	fs.BoolVar(&cfg.Debug, "debug", false, "verbose log")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	title := os.Getenv("FIXTURE_TITLE")
	if title == "" {
		title = "Fixture Conversation Title"
	}
	cfg.Logger = log.New(stderr)
	cfg.NewModel = func(info serve.SessionInfo) (tea.Model, error) {
		return model{title: title, width: info.Width, height: info.Height}, nil
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := serve.Run(ctx, cfg); err != nil {
		fmt.Fprintln(stderr, "backchat-serve-fixture:", err)
		return 1
	}
	return 0
}

// model is the fake browser.
type model struct {
	title         string
	width, height int
	last          string
	dark          string
}

// Init asks this session's terminal for its background colour.
func (m model) Init() tea.Cmd { return tea.RequestBackgroundColor }

// Update tracks size, background and the last key; q quits.
func (m model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
	case tea.BackgroundColorMsg:
		m.dark = "light"
		if msg.IsDark() {
			m.dark = "dark"
		}
	case tea.KeyPressMsg:
		if msg.String() == "q" {
			return m, tea.Quit
		}
		m.last = msg.Text
	}
	return m, nil
}

// View shows the title, size, background and last key.
func (m model) View() tea.View {
	bg := m.dark
	if bg == "" {
		bg = "unknown"
	}
	v := tea.NewView(fmt.Sprintf("%s\nsize %dx%d background %s\nkey:%s\npress q to quit",
		m.title, m.width, m.height, bg, m.last))
	v.AltScreen = true
	return v
}
