package live

import (
	"context"
	"testing"

	"github.com/backchat/backchat/internal/testkit/searchcorpus"
	"github.com/backchat/backchat/model"
	"github.com/backchat/backchat/model/search"
)

// TestExcerptTextDecodesNoTree: over a loaded index (a snapshot's), a
// result row's excerpt text is read through the index: no conversation's
// tree is decoded for it (under serve a released tree would be decoded
// again for every row drawn), and it is the text the tree holds.
func TestExcerptTextDecodesNoTree(t *testing.T) {
	a := searchcorpus.Generate(searchcorpus.Options{TextBytes: 60 << 10, Seed: 5, ConvBytes: 1500})
	decoded := 0
	lazy := make([]*model.Conversation, len(a.Conversations))
	eager := map[*model.Conversation]*model.Conversation{}
	for i, c := range a.Conversations {
		l := *c
		nodes := c.Nodes
		l.Nodes = nil
		l.SetLazyTree(func() ([]model.Node, error) { decoded++; return nodes, nil })
		lazy[i] = &l
		eager[&l] = c
	}
	ix := savedIndexOver(t, a, lazy)
	s := NewIndexed(ix)
	list := newestFirst(lazy)
	quoted := 0
	for _, q := range []string{"data", "the", "role:user the", `"the data"`} {
		res, err := s.Search(context.Background(), list, q, Options{})
		if err != nil {
			t.Fatal(err)
		}
		for k := range min(len(res.Convs), 20) {
			e, ok := res.Excerpt(k)
			if !ok {
				continue
			}
			if got, want := e.Text(), search.Text(eager[e.conv], e.at); got != want || want == "" {
				t.Fatalf("%q row %d: excerpt text %q, the tree's %q", q, k, got, want)
			}
			quoted++
		}
	}
	if quoted < 20 {
		t.Fatalf("%d excerpts quoted: the test covers little", quoted)
	}
	if decoded != 0 {
		t.Fatalf("quoting %d excerpts decoded %d trees", quoted, decoded)
	}
}
