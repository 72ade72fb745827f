package tui

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Paris without the system database

	"github.com/backchat/backchat/internal/render"
	"github.com/backchat/backchat/internal/testkit/msgkit"
	"github.com/backchat/backchat/model"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
)

// statsFixture is a fixed Stats: 30 months of activity (so the year summary
// appears), more models and GPTs than the tables show, a hostile title, a
// wide-character title and a very long one.
func statsFixture() model.Stats {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		paris = time.FixedZone("CET", 3600)
	}
	s := model.Stats{
		Location:      paris.String(),
		Conversations: 1234, Messages: 45678, MessagesAllBranches: 52001, AllMessages: 52010, Nodes: 53300,
		First:    time.Date(2023, 6, 3, 9, 0, 0, 0, paris),
		Last:     time.Date(2025, 11, 20, 18, 30, 0, 0, paris),
		Archived: 12, Starred: 3, BranchPoints: 456, BranchedConversations: 300,
		UndatedConversations: 2, UndatedMessages: 5,
		WordsWritten: 123456, WordsRead: 1876543,
		ImagesGenerated: 42, ImagesUploaded: 17, ImagesOther: 3,
		VoiceMessages: 9, AudioClips: 6, VoiceSeconds: 754, VoiceTimed: 4,
	}
	for i := range 30 {
		if i == 7 {
			continue // a month without activity: drawn as an empty row
		}
		y, m := 2023+(5+i)/12, (5+i)%12+1
		s.Months = append(s.Months, model.MonthStats{Month: fmt.Sprintf("%04d-%02d", y, m),
			Conversations: 10 + (i*37)%60, Messages: 300 + (i*997)%2500, AllMessages: 350 + (i*997)%2600})
	}
	for i := range 12 {
		s.Models = append(s.Models, model.ModelStats{Model: []string{"gpt-4o", "o3", "gpt-5", "gpt-4o-mini", "gpt-4",
			"o1-preview", "text-davinci-002-render-sha", "gpt-4-5", "o4-mini-high", "", "gpt-4o-canmore", "research"}[i],
			Conversations: 400 - i*30, Messages: 20000 / (i + 1)})
	}
	for i := range 11 {
		s.GPTs = append(s.GPTs, model.GPTStats{GizmoID: "g-" + strings.Repeat(string(rune('A'+i)), 24), Conversations: 50 - 4*i, Messages: 900 - 70*i})
	}
	for i := range 10 {
		s.BusiestDays = append(s.BusiestDays, model.DayStats{Date: time.Date(2025, 3, 1+2*i, 0, 0, 0, 0, time.UTC).Format("2006-01-02"), Messages: 480 - i*31})
	}
	titles := []string{"Planning the garden \x1b]52;c;aGk=\x07 beds\x1b[2J", "日本語のメールの書き方について教えてください", "Quick question",
		"A very long title that goes on and on about the history of the Byzantine empire and its tax system in the eleventh century"}
	for i := range 10 {
		c := model.ConvStats{ID: "c" + strconv.Itoa(i), Title: titles[i%len(titles)] + " " + strconv.Itoa(i),
			Created: time.Date(2024, time.Month(1+i), 5, 0, 0, 0, 0, paris), Messages: 800 - i*55, Words: 90000 - i*7000}
		if i == 2 {
			c.Title, c.Created = "", time.Time{}
		}
		s.LongestByMessages = append(s.LongestByMessages, c)
		s.LongestByWords = append(s.LongestByWords, c)
	}
	return s
}

func TestRenderStatsGolden(t *testing.T) {
	for _, w := range []int{40, 80, 120} {
		t.Run(strconv.Itoa(w), func(t *testing.T) {
			out := RenderStats(statsFixture(), []string{model.ServiceChatGPT}, w, true, true)
			checkStatsOutput(t, out, w)
			golden.RequireEqual(t, out)
		})
	}
}

// TestRenderStatsSmall: a short history draws one monthly chart, no year
// summary, and says when there are no GPTs.
func TestRenderStatsSmall(t *testing.T) {
	s := statsFixture()
	s.Months, s.GPTs = s.Months[len(s.Months)-3:], nil
	out := RenderStats(s, nil, 80, false, true)
	checkStatsOutput(t, out, 80)
	if strings.Contains(out, "per year") || !strings.Contains(out, "Activity per month") ||
		!strings.Contains(out, "No conversations with a custom GPT.") {
		t.Errorf("small history:\n%s", out)
	}
	if got := RenderStats(model.Stats{}, nil, 80, true, true); got != "backchat stats\nNo conversations.\n" {
		t.Errorf("empty stats: %q", got)
	}
}

// TestRenderStatsWidths checks every width from 20 to 220, in colour and
// without: no line is wider than the (clamped) width, no archive text
// carries a control sequence, and colour appears only when asked for.
func TestRenderStatsWidths(t *testing.T) {
	s := statsFixture()
	for w := 20; w <= 220; w += 7 {
		for _, noColor := range []bool{true, false} {
			out := RenderStats(s, nil, w, w%2 == 0, noColor)
			want := min(max(w, 40), 200)
			plain := ansi.Strip(out)
			checkStatsOutput(t, plain, want)
			if noColor && plain != out {
				t.Fatalf("width %d: escape sequences without colour", w)
			}
			if !noColor && plain == out {
				t.Fatalf("width %d: no colour", w)
			}
			if !noColor && strings.Contains(out, "\x1b]") {
				t.Fatalf("width %d: OSC sequence in output", w)
			}
		}
	}
}

