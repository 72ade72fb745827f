package loader

import (
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/backchat/backchat/model"
)

// job is one conversation's bytes on their way to a worker.
type job struct {
	data   []byte    // the element
	buf    *chunkBuf // released once data is decoded; nil when data is owned
	src    *source
	assets *assetIndex
	format *format // nil: detect from the element itself
	index  int
	offset int64
	// suspect: the element does not open like the file's conversations
	// (malformed data after damage); failing to decode, it is reported as
	// malformed data, not as a lost conversation.
	suspect bool
	// seg, when set, is a segment of a file read by speculative splitting
	// (split.go) instead of one element.
	seg *segTask
}

// result is a decoded conversation or the reason it was skipped.
type result struct {
	conv    *model.Conversation
	err     error
	notes   []string
	src     *source
	index   int
	offset  int64
	suspect bool
}

// decodeJob decodes one element, turning a panic (which no input should
// cause) into a skip instead of a crash.
func (w *worker) decodeJob(j job) (r result) {
	r = result{src: j.src, index: j.index, offset: j.offset, suspect: j.suspect}
	defer w.dropInput()
	defer func() {
		if p := recover(); p != nil {
			r.conv = nil
			r.err = fmt.Errorf("internal error while decoding: %v", p)
		}
	}()
	w.assets = j.assets
	var (
		c   *model.Conversation
		err error
		m   arenaMark
	)
	if w.k != nil {
		m = w.a.mark()
		w.end = 0 // set by a ChatGPT decode (overBudget)
	}
	if j.format != nil {
		c, err = j.format.decode(w, j.data)
	} else {
		c, err = w.decodeAny(j.data)
	}
	if err != nil {
		r.err = err
		if c != nil && c.ID != "" {
			r.conv = &model.Conversation{ID: c.ID} // only for the warning's ID
		}
		return r
	}
	c.Source = j.src.name
	r.conv = c
	w.noteEmpty(c) // detect_hints.go
	if len(w.notes) > 0 {
		r.notes = append([]string(nil), w.notes...)
	}
	if w.k != nil && w.overBudget(j) && !w.side.hasFeedback(j.src.export, c.ID) {
		w.compact(c, m) // compact.go
	}
	return r
}

// startWorkers runs n decoders reading jobs and writing results; the
// returned function waits for them. rel, when not nil, gathers the
// arenas' off-heap chunks (Options.Release).
//
// compact, when not nil, gives each worker a Compactor that keeps the
// trees of the conversations decoded beyond the plain budget compressed
// (compact.go); side is the load's side files, whose feedback the
// collector applies to the trees it names (those are not compacted).
func startWorkers(n int, total int64, rel *arenaRelease, compact func() Compactor, side sideSet, plain *atomic.Int64, jobs <-chan job, results chan<- result) func() {
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		if rel != nil {
			rel.live.Add(1)
		}
		go func() {
			defer wg.Done()
			if rel != nil {
				defer rel.live.Add(-1)
			}
			w := newWorker(total)
			w.a.releasable(rel)
			if compact != nil {
				w.k, w.side, w.plain = compact(), side, plain
				defer w.k.Free()
			}
			for j := range jobs {
				if j.seg != nil {
					w.runSegment(j.seg)
					continue
				}
				r := w.decodeJob(j)
				if j.buf != nil {
					j.buf.release()
				}
				results <- r
			}
			w.a.drop() // its free tail: this worker decodes no more
			w.forgetInput()
			w.win.free()
		}()
	}
	return wg.Wait
}

// collector merges results: dedupes by id (newest update wins), records
// warnings, and streams conversations to OnConversation.
type collector struct {
	onConv    func(*model.Conversation)
	byID      map[string]int
	convs     []*model.Conversation
	exp       exportTrack // which exports hold each of convs (merge.go)
	warnings  []model.Warning
	loaded    map[*source]int
	noMapping map[*source][]model.Warning
	// scanWarn is written only by the scanning goroutine (add runs on the
	// collector's); finish merges both.
	scanWarn []model.Warning
	// sameFile records the copies of ids seen more than once, for the
	// warnings of finish about ids a file holds twice.
	sameFile sameFileCopies
	// side is each export's side files (sidefiles.go), read before
	// scanning starts and only read afterwards.
	side sideSet
}

