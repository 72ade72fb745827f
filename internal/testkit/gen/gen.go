// Package gen writes deterministic, realistic synthetic ChatGPT exports for
// tests and benchmarks: a conversations.json array in the exact byte style of
// the real export (Python json.dumps, ensure_ascii, one line), or a whole ZIP
// with shards, side files and the images the asset pointers name.
//
// Conversation i contains the token fmt.Sprintf("needle%06dzq", i) exactly
// once (in its first user message) and no other conversation contains it, so
// search benchmarks can assert on exactly one hit.
package gen

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"strconv"
	"sync"
	"time"
)

// DefaultNow is the "current time" used when Config.Now is zero, so output is
// reproducible.
var DefaultNow = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

// Config controls what Write produces. The same Config always yields the
// same bytes.
type Config struct {
	Seed          int64
	Conversations int       // number of conversations; used when TargetBytes is 0
	TargetBytes   int64     // stop near this many bytes (within 2% from 200 KB up; never more than ~1 KB over); 0 = use Conversations
	Now           time.Time // newest conversation is just before Now; zero = DefaultNow
	// Span is how far back conversations go; zero = 540 days.
	Span time.Duration
	// NoHuge disables the occasional ~1 MB conversation (keeps small files small).
	NoHuge bool
	// Shape is the kind of account the export looks like: ShapeShort (the
	// zero value) or ShapeLong.
	Shape Shape
}

// Shape selects the size profile of the generated conversations.
type Shape uint8

const (
	// ShapeShort is many short conversations: ~17 KB of JSON on average,
	// about 58,000 per GB.
	ShapeShort Shape = iota
	// ShapeLong is fewer, long conversations: several turns of long answers
	// with big code blocks, ~55 KB of JSON on average, about 18,000 per GB.
	ShapeLong
)

// ParseShape reads a shape name: "short" or "long".
func ParseShape(s string) (Shape, error) {
	switch s {
	case "short", "":
		return ShapeShort, nil
	case "long":
		return ShapeLong, nil
	}
	return 0, fmt.Errorf("gen: unknown shape %q (want short or long)", s)
}

func (s Shape) String() string {
	if s == ShapeLong {
		return "long"
	}
	return "short"
}

// Stats counts what a Write produced.
type Stats struct {
	Conversations int
	Messages      int   // nodes with a message (hidden system messages included)
	Nodes         int   // mapping nodes, roots included
	BranchPoints  int   // nodes with more than one child
	Bytes         int64 // bytes written
	Assets        int   // asset pointers written
}

func (s *Stats) add(o Stats) {
	s.Conversations += o.Conversations
	s.Messages += o.Messages
	s.Nodes += o.Nodes
	s.BranchPoints += o.BranchPoints
	s.Bytes += o.Bytes
	s.Assets += o.Assets
}

// Asset is a file an asset pointer written by the generator resolves to.
type Asset struct {
	Path   string // path inside the export (ZIP member / folder-relative)
	Width  int
	Height int
	Audio  bool
}

// avgConvBytes is the observed mean conversation size, used to spread
// conversation times when only TargetBytes is known.
const avgConvBytes = 17000

// avgLongConvBytes is avgConvBytes for ShapeLong.
const avgLongConvBytes = 55000

func (c Config) validate() error {
	if c.Conversations < 0 || c.TargetBytes < 0 {
		return errors.New("gen: negative Conversations or TargetBytes")
	}
	if c.Conversations == 0 && c.TargetBytes == 0 {
		return errors.New("gen: set Conversations or TargetBytes")
	}
	if c.Shape > ShapeLong {
		return fmt.Errorf("gen: unknown shape %d", c.Shape)
	}
	return nil
}

// Write writes one conversations.json array to w and reports what it wrote.
func Write(w io.Writer, cfg Config) (Stats, error) {
	if err := cfg.validate(); err != nil {
		return Stats{}, err
	}
	g := newGenerator(cfg)
	st, _, err := g.writeArray(w, 0, cfg.Conversations, cfg.TargetBytes)
	return st, err
}

type generator struct {
	cfg     Config
	now     float64
	gap     float64 // seconds between consecutive conversations
	userID  string
	assets  []Asset // collected for WriteZip (capped)
	keep    bool    // collect assets
	nAssets int     // asset pointers written so far
}