// checkStatsOutput asserts the report's shape: lines at most width cells,
// no control characters, the hostile title defused, every section present.
func checkStatsOutput(t *testing.T, out string, width int) {
	t.Helper()
	if !strings.HasSuffix(out, "\n") {
		t.Errorf("output does not end in a newline")
	}
	for i, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if w := ansi.StringWidth(l); w > width {
			t.Errorf("line %d is %d cells wide (max %d): %q", i+1, w, width, l)
		}
		for _, r := range l {
			if r < 0x20 || (r >= 0x7f && r < 0xa0) {
				t.Fatalf("line %d: control character %U: %q", i+1, r, l)
			}
		}
	}
	for _, want := range []string{"backchat stats", "1,234 conversations", "Models", "Busiest days",
		"Longest conversations, by messages", "Longest conversations, by words", "you wrote", "Images and voice"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
}

// TestRenderStatsComputed renders what ComputeStats makes of a small
// archive, to tie the two together: the counted figures are printed.
func TestRenderStatsComputed(t *testing.T) {
	c := &model.Conversation{ID: "x", Title: "Only one", Model: "gpt-4o", Created: time.Date(2025, 4, 2, 8, 0, 0, 0, time.UTC),
		Nodes: []model.Node{model.Node{Parent: model.NoNode}.WithChildren([]int32{1}),
			model.Node{Parent: 0, Msg: msgkit.With(&model.Message{Blocks: []model.Block{{Kind: model.BlockText, Text: "count these three"}}}, msgkit.Fields{Role: model.RoleUser})}.WithChildren([]int32{2}),
			{Parent: 1, Msg: msgkit.With(&model.Message{Blocks: []model.Block{{Kind: model.BlockText, Text: "and these five words here"}}}, msgkit.Fields{Role: model.RoleAssistant})}},
		Current: 2}
	s := model.ComputeStats(&model.Archive{Conversations: []*model.Conversation{c}}, time.UTC)
	out := RenderStats(s, nil, 60, true, true)
	for _, want := range []string{"1 conversation", "2 messages", "2025-04", "gpt-4o", "you wrote", " 3 words", " 5 words",
		"2025-04-02 Wed", "Only one"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
}

func TestBlocks(t *testing.T) {
	for _, tc := range []struct {
		v, max, w int
		want      string
	}{
		{0, 10, 10, ""}, {10, 10, 4, "████"}, {5, 10, 4, "██"}, {1, 10, 4, "▍"}, {1, 1000, 4, "▏"},
		{3, 8, 1, "▍"}, {7, 8, 2, "█▊"}, {-3, 10, 4, ""}, {5, 0, 4, ""},
	} {
		got, w := blocks(tc.v, tc.max, tc.w)
		if got != tc.want || w != ansi.StringWidth(got) {
			t.Errorf("blocks(%d, %d, %d) = %q (%d cells), want %q", tc.v, tc.max, tc.w, got, w, tc.want)
		}
	}
	for _, tc := range []struct {
		n    int
		want string
	}{{0, "0"}, {999, "999"}, {1000, "1,000"}, {1234567, "1,234,567"}, {-12345, "-12,345"}} {
		if got := render.FormatCount(tc.n); got != tc.want {
			t.Errorf("render.FormatCount(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
}

// TestStatsNamesTheAssistant: the words' comparison names the assistant
// of the service counted (not "ChatGPT" for a Claude export), and a report
// with no ChatGPT conversation has no custom GPTs' section.
func TestStatsNamesTheAssistant(t *testing.T) {
	conv := func(id, service string) *model.Conversation {
		return &model.Conversation{ID: id, Title: id, Service: service, Created: time.Date(2025, 4, 2, 8, 0, 0, 0, time.UTC),
			Nodes: []model.Node{model.Node{Parent: model.NoNode}.WithChildren([]int32{1}),
				model.Node{Parent: 0, Msg: msgkit.With(&model.Message{Blocks: []model.Block{{Kind: model.BlockText, Text: "one"}}}, msgkit.Fields{Role: model.RoleUser})}.WithChildren([]int32{2}),
				{Parent: 1, Msg: msgkit.With(&model.Message{Blocks: []model.Block{{Kind: model.BlockText, Text: "and these five words here"}}}, msgkit.Fields{Role: model.RoleAssistant})}},
			Current: 2}
	}
	for _, tc := range []struct {
		convs []*model.Conversation
		want  string
		gpts  bool
	}{
		{[]*model.Conversation{conv("c", model.ServiceClaude)}, "Claude wrote 5.0× as many words as you", false},
		{[]*model.Conversation{conv("g", model.ServiceChatGPT)}, "ChatGPT wrote 5.0×", true},
		{[]*model.Conversation{conv("c", model.ServiceClaude), conv("d", model.ServiceDeepSeek)}, "The assistants wrote 5.0×", false},
	} {
		a := &model.Archive{Conversations: tc.convs}
		out := RenderStats(model.ComputeStats(a, time.UTC), model.Services(a.Conversations), 80, true, true)
		if !strings.Contains(out, tc.want) {
			t.Errorf("%s: no %q in:\n%s", tc.convs[0].Service, tc.want, out)
		}
		if got := strings.Contains(out, "Custom GPTs"); got != tc.gpts {
			t.Errorf("%s: custom GPTs' section shown %v, want %v:\n%s", tc.convs[0].Service, got, tc.gpts, out)
		}
	}
}
