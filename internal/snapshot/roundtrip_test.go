package snapshot

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/backchat/backchat/internal/demo"
	"github.com/backchat/backchat/internal/testkit/gen"
	"github.com/backchat/backchat/internal/testkit/msgkit"
	"github.com/backchat/backchat/loader"
	"github.com/backchat/backchat/model"
)

// fixtureInputs are the exports every round trip is tested on: the demo,
// generated exports of both shapes, the repository's test files and real
// exports, and the external real fixtures when they are present.
func fixtureInputs(t *testing.T) map[string][]string {
	t.Helper()
	in := map[string][]string{}
	dir, cleanup, err := demo.Dir()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cleanup)
	in["demo"] = []string{dir}
	tmp := t.TempDir()
	for _, shape := range []gen.Shape{gen.ShapeShort, gen.ShapeLong} {
		var b bytes.Buffer
		if _, err := gen.Write(&b, gen.Config{Seed: 3, TargetBytes: 600 << 10, Shape: shape}); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(tmp, "gen"+string(rune('0'+shape))+".json")
		if err := os.WriteFile(p, b.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		in["generated-"+filepath.Base(p)] = []string{p}
	}
	root := filepath.Join("..", "..")
	globs := []string{
		"testdata/*.json", "testdata/shards", "testdata/real/*/*.json",
		"loader/testdata/claude/*", "loader/testdata/deepseek/*", "loader/testdata/grok/*", "loader/testdata/chathtml/*",
		"../shared/fixtures/external/*/*.json",
		"../shared/fixtures/external/echomine/*/raw.json",
	}
	for _, g := range globs {
		ms, _ := filepath.Glob(filepath.Join(root, g))
		for _, m := range ms {
			in[m] = []string{m}
		}
	}
	return in
}

// roundTrip writes arch and reopens it.
func roundTrip(t testing.TB, arch *model.Archive, opts Options) *Snapshot {
	t.Helper()
	path := filepath.Join(t.TempDir(), "a.snap")
	if err := WriteFile(path, arch, opts); err != nil {
		t.Fatal(err)
	}
	s, err := Open(path, opts.Fingerprint)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// equalArchives compares every exported field, trees included (read
// through Tree on the reopened side).
func equalArchives(t *testing.T, name string, want, got *model.Archive) {
	t.Helper()
	if !reflect.DeepEqual(want.Warnings, got.Warnings) || !reflect.DeepEqual(want.Sources, got.Sources) ||
		!reflect.DeepEqual(want.Accounts, got.Accounts) {
		t.Errorf("%s: meta differs:\nwant %#v %#v %#v\ngot  %#v %#v %#v", name, want.Warnings, want.Sources, want.Accounts,
			got.Warnings, got.Sources, got.Accounts)
	}
	if (want.Conversations == nil) != (got.Conversations == nil) || len(want.Conversations) != len(got.Conversations) {
		t.Fatalf("%s: %d conversations, want %d", name, len(got.Conversations), len(want.Conversations))
	}
	for i, w := range want.Conversations {
		g := got.Conversations[i]
		if g.TreeLoaded() {
			t.Errorf("%s: conversation %s decoded before use", name, w.ID)
		}
		for _, d := range msgkit.ConvDiff(w, g) {
			t.Errorf("%s: %s", name, d)
		}
	}
}

func TestRoundTripFixtures(t *testing.T) {
	for name, paths := range fixtureInputs(t) {
		arch, err := loader.OpenContext(context.Background(), loader.Options{}, paths...)
		if arch == nil {
			t.Logf("%s: not loadable (%v)", name, err)
			continue
		}
		s := roundTrip(t, arch, Options{Fingerprint: Fingerprint{1, 2, 3}})
		for i, c := range arch.Conversations {
			if got, want := s.Nodes(i), len(c.Tree()); got != want {
				t.Errorf("%s: %s: Nodes %d, want %d", name, c.ID, got, want)
			}
		}
		equalArchives(t, name, arch, s.Archive)
	}
}

func TestRoundTripEmptyAndEdgeValues(t *testing.T) {
	tr, fa := true, false
	for name, arch := range map[string]*model.Archive{
		"nil":   {},
		"empty": {Conversations: []*model.Conversation{}, Warnings: []model.Warning{}, Sources: []string{}, Accounts: []model.Account{}},
		"edges": {Conversations: []*model.Conversation{
			{ID: "a", Sources: []string{}, Comparisons: []model.Comparison{}, Current: model.NoNode},
			{ID: "b", Sources: []string{""}, Nodes: []model.Node{
				model.Node{Key: "r", Parent: model.NoNode}.WithChildren([]int32{}),
				{Key: "m", Parent: 0, Msg: msgkit.With(&model.Message{ID: "other", Blocks: []model.Block{
					{Kind: model.BlockUnknown, Extra: &model.BlockExtra{Raw: []byte{}, Thoughts: []model.Thought{}, Images: []model.Asset{}, Seconds: -0.5}},
					{Kind: model.BlockImage, Extra: &model.BlockExtra{Asset: &model.Asset{Missing: true, Width: -1, Seconds: 1e-300}}},
					{Kind: model.BlockText, Extra: &model.BlockExtra{}},
				}, Extra: &model.MessageExtra{References: []model.Reference{}, Feedback: &model.Feedback{Tags: []string{}}}}, msgkit.Fields{EndTurn: &tr})},
				{Key: "e", Parent: 0, Msg: &model.Message{ID: "e", Extra: &model.MessageExtra{}}},
				// Values the model does not pack (model/packed.go), and edges of
				// those it does.
				{Key: "x", Parent: 0, Msg: msgkit.With(&model.Message{ID: "x"}, msgkit.Fields{Role: "critic",
					Time:   time.Date(2024, 5, 1, 12, 0, 0, 7, time.FixedZone("", 7200)),
					Status: "odd status", ContentType: "odd_type", Recipient: "odd.tool", EndTurn: &fa})},
				{Key: "y", Parent: 0, Msg: msgkit.With(&model.Message{ID: "y", Extra: &model.MessageExtra{Channel: "final"}}, msgkit.Fields{
					Time:   time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC),
					Status: "in_progress", ContentType: "code", Recipient: "python"})},
				{Key: "z", Parent: 0, Msg: msgkit.With(&model.Message{ID: "z"}, msgkit.Fields{Time: time.Unix(-86400, 5)})},
				{Key: "w", Parent: 0, Msg: msgkit.With(&model.Message{ID: "w", Blocks: []model.Block{
					model.Block{Kind: model.BlockText, Text: "t"}.WithType("a rare part type"),
					model.Block{Kind: model.BlockQuote, Extra: &model.BlockExtra{Title: "q"}}.WithType("another"),
					model.Block{Kind: model.BlockCode}.WithType("code"),
				}}, msgkit.Fields{Time: time.Date(1000, 1, 1, 0, 0, 0, 0, time.UTC)})},
			}},
		}},
	} {
		t.Run(name, func(t *testing.T) {
			s := roundTrip(t, arch, Options{})
			equalArchives(t, name, arch, s.Archive)
		})
	}
}