// maxAssets bounds how many asset files WriteZip stores; pointers beyond it
// stay unresolved, as in real exports that omit some files.
const maxAssets = 300

func newGenerator(cfg Config) *generator {
	if cfg.Now.IsZero() {
		cfg.Now = DefaultNow
	}
	if cfg.Span == 0 {
		cfg.Span = 540 * 24 * time.Hour
	}
	n := cfg.Conversations
	if cfg.TargetBytes > 0 {
		avg := int64(avgConvBytes)
		if cfg.Shape == ShapeLong {
			avg = avgLongConvBytes
		}
		n = int(cfg.TargetBytes/avg) + 1
	}
	b := NewBuilder("", nil, 0, uint64(cfg.Seed))
	return &generator{
		cfg:    cfg,
		now:    float64(cfg.Now.UnixMicro()) / 1e6,
		gap:    cfg.Span.Seconds() / float64(max(n, 1)),
		userID: "user-" + b.Base62(24),
	}
}

// writeArray writes conversations first, first+1, … as one JSON array until
// count conversations (count > 0) or target bytes (target > 0) are written.
// It returns the index after the last conversation written.
//
// Conversations are generated in parallel batches while the remaining byte
// budget is far from exhausted (each depends only on the seed and its index,
// so the output does not depend on scheduling), then one at a time with a
// shrinking budget so the target is met closely.
func (g *generator) writeArray(w io.Writer, first, count int, target int64) (Stats, int, error) {
	bw := bufio.NewWriterSize(w, 1<<20)
	var st Stats
	if _, err := bw.WriteString("["); err != nil {
		return st, first, err
	}
	st.Bytes = 1
	workers := max(runtime.GOMAXPROCS(0), 1)
	batch := 4 * workers
	outs := make([]convOut, batch)
	i := first
	emit := func(o *convOut) error {
		if i > first {
			if _, err := bw.WriteString(", "); err != nil {
				return err
			}
			st.Bytes += 2
		}
		if _, err := bw.Write(o.buf); err != nil {
			return err
		}
		st.Bytes += int64(len(o.buf))
		o.st.Bytes = 0
		st.add(o.st)
		g.addAssets(o.assets)
		i++
		return nil
	}
	for {
		n := batch
		if target > 0 {
			if target-st.Bytes < int64(batch)*maxConvBytes {
				break
			}
		} else {
			n = min(batch, first+count-i)
			if n <= 0 {
				break
			}
		}
		var wg sync.WaitGroup
		for k := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j := k; j < n; j += workers {
					outs[j].reset()
					g.conversation(&outs[j], i+j, -1)
				}
			}()
		}
		wg.Wait()
		for j := range n {
			if err := emit(&outs[j]); err != nil {
				return st, i, err
			}
		}
	}
	// Stop when what is left is smaller than the smallest conversation
	// (~3 KB): being a little short beats overshooting.
	for target > 0 && (st.Conversations == 0 || target-st.Bytes > minConvBytes) {
		remaining := target - st.Bytes - 3
		o := &outs[0]
		// Budgets are estimates; if the conversation overshoots, retry
		// (deterministically) with a smaller budget, or stop.
		fits := false
		for budget := remaining; budget >= minConvBytes/2 && !fits; budget /= 2 {
			o.reset()
			g.conversation(o, i, budget)
			fits = int64(len(o.buf)) <= remaining+minConvBytes/3
		}
		if !fits && st.Conversations > 0 {
			break
		}
		if err := emit(o); err != nil {
			return st, i, err
		}
	}
	if _, err := bw.WriteString("]"); err != nil {
		return st, i, err
	}
	st.Bytes++
	return st, i, bw.Flush()
}

// minConvBytes is about the smallest conversation the generator writes.
const minConvBytes = 3000

// maxConvBytes bounds one generated conversation (huge ones are ~1.2 MB plus
// a last turn).
const maxConvBytes = 1_500_000

// convOut is one generated conversation: its JSON and what it holds.
type convOut struct {
	buf    []byte
	st     Stats
	assets []Asset
}

func (o *convOut) reset() {
	o.buf = o.buf[:0]
	o.st = Stats{}
	o.assets = o.assets[:0]
}

