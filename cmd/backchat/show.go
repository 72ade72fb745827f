package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/backchat/backchat/internal/render"
	"github.com/backchat/backchat/model"
	"github.com/spf13/cobra"
)

// showFormats maps --format values to renderers.
var showFormats = map[string]func(io.Writer, *model.Conversation, render.Options) error{
	"text":     render.Text,
	"markdown": render.Markdown,
	"md":       render.Markdown,
	"json":     render.JSON,
}

func (a *app) showCommand() *cobra.Command {
	var format string
	var all bool
	cmd := &cobra.Command{
		Use:   "show [--format text|markdown|json] [--all] [PATH...] ID",
		Short: "Print one conversation",
		Long: `Print the conversation ID (a full id or a unique prefix of one) from the
exports at PATH... The last argument is the ID; with --demo, or to read the
library (see backchat import), it is the only one.

By default the current thread is printed the way the chat shows it, with tool
calls, reasoning and browsing folded into one-line summaries. --all adds hidden
messages, expands folded ones and prints every other branch after the current
thread. --format json prints the stable schema "backchat.conversation/1".`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageErrorf("show needs a conversation ID")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			write, ok := showFormats[format]
			if !ok {
				return usageErrorf("--format must be text, markdown or json (got %q)", format)
			}
			id := args[len(args)-1]
			if len(args) == 1 && !a.demo && looksLikeExport(id) {
				q := shellQuote(id)
				return usageErrorf("show needs a conversation ID after %s: `backchat ls --json %s` lists the ids, then `backchat show %s ID` (a unique prefix of an id will do)", id, q, q)
			}
			arch, err := a.load(cmd.Context(), args[:len(args)-1])
			if err != nil {
				return err
			}
			c, err := arch.Find(id)
			if errors.Is(err, model.ErrNotFound) {
				ls := "backchat ls --json"
				for _, p := range args[:len(args)-1] {
					ls += " " + shellQuote(p)
				}
				if a.demo {
					ls += " --demo"
				}
				return failure(fmt.Errorf("show %s: %w (`%s` lists the ids)", id, err, ls))
			}
			if err != nil {
				return failure(fmt.Errorf("show %s: %w", id, err))
			}
			var out bytes.Buffer
			if err := write(&out, c, render.Options{All: all, Location: a.loc}); err != nil {
				return failure(err)
			}
			return writeAll(a.out, out.String())
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "text", "output format: text, markdown or json")
	cmd.Flags().BoolVarP(&all, "all", "a", false, "include hidden messages and every branch")
	return cmd
}

// looksLikeExport says that show's only argument names an export rather
// than a conversation ID: ids (UUIDs, Claude's and Grok's too) hold no
// path separator and no file extension, and name no file.
func looksLikeExport(arg string) bool {
	switch strings.ToLower(filepath.Ext(arg)) {
	case ".zip", ".json":
		return true
	}
	if strings.ContainsRune(arg, '/') || strings.ContainsRune(arg, filepath.Separator) {
		return true
	}
	_, err := os.Stat(arg)
	return err == nil
}

// shellQuote quotes s for a shell command line when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./+:,@") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
