package snapshot

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/backchat/backchat/internal/testkit/gen"
	"github.com/backchat/backchat/internal/testkit/msgkit"
	"github.com/backchat/backchat/loader"
	"github.com/backchat/backchat/model"
	"github.com/backchat/backchat/model/search"
)

func compactors() func() loader.Compactor {
	return func() loader.Compactor { return NewCompactor() }
}

// compactModes are the ways the browser's load may keep its text, for
// inputs of size bytes: every conversation's compressed, or those beyond
// the first third of the input's bytes (loader.Options.CompactPlain).
func compactModes(size int64) []struct {
	name string
	opts loader.Options
} {
	return []struct {
		name string
		opts loader.Options
	}{
		{"compact", loader.Options{Compact: compactors()}},
		{"compact beyond a third", loader.Options{Compact: compactors(), CompactPlain: size / 3}},
	}
}

// inputSize is the bytes of the files at paths (folders walked).
func inputSize(t testing.TB, paths []string) int64 {
	var n int64
	for _, p := range paths {
		err := filepath.WalkDir(p, func(_ string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			fi, err := d.Info()
			if err == nil {
				n += fi.Size()
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return n
}

// TestCompactLoadFixtures loads every fixture with and without
// loader.Options.Compact: the archives must be equal, field by field and
// tree by tree, after collections (released trees decoded again, and the
// arena's rewound text reused by the conversations decoded after: a
// string left pointing there reads other bytes), and so must the answers
// of an index keeping offsets (search.Builder.SetTextOffsets) and one
// keeping pointers.
func TestCompactLoadFixtures(t *testing.T) {
	for name, paths := range fixtureInputs(t) {
		want, err := loader.OpenContext(context.Background(), loader.Options{}, paths...)
		if want == nil {
			t.Logf("%s: not loadable (%v)", name, err)
			continue
		}
		for _, mode := range compactModes(inputSize(t, paths)) {
			got, gerr := loader.OpenContext(context.Background(), mode.opts, paths...)
			if fmt.Sprint(err) != fmt.Sprint(gerr) {
				t.Errorf("%s: error %v, want %v", name, gerr, err)
			}
			runtime.GC()
			name := name + " " + mode.name
			equalLoads(t, name, want, got)
			equalSearches(t, name, want, got)
			t.Logf("%s: %d conversations", name, len(got.Conversations))
		}
	}
}

// equalLoads compares every exported field, trees included.
func equalLoads(t *testing.T, name string, want, got *model.Archive) {
	t.Helper()
	if !reflect.DeepEqual(want.Warnings, got.Warnings) || !reflect.DeepEqual(want.Sources, got.Sources) ||
		!reflect.DeepEqual(want.Accounts, got.Accounts) {
		t.Errorf("%s: meta differs:\nwant %#v %#v %#v\ngot  %#v %#v %#v", name, want.Warnings, want.Sources, want.Accounts,
			got.Warnings, got.Sources, got.Accounts)
	}
	if len(want.Conversations) != len(got.Conversations) {
		t.Fatalf("%s: %d conversations, want %d", name, len(got.Conversations), len(want.Conversations))
	}
	for i, w := range want.Conversations {
		for _, d := range msgkit.ConvDiff(w, got.Conversations[i]) {
			t.Errorf("%s: %s", name, d)
		}
	}
}

// equalSearches compares the answers of both archives' indexes to queries
// made of words of the archive's texts.
func equalSearches(t *testing.T, name string, want, got *model.Archive) {
	t.Helper()
	wb, gb := search.NewBuilder(), search.NewBuilder()
	gb.SetTextOffsets(true)
	wb.SetShardText(64 << 10) // several shards on the larger fixtures
	gb.SetShardText(64 << 10)
	for i := range want.Conversations {
		wb.Add(want.Conversations[i])
		gb.Add(got.Conversations[i])
	}
	wi, gi := wb.Build(), gb.Build()
	runtime.GC() // nothing holds the trees the index was built from
	for _, qs := range queriesOf(want) {
		q, err := search.Parse(qs)
		if err != nil {
			continue
		}
		opt := search.Options{Limit: 50, SnippetWidth: 60}
		wr, werr := wi.Search(context.Background(), q, opt)
		gr, gerr := gi.Search(context.Background(), q, opt)
		if wr.Partial || gr.Partial {
			continue // a short query stops after Limit matches, in no set order
		}
		if fmt.Sprint(werr) != fmt.Sprint(gerr) || wr.Total != gr.Total || wr.TotalHits != gr.TotalHits || len(wr.Results) != len(gr.Results) {
			t.Errorf("%s: %q: %d results (%d hits, %v), want %d (%d, %v)", name, qs, gr.Total, gr.TotalHits, gerr, wr.Total, wr.TotalHits, werr)
			continue
		}
		for k := range wr.Results {
			w, g := wr.Results[k], gr.Results[k]
			if w.Conv.ID != g.Conv.ID || !reflect.DeepEqual(w.Hits, g.Hits) || w.Snippet != g.Snippet || w.Best != g.Best {
				t.Errorf("%s: %q: result %d differs: %s %q, want %s %q", name, qs, k, g.Conv.ID, g.Snippet, w.Conv.ID, w.Snippet)
			}
		}
		for k := range wr.Results {
			ci := indexOf(got.Conversations, gr.Results[k].Conv)
			wt, wok := wi.HitText(ci, wr.Results[k].Best)
			gt, gok := gi.HitText(ci, gr.Results[k].Best)
			if wt != gt || wok != gok {
				t.Errorf("%s: %q: HitText %q %v, want %q %v", name, qs, gt, gok, wt, wok)
			}
		}
	}
}

func indexOf(cs []*model.Conversation, c *model.Conversation) int {
	for i := range cs {
		if cs[i] == c {
			return i
		}
	}
	return -1
}

// queriesOf picks words of the archive's titles and texts (and a phrase
// and a title: query) to search for.
func queriesOf(a *model.Archive) []string {
	var out []string
	seen := map[string]bool{}
	add := func(q string) {
		if !seen[q] && len(out) < 40 {
			seen[q] = true
			out = append(out, q)
		}
	}
	for i, c := range a.Conversations {
		if f := strings.Fields(c.Title); len(f) > 0 {
			add("title:" + strings.Trim(f[0], `"():`))
		}
		for _, n := range c.Tree() {
			if n.Msg == nil {
				continue
			}
			for _, b := range n.Msg.Blocks {
				f := strings.Fields(b.Text)
				if len(f) > 3 && i%3 == 0 {
					add(strings.Trim(f[len(f)/2], `"():-`))
					add(`"` + strings.Trim(f[1], `"():-`) + " " + strings.Trim(f[2], `"():-`) + `"`)
				}
			}
		}
	}
	return out
}

// TestCompactLoadDamaged: a flipped byte or a cut file loads the same
// with Options.Compact as without (which loses at most the conversation
// the damage is in: loader's damage tests), big enough that the loader
// splits the file (split.go) and rewinds the arena over segments.
func TestCompactLoadDamaged(t *testing.T) {
	if testing.Short() {
		t.Skip("a 70 MB export")
	}
	// Over loader's bigLoad (64 MiB): off-heap arena, split by segments.
	var buf bytes.Buffer
	if _, err := gen.Write(&buf, gen.Config{Seed: 5, TargetBytes: 70 << 20, Shape: gen.ShapeLong}); err != nil {
		t.Fatal(err)
	}
	src := buf.Bytes()
	dir := t.TempDir()
	whole := filepath.Join(dir, "whole.json")
	if err := os.WriteFile(whole, src, 0o600); err != nil {
		t.Fatal(err)
	}
	want, _ := loader.OpenContext(context.Background(), loader.Options{}, whole)
	for _, mode := range compactModes(int64(len(src))) {
		got, _ := loader.OpenContext(context.Background(), mode.opts, whole)
		runtime.GC()
		equalLoads(t, "whole "+mode.name, want, got)
		equalSearches(t, "whole "+mode.name, want, got)
	}
	for k, at := range []int{len(src) / 3, 2 * len(src) / 3} {
		for _, kind := range []string{"flip", "cut", "brace"} {
			b := bytes.Clone(src)
			switch kind {
			case "flip":
				b[at] ^= 0x20
			case "cut":
				b = b[:at]
			case "brace":
				b[at] = '{'
			}
			p := filepath.Join(dir, fmt.Sprintf("%s%d.json", kind, k))
			if err := os.WriteFile(p, b, 0o600); err != nil {
				t.Fatal(err)
			}
			want, err := loader.OpenContext(context.Background(), loader.Options{}, p)
			for _, mode := range compactModes(int64(len(b))) {
				got, gerr := loader.OpenContext(context.Background(), mode.opts, p)
				if fmt.Sprint(err) != fmt.Sprint(gerr) || (want == nil) != (got == nil) {
					t.Fatalf("%s at %d: error %v, want %v", kind, at, gerr, err)
				}
				if want == nil {
					continue
				}
				runtime.GC()
				equalLoads(t, fmt.Sprintf("%s at %d (%s)", kind, at, mode.name), want, got)
			}
		}
	}
}

// BenchmarkCompactSearch searches $BACKCHAT_BENCH_FILE loaded each way
// (indexes built first): the cost of reading text back per verified
// candidate (a chunk decompressed; a conversation decoded again).
func BenchmarkCompactSearch(b *testing.B) {
	path := os.Getenv("BACKCHAT_BENCH_FILE")
	if path == "" {
		b.Skip("BACKCHAT_BENCH_FILE not set")
	}
	modes := []struct {
		name string
		opts loader.Options
	}{{"arena", loader.Options{}}, {"compact", loader.Options{Compact: compactors()}}}
	for _, mode := range modes {
		a, err := loader.OpenContext(context.Background(), mode.opts, path)
		if err != nil {
			b.Fatal(err)
		}
		bl := search.NewBuilder()
		bl.SetTextOffsets(mode.name != "arena")
		for _, c := range a.Conversations {
			bl.Add(c)
		}
		ix := bl.Build()
		runtime.GC()
		for _, qs := range []string{"data", "kubernetes deployment", `"the user"`} {
			q, _ := search.Parse(qs)
			b.Run(mode.name+"/"+qs, func(b *testing.B) {
				for b.Loop() {
					if _, err := ix.Search(context.Background(), q, search.Options{Limit: 200}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