func (g *generator) addAssets(as []Asset) {
	g.nAssets += len(as)
	if g.keep {
		for _, a := range as {
			if len(g.assets) < maxAssets {
				g.assets = append(g.assets, a)
			}
		}
	}
}

type convKind uint8

const (
	kindPlain convKind = iota
	kindSearch
	kindCode
	kindUpload
	kindDalle
	kindVoice
	kindReasoning
	kindCanvas
	kindBrowse
	kindCount
)

// kindWeights are percentages (they sum to 100).
var kindWeights = [kindCount]int{53, 10, 8, 5, 4, 3, 10, 4, 3}

// conversation writes conversation i into out. It depends only on the seed,
// i and budget, so conversations can be generated concurrently. budget < 0
// means no byte limit; otherwise the conversation stops growing near budget
// bytes.
func (g *generator) conversation(out *convOut, i int, budget int64) {
	cg := &convGen{generator: g, out: out}
	r := rand.New(rand.NewPCG(uint64(g.cfg.Seed), uint64(i)+1))
	tg := &textGen{r: r, buf: make([]byte, 0, 4096), long: g.cfg.Shape == ShapeLong}
	age := float64(i)*g.gap + 600 + r.Float64()*g.gap*0.8
	created := g.now - age - 3600*r.Float64()
	created = float64(int64(created*1e6)) / 1e6
	cid := uuidFrom(r, "")
	var title any = tg.title()
	if r.IntN(50) == 0 {
		title = nil
	}
	b := NewBuilder(cid, title, created, r.Uint64())
	b.Model = models[r.IntN(len(models))]
	b.Bare = r.IntN(40) == 0
	// Size plan: most conversations are a few turns; some are long; a rare
	// few approach 1 MB.
	size := int64(2000 + tg.answerSize()*(1+r.IntN(6)))
	if r.IntN(8) == 0 {
		size *= 6
	}
	if tg.long {
		// Several turns of long answers: ~25–90 KB of JSON, ~55 KB on average.
		size = int64(19_000 + r.IntN(45_000))
	}
	if !g.cfg.NoHuge && r.IntN(400) == 0 {
		size = 900_000 + int64(r.IntN(300_000))
	}
	if budget >= 0 && size > budget {
		size = max(budget, 1500)
		tg.max = int(max(size/4, 200))
	}

	b.HiddenSystem(1 + r.IntN(3))
	if r.IntN(3) == 0 {
		b.Add(Msg{Role: "user", Content: Obj{{"content_type", "user_editable_context"},
			{"user_profile", "The user provided the following information about themselves. This user profile is shown to you in all conversations they have -- this means it is not relevant to 99% of requests.\nUser profile:\n```Preferred name: Sam\nRole: backend developer in Lyon\n```"},
			{"user_instructions", "The user provided the additional info about how they would like you to respond:\n```Be concise. Use metric units. Prefer Go examples.```"}},
			Hidden: true, NoTime: true, Meta: Obj{{"user_context_message_data", Obj{{"about_user_message", "Preferred name: Sam\nRole: backend developer in Lyon"}, {"about_model_message", "Be concise. Use metric units. Prefer Go examples."}}}, {"is_user_system_message", true}}})
	}
	if r.IntN(8) == 0 {
		b.Add(Msg{Role: "user", Content: Obj{{"content_type", "model_editable_context"},
			{"model_set_context", "1. [2025-03-02]. User is learning Japanese.\n2. [2025-06-14]. User has a cat named Miso."},
			{"repository", nil}, {"repo_summary", nil}, {"structured_context", nil}},
			Hidden: true, NoTime: true})
	}

	kind := kindPlain
	{
		k, total := r.IntN(100), 0
		for j, wgt := range kindWeights {
			total += wgt
			if k < total {
				kind = convKind(j)
				break
			}
		}
	}
	if kind == kindReasoning {
		b.Model = []string{"o3", "gpt-5-thinking", "o1", "gpt-5-t-mini"}[r.IntN(4)]
	}
	if kind == kindVoice {
		b.Fields = append(b.Fields, KV{"voice", "juniper"})
	}
	switch x := r.IntN(100); {
	case x < 3:
		b.Fields = append(b.Fields, KV{"is_archived", true})
	case x < 5:
		b.Fields = append(b.Fields, KV{"is_starred", true})
	case x < 10:
		gizmo := "g-" + b.Base62(9)
		b.Fields = append(b.Fields, KV{"gizmo_id", gizmo}, KV{"gizmo_type", "gpt"},
			KV{"conversation_template_id", gizmo})
	}

	cg.userTurn(b, tg, kind, i, true)
	est := int64(1500)
	turn := 0
	for {
		est += cg.assistantTurn(b, tg, kind, turn)
		turn++
		if est >= size {
			break
		}
		if r.IntN(12) == 0 {
			cg.branch(b, tg)
		}
		est += int64(cg.userTurn(b, tg, kind, i, false)) + 900
	}
	if r.IntN(60) == 0 {
		b.Add(Msg{Role: "assistant", Content: Obj{{"content_type", "system_error"}, {"name", "GetDownloadLinkError"}, {"text", "Encountered exception: <class 'Exception'>."}}})
	}
	if r.IntN(80) == 0 {
		b.Add(Msg{Role: "assistant", Content: Obj{{"content_type", "super_widget"}, {"widget", Obj{{"kind", "weather"}, {"city", "Lisbon"}, {"temp_c", 21.5}}}}, Channel: "final"})
	}
	out.buf = AppendJSON(out.buf, b.Object())
	out.st = Stats{Conversations: 1, Nodes: b.Nodes(), Messages: b.Nodes() - 1,
		BranchPoints: b.BranchPoints(), Bytes: int64(len(out.buf)), Assets: len(out.assets)}
}