// addScanWarnings records warnings of the scanning goroutine.
func (c *collector) addScanWarnings(ws []model.Warning) {
	c.scanWarn = append(c.scanWarn, ws...)
}

func newCollector(onConv func(*model.Conversation), paths []string) *collector {
	return &collector{
		onConv:    onConv,
		exp:       newExportTrack(paths),
		byID:      make(map[string]int),
		loaded:    make(map[*source]int),
		noMapping: make(map[*source][]model.Warning),
	}
}

// bytesPerConv is a guess at the bytes of export per conversation, low
// for short conversations (~16 KiB each in a 1 GB export of 60,000) so
// that reserve seldom guesses too few.
const bytesPerConv = 16 << 10

// trustRatio bounds how many times its bytes on disk an export is
// believed to inflate to when sizing tables up front: a ZIP's directory
// declares its entries' sizes, and nothing checks them before they are
// read (chat exports inflate 4–20 times).
const trustRatio = 32

// reserve sizes the collector's table of conversations for an export of
// size bytes (as declared), disk bytes on disk: growing the id map by
// doubling rehashed every id a few times over (~1% of a
// short-conversation load's CPU). A declared size beyond trustRatio times
// disk is not believed: a ZIP declaring terabytes made it reserve a
// million-entry table (~60 MB) for one conversation.
func (c *collector) reserve(size, disk int64) {
	size = min(size, trustRatio*disk)
	n := int(min(size/bytesPerConv, 1<<20))
	if n < 1024 {
		return
	}
	c.byID = make(map[string]int, n)
	c.convs = make([]*model.Conversation, 0, n)
	c.exp.wins = make([]membership, 0, n)
}

func (c *collector) add(r result) {
	if r.err != nil {
		w := model.Warning{Kind: model.WarnSkipped, File: r.src.name, Index: r.index, Offset: r.offset, Reason: r.err.Error()}
		if r.suspect {
			w.Kind, w.Index = model.WarnData, -1
			w.Reason = "malformed data (not a conversation) skipped: " + w.Reason
		}
		if r.conv != nil {
			w.ID = r.conv.ID
		}
		if errors.Is(r.err, errNoMapping) {
			c.noMapping[r.src] = append(c.noMapping[r.src], w)
		} else {
			c.warnings = append(c.warnings, w)
		}
		return
	}
	conv := r.conv
	c.loaded[r.src]++
	for _, n := range r.notes {
		c.warnings = append(c.warnings, model.Warning{Kind: model.WarnData, File: r.src.name, Index: r.index, Offset: r.offset, ID: conv.ID, Reason: n})
	}
	c.side.apply(r.src.export, conv)
	conv.Sources = c.exp.single(r.src.export)
	conv.InNewest = true
	if c.onConv != nil {
		c.onConv(conv)
	}
	c.exp.saw(r.src.export, conv)
	k := winKey{export: r.src.export, seq: r.src.seq, index: r.index}
	if conv.ID == "" {
		c.convs = append(c.convs, conv)
		c.exp.add(k)
		return
	}
	if i, dup := c.byID[conv.ID]; dup {
		c.sameFile.add(conv.ID, c.exp.wins[i].winKey, k, r.src.name)
		if newer(conv, k, c.convs[i], c.exp.wins[i]) {
			c.convs[i] = conv
			c.exp.wins[i].winKey = k
		}
		c.exp.also(i, r.src.export)
		return
	}
	c.byID[conv.ID] = len(c.convs)
	c.convs = append(c.convs, conv)
	c.exp.add(k)
}

