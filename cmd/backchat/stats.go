package main

import (
	"bytes"
	"io"
	"os"

	"github.com/backchat/backchat/internal/render"
	"github.com/backchat/backchat/model"
	"github.com/backchat/backchat/tui"
	"github.com/charmbracelet/colorprofile"
	"github.com/spf13/cobra"
)

func (a *app) statsCommand() *cobra.Command {
	var asJSON bool
	var width int
	cmd := &cobra.Command{
		Use:   "stats [--json] [--width N] [PATH...]",
		Short: "Summarise an archive: activity, models, GPTs, words, images",
		Long: `Print statistics of the exports at PATH... (without PATH, the library: see
backchat import): conversations and messages per month (per year too for long
histories), models, custom GPTs, busiest days, longest conversations, words
you wrote and read, images and voice.

"Messages" are those the chat shows: the shown and folded messages of each
conversation's current thread; "in all branches" counts those of every
branch, never hidden messages (system prompts, memory, …). Months and days
are in the local time zone.

The report is as wide as the terminal (80 columns when stdout is not a
terminal, or --width N, 40 to 200) and in colour only on a terminal, unless
NO_COLOR is set or --theme is notty.

With --json, print the figures as one JSON object (model.Stats): the fields
conversations, messages, messages_all_branches, all_messages (every message
of every branch, hidden ones included), nodes, first, last (RFC 3339 in the
local zone), archived, starred, branch_points, branched_conversations,
months [{month, conversations, messages, all_messages}], undated_conversations,
undated_messages, models [{model, conversations, messages}], gpts [{gizmo_id,
conversations, messages}], busiest_days [{date, messages}],
longest_by_messages and longest_by_words [{id, title, created, messages,
words}], words_written, words_read, images_generated, images_uploaded,
images_other, voice_messages, audio_clips, voice_seconds, voice_timed.`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, paths []string) error {
			// A report cannot be drawn narrower than 40 columns (nor
			// is one wider than 200 readable): a width outside is
			// refused rather than silently drawn at the limit.
			if cmd.Flags().Changed("width") && (width < tui.StatsMinWidth || width > tui.StatsMaxWidth) {
				return usageErrorf("--width must be %d to %d (got %d)", tui.StatsMinWidth, tui.StatsMaxWidth, width)
			}
			arch, err := a.load(cmd.Context(), paths)
			if err != nil {
				return err
			}
			s := model.ComputeStats(arch, a.loc)
			if asJSON {
				var out bytes.Buffer
				if err := render.WriteJSON(&out, s, "  "); err != nil {
					return failure(err)
				}
				return writeAll(a.out, out.String())
			}
			tty := a.isTerminal(underlying(a.out)) // a.out is held while the command runs (trusting)
			if width == 0 {
				width = a.outWidth()
			}
			if width == 0 {
				width = defaultWidth // not a terminal
			}
			colour := tty && os.Getenv("NO_COLOR") == "" && a.theme != "notty"
			report := tui.RenderStats(s, model.Services(arch.Conversations), width, a.theme != "light", !colour)
			var w io.Writer = a.out
			if colour {
				// Lip Gloss writes true colour; bring it down to what the
				// terminal supports (the terminal's, under the held a.out).
				w = &colorprofile.Writer{Forward: a.out, Profile: colorprofile.Detect(underlying(a.out), os.Environ())}
			}
			return writeAll(w, report)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the figures as JSON")
	cmd.Flags().IntVar(&width, "width", 0, "report width in columns, 40 to 200 (default: the terminal's, else 80)")
	return cmd
}
