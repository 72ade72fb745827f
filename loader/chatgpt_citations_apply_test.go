package loader

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/backchat/backchat/model"
)

const (
	gdURL  = "https://developers.google.com/gmail/api/guides/filtering?utm_source=chatgpt.com"
	gdURL2 = "https://developers.google.com/gmail/api/guides/batch"
)

func TestApplyCitations(t *testing.T) {
	cite := func(keys ...string) string { return "\ue200cite\ue202" + strings.Join(keys, "\ue202") + "\ue201" }
	sr := []searchResult{
		{Key: "turn0search0", Title: "Delete", URL: "https://example.com/delete"},
		{Key: "turn0search1", Title: "Filtering", URL: "https://developers.google.com/gmail/api/guides/filtering"},
		{Key: "turn0search2", Title: "Batch", URL: gdURL2},
	}
	tests := []struct {
		name     string
		text     string
		meta     *citationMeta
		want     string
		wantRefs []model.Reference
	}{
		{name: "no markers nil meta", text: "plain text", want: "plain text"},
		{name: "empty", text: "", meta: &citationMeta{}, want: ""},
		{
			name: "cite via content ref",
			text: "\ue203Use the API.\ue204 " + cite("turn0search1") + "\nNext.",
			meta: &citationMeta{ContentRefs: []contentRef{
				{MatchedText: "\ue203", StartIdx: 0, EndIdx: 1, Type: "hidden"},
				{MatchedText: cite("turn0search1"), StartIdx: 15, EndIdx: 34, Type: "webpage", Title: "Searching", URL: gdURL},
			}},
			want:     "Use the API. [1]\nNext.",
			wantRefs: []model.Reference{{N: 1, Title: "Searching", URL: gdURL}},
		},
		{
			name: "cite via alt markdown",
			text: "A " + cite("turn0search5") + ".",
			meta: &citationMeta{ContentRefs: []contentRef{
				{MatchedText: cite("turn0search5"), Type: "webpage", Alt: "([Google Developers](https://x.example/a_(b)?q=1))"},
			}},
			want:     "A [1].",
			wantRefs: []model.Reference{{N: 1, Title: "Google Developers", URL: "https://x.example/a_(b)?q=1"}},
		},
		{
			name:     "cite via search results, several keys, unknown key dropped",
			text:     "X " + cite("turn0search0", "turn0search2", "turn9search9") + " Y " + cite("turn0search2"),
			meta:     &citationMeta{SearchResults: sr},
			want:     "X [1][2] Y [2]",
			wantRefs: []model.Reference{{N: 1, Title: "Delete", URL: "https://example.com/delete"}, {N: 2, Title: "Batch", URL: gdURL2}},
		},
		{
			name: "dedupe ignores chatgpt utm tag",
			text: "A " + cite("turn0search1") + " B " + cite("turn0search9"),
			meta: &citationMeta{SearchResults: sr, ContentRefs: []contentRef{
				{MatchedText: cite("turn0search9"), Type: "webpage", Title: "Searching", URL: gdURL},
			}},
			want:     "A [1] B [1]",
			wantRefs: []model.Reference{{N: 1, Title: "Filtering", URL: "https://developers.google.com/gmail/api/guides/filtering"}},
		},
		{
			name: "grouped items",
			text: "A " + cite("turn0search3", "turn0news1") + ".",
			meta: &citationMeta{ContentRefs: []contentRef{{
				MatchedText: cite("turn0search3", "turn0news1"), Type: "grouped_webpages",
				Items: []refItem{{"One", "https://one.example"}, {"Two", "https://two.example"}},
			}}},
			want:     "A [1][2].",
			wantRefs: []model.Reference{{N: 1, Title: "One", URL: "https://one.example"}, {N: 2, Title: "Two", URL: "https://two.example"}},
		},
		{
			name: "hidden content ref removes marker",
			text: "A" + cite("turn0search0") + "B",
			meta: &citationMeta{SearchResults: sr, ContentRefs: []contentRef{
				{MatchedText: cite("turn0search0"), Type: "hidden"},
			}},
			want: "AB",
		},
		{
			name: "hidden ref with plain matched text at StartIdx",
			text: "keep x, drop x here",
			meta: &citationMeta{ContentRefs: []contentRef{{MatchedText: "x", StartIdx: 13, EndIdx: 14, Type: "hidden"}}},
			want: "keep x, drop x here",
		},
		{
			name:     "other marker names are dropped",
			text:     "a\ue200filecite\ue202turn0file0\ue201b\ue200i\ue202turn0image0\ue202turn0image2\ue201c\ue200navlist\ue202Recent\ue202turn0news1\ue201d",
			meta:     &citationMeta{SearchResults: sr},
			want:     "abcd",
			wantRefs: nil,
		},
		{
			name: "entity shows its name",
			text: "Ask \ue200entity\ue202[\"people\",\"Ada Lovelace\",\"mathematician\"]\ue201 about it.",
			want: "Ask Ada Lovelace about it.",
		},
		{
			name: "sources footnote appended once",
			text: "A " + cite("turn0search1") + ".",
			meta: &citationMeta{SearchResults: sr, ContentRefs: []contentRef{
				{MatchedText: " ", StartIdx: 4, EndIdx: 4, Type: "sources_footnote", Items: []refItem{
					{"Filtering", gdURL}, {"Extra", "https://extra.example"},
				}},
			}},
			want:     "A [1].",
			wantRefs: []model.Reference{{N: 1, Title: "Filtering", URL: "https://developers.google.com/gmail/api/guides/filtering"}, {N: 2, Title: "Extra", URL: "https://extra.example"}},
		},
		{
			name: "stray and unterminated private-use characters",
			text: "a\ue200cite\ue202turn0 b\ue201c\ue202d\ue203e\ue204f\ue200",
			want: "acdef",
		},
		{
			name: "unterminated marker loses its keys",
			text: "a \ue200cite\ue202turn0search0\ue202turn0news1 b \ue200x\ue200cite\ue202turn0search0\ue201",
			meta: &citationMeta{SearchResults: sr},
			want: "a  b [1]", wantRefs: []model.Reference{{N: 1, Title: "Delete", URL: "https://example.com/delete"}},
		},
		{
			name: "legacy markers by code-point index",
			text: "Été — good【5†source】 and better【9†source】.",
			meta: &citationMeta{Legacy: []legacyCitation{
				{StartIx: 10, EndIx: 20, Title: "Five", URL: "https://five.example"},
				{StartIx: 30, EndIx: 40, Title: "Nine", URL: "https://nine.example"},
			}},
			want:     "Été — good[1] and better[2].",
			wantRefs: []model.Reference{{N: 1, Title: "Five", URL: "https://five.example"}, {N: 2, Title: "Nine", URL: "https://nine.example"}},
		},
		{
			name: "legacy markers by UTF-16 index after astral chars",
			text: "👍👍 ok【1†source】",
			meta: &citationMeta{Legacy: []legacyCitation{{StartIx: 7, EndIx: 17, Title: "One", URL: "https://one.example"}}},
			want: "👍👍 ok[1]", wantRefs: []model.Reference{{N: 1, Title: "One", URL: "https://one.example"}},
		},
		{
			name: "legacy indices off: paired in order",
			text: "a【1†source】 b【2†source】",
			meta: &citationMeta{Legacy: []legacyCitation{
				{StartIx: 100, EndIx: 110, Title: "B", URL: "https://b.example"},
				{StartIx: 50, EndIx: 60, Title: "A", URL: "https://a.example"},
			}},
			want:     "a[1] b[2]",
			wantRefs: []model.Reference{{N: 1, Title: "A", URL: "https://a.example"}, {N: 2, Title: "B", URL: "https://b.example"}},
		},
		{
			name:     "legacy markers without metadata",
			text:     "x【15†source】 y【15†source】 z【3†Docs†docs.example】",
			want:     "x[1] y[1] zDocs[2]",
			wantRefs: []model.Reference{{N: 1, Title: "", URL: ""}, {N: 2, Title: "Docs (docs.example)", URL: ""}},
		},
		{
			name: "legacy citation without a marker is still listed",
			text: "no marker",
			meta: &citationMeta{Legacy: []legacyCitation{{StartIx: 0, EndIx: 1, Title: "T", URL: "https://t.example"}}},
			want: "no marker", wantRefs: []model.Reference{{N: 1, Title: "T", URL: "https://t.example"}},
		},
		{
			name: "CJK brackets that are not markers stay",
			text: "【注意】请阅读【第2章】和【turn】",
			want: "【注意】请阅读【第2章】和【turn】",
		},
		{
			name:     "turn-key lenticular marker",
			text:     "fact【turn0search0】.",
			want:     "fact[1].",
			wantRefs: []model.Reference{{N: 1, Title: "", URL: ""}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, refs := applyCitations(tt.text, tt.meta, 0)
			if got != tt.want {
				t.Errorf("text = %q, want %q", got, tt.want)
			}
			if !reflect.DeepEqual(refs, tt.wantRefs) {
				t.Errorf("refs = %+v, want %+v", refs, tt.wantRefs)
			}
		})
	}
}

