package search

import (
	"context"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/backchat/backchat/internal/testkit/searchcorpus"
	"github.com/backchat/backchat/model"
)

// buildSmallShards indexes an archive with tiny shards so multi-shard
// candidate merging is exercised.
func buildSmallShards(a *model.Archive) *Index {
	b := NewBuilder()
	b.shardText = 8 << 10
	for _, c := range a.Conversations {
		b.Add(c)
	}
	return b.Build()
}

// refFields lists every searchable text of a message, written independently
// of eachField.
func refFields(m *model.Message) []string {
	var out []string
	for _, b := range m.Blocks {
		out = append(out, b.Text, b.Title(), b.Summary(), b.URL(), b.Domain(), string(b.Raw()))
		for _, t := range b.Thoughts() {
			out = append(out, t.Summary, t.Content)
		}
		if b.Asset() != nil {
			out = append(out, b.Asset().Prompt, b.Asset().Name)
		}
		for _, im := range b.Images() {
			out = append(out, im.Prompt, im.Name)
		}
	}
	return out
}

// refMatch is the brute-force reference: it shares only Fold with the
// engine.
func refMatch(c *model.Conversation, q Query, opt Options) bool {
	var roles, notRoles []model.Role
	for _, f := range q.Filters {
		ok := false
		fv := Fold(f.Value)
		switch f.Field {
		case "role":
			if f.Neg {
				notRoles = append(notRoles, model.Role(fv))
			} else {
				roles = append(roles, model.Role(fv))
			}
			continue
		case "model":
			ok = strings.HasPrefix(Fold(c.Model), fv) && c.Model != ""
			for _, n := range c.Nodes {
				if n.Msg != nil && n.Msg.Model() != "" && strings.HasPrefix(Fold(n.Msg.Model()), fv) {
					ok = true
				}
			}
		case "after", "before":
			d, _ := parseDate(f.Value)
			t := c.SortTime()
			ok = !t.IsZero() && (f.Field == "after" && !t.Before(d) || f.Field == "before" && t.Before(d))
		case "is":
			ok = fv == "archived" && c.Archived || fv == "starred" && c.Starred || fv == "deleted" && len(c.Sources) > 0 && !c.InNewest
		case "has":
			for _, n := range c.Nodes {
				if fv == "branch" && len(n.Children()) > 1 {
					ok = true
				}
				if n.Msg == nil {
					continue
				}
				for _, b := range n.Msg.Blocks {
					switch {
					case fv == "image" && (b.Kind == model.BlockImage || len(b.Images()) > 0):
						ok = true
					case fv == "code" && (b.Kind == model.BlockCode || b.Kind == model.BlockExecOutput ||
						b.Kind == model.BlockText && strings.Contains(b.Text, "```")):
						ok = true
					}
				}
			}
		case "gpt":
			ok = c.GizmoID != "" && Fold(c.GizmoID) == fv
		case "service":
			ok = strings.HasPrefix(Fold(c.Service), fv)
		}
		if ok == f.Neg {
			return false
		}
	}
	var texts []string
	for _, n := range c.Nodes {
		m := n.Msg
		if m == nil || m.Visibility == model.Hidden && !opt.IncludeHidden ||
			slices.Contains(notRoles, m.Role()) || len(roles) > 0 && !slices.Contains(roles, m.Role()) {
			continue
		}
		for _, s := range refFields(m) {
			texts = append(texts, Fold(s))
		}
	}
	title := Fold(c.Title)
	occurs := func(t Term) bool {
		if strings.Contains(title, t.Folded) && (t.Title || len(roles) == 0) {
			return true
		}
		if t.Title {
			return false
		}
		for _, s := range texts {
			if strings.Contains(s, t.Folded) {
				return true
			}
		}
		return false
	}
	for _, t := range q.Excludes {
		if occurs(t) {
			return false
		}
	}
	for _, t := range q.Terms {
		if !occurs(t) {
			return false
		}
	}
	return true
}

// randomPiece takes a random substring (1–10 runes) of a random field.
func randomPiece(r *rand.Rand, a *model.Archive) string {
	for {
		c := a.Conversations[r.IntN(len(a.Conversations))]
		n := c.Nodes[r.IntN(len(c.Nodes))]
		if n.Msg == nil {
			continue
		}
		fs := refFields(n.Msg)
		s := fs[r.IntN(len(fs))]
		if s == "" {
			continue
		}
		runes := []rune(s)
		i := r.IntN(len(runes))
		j := min(len(runes), i+1+r.IntN(10))
		p := strings.TrimSpace(string(runes[i:j]))
		if p != "" && !strings.ContainsAny(p, "\"\n\t") && utf8.ValidString(p) {
			return p
		}
	}
}

