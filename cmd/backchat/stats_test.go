package main

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/backchat/backchat/internal/testkit/gen"
	"github.com/backchat/backchat/model"
	"github.com/charmbracelet/x/ansi"
)

func TestStats(t *testing.T) {
	r := cli(t, archive(), "stats", "export.zip", "more.json")
	if r.code != exitOK || r.stderr != "" {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	if c, bad := rawControl(r.stdout); bad {
		t.Errorf("raw control %U in stats output", c)
	}
	// As for ls, the golden file leaves out the hostile title.
	g := cli(t, archive(), "stats", "export.zip")
	checkGolden(t, "stats", []byte(g.stdout))
	for i, l := range strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n") {
		if w := ansi.StringWidth(l); w > defaultWidth {
			t.Errorf("line %d is %d wide: %q", i+1, w, l)
		}
	}
	for _, want := range []string{"4 conversations", "1 archived", "1 starred", "1 branch point in 1 conversation",
		"1 conversation and 1 message have no date", "g-xyz", "Regenerated answer"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("missing %q", want)
		}
	}

	wide := cli(t, archive(), "stats", "--width", "120", "export.zip")
	checkGolden(t, "stats_120", []byte(wide.stdout))
	if !strings.Contains(wide.stdout, strings.Repeat("─", 100)) {
		t.Errorf("--width 120 not applied:\n%s", wide.stdout)
	}
}

func TestStatsJSON(t *testing.T) {
	r := cli(t, archive(), "stats", "--json", "export.zip", "more.json")
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if c, bad := rawControl(r.stdout); bad {
		t.Errorf("raw control %U in stats --json output", c)
	}
	checkGolden(t, "stats_json", []byte(r.stdout))
	var s model.Stats
	if err := json.Unmarshal([]byte(r.stdout), &s); err != nil {
		t.Fatal(err)
	}
	if s.Conversations != 4 || s.Messages != 5 || s.AllMessages != 7 || s.Archived != 1 || s.BranchPoints != 1 ||
		len(s.GPTs) != 1 || s.GPTs[0].GizmoID != "g-xyz" || s.Location != "UTC" {
		t.Errorf("stats --json: %+v", s)
	}
	// The hostile title is kept exactly in JSON (escaped by the encoder).
	if !slices.ContainsFunc(s.LongestByMessages, func(c model.ConvStats) bool { return c.Title == archive()["more.json"][0].Title }) {
		t.Errorf("title not exact in JSON: %+v", s.LongestByMessages)
	}
}

func TestStatsUsage(t *testing.T) {
	// A width the report cannot be drawn at is refused (it was drawn
	// at 40 or 200 columns without a word).
	for _, w := range []string{"-3", "0", "30", "39", "201"} {
		if r := cli(t, archive(), "stats", "--width", w, "export.zip"); r.code != exitUsage || !strings.Contains(r.stderr, "--width must be 40 to 200") {
			t.Errorf("--width %s: exit %d %q", w, r.code, r.stderr)
		}
	}
	for _, w := range []int{40, 200} {
		r := cli(t, archive(), "stats", "--width", strconv.Itoa(w), "export.zip")
		if r.code != exitOK {
			t.Fatalf("--width %d: exit %d %q", w, r.code, r.stderr)
		}
		widest := 0
		for l := range strings.Lines(r.stdout) {
			widest = max(widest, ansi.StringWidth(strings.TrimSuffix(l, "\n")))
		}
		if widest > w || w == 40 && widest != 40 {
			t.Errorf("--width %d: widest line %d cells", w, widest)
		}
	}
	if r := cli(t, archive(), "stats"); r.code != exitFail || !strings.Contains(r.stderr, "no exports imported yet") {
		t.Errorf("no PATH: exit %d, %q", r.code, r.stderr)
	}
	if r := cli(t, archive(), "stats", "missing.zip"); r.code != exitFail {
		t.Errorf("missing file: exit %d", r.code)
	}
}

