package search

import (
	"context"
	"strings"
	"testing"

	"github.com/backchat/backchat/internal/testkit/msgkit"
	"github.com/backchat/backchat/model"
)

func TestFold(t *testing.T) {
	cases := map[string]string{
		"CAFÉ":         "cafe",
		"cafe\u0301":   "cafe",
		"Straße":       "strasse",
		"ẞ":            "ss",
		"İstanbul":     "istanbul",
		"ısık":         "isik",
		"Ørsted Łódź":  "orsted lodz",
		"Æsir Œuvre":   "aesir oeuvre",
		"ΣΟΦΊΑ":        "σοφια",
		"λόγος":        "λογοσ", // final sigma folds to σ
		"ПРИВЕТ Ёж":    "привет еж",
		"東京タワー":        "東京タワー",
		"❤️":           "❤",
		"👩‍💻":          "👩‍💻",
		"Ｆｕｌｌ":         "ｆｕｌｌ", // fullwidth: lower-cased, not mapped to ASCII
		"a\xffb":       "a\xffb",
		"crème brûlée": "creme brulee",
		"Ñandú":        "nandu",
	}
	for in, want := range cases {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

func unicodeArchive() *model.Archive {
	conv := func(id, title string, texts ...string) *model.Conversation {
		c := &model.Conversation{ID: id, Title: title, Current: model.NoNode}
		c.Nodes = append(c.Nodes, model.Node{Parent: model.NoNode})
		for i, s := range texts {
			role := model.RoleUser
			if i%2 == 1 {
				role = model.RoleAssistant
			}
			c.Nodes = append(c.Nodes, model.Node{Parent: int32(i), Msg: msgkit.With(&model.Message{Blocks: []model.Block{{Kind: model.BlockText, Text: s}}}, msgkit.Fields{Role: role})})
			c.Nodes[i].SetChildren([]int32{int32(i + 1)})
		}
		return c
	}
	return &model.Archive{Conversations: []*model.Conversation{
		conv("fr", "Paris", "Un CAFÉ crème, s'il vous plaît", "Voilà votre cafe\u0301."),
		conv("de", "Reise", "Die Straße ist lang"),
		conv("jp", "旅行", "東京タワーに行きました", "いいですね"),
		conv("emoji", "fun", "I ❤️ Go 👩‍💻"),
		conv("tr", "İzmir", "DİYARBAKIR ve ısparta"),
	}}
}

func search1(t *testing.T, ix *Index, qs string) Results {
	t.Helper()
	q, err := Parse(qs)
	if err != nil {
		t.Fatal(err)
	}
	r, err := ix.Search(context.Background(), q, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestUnicodeSearch(t *testing.T) {
	a := unicodeArchive()
	ix := BuildArchive(a)
	cases := []struct {
		q      string
		want   string // conversation id, "" for none
		hitTxt string // original text of the first hit
	}{
		{"cafe", "fr", "CAFÉ"},
		{"café crème", "fr", "CAFÉ"},
		{"strasse", "de", "Straße"},
		{"STRASSE", "de", "Straße"},
		{"京タ", "jp", "京タ"},
		{"ワーに", "jp", "ワーに"},
		{"❤", "emoji", "❤️"},
		{"👩‍💻", "emoji", "👩‍💻"},
		{"diyarbakir", "tr", "DİYARBAKIR"},
		{"isparta", "tr", "ısparta"},
		{"izmir", "tr", "İzmir"},
		{"kaffee", "", ""},
	}
	for _, c := range cases {
		r := search1(t, ix, c.q)
		if c.want == "" {
			if r.Total != 0 {
				t.Errorf("%q: want no match, got %d", c.q, r.Total)
			}
			continue
		}
		if r.Total != 1 || r.Results[0].Conv.ID != c.want {
			t.Errorf("%q: got %d results, want only %s", c.q, r.Total, c.want)
			continue
		}
		h := r.Results[0].Best
		s := Text(r.Results[0].Conv, h)
		if got := s[h.Off : h.Off+h.Len]; got != c.hitTxt {
			t.Errorf("%q: hit text %q, want %q", c.q, got, c.hitTxt)
		}
	}
	// The decomposed é of "cafe\u0301" is covered whole by its hit.
	r := search1(t, ix, "role:assistant cafe")
	h := r.Results[0].Best
	if got := Text(r.Results[0].Conv, h)[h.Off : h.Off+h.Len]; got != "cafe\u0301" {
		t.Errorf("decomposed hit %q", got)
	}
}

func TestExhaustiveAndHits(t *testing.T) {
	text := strings.Repeat("needle hay ", 2000) // 22 KB: past the 1 KB sample
	c := &model.Conversation{ID: "x", Title: "needle", Nodes: []model.Node{model.Node{Parent: model.NoNode}.WithChildren([]int32{1}),
		{Parent: 0, Msg: msgkit.With(&model.Message{Blocks: []model.Block{{Kind: model.BlockText, Text: text}}}, msgkit.Fields{Role: model.RoleUser})}}}
	ix := BuildArchive(&model.Archive{Conversations: []*model.Conversation{c}})
	q, _ := Parse("needle")
	fast, _ := ix.Search(context.Background(), q, Options{})
	full, _ := ix.Search(context.Background(), q, Options{Exhaustive: true, MaxHits: 5})
	// A word query is counted from the word postings: exact, not capped.
	if fast.Results[0].Capped || fast.Results[0].HitCount != 2001 {
		t.Errorf("default search: capped %v, %d hits; want the exact 2001", fast.Results[0].Capped, fast.Results[0].HitCount)
	}
	// A phrase is verified against the text and sampled (see the package doc).
	pq, _ := Parse(`"needle hay"`)
	if r, _ := ix.Search(context.Background(), pq, Options{}); len(r.Results) != 1 {
		t.Errorf("phrase: %d results", len(r.Results))
	}
	if r := full.Results[0]; r.Capped || r.HitCount != 2001 || len(r.Hits) != 5 || full.TotalHits != 2001 {
		t.Errorf("exhaustive: capped %v, %d hits (%d kept), total %d", r.Capped, r.HitCount, len(r.Hits), full.TotalHits)
	}
	hits, err := ix.Hits(context.Background(), 0, q, Options{})
	if err != nil || len(hits) != 2001 || hits[0].Field != FieldConvTitle || hits[1].Off != 0 || hits[2].Off != 11 {
		t.Errorf("Hits: %d hits, err %v", len(hits), err)
	}
	if _, err := ix.Hits(context.Background(), 5, q, Options{}); err == nil {
		t.Error("Hits out of range: no error")
	}
}
