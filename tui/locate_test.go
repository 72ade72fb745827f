package tui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/backchat/backchat/model"
	"github.com/backchat/backchat/model/search/live"
)

// TestFilterRowsPastTheFirstScreenfulAreLocatedOffView: the search
// locates the excerpts of its first rows; on a tall terminal the rows
// below them are located by a command (locateCmd), never by View, and
// quote their snippets once it has run.
func TestFilterRowsPastTheFirstScreenfulAreLocatedOffView(t *testing.T) {
	a := &model.Archive{}
	for i := range 100 {
		a.Conversations = append(a.Conversations, buildConv(fmt.Sprint("c", i), fmt.Sprint("chat ", i), testNow.Add(-time.Duration(i)*time.Hour),
			tm{role: model.RoleUser, text: "nothing here"}, tm{role: model.RoleAssistant, text: fmt.Sprintf("an answer about walruses number%d", i)}))
	}
	model.SortNewestFirst(a.Conversations)
	m := newIndexTest(t, a, 100, 180) // 88 result rows in view
	res, err := live.NewArchive(a).Search(context.Background(), m.list.all, "walrus", live.Options{})
	if err != nil {
		t.Fatal(err)
	}
	m.list.found = &res
	m.list.setFiltered(res.Convs, true, true)
	unlocated := func() (n int) {
		for k := range res.Convs {
			if _, _, done := res.Located(k); !done {
				n++
			}
		}
		return n
	}
	before := unlocated()
	if before == 0 {
		t.Fatal("the search located every row: the test needs rows it left")
	}
	s := screen(m)
	if got := unlocated(); got != before {
		t.Fatalf("View located %d rows", before-got)
	}
	if strings.Count(s, "walruses number") > 40 {
		t.Fatalf("rows past the first screenful quote snippets before they are located:\n%s", s)
	}
	cmd := m.list.locateCmd()
	if cmd == nil {
		t.Fatal("no command to locate the rows in view")
	}
	m.Update(cmd())
	if got := unlocated(); got >= before {
		t.Fatalf("the command located nothing: %d of %d left", got, before)
	}
	if s := screen(m); strings.Count(s, "walruses number") < 85 {
		t.Fatalf("after locating, %d rows quote their snippet:\n%s", strings.Count(s, "walruses number"), s)
	}
	if m.list.locateCmd() != nil {
		t.Error("a second command for rows located or being located")
	}
}
