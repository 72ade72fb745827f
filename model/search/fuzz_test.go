package search

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"

	"github.com/backchat/backchat/internal/testkit/msgkit"
	"github.com/backchat/backchat/model"
)

// FuzzParse: any input parses or fails with an error, never a panic, and a
// parsed query runs.
func FuzzParse(f *testing.F) {
	for _, s := range []string{`a "b c" -d title:e role:user model:gpt after:2024 before:2025-06-01`,
		`-`, `"`, `x:`, `title:"`, `-"q"`, `is:starred -has:branch`, "caf\u0301e", `https://x.io`} {
		f.Add(s)
	}
	ix := BuildArchive(unicodeArchive())
	f.Fuzz(func(t *testing.T, s string) {
		q, err := Parse(s)
		if err != nil {
			return
		}
		if _, err := ix.Search(context.Background(), q, Options{Limit: 3}); err != nil {
			t.Fatal(err)
		}
	})
}

// FuzzSnippet: any text and range yields one valid line, with the match
// range inside it.
func FuzzSnippet(f *testing.F) {
	f.Add("hello wörld 東京\n\x1b[31m", 3, 4, 10)
	f.Add("a\u202ea\u202ea\u202e needle b\u2066b\u2066b\u2066", 15, 6, 12)
	f.Add("# 【1†Rust Kubernetes†docs.python.org】 and 【2:0†source】 【3†About】【4†Press】", 10, 10, 30)
	f.Fuzz(func(t *testing.T, text string, off, n, width int) {
		s, m := Snippet(text, off, n, width%500)
		if m[0] < 0 || m[0] > m[1] || m[1] > len(s) {
			t.Fatalf("match %v outside %q", m, s)
		}
		for _, r := range s {
			if r == '\n' || r == '\r' || r < 0x20 {
				t.Fatalf("control %U in snippet %q", r, s)
			}
		}
		if utf8.ValidString(text) && !utf8.ValidString(s) {
			t.Fatalf("invalid UTF-8 snippet %q from valid text", s)
		}
		if model.SanitizeLine(s) != s {
			t.Fatalf("snippet %q is not as the viewer shows it (%q)", s, model.SanitizeLine(s))
		}
		if w := width % 500; w >= 1 && ansi.StringWidth(s) > w {
			t.Fatalf("snippet %q is %d cells wide, asked %d", s, ansi.StringWidth(s), w)
		}
	})
}

// FuzzBuildSearch: arbitrary message text indexes and searches without
// panics, and a substring of it is always found.
func FuzzBuildSearch(f *testing.F) {
	f.Add("Straße café 東京 \xff\xfe", 2, 5)
	f.Add("请帮我把这段文字翻译成英文，并保持原来的语气。", 3, 20)
	f.Add("ｆｕｌｌ，ｗｉｄｔｈ（ｘ）１２３", 0, 9)
	f.Add("word "+strings.Repeat("abcdefgh", 20)+" tail", 40, 60)
	f.Fuzz(func(t *testing.T, text string, i, j int) {
		c := &model.Conversation{ID: "f", Nodes: []model.Node{model.Node{Parent: model.NoNode}.WithChildren([]int32{1}),
			{Parent: 0, Msg: msgkit.With(&model.Message{Blocks: []model.Block{{Text: text}}}, msgkit.Fields{Role: model.RoleUser})}}}
		ix := BuildArchive(&model.Archive{Conversations: []*model.Conversation{c}})
		if len(text) == 0 {
			return
		}
		i, j = int(uint(i)%uint(len(text))), int(uint(j)%uint(len(text)))
		if i > j {
			i, j = j, i
		}
		sub := text[i : j+1]
		if !utf8.ValidString(sub) || !utf8.ValidString(text) {
			return
		}
		q := Query{Terms: []Term{{Text: sub, Folded: Fold(sub)}}}
		if q.Terms[0].Folded == "" || len([]rune(sub)) < 1 {
			return
		}
		r, err := ix.Search(context.Background(), q, Options{})
		if err != nil {
			t.Fatal(err)
		}
		// Folding is context-free per rune, so a whole-rune substring of
		// the text folds to a substring of the folded text.
		if utf8.RuneStart(text[i]) && (j+1 == len(text) || utf8.RuneStart(text[j+1])) && r.Total != 1 {
			t.Fatalf("%q not found in %q", sub, text)
		}
		// Excluding what is required leaves nothing, however it was decided.
		q.Excludes = q.Terms
		if r, err := ix.Search(context.Background(), q, Options{}); err != nil || r.Total != 0 {
			t.Fatalf("%q -%q: %d results, err %v", sub, sub, r.Total, err)
		}
	})
}
