package loader

import (
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/backchat/backchat/internal/testkit/fixtures"
	"github.com/backchat/backchat/model"
)

// fixtureWant is what an external fixture must load as; the figures were
// counted independently from the raw JSON (mapping size, messages, length of
// the current_node → root path, nodes with more than one child).
type fixtureWant struct {
	title, id                   string
	nodes, msgs, thread, branch int
}

func branchPoints(c *model.Conversation) int {
	n := 0
	for _, nd := range c.Nodes {
		if len(nd.Children()) > 1 {
			n++
		}
	}
	return n
}

func TestExternalFixtures(t *testing.T) {
	ext := fixtures.External(t)
	cases := map[string][]fixtureWant{
		"pkuppens-2023/conversations.excerpt.json": {
			{"Oscar for Rental Webshop", "65e5bb56-a41c-407c-8e90-6261edbed4fa", 34, 33, 28, 1},
			{"GitHub Wikis & Source Code", "c21a4db5-68eb-471a-b590-bb6ef7b81b42", 8, 7, 8, 0},
			{"How to Use Radio", "c08688db-2462-4ab5-a101-4f294b932e27", 18, 17, 18, 0},
			{"Indexing 10-row SQL tables", "bfda098c-113c-4add-bff5-a02ad122227f", 4, 3, 4, 0},
		},
		"chatgpt2graph/conversations.json": {
			{"Average Distance in U(0,1)", "966da5c4-5bb7-4e4d-ab6d-a7316b96266e", 45, 44, 45, 0},
		},
		"echomine/001_simple_text/raw.json": {
			{"Indigenous DNA in Mexico", "68ef24dd-7008-832c-bd68-1bb462dd87bc", 8, 7, 8, 0},
		},
		"echomine/002_with_images/raw.json": {
			{"Interpretación pintura surrealista", "684a1df7-302c-8005-bf41-d26c56ecdc7f", 8, 7, 8, 0},
		},
		"echomine/003_with_code/raw.json": {
			{"Gmail API Management in Java", "6751eba5-2428-8005-ac4d-63619dbfb902", 11, 10, 11, 0},
		},
		"pionxzh-chatgpt-exporter/image-generation.json": {
			{"Fixture", "fixture", 25, 24, 23, 2},
		},
		"pionxzh-chatgpt-exporter/thinking-summaries.json": {
			{"Fixture", "fixture", 15, 14, 15, 0},
		},
	}
	for name, wants := range cases {
		t.Run(name, func(t *testing.T) {
			a, err := Open(filepath.Join(ext, filepath.FromSlash(name)))
			if err != nil {
				t.Fatal(err)
			}
			if len(a.Warnings) != 0 {
				t.Errorf("warnings: %v", a.Warnings)
			}
			if len(a.Conversations) != len(wants) {
				t.Fatalf("got %d conversations, want %d", len(a.Conversations), len(wants))
			}
			byID := map[string]*model.Conversation{}
			for _, c := range a.Conversations {
				byID[c.ID] = c
			}
			for _, w := range wants {
				c := byID[w.id]
				if c == nil {
					t.Fatalf("conversation %s missing", w.id)
				}
				msgs := 0
				for _, n := range c.Nodes {
					if n.Msg != nil {
						msgs++
					}
				}
				if c.Title != w.title || len(c.Nodes) != w.nodes || msgs != w.msgs ||
					len(c.CurrentThread()) != w.thread || branchPoints(c) != w.branch {
					t.Errorf("%s: got title %q nodes %d msgs %d thread %d branch points %d; want %+v",
						w.id, c.Title, len(c.Nodes), msgs, len(c.CurrentThread()), branchPoints(c), w)
				}
				if c.Current == model.NoNode || c.Nodes[c.Current].Key != c.CurrentKey {
					t.Errorf("%s: current node %d does not match key %q", w.id, c.Current, c.CurrentKey)
				}
				if c.Created.IsZero() || c.Service != "chatgpt" || c.Source == "" {
					t.Errorf("%s: created %v service %q source %q", w.id, c.Created, c.Service, c.Source)
				}
			}
		})
	}
}

