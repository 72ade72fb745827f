package tui

import (
	"strings"
	"testing"

	"github.com/backchat/backchat/model"
)

// A conversation shared by public link carries the ↗ marker; others not.
func TestSharedMarker(t *testing.T) {
	if got := markers(&model.Conversation{Shared: true, Starred: true}); got != "★↗" {
		t.Errorf("markers = %q", got)
	}
	if got := markers(&model.Conversation{}); strings.Contains(got, "↗") {
		t.Errorf("unshared markers = %q", got)
	}
}

// The stats view names the account and counts shared and rated items.
func TestStatsAccountLine(t *testing.T) {
	s := model.Stats{Conversations: 1, Messages: 2, MessagesAllBranches: 2, AllMessages: 2, Shared: 1, RatedUp: 2, RatedDown: 1,
		Accounts: []model.AccountStats{{Service: model.ServiceChatGPT, Email: "me@example.com", Plan: "Plus"}}}
	out := RenderStats(s, nil, 100, true, true)
	for _, want := range []string{"Account: ChatGPT", "me@example.com", "Plus plan", "1 shared by link", "rated 👍 2", "👎 1"} {
		if !strings.Contains(out, want) {
			t.Errorf("stats lack %q:\n%s", want, out)
		}
	}
}