// convGen is the per-conversation view of the generator: everything it
// records goes to out, so conversations can be generated concurrently.
type convGen struct {
	*generator
	out *convOut
}

func (g *convGen) userTurn(b *Builder, tg *textGen, kind convKind, i int, first bool) int {
	q := tg.question()
	if first {
		q += " (ref needle" + pad6(i) + "zq)"
	}
	switch {
	case kind == kindUpload && first:
		id := "file-" + b.Base62(22)
		name := "IMG_" + strconv.Itoa(1000+tg.r.IntN(9000)) + ".png"
		w, h := 1024, 768
		g.addAsset(FileName(id, name), w, h, false)
		b.Tick(30)
		b.Add(Msg{Role: "user", Content: Multimodal(ImagePart("file-service://"+id, 180000+tg.r.IntN(500000), w, h, nil), q),
			Meta: Obj{{"attachments", []any{Obj{{"id", id}, {"size", 245112}, {"name", name}, {"mime_type", "image/png"}, {"width", w}, {"height", h}}}}}})
	case kind == kindVoice:
		hex := b.Hex(32)
		g.addAsset(b.ID()+"/audio/file_"+hex+"-"+b.UUID()+".wav", 0, 0, true)
		b.Tick(8)
		b.Add(Msg{Role: "user", Content: Multimodal(Transcription(q, "in"), UserAudioPart("sediment://file_"+hex, 96000, 0, 4.2))})
	default:
		b.User(q)
	}
	return len(q)
}

func (g *convGen) branch(b *Builder, tg *textGen) {
	// The head is an assistant answer A to a user message U.
	last := b.Head()
	nd := b.index[last]
	if nd.msg == nil || nd.parent == "" {
		return
	}
	u := b.index[nd.parent]
	if tg.r.IntN(2) == 0 || u.parent == "" {
		// Regenerate: a sibling answer under U.
		b.SetHead(u.id)
		alt := b.Assistant(tg.answer(tg.answerSize()))
		if tg.r.IntN(2) == 0 {
			b.SetHead(last) // the user went back to the first answer
		} else {
			b.SetHead(alt)
		}
		return
	}
	// Edit: a sibling of U (the question rewritten) with its own answer;
	// the conversation continues on the edited branch.
	b.SetHead(u.parent)
	b.User(tg.question())
	b.Assistant(tg.answer(tg.answerSize()))
}

func (g *convGen) addAsset(path string, w, h int, audio bool) {
	g.out.assets = append(g.out.assets, Asset{Path: path, Width: w, Height: h, Audio: audio})
}

func pad6(i int) string {
	s := strconv.Itoa(i)
	for len(s) < 6 {
		s = "0" + s
	}
	return s
}
