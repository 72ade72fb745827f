package tui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/backchat/backchat/model"
)

// mixedServices is an archive of three services, one conversation a Claude
// project's, dated today, this year and in an earlier year.
func mixedServices() *model.Archive {
	u, as := model.RoleUser, model.RoleAssistant
	mk := func(id, title string, at time.Time, service string, n int) *model.Conversation {
		var msgs []tm
		for i := range n {
			msgs = append(msgs, tm{role: []model.Role{u, as}[i%2], text: fmt.Sprintf("message %d", i)})
		}
		c := buildConv(id, title, at, msgs...)
		c.Updated, c.Service = at, service
		return c
	}
	proj := mk("c-proj", "Project notes", time.Date(2025, 7, 6, 10, 0, 0, 0, time.UTC), model.ServiceClaude, 3)
	proj.Origin = model.OriginClaudeProject
	return &model.Archive{Conversations: []*model.Conversation{
		mk("c-today", "Today's question", testNow.Add(-2*time.Hour), model.ServiceChatGPT, 2),
		mk("c-deep", "Deep thoughts", time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC), model.ServiceDeepSeek, 12),
		mk("c-grok", "A long chat", time.Date(2025, 12, 24, 9, 0, 0, 0, time.UTC), model.ServiceGrok, 1234),
		proj,
	}}
}

// TestListMetaKeepsServiceAndProject: when services mix, a row's meta line
// keeps the service and " · project" at 80 columns (the date's year and the
// message count give way first) and shows everything at 200.
func TestListMetaKeepsServiceAndProject(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {200, 50}} {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			m := newIndexTest(t, mixedServices(), sz[0], sz[1])
			s := screen(m)
			for _, want := range []string{"· claude · project", "· chatgpt", "· deepseek", "· grok"} {
				if !strings.Contains(s, want) {
					t.Errorf("the list lost %q:\n%s", want, s)
				}
			}
			if sz[0] == 200 && !strings.Contains(s, "Jul 6 2025 · 3 msgs · claude · project") {
				t.Errorf("at 200 columns the meta line should be whole:\n%s", s)
			}
			if strings.Contains(s, "…│") {
				t.Errorf("a meta line is cut:\n%s", s)
			}
			golden.RequireEqual(t, s)
		})
	}
}

func TestMetaLayoutGivesWayInOrder(t *testing.T) {
	p := metaParts{date: "Jul 6 2025", day: "Jul 6", count: "3 msgs", service: "claude", project: true}
	for _, c := range []struct {
		w    int
		want string
	}{
		{60, " Jul 6 2025 · 3 msgs · claude · project"},
		{34, " Jul 6 · 3 msgs · claude · project"},
		{33, " Jul 6 · claude · project"},
		{24, " claude · project"},
		{10, " claude ·…"},
	} {
		if got := p.layout(c.w); got != c.want {
			t.Errorf("width %d: %q, want %q", c.w, got, c.want)
		}
	}
}

// TestCutTitleHasNoSpaceBeforeEllipsis: a title cut just after a space
// ends "gift for…", not "gift for …" (demo "Birthday gift for my sister"
// at 80 columns), as the viewer's header title does (headerTitle).
func TestCutTitleHasNoSpaceBeforeEllipsis(t *testing.T) {
	for w := 4; w < 30; w++ {
		got := cutTitle("Birthday gift for my sister", w)
		if strings.HasSuffix(got, " …") || ansi.StringWidth(got) > w {
			t.Errorf("cutTitle(…, %d) = %q", w, got)
		}
	}
	if got := cutTitle("Birthday gift for my sister", 19); got != "Birthday gift for…" {
		t.Errorf("cutTitle at 19 = %q, want %q", got, "Birthday gift for…")
	}
	if got := cutTitle("short", 10); got != "short" {
		t.Errorf("a title that fits changed: %q", got)
	}
}
