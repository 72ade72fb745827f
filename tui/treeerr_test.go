package tui

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/backchat/backchat/model"
	"github.com/backchat/backchat/model/search"
	"github.com/backchat/backchat/model/search/live"
)

// TestDamagedConversationSaysSo: a conversation whose tree cannot be read
// (a damaged snapshot) shows the error where its messages would be.
func TestDamagedConversationSaysSo(t *testing.T) {
	ok := buildConv("c-ok", "Fine one", testNow.Add(-time.Hour), tm{role: model.RoleUser, text: "hi"})
	bad := &model.Conversation{ID: "c-bad", Title: "Damaged one", Updated: testNow.Add(-2 * time.Hour), Current: model.NoNode}
	bad.SetLazyTree(func() ([]model.Node, error) { return nil, errors.New("conversation c-bad: checksum: snapshot damaged") })
	bad.SetTreeCounts(3, 0)
	// A prebuilt index, as a snapshot brings (indexing would read the tree).
	ix := search.BuildArchive(&model.Archive{Conversations: []*model.Conversation{ok}})
	m := New(Options{Archive: &model.Archive{Conversations: []*model.Conversation{ok, bad}}, Searcher: live.NewIndexed(ix),
		Theme: "dark", Width: 100, Height: 30, Now: fixedNow})
	run(t, m, m.Init())
	if bad.TreeLoaded() {
		t.Fatal("listing decoded the damaged conversation")
	}
	m.Update(keyMsg("j"))
	if m.view.conv != bad {
		t.Fatal("damaged conversation not shown")
	}
	s := screen(m)
	if !strings.Contains(s, "Its messages could not be read") || !strings.Contains(s, "snapshot damaged") {
		t.Fatalf("no error on screen:\n%s", s)
	}
}
