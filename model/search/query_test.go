package search

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/backchat/backchat/internal/testkit/msgkit"
	"github.com/backchat/backchat/model"
)

func TestParse(t *testing.T) {
	q, err := Parse(`Kube "Kubernetes Cluster" -docker title:notes -title:"old stuff" role:user model:GPT-4o after:2024 before:2025-06 is:starred -is:archived has:code gpt:g-123 https://x.io/a 12:30`)
	if err != nil {
		t.Fatal(err)
	}
	var terms, excl, filters []string
	for _, x := range q.Terms {
		s := x.Folded
		if x.Title {
			s = "title:" + s
		}
		if x.Phrase {
			s = "\"" + s + "\""
		}
		terms = append(terms, s)
	}
	for _, x := range q.Excludes {
		excl = append(excl, x.Folded)
	}
	for _, f := range q.Filters {
		s := f.Field + ":" + f.Value
		if f.Neg {
			s = "-" + s
		}
		filters = append(filters, s)
	}
	check := func(name string, got []string, want string) {
		if g := strings.Join(got, "|"); g != want {
			t.Errorf("%s = %s, want %s", name, g, want)
		}
	}
	check("terms", terms, `kube|"kubernetes cluster"|title:notes|https://x.io/a|12:30`)
	check("excludes", excl, "docker|old stuff")
	check("filters", filters, "role:user|model:GPT-4o|after:2024|before:2025-06|is:starred|-is:archived|has:code|gpt:g-123")
}

func TestParseErrors(t *testing.T) {
	cases := map[string]string{
		"foo:bar":          `unknown field "foo:" (known fields: title:, role:, model:, after:, before:, is:, has:, gpt:, service:)`,
		"is:gone":          "is:gone: unknown value; use one of archived, starred, deleted, shared",
		"has:video":        "has:video: unknown value; use one of image, code, branch",
		"role:robot":       "role:robot: unknown value; use one of user, assistant, system, tool",
		"after:2024-13":    "after:2024-13: date must be YYYY, YYYY-MM or YYYY-MM-DD",
		"before:yesterday": "before:yesterday: date must be YYYY, YYYY-MM or YYYY-MM-DD",
		`"open phrase`:     `unclosed quote: close the phrase with "`,
		"model:":           "model: needs a value (model slug prefix, e.g. gpt-4o)",
	}
	for in, want := range cases {
		_, err := Parse(in)
		if err == nil || err.Error() != want {
			t.Errorf("Parse(%q) error = %v, want %q", in, err, want)
		}
	}
	if q, err := Parse("   "); err != nil || len(q.Terms)+len(q.Filters)+len(q.Excludes) != 0 {
		t.Errorf("blank query: %+v %v", q, err)
	}
}

// cancelAfter is a context whose Err turns non-nil after n calls, so the
// test proves Search keeps checking while it scans (not just at the start).
type cancelAfter struct {
	context.Context
	n atomic.Int64 // checks left; the workers check at once
}

func (c *cancelAfter) Err() error {
	if c.n.Add(-1) < 0 {
		return context.Canceled
	}
	return nil
}

func TestSearchCancellation(t *testing.T) {
	ix := BuildArchive(benchArchive(8 << 20))
	q, _ := Parse("the -zzqqzz") // the exclusion forces a full scan
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ix.Search(ctx, q, Options{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled context: err = %v", err)
	}
	// Each worker checks once per shard before scanning it; a budget of 3
	// checks for 2 workers is used up only by checks made mid-scan.
	after := &cancelAfter{Context: context.Background()}
	after.n.Store(3)
	if _, err := ix.Search(after, q, Options{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("mid-scan cancel: err = %v", err)
	}
	if r, err := ix.Search(context.Background(), q, Options{}); err != nil || r.Total == 0 {
		t.Fatalf("uncancelled: %v, %d results", err, r.Total)
	}
}

func TestHasCodeFence(t *testing.T) {
	mk := func(id, text string, kind model.BlockKind) *model.Conversation {
		return &model.Conversation{ID: id, Nodes: []model.Node{model.Node{Parent: model.NoNode}.WithChildren([]int32{1}),
			{Parent: 0, Msg: msgkit.With(&model.Message{Blocks: []model.Block{{Kind: kind, Text: text}}}, msgkit.Fields{Role: model.RoleAssistant})}}}
	}
	a := &model.Archive{Conversations: []*model.Conversation{
		mk("fence", "Try this:\n```go\nfmt.Println()\n```", model.BlockText),
		mk("fence-utf8", "Voilà :\n```\nx := \"é\"\n```", model.BlockText),
		mk("ticks", "use `x` or ``y``", model.BlockText),
		mk("codeblock", "print(1)", model.BlockCode),
		mk("quote", "```not a text block```", model.BlockQuote),
	}}
	ix := BuildArchive(a)
	q, _ := Parse("has:code")
	r, err := ix.Search(context.Background(), q, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, x := range r.Results {
		got = append(got, x.Conv.ID)
	}
	slices.Sort(got)
	if want := []string{"codeblock", "fence", "fence-utf8"}; !slices.Equal(got, want) {
		t.Errorf("has:code = %v, want %v", got, want)
	}
}
