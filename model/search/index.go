package search

import (
	"cmp"
	"runtime"
	"slices"
	"sync"
	"unsafe"

	"github.com/backchat/backchat/model"
)

// defaultShardText is the text size at which the builder seals a shard and
// indexes it on a worker goroutine.
const defaultShardText = 16 << 20

// firstShardText is the text size of the first shard; each next one is
// twice the one before, up to the shard size (1, 2, 4, 8, 16, 16… MB): a
// search right after a load (the browser holds the index until the load
// ends) answers from the first shard in tens of milliseconds instead of
// waiting for 16 MB to be indexed.
const firstShardText = 1 << 20

// Conversation flags kept in convMeta.
const (
	flagArchived uint8 = 1 << iota
	flagStarred
	flagImage
	flagCode
	flagBranch
	flagDeleted // missing from the newest export (Conversation.NotInNewest)
	flagShared  // shared by public link (Conversation.Shared)
)

// convMeta is what filters and ranking need per conversation without
// walking its messages.
type convMeta struct {
	time   int64    // SortTime in Unix nanoseconds; 0 when unknown
	text   int64    // bytes of searchable text (title and every field)
	flags  uint8    // flag* bits
	models []string // distinct folded model slugs (conversation and messages)
}

// Builder builds an Index while conversations stream in.
//
// Concurrency: Add and Build may be called from any goroutines (a mutex
// guards the builder). Add only records the conversation; every
// defaultShardText bytes of text (the first ones smaller: firstShardText)
// it seals a shard, which background
// workers (at most GOMAXPROCS, capped at 2, at once) index in the order
// they were sealed, so indexing overlaps loading, the first keystroke never
// pays for it, and Ready's index of the shards built so far grows from the
// first conversation on. Conversations must not be mutated after Add (the
// model's invariant). A worker keeps its scratch space (a shard's worth)
// from shard to shard and drops it when no shard is waiting.
type Builder struct {
	mu        sync.Mutex
	convs     []*model.Conversation
	open      int   // first conversation not yet in a shard
	openText  int64 // text bytes of conversations [open, len(convs))
	shardText int64
	shards    []*shard
	queue     []sealed // shards sealed and not yet taken by a worker, in order
	busy      int      // shards sealed and not yet built
	workers   int      // worker goroutines running
	wg        sync.WaitGroup
	pool      chan *shardBuilder
	scratch   *scratchPool // the search scratch of every Index built (Index.pool)
	// meta is the metadata of the conversations of the shards built
	// without a gap from the first one, moved out of the shards as they
	// join it: every Index takes a prefix of it (an Index per search
	// while indexing copied every shard's metadata).
	meta   []convMeta
	held   bool // Hold: workers take no shard
	paused bool // Pause: workers take no shard
	// offsets: built shards keep their texts' offsets, not pointers
	// (SetTextOffsets).
	offsets bool
}

// sealed is a shard waiting for a worker: conversations convs, numbered
// from first.
type sealed struct {
	first int32
	convs []*model.Conversation
}

// NewBuilder returns an empty Builder.
func NewBuilder() *Builder {
	workers := min(runtime.GOMAXPROCS(0), 2)
	b := &Builder{shardText: defaultShardText, pool: make(chan *shardBuilder, workers), scratch: &scratchPool{}}
	for range workers {
		b.pool <- nil // builders are allocated on first use
	}
	return b
}

// SetShardText sets the text size in bytes at which Add seals a shard
// (default 16 MB; at least 1). Smaller shards make Ready's partial indexes
// finer (tests use one conversation per shard) and the index a little
// slower to search. Call it before the first Add.
func (b *Builder) SetShardText(n int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.shardText = max(n, 1)
}

// SetTextOffsets makes every shard built from then on keep where its
// fields' texts lie as offsets (model.Conversation.TextOffset), read back
// through TextAt, as a loaded index does, instead of pointers into the
// conversations' trees: an index of conversations whose trees are decoded
// on demand (loader.Options.Compact) then holds none of them. A text that
// has no offset (a conversation whose tree is not decoded on demand) is
// kept as a pointer beside them. Call it before the first Add.
func (b *Builder) SetTextOffsets(on bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.offsets = on
}

