package live

import (
	"fmt"
	"slices"
	"testing"

	"github.com/backchat/backchat/internal/testkit/searchcorpus"
	"github.com/backchat/backchat/model"
	"github.com/backchat/backchat/model/search"
)

// TestPositionsOfGrowingIndex: the positions of each snapshot of a growing
// index (extended from the last one's) equal those computed afresh, the
// arrays handed out before are left as they were, and a list or index
// that is not a continuation is mapped afresh.
func TestPositionsOfGrowingIndex(t *testing.T) {
	a := searchcorpus.Generate(searchcorpus.Options{TextBytes: 120 << 10, Seed: 5})
	list := newestFirst(a.Conversations)
	list = list[:len(list)-3] // some indexed conversations are not listed
	b := search.NewBuilder()
	s := &Searcher{}
	// positions asks s, and checks its answer against a mapping made afresh.
	positions := func(list []*model.Conversation, ix *search.Index, what string) (pos, at []int32) {
		t.Helper()
		pos, at = s.positions(list, ix)
		fresh := &Searcher{}
		wpos, wat := fresh.positions(list, ix)
		if !slices.Equal(pos, wpos) || !slices.Equal(at, wat) {
			t.Fatalf("%s: positions differ from a fresh mapping", what)
		}
		return pos, at
	}
	var lastPos, lastAt, keepPos, keepAt []int32
	step := max(1, len(a.Conversations)/5)
	for n := step; ; n += step {
		n = min(n, len(a.Conversations))
		for _, c := range a.Conversations[n-min(step, n) : n] {
			b.Add(c)
		}
		ix := b.Build()
		pos, at := positions(list, ix, fmt.Sprintf("%d indexed", ix.Len()))
		if lastPos != nil && (!slices.Equal(lastPos, keepPos) || !slices.Equal(lastAt, keepAt)) {
			t.Fatalf("%d indexed: the last snapshot's arrays were changed", ix.Len())
		}
		lastPos, lastAt = pos, at
		keepPos, keepAt = slices.Clone(pos), slices.Clone(at)
		if n == len(a.Conversations) {
			break
		}
	}
	// Another list: mapped afresh.
	other := slices.Clone(list[:len(list)/2])
	slices.Reverse(other)
	ix := b.Build()
	positions(other, ix, "another list")
	// An index that does not continue the last one (its own conversations).
	ix2 := search.BuildArchive(searchcorpus.Generate(searchcorpus.Options{TextBytes: 200 << 10, Seed: 6}))
	pos, _ := s.positions(other, ix2)
	for i, p := range pos {
		if p != -1 {
			t.Fatalf("conversation %d of an unrelated index mapped to list place %d", i, p)
		}
	}
}
