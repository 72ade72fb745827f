// Package searchcorpus generates synthetic archives for search tests and
// benchmarks: Zipf-distributed English-like text with a known share of
// "kubernetes cluster" phrases and one unique needle token per conversation
// (needle000123zq is in conversation 123 only), random roles, models, dates,
// flags, branches, hidden and folded items, and optionally accents, CJK and
// emoji. It lives outside model/search so benchmarks of other packages (and
// the integrator) can build the same corpus at any size.
package searchcorpus

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/backchat/backchat/internal/testkit/msgkit"
	"github.com/backchat/backchat/model"
)

// Options choose the corpus.
type Options struct {
	TextBytes int64  // approximate bytes of message text to generate
	Seed      uint64 // same seed, same archive
	Unicode   bool   // mix in accented, CJK and emoji words and upper case
	ConvBytes int    // average text per conversation (0: 28,000, as in real exports)
}

// common is the head of the vocabulary; rarer generated words follow it.
var common = strings.Fields(`the of and to a in is it you that he was for on are as with
his they at be this have from or one had by word but not what all were we when your can said
there use an each which she do how their if will up other about out many then them these so
some her would make like him into time has look two more write go see number no way could
people my than first water been call who oil its now find long down day did get come made may
part data server code function error python file model query index search build test deploy
cluster docker container service network request response token memory cache
database table user value string list config version release update install package module`)

// Models used for messages and conversations.
var Models = []string{"gpt-4o", "gpt-4o-mini", "gpt-4", "o1-preview", "gpt-3.5-turbo", "o3"}

var unicodeWords = []string{"café", "CAFÉ", "naïve", "Straße", "résumé", "Ørsted", "Łódź",
	"İstanbul", "東京タワー", "日本語のテキスト", "中文搜索", "한국어", "🙂", "❤️", "👩‍💻",
	"ΣΟΦΊΑ", "Привет", "cafe\u0301", "señor", "Ærø", "crème brûlée"}

// Generate builds an archive of about opt.TextBytes of text.
func Generate(opt Options) *model.Archive {
	if opt.ConvBytes <= 0 {
		opt.ConvBytes = 28_000
	}
	r := rand.New(rand.NewPCG(opt.Seed, opt.Seed^0x9e3779b97f4a7c15))
	g := &gen{r: r, ranks: zipfTable(), opt: opt}
	a := &model.Archive{Sources: []string{"synthetic"}}
	var total int64
	for i := 0; total < opt.TextBytes || i == 0; i++ {
		c, n := g.conversation(i)
		a.Conversations = append(a.Conversations, c)
		total += n
	}
	return a
}

type gen struct {
	r     *rand.Rand
	ranks []uint16 // uniform 16-bit value → word rank, Zipf-distributed
	opt   Options
	sb    strings.Builder
}

func (g *gen) word() string {
	k := int(g.ranks[g.r.Uint32()&0xFFFF])
	if k < len(common) {
		w := common[k]
		if g.opt.Unicode && g.r.IntN(20) == 0 {
			return strings.ToUpper(w[:1]) + w[1:]
		}
		return w
	}
	if g.opt.Unicode && g.r.IntN(4) == 0 {
		return unicodeWords[k%len(unicodeWords)]
	}
	// Rarer words: stable compounds of two common words, so letter
	// frequencies stay English-like (no "kubernetes": it comes only in the
	// phrase, as in the project's 1 GB generator).
	return compounds[k%len(compounds)]
}

// vocabulary size and its rarer half, built once.
const vocab = 20_000

var compounds = func() []string {
	out := make([]string, vocab)
	for k := range out {
		a := common[(k*7919)%len(common)]
		b := common[(k*104729/7)%len(common)]
		out[k] = a + b
	}
	return out
}()

// zipfTable maps 65,536 equally likely values to ranks with
// P(rank k) ∝ (k+2)^-1.1, by inverting the cumulative distribution once
// (math/rand's Zipf costs a Log and an Exp per word).
func zipfTable() []uint16 {
	w := make([]float64, vocab)
	sum := 0.0
	for k := range w {
		w[k] = math.Pow(float64(k)+2, -1.1)
		sum += w[k]
	}
	t := make([]uint16, 1<<16)
	acc, k := 0.0, 0
	for i := range t {
		target := (float64(i) + 0.5) / float64(len(t)) * sum
		for k < vocab-1 && acc+w[k] < target {
			acc += w[k]
			k++
		}
		t[i] = uint16(k)
	}
	return t
}