// Add records a conversation (nil is ignored). Safe for concurrent use.
func (b *Builder) Add(c *model.Conversation) {
	if c == nil {
		return
	}
	// The rest of the metadata is computed by the shard worker. The size
	// of a tree decoded on demand is its strings' (close enough to cut
	// shards), not decoded here for its searchable fields.
	n, ok := c.TreeTextSize()
	if ok {
		n += int64(len(c.Title))
	} else {
		n = textSize(c)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.convs = append(b.convs, c)
	b.openText += n
	if sealed := len(b.shards) + b.busy; b.openText >= min(b.shardText, firstShardText<<min(sealed, 30)) {
		b.sealLocked()
	}
}

// sealLocked queues conversations [open, len) as a shard. b.mu is held.
func (b *Builder) sealLocked() {
	if b.open == len(b.convs) {
		return
	}
	first := b.open
	b.queue = append(b.queue, sealed{int32(first), b.convs[first:len(b.convs):len(b.convs)]})
	b.open, b.openText = len(b.convs), 0
	b.busy++
	b.wg.Add(1)
	b.startLocked()
}

// startLocked starts workers for the queued shards, unless held or
// paused. b.mu is held.
func (b *Builder) startLocked() {
	for !b.held && !b.paused && b.workers < cap(b.pool) && b.workers < len(b.queue) {
		b.workers++
		go b.work()
	}
}

// work builds queued shards, first sealed first, until the queue is empty
// or the builder is held or paused.
func (b *Builder) work() {
	sb := <-b.pool
	if sb == nil {
		sb = newShardBuilder()
	}
	defer func() { b.pool <- sb }()
	for {
		b.mu.Lock()
		if b.held || b.paused || len(b.queue) == 0 {
			b.workers--
			if len(b.queue) == 0 {
				// Nothing waits: the scratch (a shard's postings, records
				// and filters: ~10 MB) goes to the GC rather than stay
				// for a shard that may never come (the index of a loaded
				// archive is complete).
				sb.release()
				sb = nil
			}
			b.mu.Unlock()
			return
		}
		job := b.queue[0]
		b.queue = b.queue[1:]
		offsets := b.offsets
		b.mu.Unlock()
		s := buildShard(sb, job.first, job.convs, offsets)
		b.mu.Lock()
		b.shards = append(b.shards, s)
		b.busy--
		b.mu.Unlock()
		b.wg.Done()
	}
}

// Hold(true) makes the shards sealed from then on wait, unbuilt, until
// Hold(false): a loader feeding the builder then has the processors to
// itself, and the indexing runs once it is done (or once a search wants
// the index: Build, Ready and Seal end the hold). Safe for concurrent use.
func (b *Builder) Hold(on bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.holdLocked(on)
}

func (b *Builder) holdLocked(on bool) {
	b.held = on
	b.startLocked()
}

// Pause(true) stops the workers from starting another shard (those being
// built are finished) until Pause(false) or Build; unlike Hold, Ready and
// Seal do not end it. A caller that wants the processors for a while
// uses it, and tests use it to look at a half-built index. Safe for
// concurrent use.
func (b *Builder) Pause(on bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.paused = on
	b.startLocked()
}

// Seal says the conversations added so far are all there is for now: the
// last ones, not yet a shard, are sealed into one and the hold ends, so
// the indexing still pending runs at once and Ready reaches the complete
// index without a Build. Safe for concurrent use.
func (b *Builder) Seal() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.sealLocked()
	b.holdLocked(false)
}

// Progress reports how many conversations Ready's index covers now (the
// shards built, from the first conversation on) and how many were added.
// Safe for concurrent use.
func (b *Builder) Progress() (indexed, added int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.builtPrefixLocked(), len(b.convs)
}

// builtPrefixLocked is the number of conversations covered by the shards
// built without a gap from the first conversation. b.mu is held.
func (b *Builder) builtPrefixLocked() int {
	done := slices.Clone(b.shards)
	slices.SortFunc(done, func(x, y *shard) int { return int(x.first - y.first) })
	n := 0
	for _, s := range done {
		if int(s.first) != n {
			break
		}
		n += int(s.n)
	}
	return n
}

