package loader

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/backchat/backchat/internal/testkit/fixtures"
	"github.com/backchat/backchat/model"
)

// The wire shapes below decode only what the citation test needs from real
// exports; the loader has its own decoder.
type wireRefItem struct {
	Title string `json:"title"`
	URL   string `json:"url"`
}

type wireMessage struct {
	Author  struct{ Role, Name string }
	Content struct {
		ContentType string            `json:"content_type"`
		Parts       []json.RawMessage `json:"parts"`
		Text        string            `json:"text"`
		Result      string            `json:"result"`
	}
	Metadata struct {
		ContentReferences []struct {
			MatchedText   string        `json:"matched_text"`
			StartIdx      *int          `json:"start_idx"`
			EndIdx        *int          `json:"end_idx"`
			Type          string        `json:"type"`
			Title         string        `json:"title"`
			URL           string        `json:"url"`
			Alt           string        `json:"alt"`
			Items         []wireRefItem `json:"items"`
			FallbackItems []wireRefItem `json:"fallback_items"`
			Sources       []wireRefItem `json:"sources"`
		} `json:"content_references"`
		Citations []struct {
			StartIx  int          `json:"start_ix"`
			EndIx    int          `json:"end_ix"`
			Metadata *wireRefItem `json:"metadata"`
		} `json:"citations"`
		SearchResultGroups []struct {
			Entries []struct {
				Title string `json:"title"`
				URL   string `json:"url"`
				RefID *struct {
					TurnIndex int    `json:"turn_index"`
					RefType   string `json:"ref_type"`
					RefIndex  int    `json:"ref_index"`
				} `json:"ref_id"`
			} `json:"entries"`
		} `json:"search_result_groups"`
	}
}

type wireConversation struct {
	Title   string
	Mapping map[string]struct {
		Message *wireMessage
	}
}

func (m *wireMessage) text() string {
	var parts []string
	for _, p := range m.Content.Parts {
		var s string
		if json.Unmarshal(p, &s) == nil {
			parts = append(parts, s)
		}
	}
	if len(parts) > 0 {
		return strings.Join(parts, "\n")
	}
	if m.Content.Text != "" {
		return m.Content.Text
	}
	return m.Content.Result
}

func (m *wireMessage) meta() *citationMeta {
	idx := func(p *int) int {
		if p == nil {
			return -1
		}
		return *p
	}
	items := func(lists ...[]wireRefItem) []refItem {
		var out []refItem
		for _, l := range lists {
			for _, it := range l {
				out = append(out, refItem(it))
			}
		}
		return out
	}
	var meta citationMeta
	md := &m.Metadata
	for _, r := range md.ContentReferences {
		meta.ContentRefs = append(meta.ContentRefs, contentRef{
			MatchedText: r.MatchedText, StartIdx: idx(r.StartIdx), EndIdx: idx(r.EndIdx),
			Type: r.Type, Title: r.Title, URL: r.URL, Alt: r.Alt,
			Items: items(r.Items, r.FallbackItems, r.Sources),
		})
	}
	for _, c := range md.Citations {
		l := legacyCitation{StartIx: c.StartIx, EndIx: c.EndIx}
		if c.Metadata != nil {
			l.Title, l.URL = c.Metadata.Title, c.Metadata.URL
		}
		meta.Legacy = append(meta.Legacy, l)
	}
	for _, g := range md.SearchResultGroups {
		for _, e := range g.Entries {
			if e.RefID != nil {
				key := fmt.Sprintf("turn%d%s%d", e.RefID.TurnIndex, e.RefID.RefType, e.RefID.RefIndex)
				meta.SearchResults = append(meta.SearchResults, searchResult{Key: key, Title: e.Title, URL: e.URL})
			}
		}
	}
	return &meta
}

func readConversations(t *testing.T, path string) []wireConversation {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var convs []wireConversation
	if data[0] == '{' {
		var c wireConversation
		err = json.Unmarshal(data, &c)
		convs = append(convs, c)
	} else {
		err = json.Unmarshal(data, &convs)
	}
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return convs
}

func assertClean(t *testing.T, where, s string) {
	t.Helper()
	for _, r := range s {
		if r >= 0xe200 && r <= 0xe204 {
			t.Errorf("%s: marker character %U left", where, r)
			return
		}
	}
	for _, bad := range []string{"†source】", "citeturn"} {
		if strings.Contains(s, bad) {
			t.Errorf("%s: %q left in text", where, bad)
		}
	}
}

func hasURL(refs []model.Reference, url string) bool {
	for _, r := range refs {
		if r.URL == url {
			return true
		}
	}
	return false
}

func TestApplyCitationsRealExports(t *testing.T) {
	ext := fixtures.External(t)
	files := []string{
		filepath.Join(ext, "echomine", "003_with_code", "raw.json"),
		filepath.Join(ext, "pkuppens-2023", "conversations.excerpt.json"),
	}
	cited := 0
	for _, f := range files {
		for _, c := range readConversations(t, f) {
			for key, n := range c.Mapping {
				m := n.Message
				if m == nil {
					continue
				}
				where := filepath.Base(filepath.Dir(f)) + " " + key
				text, meta := m.text(), m.meta()
				got, refs := applyCitations(text, meta, 0)
				assertClean(t, where, got)
				for i, r := range refs {
					if r.N != i+1 {
						t.Errorf("%s: reference %d numbered %d", where, i, r.N)
					}
				}
				if meta.Empty() || m.Author.Role != "assistant" {
					continue
				}
				cited++
				if !strings.Contains(got, "[1]") {
					t.Errorf("%s: no [1] in the rewritten text", where)
				}
				for _, r := range meta.ContentRefs {
					if r.Type == "webpage" && !hasURL(refs, r.URL) {
						t.Errorf("%s: content reference %s missing from %+v", where, r.URL, refs)
					}
				}
				for _, l := range meta.Legacy {
					if l.URL != "" && !hasURL(refs, l.URL) {
						t.Errorf("%s: citation %s missing from %+v", where, l.URL, refs)
					}
				}
			}
		}
	}
	if cited < 3 {
		t.Errorf("only %d messages with citations found; fixtures changed?", cited)
	}
}

// TestApplyCitationsEcho003 pins the rewrite of the one 2024 search answer.
func TestApplyCitationsEcho003(t *testing.T) {
	path := filepath.Join(fixtures.External(t), "echomine", "003_with_code", "raw.json")
	m := readConversations(t, path)[0].Mapping["6a557a21-cadc-4871-b8b7-8265d0645042"].Message
	if m == nil {
		t.Fatal("message 6a557a21 not found")
	}
	got, refs := applyCitations(m.text(), m.meta(), 0)
	want := []string{
		"https://developers.google.com/gmail/api/guides/filtering?utm_source=chatgpt.com",
		"https://developers.google.com/resources/api-libraries/documentation/gmail/v1/java/latest/com/google/api/services/gmail/Gmail.Users.Messages.BatchDelete.html?utm_source=chatgpt.com",
		"https://developers.google.com/gmail/api/guides/batch?utm_source=chatgpt.com",
	}
	if len(refs) != len(want) {
		t.Fatalf("got %d references %+v, want %d", len(refs), refs, len(want))
	}
	for i, u := range want {
		if refs[i].URL != u || refs[i].N != i+1 {
			t.Errorf("reference %d = %+v, want URL %s", i+1, refs[i], u)
		}
	}
	for _, s := range []string{"more. [1]", "[2]", "[3]", "To enhance your Gmail"} {
		if !strings.Contains(got, s) {
			t.Errorf("rewritten text lacks %q", s)
		}
	}
}