func TestApplyCitationsNoMarkersDoesNotAllocate(t *testing.T) {
	text := strings.Repeat("Plain text with 日本語 and émoji 👍 but no markers. ", 200)
	if n := testing.AllocsPerRun(100, func() { _, _ = applyCitations(text, nil, 0) }); n != 0 {
		t.Errorf("allocates %v times on text without markers", n)
	}
	cjk := strings.Repeat("【注意】", 10)
	if n := testing.AllocsPerRun(100, func() {
		if s, _ := applyCitations(cjk, nil, 0); s != cjk {
			t.Fatal("changed")
		}
	}); n > 1 {
		t.Errorf("allocates %v times on CJK brackets", n)
	}
}

// assertNoMarkers fails when s still holds a private-use marker character
// or a 【N†…】 citation marker.
func assertNoMarkers(t *testing.T, s string) {
	t.Helper()
	for _, r := range s {
		if r >= 0xe200 && r <= 0xe204 {
			t.Fatalf("marker character %U left in %q", r, s)
		}
	}
	if toks := scanTokens(s); len(toks) > 0 {
		t.Fatalf("marker %q left in output", s[toks[0].start:toks[0].end])
	}
}

func FuzzApplyCitations(f *testing.F) {
	f.Add("a\ue200cite\ue202turn0search0\ue202turn0search1\ue201 b【3†source】 c\ue203d\ue204", "turn0search0", 2, "([T](https://t.example))")
	f.Add("【注意】\ue200entity\ue202[\"x\",\"Name\"]\ue201", "【注意】", 0, "")
	f.Add("\ue200\ue200\ue201\ue201【1†a†b】【】", "\ue201", -1, "[a](")
	f.Fuzz(func(t *testing.T, text, matched string, idx int, alt string) {
		meta := &citationMeta{
			ContentRefs: []contentRef{
				{MatchedText: matched, StartIdx: idx, EndIdx: idx + 3, Type: "webpage", Alt: alt},
				{MatchedText: matched, StartIdx: idx, Type: "hidden"},
				{MatchedText: " ", Type: "sources_footnote", Items: []refItem{{"F", "https://f.example"}}},
			},
			Legacy:        []legacyCitation{{StartIx: idx, EndIx: idx + 10, Title: "L", URL: "https://l.example"}},
			SearchResults: []searchResult{{Key: "turn0search0", Title: "S", URL: "https://s.example"}},
		}
		for _, m := range []*citationMeta{nil, meta} {
			got, refs := applyCitations(text, m, 0)
			if utf8.ValidString(text) && !utf8.ValidString(got) {
				t.Fatalf("valid input %q gave invalid output %q", text, got)
			}
			for _, r := range got {
				if r >= 0xe200 && r <= 0xe204 {
					t.Fatalf("marker character %U left: %q -> %q", r, text, got)
				}
			}
			if !strings.ContainsAny(text+alt+matched, "\ue200\ue201\ue202\ue203\ue204") && !strings.Contains(alt+matched, "【") {
				assertNoMarkers(t, got)
			}
			for i, r := range refs {
				if r.N != i+1 {
					t.Fatalf("reference %d numbered %d", i, r.N)
				}
			}
		}
	})
}

