package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/log/v2"
	"github.com/backchat/backchat/internal/serve"
	"github.com/backchat/backchat/model"
	"github.com/backchat/backchat/model/search/live"
	"github.com/backchat/backchat/tui"
	"github.com/spf13/cobra"
)

func (a *app) serveCommand() *cobra.Command {
	cfg, cfgErr := serve.DefaultConfig()
	maxSize := fmt.Sprintf("%dx%d", serve.DefaultMaxWidth, serve.DefaultMaxHeight)
	cmd := &cobra.Command{
		Use:   "serve [flags] [PATH...]",
		Short: "Serve the browser over SSH (public-key authentication only)",
		Long: `Serve the archive (the exports at PATH..., or without PATH the library: see
backchat import) over SSH: 'ssh -p 2222 HOST' drops an authorized user
straight into the browser. The archive is loaded once and shared read-only by
every session; each session gets its own browser sized to its own terminal.

Only public keys listed in --authorized-keys are admitted; passwords, shells,
commands, SFTP and every kind of forwarding are refused. The ed25519 host key
is created on first run and reused; its fingerprint is printed at start.`,
		Example: `  backchat serve ~/exports/chatgpt.zip
  backchat serve --listen 0.0.0.0:2222 --authorized-keys ~/.ssh/backchat_keys export.zip`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, paths []string) error {
			if cfgErr != nil {
				return failure(cfgErr)
			}
			w, h, err := parseSize(maxSize)
			if err != nil {
				return usageErrorf("--max-size: %v", err)
			}
			cfg.MaxWidth, cfg.MaxHeight = w, h
			return a.runServe(cmd.Context(), cfg, paths)
		},
	}
	f := cmd.Flags()
	f.StringVar(&cfg.Listen, "listen", serve.DefaultListen, "address to listen on")
	f.StringVar(&cfg.HostKeyPath, "host-key", cfg.HostKeyPath, "host key file (ed25519, created on first run)")
	f.StringVar(&cfg.AuthorizedKeysPath, "authorized-keys", cfg.AuthorizedKeysPath, "public keys allowed in")
	f.IntVar(&cfg.MaxSessions, "max-sessions", serve.DefaultMaxSessions, "concurrent sessions at most")
	f.DurationVar(&cfg.IdleTimeout, "idle-timeout", serve.DefaultIdleTimeout, "close a session after this long without input (a connection: without a session)")
	f.StringVar(&maxSize, "max-size", maxSize, "largest terminal a session may claim, COLSxROWS (bigger ones are capped)")
	return cmd
}

// runServe loads the archive once, then serves it until SIGINT/SIGTERM.
func (a *app) runServe(ctx context.Context, cfg serve.Config, paths []string) error {
	arch, err := a.load(ctx, paths)
	if err != nil {
		return err
	}
	if a.snap != nil {
		// Counted in the memory limit (serveSharedCaches).
		a.snap.SetTextCacheBytes(serveTextCache)
	}
	// A conversation's tree (and its decompressed text) is kept while a
	// session shows it, not for as long as the server runs: 50 sessions
	// opening and previewing conversations of a 1 GB library decoded ~30
	// MB of them per run of scripts/bench-serve.sh, kept for good.
	for _, c := range arch.Conversations {
		c.ReleaseTreeWhenUnused()
	}
	// One index, built before the first session, serves every session (it
	// is safe for concurrent use).
	start := time.Now()
	searcher := a.searcher(arch)
	searcher.SetCacheBytes(serveAnswerCache)
	a.log.Info("indexed", "conversations", len(arch.Conversations), "took", time.Since(start))
	// Likewise the sorted list and every conversation's message count, so
	// a new session costs no pass over the archive.
	start = time.Now()
	prepared := tui.Prepare(arch)
	prepared.SetRenderCacheBytes(serveRenderCache)
	prepared.SetMarkdownCacheBytes(serveMarkdownCache)
	a.log.Info("prepared", "conversations", len(arch.Conversations), "took", time.Since(start))
	limit, set := limitServeMemory(cfg.MaxSessions)
	a.log.Info("memory limit", "bytes", limit, "set", set)
	cfg.Debug = a.debug
	cfg.Logger = log.NewWithOptions(a.errOut, log.Options{ReportTimestamp: true, TimeFormat: time.DateTime})
	cfg.NewModel = func(info serve.SessionInfo) (tea.Model, error) {
		return tui.New(a.sessionOptions(arch, prepared, searcher, info)), nil
	}
	cfg.Attach = func(m tea.Model, send func(tea.Msg)) func() {
		if tm, ok := m.(*tui.Model); ok {
			return tui.WatchReindex(tm, send)
		}
		return func() {}
	}
	cfg.Ready = func(addr net.Addr, fingerprint string) {
		a.log.Info("serving", "addr", addr.String(), "fingerprint", fingerprint, "conversations", len(arch.Conversations))
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := serve.Run(ctx, cfg); err != nil {
		return failure(err)
	}
	return nil
}

// sessionOptions are the browser's options for one SSH session.
func (a *app) sessionOptions(arch *model.Archive, prepared *tui.Prepared, searcher *live.Searcher, info serve.SessionInfo) tui.Options {
	o := tui.Options{
		Archive:  arch,
		Prepared: prepared,
		Searcher: searcher,
		Width:    info.Width,
		Height:   info.Height,
		NoColor:  hasEnv(info.Environ, "NO_COLOR"),
		// Two screens either side of the view: what a user scrolls
		// to next is rendered, not fifty whole conversations.
		RenderAhead: 2 * max(info.Height, 24),
	}
	if a.demo {
		o.Now = demoClock() // "Today", "Yesterday", … as in the local demo
	}
	return o
}

// parseSize reads a terminal size written COLSxROWS (e.g. 500x300).
func parseSize(s string) (int, int, error) {
	cols, rows, ok := strings.Cut(strings.ToLower(strings.TrimSpace(s)), "x")
	w, werr := strconv.Atoi(cols)
	h, herr := strconv.Atoi(rows)
	if !ok || werr != nil || herr != nil || w < 1 || h < 1 {
		return 0, 0, fmt.Errorf("%q is not COLSxROWS with positive numbers (e.g. 500x300)", s)
	}
	return w, h, nil
}

// hasEnv reports whether env (KEY=value lines) sets key to a non-empty value.
func hasEnv(env []string, key string) bool {
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok && k == key && v != "" {
			return true
		}
	}
	return false
}