// text generates about n bytes of sentences.
func (g *gen) text(n int, extra string) string {
	g.sb.Reset()
	inserted := extra == ""
	for g.sb.Len() < n {
		words := 5 + g.r.IntN(15)
		for i := range words {
			if i > 0 {
				g.sb.WriteByte(' ')
			}
			g.sb.WriteString(g.word())
		}
		if !inserted && g.r.IntN(4) == 0 {
			g.sb.WriteByte(' ')
			g.sb.WriteString(extra)
			inserted = true
		}
		g.sb.WriteString(". ")
		if g.r.IntN(6) == 0 {
			g.sb.WriteString("\n\n")
		}
	}
	if !inserted {
		g.sb.WriteString(extra)
	}
	return g.sb.String()
}

// conversation builds conversation i and returns its text size.
func (g *gen) conversation(i int) (*model.Conversation, int64) {
	r := g.r
	base := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	created := base.Add(time.Duration(r.Int64N(int64(3 * 365 * 24 * time.Hour))))
	c := &model.Conversation{
		ID:       fmt.Sprintf("conv-%06d", i),
		Title:    g.text(10+r.IntN(30), ""),
		Created:  created,
		Updated:  created.Add(time.Duration(r.IntN(1000)) * time.Minute),
		Model:    Models[r.IntN(len(Models))],
		Archived: r.IntN(10) == 0,
		Starred:  r.IntN(15) == 0,
		Service:  "chatgpt",
	}
	if r.IntN(20) == 0 {
		c.GizmoID = fmt.Sprintf("g-%04d", r.IntN(50))
	}
	target := g.opt.ConvBytes/2 + r.IntN(g.opt.ConvBytes)
	c.Nodes = append(c.Nodes, model.Node{Key: "root", Parent: model.NoNode})
	var size int64
	parent := int32(0)
	needleAt := r.IntN(8)
	phraseAt := -1
	if r.IntN(14) == 0 { // ~7% of conversations, as in the measured 1 GB export
		phraseAt = r.IntN(10)
	}
	for k := 0; size < int64(target); k++ {
		role := model.RoleUser
		if k%2 == 1 {
			role = model.RoleAssistant
		}
		extra := ""
		if k == needleAt {
			extra = fmt.Sprintf("needle%06dzq", i)
		} else if k == phraseAt {
			extra = "kubernetes cluster"
		}
		n := 100 + r.IntN(400)
		if role == model.RoleAssistant {
			n = 300 + r.IntN(1600)
		}
		m := msgkit.With(&model.Message{}, msgkit.Fields{Role: role, Model: c.Model})
		m.SetTime(created.Add(time.Duration(k) * time.Minute))
		m.Blocks = []model.Block{{Kind: model.BlockText, Text: g.text(n, extra)}}
		if role == model.RoleAssistant && r.IntN(30) == 0 { // Markdown code fence: has:code
			m.Blocks[0].Text += "\n```go\nfmt.Println(" + g.word() + ")\n```\n"
		}
		switch r.IntN(12) {
		case 0:
			m.Blocks = append(m.Blocks, model.Block{Kind: model.BlockCode, Text: "print(" + g.word() + ")"}.WithLang("python"))
			m.Visibility = model.Folded
		case 1:
			m.Blocks = append(m.Blocks, model.Block{Kind: model.BlockThoughts,
				Extra: &model.BlockExtra{Thoughts: []model.Thought{{Summary: g.word(), Content: g.text(80, "")}}}})
		case 2:
			m.SetRole(model.RoleSystem)
			m.Visibility = model.Hidden
		case 3:
			m.Blocks = append(m.Blocks, model.Block{Kind: model.BlockImage,
				Extra: &model.BlockExtra{Asset: &model.Asset{Pointer: "file-service://x", Prompt: g.text(30, "")}}})
		}
		for _, b := range m.Blocks {
			size += int64(len(b.Text))
		}
		node := int32(len(c.Nodes))
		c.Nodes = append(c.Nodes, model.Node{Key: fmt.Sprint(node), Parent: parent, Msg: m})
		c.Nodes[parent].AddChild(node)
		// Now and then a regenerated sibling: a branch.
		if role == model.RoleAssistant && r.IntN(25) == 0 {
			alt := msgkit.With(&model.Message{
				Blocks: []model.Block{{Kind: model.BlockText, Text: g.text(n/2, "")}}}, msgkit.Fields{Role: role, Model: c.Model})
			alt.SetTime(m.Time().Add(time.Second))
			c.Nodes = append(c.Nodes, model.Node{Key: fmt.Sprint(node + 1), Parent: parent, Msg: alt})
			c.Nodes[parent].AddChild(node + 1)
			size += int64(len(alt.Blocks[0].Text))
		}
		parent = node
	}
	c.Current = parent
	return c, size
}