// Build waits for pending indexing and returns an Index of every
// conversation added so far. The Builder stays usable: later Adds and Builds
// extend it (each Build seals a shard, so call it once loading is done, or
// sparingly while it runs). It ends a Hold and a Pause.
func (b *Builder) Build() *Index {
	b.mu.Lock()
	b.paused = false
	b.holdLocked(false)
	b.sealLocked()
	n := len(b.convs) // every conversation below n is in a sealed shard
	b.mu.Unlock()
	b.wg.Wait()
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.indexLocked(n)
}

// Ready is Build when indexing keeps up (no shard is being built or
// waiting) and no Pause is on. Otherwise Ready returns at once an Index of
// the conversations whose shards are built (the longest run of them from
// the first conversation added), without sealing a shard or waiting: a
// search while the archive loads, or while it is indexed after the load,
// never waits for indexing that is behind. It ends a Hold.
func (b *Builder) Ready() *Index {
	b.mu.Lock()
	b.holdLocked(false)
	if b.busy == 0 && !b.paused {
		b.mu.Unlock()
		return b.Build()
	}
	defer b.mu.Unlock()
	return b.indexLocked(b.builtPrefixLocked())
}

// indexLocked assembles the Index of conversations [0, n) from the shards
// covering them. b.mu is held.
func (b *Builder) indexLocked(n int) *Index {
	ix := &Index{convs: b.convs[:n:n], pool: b.scratch}
	// Shards sealed by Adds racing with this Build cover conversations ≥ n.
	for _, s := range b.shards {
		if int(s.first) < n {
			ix.shards = append(ix.shards, s)
		}
	}
	slices.SortFunc(ix.shards, func(x, y *shard) int { return int(x.first - y.first) })
	for _, s := range ix.shards { // contiguous: shard i+1 starts where i ends
		if int(s.first) == len(b.meta) && s.meta != nil {
			// Appending never changes what earlier Indexes hold: theirs
			// is a prefix with no room past it.
			b.meta = append(b.meta, s.meta...)
			s.meta = nil
		}
	}
	ix.meta = b.meta[:n:n]
	ix.byRecency = make([]int32, len(ix.convs))
	for i := range ix.byRecency {
		ix.byRecency[i] = int32(i)
	}
	slices.SortFunc(ix.byRecency, func(x, y int32) int {
		// model.Newer's order, the list's: two known times after 1970
		// compare as the Unix nanoseconds already in meta (the same order,
		// without reading the conversations: 60,000 sort in ~20 ms, not
		// ~120); anything else, and equal times, go to model.Newer (its
		// tie-break by ID); then the order of addition, as a stable sort.
		if tx, ty := ix.meta[x].time, ix.meta[y].time; tx > 0 && ty > 0 && tx != ty {
			return cmp.Compare(ty, tx)
		}
		if c := model.Newer(ix.convs[x], ix.convs[y]); c != 0 {
			return c
		}
		return cmp.Compare(x, y)
	})
	for _, s := range ix.shards {
		ix.indexBytes += s.bytes()
	}
	for i := range ix.meta {
		ix.textBytes += ix.meta[i].text
		ix.indexBytes += 40 + int64(len(ix.meta[i].models))*16
	}
	return ix
}

// BuildArchive indexes every conversation of an archive (a convenience for
// the CLI and tests; the TUI feeds a Builder while loading).
func BuildArchive(a *model.Archive) *Index {
	b := NewBuilder()
	for _, c := range a.Conversations {
		b.Add(c)
	}
	return b.Build()
}

// Index is an immutable search index over conversations. Safe for
// concurrent use by any number of goroutines. It points into the
// conversations' strings (see fieldRec), so it must not outlive the text it
// was built from (e.g. a loader's arena that is freed on close).
type Index struct {
	convs      []*model.Conversation
	meta       []convMeta
	shards     []*shard
	byRecency  []int32 // conversation numbers, newest first
	textBytes  int64
	indexBytes int64
	// pool holds the search workers' scratch spaces (see Search), shared
	// by every Index of one Builder: while the archive is indexed each
	// search gets a new partial Index (Ready), and a pool of its own made
	// every keystroke grow its scratch afresh (conv250.json: ~7 MB for
	// the four keystrokes of "data").
	pool *scratchPool
}

