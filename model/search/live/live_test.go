package live

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/backchat/backchat/internal/testkit/msgkit"
	"github.com/backchat/backchat/internal/testkit/searchcorpus"
	"github.com/backchat/backchat/model"
)

var testNow = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

// conv makes a linear conversation of one text block per message,
// alternating user and assistant.
func conv(id, title string, created time.Time, texts ...string) *model.Conversation {
	c := &model.Conversation{ID: id, Title: title, Created: created, Updated: created.Add(time.Hour)}
	c.Nodes = append(c.Nodes, model.Node{Key: "root", Parent: model.NoNode})
	for i, t := range texts {
		role := model.RoleUser
		if i%2 == 1 {
			role = model.RoleAssistant
		}
		n := int32(len(c.Nodes))
		m := msgkit.With(msgkit.With(&model.Message{ID: fmt.Sprintf("%s-m%d", id, i), Blocks: []model.Block{{Kind: model.BlockText, Text: t}}}, msgkit.Fields{Role: role}), msgkit.Fields{Time: created.Add(time.Duration(i) * time.Minute)})
		c.Nodes = append(c.Nodes, model.Node{Key: m.ID, Parent: n - 1, Msg: m})
		c.Nodes[n-1].AddChild(n)
	}
	c.Current = int32(len(c.Nodes) - 1)
	return c
}

func newestFirst(cs []*model.Conversation) []*model.Conversation {
	out := slices.Clone(cs)
	slices.SortStableFunc(out, func(x, y *model.Conversation) int { return y.SortTime().Compare(x.SortTime()) })
	return out
}

func TestDropsReplacedDuplicates(t *testing.T) {
	old := conv("dup", "Old copy", testNow.Add(-48*time.Hour), "zebrafish old")
	newer := conv("dup", "New copy", testNow.Add(-24*time.Hour), "zebrafish new")
	s := New()
	s.Add(old) // as a loader streams it, before the newer copy replaces it
	s.Add(newer)
	s.Done()
	res, err := s.Search(context.Background(), []*model.Conversation{newer}, "zebrafish", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Convs) != 1 || res.Convs[0] != 0 {
		t.Fatalf("want only the listed copy, got %v", res.Convs)
	}
	if e, _ := res.Excerpt(0); e.Text() != "zebrafish new" || e.Off != 0 || e.Len != len("zebrafish") || e.Node() != 1 {
		t.Fatalf("excerpt %+v", e)
	}
}