func BenchmarkApplyCitationsNoMarkers(b *testing.B) {
	text := strings.Repeat("The quick brown fox jumps over the lazy dog; 日本語も少し。\n", 2000)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		if s, _ := applyCitations(text, nil, 0); len(s) != len(text) {
			b.Fatal("changed")
		}
	}
}

func BenchmarkApplyCitationsMarkers(b *testing.B) {
	text := strings.Repeat("Claim one.\ue204 \ue200cite\ue202turn0search0\ue202turn0search1\ue201 More【1†source】.\n", 500)
	meta := &citationMeta{SearchResults: []searchResult{{"turn0search0", "A", "https://a.example"}, {"turn0search1", "B", "https://b.example"}}}
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		_, _ = applyCitations(text, meta, 0)
	}
}

func BenchmarkApplyCitationsNoMarkersCJK(b *testing.B) {
	text := strings.Repeat("日本語のテキストと中文文本、そして English。", 3000)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		_, _ = applyCitations(text, nil, 0)
	}
}

func TestApplyCitationsFromNumbersAfterEarlierBlocks(t *testing.T) {
	meta := &citationMeta{Legacy: []legacyCitation{
		{StartIx: 4, EndIx: 14, Title: "A", URL: "https://a.example/"},
		{StartIx: 19, EndIx: 29, Title: "B", URL: "https://b.example/"},
	}}
	text := "one 【1†source】 two【2†source】."
	got, refs := applyCitations(text, meta, 2)
	if got != "one [3] two[4]." {
		t.Errorf("text = %q", got)
	}
	want := []model.Reference{{N: 3, Title: "A", URL: "https://a.example/"}, {N: 4, Title: "B", URL: "https://b.example/"}}
	if !reflect.DeepEqual(refs, want) {
		t.Errorf("refs = %+v, want %+v", refs, want)
	}
}

