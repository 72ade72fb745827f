package search

import (
	"slices"
	"testing"

	"github.com/backchat/backchat/model"
)

// is:shared finds the conversations shared by public link; -is:shared the
// others.
func TestIsShared(t *testing.T) {
	a := &model.Archive{Conversations: []*model.Conversation{
		{ID: "pub", Title: "plan pub", Shared: true, ShareID: "s1"},
		{ID: "own", Title: "plan own"},
	}}
	ix := BuildArchive(a)
	for q, want := range map[string][]string{
		"plan is:shared":  {"pub"},
		"plan -is:shared": {"own"},
		"is:shared":       {"pub"},
	} {
		pq, err := Parse(q)
		if err != nil {
			t.Fatal(err)
		}
		res, err := ix.Search(t.Context(), pq, Options{})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range res.Results {
			got = append(got, r.Conv.ID)
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%q = %v, want %v", q, got, want)
		}
	}
}