// sameFileCopies gathers where every copy of an id seen more than once
// was. Copies in several files (overlapping shards) or exports are merged
// by id as documented (docs/formats.md); a file holding an id twice is
// damage or an edit, and the copies not kept must not vanish without a
// word. The first repeat of an id records the copy seen before it (the
// only one then) and every later one is added, so what is found does not
// depend on the order the workers deliver them in. Only repeated ids are
// recorded: a load of two exports of one account keeps ~100 bytes per
// shared conversation until finish.
type sameFileCopies struct {
	copies map[string][]winKey
	files  map[int]string // source seq → the file's name
}

func (s *sameFileCopies) add(id string, prev, k winKey, file string) {
	if s.copies == nil {
		s.copies, s.files = make(map[string][]winKey), make(map[int]string)
	}
	ks, ok := s.copies[id]
	if !ok {
		ks = []winKey{prev}
	}
	s.copies[id] = append(ks, k)
	s.files[k.seq] = file
}

// warnings has one warning per file holding an id more than once, at the
// first copy, naming every copy's position in the file.
func (s *sameFileCopies) warnings() []model.Warning {
	var out []model.Warning
	for id, ks := range s.copies {
		bySeq := make(map[int][]int)
		for _, k := range ks {
			bySeq[k.seq] = append(bySeq[k.seq], k.index)
		}
		for seq, idx := range bySeq {
			slices.Sort(idx)
			if idx = slices.Compact(idx); len(idx) < 2 {
				continue
			}
			nums := make([]string, len(idx))
			for i, n := range idx {
				nums[i] = strconv.Itoa(n)
			}
			out = append(out, model.Warning{
				Kind: model.WarnData, File: s.files[seq], Index: idx[0], Offset: -1, ID: id,
				Reason: fmt.Sprintf("conversations %s have the same id: only the copy updated last is shown", joinAnd(nums)),
			})
		}
	}
	return out
}

// joinAnd joins words as "a, b and c".
func joinAnd(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

// finish folds the "no mapping" skips: a file where nothing had a mapping
// is not a ChatGPT export (one warning), otherwise each is reported.
func (c *collector) finish() {
	c.exp.finish(c.convs)
	c.idlessInFileOrder()
	c.warnings = append(c.warnings, c.scanWarn...)
	c.warnings = append(c.warnings, c.sameFile.warnings()...)
	if len(c.convs) > 0 {
		c.warnings = append(c.warnings, c.side.unmatched()...) // sidefiles.go
	}
	for src, ws := range c.noMapping {
		if c.loaded[src] > 0 {
			c.warnings = append(c.warnings, ws...)
			continue
		}
		c.warnings = append(c.warnings, model.Warning{
			Kind: model.WarnFile, File: src.name, Index: -1, Offset: -1,
			Reason: fmt.Sprintf("%v (%d objects without \"mapping\")", errNotExport, len(ws)),
		})
	}
}

// idlessInFileOrder puts the conversations without an id (damaged ones,
// most often) in the order of the files and elements they came from, in
// the slots they hold among the others: with equal times they tie in the
// archive's order (model.Newer compares ids), which then kept the order
// the workers delivered them in, different from load to load (FuzzDamage
// 477907d527ec33f0: a compacted load listed them otherwise than a plain
// one).
func (c *collector) idlessInFileOrder() {
	var at []int
	for i, cv := range c.convs {
		if cv.ID == "" {
			at = append(at, i)
		}
	}
	if len(at) < 2 {
		return
	}
	order := slices.Clone(at)
	slices.SortFunc(order, func(a, b int) int {
		ka, kb := c.exp.wins[a].winKey, c.exp.wins[b].winKey
		switch {
		case ka.less(kb):
			return -1
		case kb.less(ka):
			return 1
		}
		return 0
	})
	convs := make([]*model.Conversation, len(order))
	wins := make([]membership, len(order))
	for j, i := range order {
		convs[j], wins[j] = c.convs[i], c.exp.wins[i]
	}
	for j, i := range at {
		c.convs[i], c.exp.wins[i] = convs[j], wins[j]
	}
}