// TestEscapedMarkersAreFound: a part whose citation markers are written
// as \u escapes (its raw bytes all ASCII) is scanned for them like one
// holding them raw (onlyString's unmarked text skips the scan).
func TestEscapedMarkersAreFound(t *testing.T) {
	for _, tc := range []struct{ raw, escaped string }{
		{"A \ue200cite\ue202turn0search1\ue201 B", `A \ue200cite\ue202turn0search1\ue201 B`},
		{"A \ue203hidden\ue204 B", `A \uE203hidden\uE204 B`},
		{"A 【5†source】 B", `A \u30105\u2020source\u3011 B`},
	} {
		part := func(body string) string {
			return fmt.Sprintf(`{"content_type": "text", "parts": ["%s"]}`, body)
		}
		c := loadOne(t, conv("m", "markers", "e", 1700000100,
			node("r", "", "", "w"),
			node("w", "r", rawMsg("w", "assistant", "", "all", part(tc.raw), "{}"), "u"),
			node("u", "w", msg("u", "user", "and?"), "e"), // else the two answers join
			node("e", "u", rawMsg("e", "assistant", "", "all", part(tc.escaped), "{}")),
		))
		want, got := nodeMsg(t, c, "w").Blocks[0].Text, nodeMsg(t, c, "e").Blocks[0].Text
		if want == tc.raw {
			t.Fatalf("%q: the raw markers were left as they are", tc.raw)
		}
		if got != want {
			t.Errorf("%s: got %q, want %q (as from raw markers)", tc.escaped, got, want)
		}
	}
}

// TestMathAfterOnePassDecode: an assistant's math delimiters, written with
// \\ or \u005c escapes, are normalised (onlyString's text skips the math
// pass only when its decode saw no backslash).
func TestMathAfterOnePassDecode(t *testing.T) {
	for _, tc := range []struct{ body, want string }{
		{`see \\(x^2\\) here`, "see $x^2$ here"},
		{`see \u005c(x\u005C) here`, "see $x$ here"},
		{`plain, no math`, "plain, no math"},
	} {
		c := loadOne(t, conv("m", "math", "a", 1700000100,
			node("r", "", "", "a"),
			node("a", "r", rawMsg("a", "assistant", "", "all", fmt.Sprintf(`{"content_type": "text", "parts": ["%s"]}`, tc.body), "{}")),
		))
		if got := nodeMsg(t, c, "a").Blocks[0].Text; got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.body, got, tc.want)
		}
	}
}