// scratchPool is the search scratch spaces of the Indexes of one Builder
// (or one loaded Index).
type scratchPool struct {
	pool sync.Pool // *searchScratch
	// spare keeps a few scratch spaces of ordinary size across
	// collections, which empty the pool: under `backchat serve`'s memory
	// limit the collector runs often, and growing the scratch again was
	// a third of the server's allocations with 50 sessions searching.
	mu    sync.Mutex
	spare []*searchScratch
}

// shardOf returns the shard holding conversation ci.
func (ix *Index) shardOf(ci int32) *shard { return ix.shards[ix.shardIndex(ci)] }

// shardIndex returns the number of the shard holding conversation ci.
func (ix *Index) shardIndex(ci int32) int {
	i, found := slices.BinarySearchFunc(ix.shards, ci, func(s *shard, ci int32) int { return int(s.first - ci) })
	if !found {
		i--
	}
	return i
}

// Len is the number of conversations indexed.
func (ix *Index) Len() int { return len(ix.convs) }

// Conversation returns the i-th conversation in the order they were added.
func (ix *Index) Conversation(i int) *model.Conversation { return ix.convs[i] }

// TextBytes is the amount of searchable text covered.
func (ix *Index) TextBytes() int64 { return ix.textBytes }

// IndexBytes estimates the memory the index holds (postings, tables and
// per-conversation metadata; not the conversations themselves).
func (ix *Index) IndexBytes() int64 { return ix.indexBytes }

// textSize is the searchable text of a conversation in bytes (lengths
// only: no text is read).
func textSize(c *model.Conversation) int64 {
	n := int64(len(c.Title))
	for i := range c.Tree() {
		if m := c.Tree()[i].Msg; m != nil {
			eachField(m, func(_ int, _ Field, _ int, s string) bool {
				n += int64(len(s))
				return true
			})
		}
	}
	return n
}

// metaOf computes a conversation's filter and ranking metadata.
func metaOf(c *model.Conversation) convMeta {
	m := convMeta{text: int64(len(c.Title))}
	if t := c.SortTime(); !t.IsZero() {
		m.time = t.UnixNano()
	}
	if c.Archived {
		m.flags |= flagArchived
	}
	if c.Starred {
		m.flags |= flagStarred
	}
	if c.NotInNewest() {
		m.flags |= flagDeleted
	}
	if c.Shared {
		m.flags |= flagShared
	}
	lastRaw := ""
	addModel := func(s string) {
		if s == "" || s == lastRaw {
			return
		}
		lastRaw = s
		f := Fold(s)
		if !slices.Contains(m.models, f) {
			m.models = append(m.models, f)
		}
	}
	addModel(c.Model)
	for i := range c.Tree() {
		n := &c.Tree()[i]
		if len(n.Children()) > 1 {
			m.flags |= flagBranch
		}
		if n.Msg == nil {
			continue
		}
		addModel(n.Msg.Model())
		for j := range n.Msg.Blocks {
			bl := &n.Msg.Blocks[j]
			switch bl.Kind {
			case model.BlockImage:
				m.flags |= flagImage
			case model.BlockCode:
				m.flags |= flagCode
			case model.BlockExecOutput:
				m.flags |= flagCode
				if len(bl.Images()) > 0 {
					m.flags |= flagImage
				}
			}
			// A ``` fence in a text block also means has:code; buildShard
			// spots it while indexing the text (no second pass over it).
		}
		eachField(n.Msg, func(_ int, _ Field, _ int, s string) bool {
			m.text += int64(len(s))
			return true
		})
	}
	return m
}

