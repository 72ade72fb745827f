package search_test

import (
	"context"
	"fmt"
	"time"

	"github.com/backchat/backchat/internal/testkit/msgkit"
	"github.com/backchat/backchat/model"
	"github.com/backchat/backchat/model/search"
)

// A loader feeds the Builder as conversations arrive; the UI searches the
// Index once Build returns (or a snapshot of it earlier).
func Example() {
	conv := &model.Conversation{
		ID: "c1", Title: "Trip to Paris", Updated: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC),
		Nodes: []model.Node{
			model.Node{Parent: model.NoNode}.WithChildren([]int32{1}),
			{Parent: 0, Msg: msgkit.With(&model.Message{Blocks: []model.Block{{Kind: model.BlockText, Text: "Where can I get a good CAFÉ crème?"}}}, msgkit.Fields{Role: model.RoleUser})},
		},
	}
	b := search.NewBuilder()
	b.Add(conv) // safe from any goroutine, while loading
	ix := b.Build()

	q, err := search.Parse(`cafe role:user after:2025`)
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := ix.Search(context.Background(), q, search.Options{Limit: 20, SnippetWidth: 30})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range res.Results {
		h := r.Best
		text := search.Text(r.Conv, h)
		fmt.Printf("%s node %d %s %q\n", r.Conv.ID, h.Node, h.Field, text[h.Off:h.Off+h.Len])
		fmt.Printf("%q match %q\n", r.Snippet, r.Snippet[r.SnippetMatch[0]:r.SnippetMatch[1]])
	}
	_, err = search.Parse("colour:red")
	fmt.Println(err)
	// Output:
	// c1 node 1 text "CAFÉ"
	// "…can I get a good CAFÉ crème?" match "CAFÉ"
	// unknown field "colour:" (known fields: title:, role:, model:, after:, before:, is:, has:, gpt:, service:)
}