func randomQuery(r *rand.Rand, a *model.Archive) string {
	var parts []string
	for range 1 + r.IntN(3) {
		p := randomPiece(r, a)
		switch r.IntN(10) {
		case 0, 1:
			parts = append(parts, `"`+p+`"`)
		case 2:
			parts = append(parts, `-"`+p+`"`)
		case 3:
			parts = append(parts, `title:"`+p+`"`)
		default:
			if w := strings.Fields(p); len(w) > 0 && !strings.Contains(w[0], ":") && w[0][0] != '-' {
				parts = append(parts, w[0])
			}
		}
	}
	filters := []string{"role:user", "role:assistant", "-role:system", "model:gpt-4o", "model:o",
		"after:2024", "before:2025-06", "after:2024-03-15", "is:archived", "-is:starred", "is:deleted", "-is:deleted",
		"has:image", "has:code", "has:branch", "-has:branch", "service:chat", "gpt:g-0007"}
	for range r.IntN(3) {
		parts = append(parts, filters[r.IntN(len(filters))])
	}
	r.Shuffle(len(parts), func(i, j int) { parts[i], parts[j] = parts[j], parts[i] })
	return strings.Join(parts, " ")
}

// addLongWords gives every fifth conversation a word longer than
// maxWordLen (its own text with the spaces and punctuation taken out), which
// the word postings do not hold: such conversations are verified against
// their text, and random queries cut from it must still find them.
func addLongWords(a *model.Archive) {
	for i, c := range a.Conversations {
		if i%5 != 1 {
			continue
		}
		for k := range c.Nodes {
			m := c.Nodes[k].Msg
			if m == nil || len(m.Blocks) == 0 || m.Blocks[0].Kind != model.BlockText {
				continue
			}
			b := &m.Blocks[0]
			long := strings.Map(func(r rune) rune {
				if r < 0x80 && !wordByte[r] {
					return -1
				}
				return r
			}, b.Text)
			if len(long) > 2*maxWordLen {
				b.Text += " " + long[:2*maxWordLen]
				break
			}
		}
	}
}

func TestSearchMatchesBruteForce(t *testing.T) {
	for seed := range uint64(3) {
		a := searchcorpus.Generate(searchcorpus.Options{TextBytes: 150 << 10, Seed: seed, Unicode: true, ConvBytes: 1500})
		// Two exports: every 7th conversation only in the older one.
		for i, c := range a.Conversations {
			c.Sources, c.InNewest = []string{"old.zip", "new.zip"}, true
			if i%7 == 3 {
				c.Sources, c.InNewest = []string{"old.zip"}, false
			}
		}
		addLongWords(a)
		ix := buildSmallShards(a)
		if len(ix.shards) < 3 {
			t.Fatalf("want several shards, got %d", len(ix.shards))
		}
		longs := 0
		for _, sh := range ix.shards {
			longs += len(sh.words.long)
		}
		if longs < len(a.Conversations)/10 {
			t.Fatalf("only %d of %d conversations have a long word", longs, len(a.Conversations))
		}
		r := rand.New(rand.NewPCG(seed, 7))
		nonEmpty := 0
		defer func() {
			if nonEmpty < 30 {
				t.Errorf("seed %d: only %d of 150 queries matched anything; the test is too weak", seed, nonEmpty)
			}
		}()
		for range 150 {
			qs := randomQuery(r, a)
			q, err := Parse(qs)
			if err != nil {
				t.Fatalf("Parse(%q): %v", qs, err)
			}
			opt := Options{IncludeHidden: r.IntN(2) == 0}
			if r.IntN(4) == 0 {
				opt.Limit = 3
			}
			res, err := ix.Search(context.Background(), q, opt)
			if err != nil {
				t.Fatalf("Search(%q): %v", qs, err)
			}
			var want []string
			for _, c := range a.Conversations {
				if refMatch(c, q, opt) {
					want = append(want, c.ID)
				}
			}
			if len(want) > 0 {
				nonEmpty++
			}
			var got []string
			for _, x := range res.Results {
				got = append(got, x.Conv.ID)
			}
			slices.Sort(got)
			switch {
			case res.Partial:
				if len(got) != opt.Limit {
					t.Errorf("%q partial: %d results, want Limit %d", qs, len(got), opt.Limit)
				}
				for _, id := range got {
					if !slices.Contains(want, id) {
						t.Errorf("%q partial: %s is not a match", qs, id)
					}
				}
			case opt.Limit > 0:
				if res.Total != len(want) || len(got) != min(len(want), opt.Limit) {
					t.Errorf("%q: total %d got %d, want %d", qs, res.Total, len(got), len(want))
				}
				// The bounded-heap selection agrees with a full ranking.
				all := opt
				all.Limit = 0
				full, _ := ix.Search(context.Background(), q, all)
				for i, x := range res.Results {
					if y := full.Results[i]; x.Conv != y.Conv || x.Score != y.Score {
						t.Errorf("%q: rank %d is %s (%.3f), full ranking has %s (%.3f)", qs, i, x.Conv.ID, x.Score, y.Conv.ID, y.Score)
					}
				}
			default:
				if !slices.Equal(got, want) {
					t.Errorf("%q (hidden %v): got %d conversations %v, want %d %v", qs, opt.IncludeHidden, len(got), got, len(want), want)
				}
			}
			checkHits(t, qs, q, res)
			checkBrief(t, ix, qs, q, opt, res)
		}
	}
}