func TestShortQueryIsPartial(t *testing.T) {
	a := &model.Archive{}
	for i := 0; i < 5*shortQueryLimit; i++ {
		a.Conversations = append(a.Conversations, conv(fmt.Sprint("c", i), "chat", testNow.Add(-time.Duration(i)*time.Hour), "x marks the spot"))
	}
	res, err := NewArchive(a).Search(context.Background(), a.Conversations, "x", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Partial || len(res.Convs) != shortQueryLimit {
		t.Fatalf("partial %v, %d results", res.Partial, len(res.Convs))
	}
}

func TestWhileLoading(t *testing.T) {
	var cs []*model.Conversation
	for i := range 5 {
		cs = append(cs, conv(fmt.Sprint("c", i), "chat", testNow.Add(-time.Duration(i)*time.Hour), "generics talk", "more"))
	}
	deep := make([]string, 80)
	for i := range deep {
		deep[i] = "filler"
	}
	deep[60] = "Deep inside: the answer is quokkaword, as promised."
	cs = append(cs, conv("c-deep", "Deep", testNow.Add(-9*time.Hour), deep...))
	s := New()
	for _, c := range cs[:3] {
		s.Add(c)
	}
	// A first search takes a snapshot of what has arrived.
	if res, err := s.Search(context.Background(), cs[:3], "generics", Options{}); err != nil || len(res.Convs) != 3 {
		t.Fatal(res.Convs, err)
	}
	for _, c := range cs[3:] {
		s.Add(c)
	}
	s.Loaded(&model.Archive{Conversations: cs}) // one export: indexing goes on in the background
	s.Index()                                   // waits for it: the next search sees everything
	res, err := s.Search(context.Background(), cs, "quokkaword", Options{})
	if err != nil || len(res.Convs) != 1 || cs[res.Convs[0]].ID != "c-deep" {
		t.Fatalf("after Loaded: %v %v", res.Convs, err)
	}
	if n := res.FirstNode(0); n != 61 {
		t.Fatalf("opens at node %d, want 61", n)
	}
	hits, err := s.AllHits(context.Background(), cs[res.Convs[0]], "quokkaword", Options{})
	if err != nil || len(hits) != 1 || hits[0].Node != 61 || hits[0].Offset != len("Deep inside: the answer is ") {
		t.Fatalf("AllHits: %+v %v", hits, err)
	}
}

// TestLoadedRebuildsMergedCopies: several exports hand back merged copies,
// not the conversations streamed; Loaded indexes those.
func TestLoadedRebuildsMergedCopies(t *testing.T) {
	streamed := conv("c", "chat", testNow, "walrus one")
	merged := conv("c", "chat", testNow, "walrus one")
	s := New()
	s.Add(streamed)
	s.Loaded(&model.Archive{Conversations: []*model.Conversation{merged}, Sources: []string{"a.zip", "b.zip"}})
	res, err := s.Search(context.Background(), []*model.Conversation{merged}, "walrus", Options{})
	if err != nil || len(res.Convs) != 1 {
		t.Fatalf("merged copy not found: %v %v", res.Convs, err)
	}
}

// Matches are ranked without reading them: the search locates the first
// screenful of excerpts (prelocateRows), the rest only when a row asks
// (HasExcerpt does not locate), also after Remap.
func TestLocatesExcerptsLazily(t *testing.T) {
	a := &model.Archive{}
	const n = prelocateRows + 50
	for i := 0; i < n; i++ {
		a.Conversations = append(a.Conversations, conv(fmt.Sprint("c", i), "chat", testNow.Add(-time.Duration(i)*time.Hour),
			"nothing here", fmt.Sprint("an answer about walruses ", i)))
	}
	a.Conversations = append(a.Conversations, conv("t", "walruses only in the title", testNow, "hi"))
	s := NewArchive(a)
	res, err := s.Search(context.Background(), a.Conversations, "walrus", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Convs) != n+1 || res.loc == nil {
		t.Fatalf("%d results, locator %v", len(res.Convs), res.loc != nil)
	}
	for k := range res.Convs {
		if c := a.Conversations[res.Convs[k]]; c.ID == "t" && res.HasExcerpt(k) {
			t.Error("a title-only match quotes an excerpt")
		} else if c.ID != "t" && !res.HasExcerpt(k) {
			t.Errorf("%s: no excerpt", c.ID)
		}
	}
	want := 0 // the first rows that quote one (not the title-only match)
	for k := 0; k < prelocateRows; k++ {
		if res.at[k] >= 0 {
			want++
		}
	}
	if len(res.loc.got) != want || want < prelocateRows-1 {
		t.Fatalf("%d located before any row was drawn, want the first screenful's %d", len(res.loc.got), want)
	}
	grown := append([]*model.Conversation{conv("new", "new", testNow, "new")}, a.Conversations...)
	mapped := res.Remap(a.Conversations, grown)
	for k := range mapped.Convs {
		c := grown[mapped.Convs[k]]
		e, ok := mapped.Excerpt(k)
		if c.ID == "t" {
			continue
		}
		if !ok || e.Text()[e.Off:e.Off+e.Len] != "walrus" || e.Node() != 2 {
			t.Fatalf("%s: excerpt %+v (ok %v)", c.ID, e, ok)
		}
	}
	if len(res.loc.got) != n {
		t.Fatalf("%d located", len(res.loc.got))
	}
}

// TestRemapKeepsExcerptPositions: dropping a result keeps every other
// result's excerpt with it.
func TestRemapKeepsExcerptPositions(t *testing.T) {
	c := &model.Conversation{}
	loc := &locator{got: map[int32]Excerpt{7: {Off: 3, conv: c}, 9: {Off: 2, conv: c}}}
	res := Results{Convs: []int{3, 1, 2}, at: []int32{7, -1, 9}, loc: loc}
	out := res.remap(func(i int) (int, bool) { return i * 10, i != 1 })
	if !slices.Equal(out.Convs, []int{30, 20}) {
		t.Fatalf("Convs %v", out.Convs)
	}
	if e, ok := out.Excerpt(0); !ok || e.Off != 3 {
		t.Fatalf("first excerpt %+v %v", e, ok)
	}
	if e, ok := out.Excerpt(1); !ok || e.Off != 2 {
		t.Fatalf("second excerpt %+v %v", e, ok)
	}
	if _, ok := res.Excerpt(1); ok {
		t.Fatal("a row without an excerpt got one")
	}
}

// TestNarrowedEqualsFull types queries on, letter by letter and word by
// word, and checks that searching within the last answer (as a Session
// does when Narrows holds) gives exactly the whole search.
func TestNarrowedEqualsFull(t *testing.T) {
	a := searchcorpus.Generate(searchcorpus.Options{TextBytes: 200 << 10, Seed: 5, Unicode: true, ConvBytes: 1500})
	s := NewArchive(a)
	convs := newestFirst(a.Conversations)
	ctx := context.Background()
	typed := []string{"dat", "data", "data b", "data ba", "data -x", "data -x model:gpt", "data -x model:gpt-4o",
		"the", "the role:user", "the role:user after:2024"}
	narrowed := 0
	for i := 1; i < len(typed); i++ {
		prev, next := typed[i-1], typed[i]
		pr, err := s.Search(ctx, convs, prev, Options{})
		if err != nil {
			t.Fatal(err)
		}
		full, err := s.Search(ctx, convs, next, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if !s.Narrows(prev, next) {
			continue
		}
		narrowed++
		got, err := s.SearchWithin(ctx, convs, pr, next, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got.Convs, full.Convs) {
			t.Errorf("%q within %q: %d results, whole search %d", next, prev, len(got.Convs), len(full.Convs))
			continue
		}
		for k := range full.Convs {
			e, ok := full.Excerpt(k)
			if g, gok := got.Excerpt(k); gok != ok || g.Off != e.Off || g.at != e.at {
				t.Errorf("%q within %q: excerpt of result %d differs", next, prev, k)
			}
		}
	}
	if narrowed < 6 {
		t.Errorf("only %d of the typed steps narrowed", narrowed)
	}
	if s.Narrows("data -x", "data") || s.Narrows(`"unclosed`, "data") || s.Narrows("data", "data role:user") {
		t.Error("Narrows holds where the match set can grow")
	}
}

// TestSessionSearchesWithinLastAnswer: a query typed on from the last
// applied one is searched within that answer; a wider one, another list or
// other options search everything.
func TestSessionSearchesWithinLastAnswer(t *testing.T) {
	a := searchcorpus.Generate(searchcorpus.Options{TextBytes: 60 << 10, Seed: 2, ConvBytes: 1500})
	q := NewSession(NewArchive(a))
	convs := slices.Clone(a.Conversations)
	apply := func(query string, list []*model.Conversation, opt Options) Answer {
		t.Helper()
		ans := q.Start(list, query, opt)()
		if _, cur, err := q.Apply(ans, list); !cur || err != nil {
			t.Fatalf("%q: current %v, err %v", query, cur, err)
		}
		return ans
	}
	for _, step := range []struct {
		q      string
		list   []*model.Conversation
		opt    Options
		within bool
	}{
		{"the", convs, Options{}, false},
		{"ther", convs, Options{}, true},
		{"the", convs, Options{}, false},
		{"ther", convs, Options{IncludeHidden: true}, false},
		{"there", slices.Clone(convs), Options{IncludeHidden: true}, false},
	} {
		if got := apply(step.q, step.list, step.opt).Within; got != step.within {
			t.Errorf("%q: within the last answer %v, want %v", step.q, got, step.within)
		}
	}
}

// TestSessionDropsStaleAnswers: only the latest search's answer applies;
// Stop drops the running one; a syntax error is reported and keeps the
// last answer.
func TestSessionDropsStaleAnswers(t *testing.T) {
	a := &model.Archive{Conversations: []*model.Conversation{
		conv("a", "one", testNow, "walrus and quokka"), conv("b", "two", testNow.Add(-time.Hour), "walrus")}}
	q := NewSession(NewArchive(a))
	list := a.Conversations
	first := q.Start(list, "walrus", Options{})
	second := q.Start(list, "quokka", Options{})
	if _, cur, _ := q.Apply(first(), list); cur {
		t.Fatal("a superseded answer applied")
	}
	res, cur, err := q.Apply(second(), list)
	if !cur || err != nil || res.Query != "quokka" || !slices.Equal(res.Convs, []int{0}) {
		t.Fatalf("latest answer: %v %v %+v", cur, err, res)
	}
	bad := q.Start(list, "nosuchfield:x", Options{})
	if res, cur, err := q.Apply(bad(), list); !cur || err == nil || res != nil || q.Last().Query != "quokka" {
		t.Fatalf("syntax error: %v %v %v, last %q", res, cur, err, q.Last().Query)
	}
	run := q.Start(list, "walrus", Options{})
	q.Stop()
	if _, cur, _ := q.Apply(run(), list); cur || q.Last() != nil {
		t.Fatal("an answer applied after Stop")
	}
	if ans := run(); !errors.Is(ans.Err, context.Canceled) && ans.Err != nil {
		t.Fatalf("stopped search: %v", ans.Err)
	}
}

// TestSessionRemapsWhenListGrew: an answer whose list grew while it ran is
// re-mapped onto the new list and never narrowed from.
func TestSessionRemapsWhenListGrew(t *testing.T) {
	x := conv("x", "x", testNow.Add(-time.Hour), "walrus")
	y := conv("y", "y", testNow.Add(-2*time.Hour), "nothing")
	s := New()
	s.Add(x)
	s.Add(y)
	q := NewSession(s)
	before := []*model.Conversation{x, y}
	job := q.Start(before, "walrus", Options{})
	z := conv("z", "z", testNow, "walrus too")
	s.Add(z)
	after := []*model.Conversation{z, x, y} // newest first: z arrived on top
	res, cur, err := q.Apply(job(), after)
	if !cur || err != nil || !slices.Equal(res.Convs, []int{1}) {
		t.Fatalf("re-mapped: %v %v %+v", cur, err, res)
	}
	if e, ok := res.Excerpt(0); !ok || e.Text() != "walrus" {
		t.Fatalf("excerpt after remap: %+v %v", e, ok)
	}
	if q.Start(after, "walruses", Options{})().Within {
		t.Fatal("narrowed from an answer that did not search the whole list")
	}
}

// TestLocatedNeverLocates: Located answers from what is located already
// (done false for a row past the first screenful, until Excerpt), and
// done true with no excerpt for a row that quotes none.
func TestLocatedNeverLocates(t *testing.T) {
	c := &model.Conversation{}
	loc := &locator{got: map[int32]Excerpt{7: {Off: 3, conv: c}}}
	res := Results{Convs: []int{3, 1, 2}, at: []int32{7, -1, 9}, loc: loc}
	if x, ok, done := res.Located(0); !ok || !done || x.Off != 3 {
		t.Errorf("located row: %+v %v %v", x, ok, done)
	}
	if _, ok, done := res.Located(1); ok || !done {
		t.Errorf("row without excerpt: ok %v done %v", ok, done)
	}
	if _, ok, done := res.Located(2); ok || done {
		t.Errorf("row not located yet: ok %v done %v", ok, done)
	}
	if len(loc.got) != 1 {
		t.Errorf("Located located: %d entries", len(loc.got))
	}
}