// TestStatsGenerated runs `stats --json` with the real loader over a
// generated export and checks the figures against what the generator wrote.
func TestStatsGenerated(t *testing.T) {
	path := filepath.Join(t.TempDir(), "conversations.json")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	want, err := gen.Write(f, gen.Config{Seed: 7, Conversations: 150, NoHuge: true})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	r := runReal(t, "stats", "--json", path)
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var s model.Stats
	if err := json.Unmarshal([]byte(r.stdout), &s); err != nil {
		t.Fatal(err)
	}
	if s.Conversations != want.Conversations || s.AllMessages != want.Messages || s.Nodes != want.Nodes ||
		s.BranchPoints != want.BranchPoints {
		t.Errorf("got %d conversations, %d messages, %d nodes, %d branch points; generator wrote %+v",
			s.Conversations, s.AllMessages, s.Nodes, s.BranchPoints, want)
	}
	checkStatsInvariants(t, s)

	text := runReal(t, "stats", path)
	if text.code != exitOK || !strings.Contains(text.stdout, "150 conversations") {
		t.Errorf("stats text: exit %d\n%s", text.code, text.stdout)
	}
}

// checkStatsInvariants asserts what must hold for any archive.
func checkStatsInvariants(t *testing.T, s model.Stats) {
	t.Helper()
	if s.Messages > s.MessagesAllBranches || s.MessagesAllBranches > s.AllMessages || s.AllMessages > s.Nodes || s.BranchedConversations > s.BranchPoints {
		t.Errorf("messages %d > in all branches %d > all %d > nodes %d, or branched %d > points %d",
			s.Messages, s.MessagesAllBranches, s.AllMessages, s.Nodes, s.BranchedConversations, s.BranchPoints)
	}
	if s.WordsWritten == 0 || s.WordsRead == 0 || len(s.Models) == 0 {
		t.Errorf("no words or models: %+v", s)
	}
	convs, msgs, all := s.UndatedConversations, s.UndatedMessages, 0
	for i, m := range s.Months {
		if i > 0 && m.Month <= s.Months[i-1].Month {
			t.Errorf("months out of order: %s after %s", m.Month, s.Months[i-1].Month)
		}
		convs, msgs, all = convs+m.Conversations, msgs+m.Messages, all+m.AllMessages
	}
	if convs != s.Conversations || msgs != s.Messages || all > s.AllMessages {
		t.Errorf("months add up to %d conversations, %d messages, %d in all; totals %d, %d, %d",
			convs, msgs, all, s.Conversations, s.Messages, s.AllMessages)
	}
	mc, mm := 0, 0
	for _, m := range s.Models {
		mc, mm = mc+m.Conversations, mm+m.Messages
	}
	if mc != s.Conversations || mm > s.Messages {
		t.Errorf("models add up to %d conversations, %d messages", mc, mm)
	}
	for _, l := range [][]model.ConvStats{s.LongestByMessages, s.LongestByWords} {
		if len(l) == 0 || len(l) > model.TopN {
			t.Errorf("ranking of %d", len(l))
		}
	}
	if !slices.IsSortedFunc(s.LongestByMessages, func(x, y model.ConvStats) int { return y.Messages - x.Messages }) ||
		!slices.IsSortedFunc(s.LongestByWords, func(x, y model.ConvStats) int { return y.Words - x.Words }) ||
		!slices.IsSortedFunc(s.BusiestDays, func(x, y model.DayStats) int { return y.Messages - x.Messages }) {
		t.Errorf("rankings not sorted")
	}
	if s.First.IsZero() || s.Last.Before(s.First) {
		t.Errorf("date range %v … %v", s.First, s.Last)
	}
}

// TestStatsColoursOnTerminal: stats on a terminal is coloured (the
// command's output is held while it runs, and the terminal is what lies
// under the holding writer).
func TestStatsColoursOnTerminal(t *testing.T) {
	t.Setenv("NO_COLOR", "")
	t.Setenv("TERM", "xterm-256color")
	t.Setenv("COLORTERM", "truecolor")
	t.Setenv("CLICOLOR_FORCE", "1") // colorprofile cannot see a strings.Builder is our terminal
	var out, errOut strings.Builder
	a := newApp(strings.NewReader(""), &out, &errOut)
	a.isTerminal = func(w io.Writer) bool { return w == io.Writer(&out) }
	a.open = fakeOpen(archive())
	if code := execute(t.Context(), a, []string{"stats", "export.zip"}); code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if !strings.Contains(out.String(), "\x1b[") {
		t.Errorf("stats on a terminal has no colour:\n%s", out.String())
	}
}