// TestFixtureContent checks typed blocks decoded from the real exports.
func TestFixtureContent(t *testing.T) {
	ext := fixtures.External(t)
	kinds := func(name string) map[model.BlockKind]int {
		a, err := Open(filepath.Join(ext, filepath.FromSlash(name)))
		if err != nil {
			t.Fatal(err)
		}
		k := map[model.BlockKind]int{}
		for _, c := range a.Conversations {
			for _, n := range c.Nodes {
				if n.Msg != nil {
					for _, b := range n.Msg.Blocks {
						k[b.Kind]++
					}
				}
			}
		}
		return k
	}
	k := kinds("chatgpt2graph/conversations.json")
	if k[model.BlockCode] != 11 || k[model.BlockExecOutput] != 11 {
		t.Errorf("chatgpt2graph: %d code, %d execution outputs; want 11 and 11", k[model.BlockCode], k[model.BlockExecOutput])
	}
	k = kinds("pionxzh-chatgpt-exporter/thinking-summaries.json")
	if k[model.BlockThoughts] != 4 || k[model.BlockReasoningRecap] != 2 {
		t.Errorf("thinking-summaries: %d thoughts, %d recaps; want 4 and 2", k[model.BlockThoughts], k[model.BlockReasoningRecap])
	}
	k = kinds("pkuppens-2023/conversations.excerpt.json")
	if k[model.BlockQuote] == 0 || k[model.BlockBrowsing] == 0 {
		t.Errorf("pkuppens: quotes %d, browsing %d; want some of each", k[model.BlockQuote], k[model.BlockBrowsing])
	}

	a, err := Open(filepath.Join(ext, "pkuppens-2023", "conversations.excerpt.json"))
	if err != nil {
		t.Fatal(err)
	}
	var pages int
	for _, c := range a.Conversations {
		for _, n := range c.Nodes {
			if m := n.Msg; m != nil && m.ContentType() == "tether_browsing_display" {
				if m.Blocks[0].URL() == "" || len(m.References()) == 0 {
					t.Errorf("browsing result without its pages: %+v", m.Blocks[0])
				}
				pages += len(m.References())
			}
		}
	}
	if pages < 18 {
		t.Errorf("browsing pages = %d, want at least 18", pages)
	}

	a, err = Open(filepath.Join(ext, "echomine", "002_with_images", "raw.json"))
	if err != nil {
		t.Fatal(err)
	}
	var img *model.Asset
	for _, n := range a.Conversations[0].Nodes {
		if n.Msg != nil {
			for _, b := range n.Msg.Blocks {
				if b.Kind == model.BlockImage {
					img = b.Asset()
				}
			}
		}
	}
	if img == nil || img.Pointer != "file-service://file-6y9faxjcnXrzx8UTUQepS7" || img.Size != 640100 ||
		img.Width != 1536 || img.Height != 1152 || img.Name != "BE5F438F-8A64-4D2D-A395-F81569CBD555.jpeg" || !img.Missing {
		t.Errorf("image asset = %+v", img)
	}
}

// TestFixtureReferencesMatchText checks, on every real fixture, that each
// message's references are numbered 1..n and that every [k] the citation
// pass wrote into its text names one of them.
func TestFixtureReferencesMatchText(t *testing.T) {
	ext := fixtures.External(t)
	files := []string{
		"pkuppens-2023/conversations.excerpt.json", "echomine/001_simple_text/raw.json",
		"echomine/003_with_code/raw.json", "pionxzh-chatgpt-exporter/thinking-summaries.json",
	}
	marker := regexp.MustCompile(`\[(\d+)\]`)
	checked := 0
	for _, f := range files {
		a, err := Open(filepath.Join(ext, f))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, c := range a.Conversations {
			for _, n := range c.Nodes {
				m := n.Msg
				if m == nil || len(m.References()) == 0 {
					continue
				}
				checked++
				for i, r := range m.References() {
					if r.N != i+1 {
						t.Errorf("%s %s: reference %d numbered %d", f, n.Key, i+1, r.N)
					}
				}
				for _, b := range m.Blocks {
					for _, mk := range marker.FindAllStringSubmatch(b.Text, -1) {
						if k, _ := strconv.Atoi(mk[1]); k < 1 || k > len(m.References()) {
							t.Errorf("%s %s: text cites [%d] but the message has %d references", f, n.Key, k, len(m.References()))
						}
					}
				}
			}
		}
	}
	if checked < 5 {
		t.Fatalf("only %d messages with references in the fixtures; the check proves nothing", checked)
	}
}
