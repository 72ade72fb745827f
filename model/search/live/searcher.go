// Package live is the browser's search service over model/search: an
// index fed while an archive loads, ranked answers given as positions in
// the list on screen, snippets located only for the rows drawn, queries
// typed on searched within the last answer, and a Session that numbers a
// browser's searches so a stale answer is dropped.
//
// It is a package of its own, beside model/search rather than inside it,
// because it holds state the index must not (the growing archive, the
// list being filtered, the last answer) and answers in the list's terms
// (Results.Convs are positions in that list), while model/search answers
// in its own (conversation numbers in an immutable Index). Both import
// nothing of Charm and do no I/O; `backchat search` and the browser use
// the same Searcher.
package live

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/backchat/backchat/model"
	"github.com/backchat/backchat/model/search"
)

// snapshotEvery is how often, at most, a search while the archive loads
// seals the conversations added so far into a fresh index snapshot. Each
// snapshot seals a shard, so rebuilding on every keystroke would fragment
// the index.
const snapshotEvery = time.Second

// Searcher is the search service: model/search's query language (words,
// "phrases", -exclusions, title:, model:, after:, role:, …), its word index
// and its ranking. Feed it every conversation as the loader decodes it
// (Add, e.g. from loader.Options.OnConversation) so the index is built in
// the background while the archive loads, never on a keystroke; call
// Loaded (or Done) when loading ends.
//
// Searches run against a snapshot of the index: while loading, a new one is
// taken at most every snapshotEvery; Done takes the final one. Results only
// ever name conversations of the list given to Search (matched by
// pointer), so copies a loader later replaced with a newer duplicate, or
// conversations not in the list, are never returned.
//
// Safe for concurrent use (one searcher may serve many SSH sessions over
// the same archive).
type Searcher struct {
	b *search.Builder
	// offsets: every index built keeps text offsets (NewOffsets).
	offsets bool
	added   atomic.Int64
	done    atomic.Bool
	// loaded is set by Loaded: searches from then on use the shards built
	// so far rather than wait for the rest (Results.Indexing).
	loaded atomic.Bool
	// prebuilt is NewIndexed's index; seed puts its conversations into b
	// on the first Add.
	prebuilt *search.Index
	seed     sync.Once
	// pending, for NewIndexedLater, is closed once its index is in
	// (prebuilt, ix and the counts set); nil otherwise.
	pending chan struct{}

	mu      sync.Mutex
	ix      *search.Index
	final   bool      // ix was taken by Build after Done (not Ready)
	built   int64     // conversations added when ix was taken
	builtAt time.Time // when ix was taken
	// pos caches, for the last list and index snapshot seen, the place in
	// that list of each indexed conversation (by index number; -1 when not
	// listed); posKey and posIx identify the list and snapshot.
	pos    []int32
	at     []int32 // the inverse of pos: index number of each list entry, -1 when not indexed
	posKey listKey
	posIx  *search.Index
	// byConv maps each conversation of the list posKey names to its
	// place; kept so that the next snapshot of a growing index (each
	// search while indexing gets one) extends pos instead of building
	// the map again.
	byConv map[*model.Conversation]int32

	// answers are the answers given, shared by every session (one search
	// per query, however many sessions type it).
	answers *answerCache
	// runs admits the searches the answers do not hold: at most one per
	// processor at once (each uses up to two workers), the rest queue in
	// order. Fifty `backchat serve` sessions typing their own words ran
	// fifty searches side by side: every answer came last, and their
	// scratch space, live at once, kept the collector running.
	runs chan struct{}

	// watchers are called after each Reindex (OnReindex), by number.
	watchers map[int]func()
	nextW    int
}

// listKey identifies a list slice (the browser never mutates one after
// passing it).
type listKey struct {
	first *model.Conversation
	ptr   **model.Conversation
	n     int
}

// keyOf is the key of the list convs.
func keyOf(convs []*model.Conversation) listKey {
	key := listKey{n: len(convs)}
	if len(convs) > 0 {
		key.first, key.ptr = convs[0], &convs[0]
	}
	return key
}

// SetCacheBytes bounds the answers the Searcher keeps for every session
// (default 16 MB); `backchat serve` counts them in its memory budget.
// Safe for concurrent use.
func (s *Searcher) SetCacheBytes(n int64) { s.answers.setMax(n) }

// New returns an empty Searcher; Add conversations to it. Indexing waits
// (search.Builder.Hold) until the first search or the end of the load
// (Done, Loaded), so a loader feeding the searcher has the processors to
// itself unless someone searches while it runs.
func New() *Searcher {
	b := search.NewBuilder()
	b.Hold(true)
	return newSearcher(b)
}

