package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/backchat/backchat/internal/exporter"
	"github.com/backchat/backchat/internal/render"
	"github.com/backchat/backchat/loader"
	"github.com/backchat/backchat/model"
	"github.com/backchat/backchat/model/search"
	"github.com/spf13/cobra"
)

func (a *app) exportCommand() *cobra.Command {
	var (
		format, out, query string
		force              bool
	)
	cmd := &cobra.Command{
		Use:   "export --format markdown|html|json --out DIR [--force] [--query QUERY] [PATH...]",
		Short: "Write conversations as Markdown, HTML or JSON files",
		Long: `Write one file per conversation of the exports at PATH... (or --demo; without
either, the library: see backchat import) into DIR: all of them, or those
matching --query (the browser's search language, e.g. --query 'kubernetes
is:starred after:2025').

Files are named YYYY-MM-DD-slug-ID8.EXT (creation date in UTC, the title
lower-cased with only letters and digits kept, the first 8 characters of the
id), so names stay the same from run to run.

  markdown  YAML front matter (id, title, created, updated, model, gpt, url,
            sources, in_newest), a heading per message, folded tool and
            reasoning steps as collapsible <details> blocks, citations as
            footnotes.
  html      one self-contained page (inline CSS, highlighted code).
  json      the "backchat.conversation/1" schema of show --format json,
            with every message (hidden ones and all branches).

Images are copied into DIR/<file name without extension>/ and linked with
relative paths; images the export lacks are noted in the text.

Running again rewrites nothing that is unchanged. A file that exists with
different content is left alone and reported unless --force is given; the
command then exits with status 1 after writing everything else.`,
		Example: `  backchat export --format markdown --out notes/ export.zip
  backchat export -f html -o site/ -q 'is:starred' old.zip new.zip
  backchat export --demo --format json --out /tmp/demo-json`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, paths []string) error {
			f, err := exporter.ParseFormat(format)
			if err != nil {
				return usageErrorf("--format must be markdown, html or json (got %q)", format)
			}
			if out == "" {
				return usageErrorf("export needs --out DIR")
			}
			var q search.Query
			if strings.TrimSpace(query) != "" {
				if q, err = search.Parse(query); err != nil {
					return usageErrorf("--query: %w", err)
				}
			}
			arch, err := a.load(cmd.Context(), paths)
			if err != nil {
				return err
			}
			convs := arch.Conversations
			if strings.TrimSpace(query) != "" {
				if convs, err = matching(cmd, arch, a.archIndex(arch), q); err != nil {
					return failure(fmt.Errorf("export: search: %w", err))
				}
				if len(convs) == 0 {
					// As `backchat search`: status 1 when nothing
					// matched, and nothing written (not even --out).
					return failure(errors.New("export: no conversation matches --query: nothing exported"))
				}
			}
			if err := os.MkdirAll(out, 0o755); err != nil {
				return failure(fmt.Errorf("export: %w", err))
			}
			start := time.Now()
			opt := exporter.Options{Format: f, Force: force, OpenAsset: loader.OpenAsset}
			if a.demo && len(arch.Sources) == 1 {
				// The demo lives in a new temporary folder each run: name
				// it "demo" so re-exports are byte-identical.
				dir := arch.Sources[0]
				opt.SourceName = func(p string) string {
					if rest, ok := strings.CutPrefix(p, dir); ok {
						return "demo" + filepath.ToSlash(rest)
					}
					return p
				}
			}
			var bar *countBar
			if a.isTerminal(a.errOut) {
				bar = startCountBar(a.errOut, progressDelay)
				opt.Progress = bar.update
			}
			sum, err := exporter.Export(cmd.Context(), exporter.DirFS(out), convs, opt)
			if bar != nil {
				bar.stop()
			}
			a.log.Info("export", "format", f, "out", out, "conversations", len(convs), "took", time.Since(start), "summary", sum.String())
			var b strings.Builder
			for _, c := range sum.Conflicts {
				fmt.Fprintf(&b, "backchat: conflict: %s exists with different content (not overwritten; use --force)\n", model.SanitizeLine(c))
			}
			for _, e := range sum.AssetErrors {
				fmt.Fprintf(&b, "backchat: warning: image not copied: %s\n", model.SanitizeLine(e))
			}
			_, _ = io.WriteString(a.errOut, b.String())
			if werr := writeAll(a.out, fmt.Sprintf("%s conversation%s to %s: %s\n", render.FormatCount(len(convs)), plural(len(convs)), model.SanitizeLine(out), sum)); werr != nil {
				return werr
			}
			if err != nil {
				return failure(fmt.Errorf("export: %w", err))
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&format, "format", "f", "markdown", "output format: markdown, html or json")
	fl.StringVarP(&out, "out", "o", "", "output folder (created when missing)")
	fl.BoolVar(&force, "force", false, "overwrite files whose content differs")
	fl.StringVarP(&query, "query", "q", "", "export only conversations matching this search query")
	return cmd
}

// matching returns the archive's conversations that match q, in archive
// order (newest first).
// ix indexes arch's conversations, in any order.
func matching(cmd *cobra.Command, arch *model.Archive, ix *search.Index, q search.Query) ([]*model.Conversation, error) {
	res, err := ix.Search(cmd.Context(), q, search.Options{Limit: 0, MaxHits: 1})
	if err != nil {
		return nil, err
	}
	hit := make(map[*model.Conversation]bool, len(res.Results))
	for _, r := range res.Results {
		hit[ix.Conversation(r.Index)] = true
	}
	out := make([]*model.Conversation, 0, len(hit))
	for _, c := range arch.Conversations {
		if hit[c] {
			out = append(out, c)
		}
	}
	return out, nil
}

// countBar draws "exporting… 42% (1234 of 2900)" on a terminal once an
// export has taken longer than a delay, and erases it when stopped.
// update may be called from exporter goroutines.
type countBar struct {
	w         io.Writer
	mu        sync.Mutex
	done, tot int
	quit      chan struct{}
	wg        sync.WaitGroup
}

func startCountBar(w io.Writer, delay time.Duration) *countBar {
	p := &countBar{w: w, quit: make(chan struct{})}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		select {
		case <-p.quit:
			return
		case <-time.After(delay):
		}
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			p.mu.Lock()
			done, tot := p.done, p.tot
			p.mu.Unlock()
			if tot > 0 {
				const width = 30
				fill := done * width / tot
				_, _ = fmt.Fprintf(p.w, "\rexporting [%s%s] %3d%% (%s of %s)\x1b[K",
					strings.Repeat("█", fill), strings.Repeat("░", width-fill), done*100/tot, render.FormatCount(done), render.FormatCount(tot))
			}
			select {
			case <-p.quit:
				_, _ = io.WriteString(p.w, "\r\x1b[K")
				return
			case <-t.C:
			}
		}
	}()
	return p
}

func (p *countBar) update(done, total int) {
	p.mu.Lock()
	p.done, p.tot = done, total
	p.mu.Unlock()
}

func (p *countBar) stop() {
	close(p.quit)
	p.wg.Wait()
}