// checkBrief verifies that a Brief search ranks exactly as a full one and
// that Excerpt is the first non-title hit (or Best).
func checkBrief(t *testing.T, ix *Index, qs string, q Query, opt Options, res Results) {
	t.Helper()
	if res.Partial {
		return // which conversations a partial scan reaches depends on timing
	}
	opt.Brief = true
	brief, err := ix.Search(context.Background(), q, opt)
	if err != nil {
		t.Fatalf("Search(%q, Brief): %v", qs, err)
	}
	if brief.Partial {
		return
	}
	if len(brief.Results) != len(res.Results) || brief.Total != res.Total || brief.TotalHits != res.TotalHits {
		t.Fatalf("%q: Brief gives %d results (total %d, hits %d), full %d (total %d, hits %d)", qs,
			len(brief.Results), brief.Total, brief.TotalHits, len(res.Results), res.Total, res.TotalHits)
	}
	rk, err := ix.Rank(context.Background(), q, opt)
	if err == nil && rk.Partial {
		return // as above: where a partial scan stops depends on timing
	}
	if err != nil || len(rk.Index) != len(brief.Results) || rk.Total != brief.Total || rk.TotalHits != brief.TotalHits {
		t.Fatalf("%q: Rank gives %d (err %v), Brief %d", qs, len(rk.Index), err, len(brief.Results))
	}
	for i, y := range brief.Results {
		if int(rk.Index[i]) != y.Index || rk.Body[i] != (y.BodyHits > 0) {
			t.Fatalf("%q: Rank %d is %d (body %v), Brief %d (%d body hits)", qs, i, rk.Index[i], rk.Body[i], y.Index, y.BodyHits)
		}
	}
	for i, x := range res.Results {
		y := brief.Results[i]
		if !y.Located {
			// Decided by the word postings: the list locates the rows it shows.
			if y.Best.Node != noHit {
				t.Errorf("%q: unlocated Brief result %d has Best %+v", qs, i, y.Best)
			}
			l, ok, err := ix.Locate(context.Background(), y.Index, q, opt)
			if err != nil || !ok || !l.Located {
				t.Fatalf("%q: Locate(%s): ok %v, err %v", qs, y.Conv.ID, ok, err)
			}
			y.Best, y.Excerpt = l.Best, l.Excerpt
		}
		if x.Conv != y.Conv || x.Score != y.Score || x.Best != y.Best || x.Excerpt != y.Excerpt || x.HitCount != y.HitCount || x.BodyHits != y.BodyHits || x.Capped != y.Capped {
			t.Errorf("%q: rank %d: Brief %s %.3f %+v %+v, full %s %.3f %+v %+v", qs, i, y.Conv.ID, y.Score, y.Best, y.Excerpt,
				x.Conv.ID, x.Score, x.Best, x.Excerpt)
		}
		if len(y.Hits) != 0 || y.Snippet != "" {
			t.Errorf("%q: Brief result %d has hits or a snippet", qs, i)
		}
		want := x.Best
		for _, h := range x.Hits {
			if h.Field != FieldConvTitle {
				want = h
				break
			}
		}
		if x.Excerpt != want {
			t.Errorf("%q: %s: Excerpt %+v, want %+v", qs, x.Conv.ID, x.Excerpt, want)
		}
	}
}

// checkHits verifies every hit's range folds to its term.
func checkHits(t *testing.T, qs string, q Query, res Results) {
	t.Helper()
	for _, x := range res.Results {
		for _, h := range x.Hits {
			s := Text(x.Conv, h)
			if h.Off < 0 || int(h.Off+h.Len) > len(s) {
				t.Fatalf("%q: hit %+v out of range of %q", qs, h, s)
			}
			got := Fold(s[h.Off : h.Off+h.Len])
			if !strings.Contains(got, q.Terms[h.Term].Folded) {
				t.Errorf("%q: hit text %q (folded %q) lacks %q", qs, s[h.Off:h.Off+h.Len], got, q.Terms[h.Term].Folded)
			}
		}
		if len(x.Hits) > 0 && (x.SnippetMatch[0] > x.SnippetMatch[1] || x.SnippetMatch[1] > len(x.Snippet)) {
			t.Errorf("%q: bad snippet match %v in %q", qs, x.SnippetMatch, x.Snippet)
		}
	}
}
