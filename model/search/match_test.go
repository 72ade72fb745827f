package search

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/backchat/backchat/model"
)

// TestMatcherASCII checks the ASCII matchers against strings.Index on
// lower-cased text, at every offset and near both ends of the text.
func TestMatcherASCII(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	const alphabet = "aAbB \n[{@`zZ"
	rnd := func(n int) string {
		var b strings.Builder
		for range n {
			b.WriteByte(alphabet[r.IntN(len(alphabet))])
		}
		return b.String()
	}
	for range 3000 {
		s := rnd(r.IntN(40))
		needle := Fold(rnd(1 + r.IntN(4)))
		if r.IntN(3) == 0 && len(s) > 2 { // make sure it occurs
			i := r.IntN(len(s) - 1)
			needle = Fold(s[i : i+1+r.IntN(len(s)-i-1)])
		}
		if needle == "" {
			continue
		}
		m := newMatcher(needle)
		lower := strings.ToLower(s)
		for from := 0; from <= len(s); from++ {
			want := strings.Index(lower[from:], needle)
			if want >= 0 {
				want += from
			}
			var got int
			if len(needle) >= 2 {
				got = m.indexPair(s, from)
			} else {
				up := -1
				got = m.indexASCII(s, from, &up)
			}
			if got != want {
				t.Fatalf("find %q in %q from %d: got %d, want %d", needle, s, from, got, want)
			}
		}
	}
}

func TestIsDeleted(t *testing.T) {
	mk := func(id string, src []string, in bool) *model.Conversation {
		return &model.Conversation{ID: id, Title: "plan " + id, Sources: src, InNewest: in}
	}
	a := &model.Archive{Conversations: []*model.Conversation{
		mk("gone", []string{"old.zip"}, false),
		mk("kept", []string{"old.zip", "new.zip"}, true),
		mk("hand", nil, false), // hand-built: no sources, never marked
	}}
	ix := BuildArchive(a)
	for q, want := range map[string][]string{
		"plan is:deleted":  {"gone"},
		"plan -is:deleted": {"hand", "kept"},
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
			t.Errorf("%s: %v, want %v", q, got, want)
		}
	}
}