// NewOffsets is New over conversations whose trees are decoded on
// demand with their texts addressed by offset (loader.Options.Compact):
// the index keeps offsets (search.Builder.SetTextOffsets).
func NewOffsets() *Searcher {
	s := &Searcher{offsets: true}
	b := s.newBuilder()
	b.Hold(true)
	return s.init(b)
}

// newBuilder returns a builder for the searcher's index: one keeping
// offsets for a searcher made by NewOffsets, whichever index it builds
// (Rebuild, Reindex); one keeping pointers would hold every decoded tree.
func (s *Searcher) newBuilder() *search.Builder {
	b := search.NewBuilder()
	b.SetTextOffsets(s.offsets)
	return b
}

// newSearcher is the one place a Searcher is made: over builder b, with
// the answer cache every Searcher needs.
func newSearcher(b *search.Builder) *Searcher {
	return (&Searcher{}).init(b)
}

// init sets s up over builder b.
func (s *Searcher) init(b *search.Builder) *Searcher {
	s.b, s.answers, s.runs = b, newAnswerCache(maxCacheBytes), make(chan struct{}, max(runtime.GOMAXPROCS(0), 1))
	return s
}

// NewArchive returns a Searcher over an archive that is already loaded
// (`backchat search`, `backchat serve`, tests). It indexes the whole
// archive before it returns (about 3 CPU-seconds per GB of export).
func NewArchive(a *model.Archive) *Searcher {
	s := New()
	for _, c := range a.Conversations {
		s.Add(c)
	}
	s.Done()
	return s
}

// NewIndexed returns a Searcher over an index built before (a snapshot's,
// search.LoadIndex): ready at once, nothing is indexed. Its conversations
// are those of ix (Index.Conversation); searches name those of them that
// are in the list given to Search.
func NewIndexed(ix *search.Index) *Searcher {
	s := newSearcher(search.NewBuilder())
	s.prebuilt, s.ix, s.final, s.built, s.builtAt = ix, ix, true, int64(ix.Len()), time.Now()
	s.added.Store(int64(ix.Len()))
	s.done.Store(true)
	return s
}

// Add indexes a conversation in the background (nil is ignored). Safe for
// concurrent use; the conversation must not be mutated afterwards.
func (s *Searcher) Add(c *model.Conversation) {
	if c == nil {
		return
	}
	if s.pending != nil {
		<-s.pending
	}
	if s.prebuilt != nil {
		// A NewIndexed searcher that grows (unusual: a snapshot's archive
		// is complete) indexes the prebuilt index's conversations again.
		s.seed.Do(func() {
			for i := range s.prebuilt.Len() {
				s.b.Add(s.prebuilt.Conversation(i))
			}
		})
	}
	s.b.Add(c)
	s.added.Add(1)
}

// Done says every conversation has been added and takes the final snapshot,
// waiting for the indexing still pending (while loading, the background
// workers have done most of it: ~0.2 s remain for a 1 GB export), so no
// keystroke ever waits for the index.
func (s *Searcher) Done() {
	s.done.Store(true)
	s.snapshot(true)
}

// Loaded ends a load whose conversations were streamed to Add. For one
// export (or a nil archive: the load failed) it returns at once: the
// indexing still pending runs at full speed in the background, and until
// it is done each search answers at once from the conversations indexed so
// far (search.Builder.Ready), saying so (Results.Indexing), rather than
// wait for the rest. When a holds other copies than those streamed (several
// exports merged: the archive holds copies carrying their final Sources and
// InNewest, which is:deleted reads) it is Rebuild, before it returns.
func (s *Searcher) Loaded(a *model.Archive) {
	if a != nil && len(a.Sources) > 1 {
		s.Rebuild(a.Conversations)
		return
	}
	s.loaded.Store(true)
	s.done.Store(true)
	s.b.Seal()
}

// Progress reports how many conversations searches cover now and how many
// were added: equal once the index is complete.
func (s *Searcher) Progress() (indexed, added int) {
	s.mu.Lock()
	ix, final, b := s.ix, s.final, s.b
	s.mu.Unlock()
	if final && ix != nil && int64(ix.Len()) == s.added.Load() {
		return ix.Len(), ix.Len()
	}
	return b.Progress()
}

// Pause(true) stops the indexing still pending after the shards being
// built (search.Builder.Pause) until Pause(false); a search meanwhile
// answers from what is indexed. Tests use it to look at a half-built
// index.
func (s *Searcher) Pause(on bool) { s.b.Pause(on) }

// SetShardText sets the text size of the index's shards
// (search.Builder.SetShardText); call it before the first Add.
func (s *Searcher) SetShardText(n int64) { s.b.SetShardText(n) }