// buildShard indexes conversations convs (numbered from first). With
// offsets, a shard holding a conversation whose tree is decoded on demand
// keeps where its records' texts lie as offsets in their conversations'
// trees (SetTextOffsets), each conversation's taken as soon as it is
// indexed, so that the shard holds none of its trees (a tree decoded on
// demand is collected before the next is decoded).
func buildShard(sb *shardBuilder, first int32, convs []*model.Conversation, offsets bool) *shard {
	meta := make([]convMeta, len(convs))
	var loc *locator
	if offsets && slices.ContainsFunc(convs, hasTextOffsets) {
		loc = &locator{convs: convs}
	}
	for i, c := range convs {
		// Held until the conversation is indexed: a tree decoded on
		// demand and released when unused (model.Conversation.
		// ReleaseTreeWhenUnused) is otherwise decoded again by each
		// Tree below once a collection has freed it, and its records
		// point into several decodes.
		tree := c.Tree()
		meta[i] = metaOf(c)
		from := sb.recs.len()
		sb.beginConv(meta[i].text)
		sb.addField(c.Title, fieldRec{node: model.NoNode, field: FieldConvTitle})
		for k := range tree {
			msg := tree[k].Msg
			if msg == nil {
				continue
			}
			flags := roleCodes[msg.Role()] << roleShift
			if msg.Visibility == model.Hidden {
				flags |= recHidden
			}
			eachField(msg, func(block int, f Field, item int, s string) bool {
				sb.fence = false
				sb.addField(s, fieldRec{node: int32(k), block: int32(block), item: int32(item), field: f, flags: flags})
				if sb.fence && f == FieldText && msg.Blocks[block].Kind == model.BlockText {
					meta[i].flags |= flagCode
				}
				return true
			})
		}
		sb.endConv()
		if loc != nil {
			loc.take(&sb.recs, from, int32(i))
		}
		runtime.KeepAlive(tree)
	}
	s := sb.finish(first)
	s.meta = meta
	if loc != nil {
		loc.attach(s)
	}
	return s
}

// hasTextOffsets says whether c's tree is decoded on demand, its texts
// addressed by offset: a shard of none keeps pointers, which take less
// memory (a record and no offset beside it).
func hasTextOffsets(c *model.Conversation) bool {
	_, ok := c.TreeTextSize()
	return ok
}

// Offsets standing for a text in a shard that keeps offsets (locator):
// the conversation's local number in the upper 32 bits and, in the lower,
// the offset in its tree's strings, titleOff for its title (its own
// string, not its tree's), or, with ptrText set, the index of a pointer
// the locator keeps (a text that has no offset: a tree loaded whole).
const (
	titleOff = 1<<32 - 1
	ptrText  = 1 << 63
)

// locator takes a shard's records' texts as offsets (buildShard).
type locator struct {
	convs []*model.Conversation
	text  []uint64 // per record
	ptrs  []*byte
}

// take replaces the texts of the records from on, conversation local's,
// by offsets, so that the records no longer point into its tree.
func (l *locator) take(recs *chunks[fieldRec], from int, local int32) {
	c := l.convs[local]
	for i := from; i < recs.len(); i++ {
		r := recs.at(i)
		v := uint64(local) << 32
		switch {
		case r.n == 0 || r.text == nil:
		case r.field == FieldConvTitle:
			v |= titleOff
		default:
			if o, ok := c.TextOffset(r.text, int(r.n)); ok {
				v |= uint64(o)
			} else {
				v = ptrText | uint64(len(l.ptrs))
				l.ptrs = append(l.ptrs, r.text)
			}
		}
		l.text = append(l.text, v)
		r.text = nil
	}
}

// attach gives the built shard its records as offsets (disk) and the
// function that finds their texts (textAt), as a loaded shard has them.
func (l *locator) attach(s *shard) {
	disk := make([]diskRec, len(s.recs))
	for i := range s.recs {
		r := &s.recs[i]
		disk[i] = diskRec{text: l.text[i], node: r.node, block: r.block, item: r.item, n: r.n, field: r.field, flags: r.flags}
	}
	convs, ptrs := l.convs, l.ptrs
	s.disk, s.recs = disk, nil
	s.textAt = func(off uint64, n int) *byte {
		if n == 0 {
			return nil
		}
		if off&ptrText != 0 {
			if i := off &^ ptrText; i < uint64(len(ptrs)) {
				return ptrs[i]
			}
			return nil
		}
		local := off >> 32
		if local >= uint64(len(convs)) {
			return nil
		}
		c := convs[local]
		if o := uint32(off); o != titleOff {
			return c.TextAt(o, n)
		}
		if n > len(c.Title) {
			return nil
		}
		return unsafe.StringData(c.Title)
	}
}