// Rebuild replaces the index with one over exactly convs, built before it
// returns. Call it after the last Add, instead of Done (see Loaded).
func (s *Searcher) Rebuild(convs []*model.Conversation) {
	b := s.newBuilder()
	for _, c := range convs {
		if c != nil {
			b.Add(c)
		}
	}
	ix := b.Build()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.b, s.ix, s.final = b, ix, true
	s.added.Store(int64(len(convs)))
	s.built, s.builtAt = int64(len(convs)), time.Now()
	s.done.Store(true)
}

// Reindex drops the index and indexes convs again in the background, as
// after a load: until that is done each search answers from what is
// indexed again so far and says so (Results.Indexing). For an index found
// damaged while in use (a snapshot's, whose checksum is read after the
// browser has opened it), whose answers cannot be trusted any longer. It
// returns once every conversation is queued (reading them all).
func (s *Searcher) Reindex(convs []*model.Conversation) {
	b := s.newBuilder()
	n := 0
	for _, c := range convs {
		if c != nil {
			b.Add(c)
			n++
		}
	}
	b.Seal()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.b, s.prebuilt = b, nil
	s.ix, s.final, s.built, s.builtAt = nil, false, 0, time.Time{}
	s.added.Store(int64(n))
	s.loaded.Store(true)
	s.done.Store(true)
	for _, f := range s.watchers {
		go f()
	}
}

// OnReindex has f called, on a goroutine of its own, after each Reindex:
// an answer given before it came from the index dropped, so a browser
// showing one searches again (its answers say Indexing until the index is
// whole again). The returned func stops the calls.
func (s *Searcher) OnReindex(f func()) (stop func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.watchers == nil {
		s.watchers = map[int]func(){}
	}
	n := s.nextW
	s.nextW++
	s.watchers[n] = f
	return func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		delete(s.watchers, n)
	}
}

// Index returns the complete index: after Done or Loaded, it waits for
// the indexing still pending (a snapshot of the archive saves it).
func (s *Searcher) Index() *search.Index { return s.snapshot(true) }

// snapshot returns the index to search. After Done it is the final index
// (taken once, waiting for the indexing pending), but after Loaded and
// unless wait is set, while indexing still runs, it is the shards built so
// far (search.Builder.Ready), taken again when more are built, at most
// every snapshotEvery. Before, a new snapshot of what is indexed is taken
// when conversations were added since the last one, at most every
// snapshotEvery.
func (s *Searcher) snapshot(wait bool) *search.Index {
	s.mu.Lock()
	defer s.mu.Unlock()
	added := s.added.Load()
	switch {
	case s.done.Load():
		if s.final && added == s.built {
			return s.ix
		}
		if !wait && s.loaded.Load() {
			if indexed, _ := s.b.Progress(); s.ix != nil && !s.final && s.built == added &&
				(indexed == s.ix.Len() || time.Since(s.builtAt) < snapshotEvery) {
				return s.ix // nothing new built, or taken a moment ago
			}
			s.ix = s.b.Ready()
			s.final = int64(s.ix.Len()) == added
			break
		}
		s.ix, s.final = s.b.Build(), true
	case s.ix == nil || (added > s.built && time.Since(s.builtAt) >= snapshotEvery):
		s.ix, s.final = s.b.Ready(), false
	default:
		return s.ix
	}
	s.built, s.builtAt = added, time.Now()
	return s.ix
}

// positions maps each conversation of ix (by its index number) to its
// place in convs (-1 when not listed), cached for the last list and
// snapshot seen (they change only when the archive grows), so a search
// with tens of thousands of results does no map lookup per result.
func (s *Searcher) positions(convs []*model.Conversation, ix *search.Index) (pos, at []int32) {
	key := keyOf(convs)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pos != nil && s.posKey == key && s.posIx == ix {
		return s.pos, s.at
	}
	// A later snapshot of the same growing index holds the last one's
	// conversations first, in the same order: only the new ones are looked
	// up. pos and at are new arrays (searches may still read the old).
	from := 0
	if s.byConv != nil && s.posKey == key && s.posIx != nil && s.posIx.Len() <= ix.Len() {
		from = s.posIx.Len()
		for i := range from {
			if s.posIx.Conversation(i) != ix.Conversation(i) {
				from = 0
				break
			}
		}
	}
	if from == 0 {
		s.byConv = make(map[*model.Conversation]int32, len(convs))
		for i, c := range convs {
			s.byConv[c] = int32(i)
		}
	}
	pos = make([]int32, ix.Len())
	at = make([]int32, len(convs))
	if from > 0 {
		copy(pos, s.pos[:from])
		copy(at, s.at)
	} else {
		for i := range at {
			at[i] = -1
		}
	}
	for i := from; i < len(pos); i++ {
		p, ok := s.byConv[ix.Conversation(i)]
		if !ok {
			p = -1
		} else {
			at[p] = int32(i)
		}
		pos[i] = p
	}
	s.pos, s.at, s.posKey, s.posIx = pos, at, key, ix
	return pos, at
}
