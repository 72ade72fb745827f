package loader

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/backchat/backchat/internal/testkit/fixtures"
	"github.com/backchat/backchat/internal/testkit/gen"
	"github.com/backchat/backchat/internal/testkit/msgkit"
	"github.com/backchat/backchat/model"
)

// setSplit forces speculative splitting (split.go) on every plain file,
// with tiny segments and windows so that segment starts fall everywhere
// (inside strings, between keys) and conversations outgrow the window, or
// turns it off; t.Cleanup restores the defaults.
func setSplit(t testing.TB, on bool) {
	t.Helper()
	m, f, x, ws, wm := splitMin, segFirst, segMax, winSize, winMin
	t.Cleanup(func() { splitMin, segFirst, segMax, winSize, winMin = m, f, x, ws, wm })
	if !on {
		splitMin = 1 << 62
		return
	}
	splitMin, segFirst, segMax, winSize, winMin = 1, 300, 5000, 6000, 1500
}

// splitOnly runs trySplit alone on path: how many conversations it sent
// and whether it read the whole file.
func splitOnly(t testing.TB, path string) (int, bool) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	in, err := expand(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	src := &in.sources[0]
	if src.size != fi.Size() {
		t.Fatalf("source size %d, file %d", src.size, fi.Size())
	}
	jobs := make(chan job, 8)
	results := make(chan result, 8)
	wait := startWorkers(2, src.size, nil, nil, nil, nil, jobs, results)
	got := make(chan int)
	go func() {
		k := 0
		for r := range results {
			if r.err != nil {
				t.Errorf("split sent a failed conversation: %v", r.err)
			}
			if r.index != k {
				t.Errorf("conversation %d sent with index %d", k, r.index)
			}
			k++
		}
		got <- k
	}()
	n, complete, _ := trySplit(context.Background(), src, jobs, results, nil, 0, src.size)
	close(jobs)
	wait()
	close(results)
	if k := <-got; k != n {
		t.Errorf("split says it sent %d conversations, %d arrived", n, k)
	}
	return n, complete
}

// loadWith loads path with splitting on or off.
func loadWith(t *testing.T, path string, split bool) (*model.Archive, error) {
	t.Helper()
	setSplit(t, split)
	return OpenContext(context.Background(), Options{Workers: 2}, path)
}

// sameLoad checks that the split and the scanner load path alike:
// conversations (compared whole, in id order), warnings and errors.
func sameLoad(t *testing.T, what, path string) {
	t.Helper()
	a, errA := loadWith(t, path, false)
	b, errB := loadWith(t, path, true)
	if (errA == nil) != (errB == nil) || errA != nil && errA.Error() != errB.Error() {
		t.Fatalf("%s: scanner error %v, split error %v", what, errA, errB)
	}
	if errA != nil {
		return
	}
	if len(a.Conversations) != len(b.Conversations) {
		t.Fatalf("%s: scanner loaded %d conversations, split %d", what, len(a.Conversations), len(b.Conversations))
	}
	byID := func(x, y *model.Conversation) int {
		return cmp.Or(strings.Compare(x.ID, y.ID), strings.Compare(x.Title, y.Title), x.Created.Compare(y.Created), cmp.Compare(len(x.Nodes), len(y.Nodes)))
	}
	ca, cb := slices.Clone(a.Conversations), slices.Clone(b.Conversations)
	slices.SortStableFunc(ca, byID)
	slices.SortStableFunc(cb, byID)
	for i := range ca {
		if !reflect.DeepEqual(ca[i], cb[i]) || !msgkit.SameChildren(ca[i].Nodes, cb[i].Nodes) {
			t.Fatalf("%s: conversation %q differs between the scanner and the split", what, ca[i].ID)
		}
	}
	if !reflect.DeepEqual(a.Warnings, b.Warnings) {
		t.Fatalf("%s: warnings differ:\nscanner: %v\nsplit:   %v", what, a.Warnings, b.Warnings)
	}
}

func writeTemp(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func genBytes(t testing.TB, cfg gen.Config) ([]byte, int) {
	t.Helper()
	var b bytes.Buffer
	st, err := gen.Write(&b, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes(), st.Conversations
}

// TestSplitReadsCleanExports: on intact exports the split reads the whole
// file by itself and loads what the scanner loads.
func TestSplitReadsCleanExports(t *testing.T) {
	short, nShort := genBytes(t, gen.Config{Seed: 1, TargetBytes: 300 << 10})
	long, nLong := genBytes(t, gen.Config{Seed: 2, TargetBytes: 400 << 10, Shape: gen.ShapeLong})
	huge, nHuge := genBytes(t, gen.Config{Seed: 3, TargetBytes: 1500 << 10}) // with a ~1 MB conversation
	var indented bytes.Buffer
	if err := json.Indent(&indented, short, "", "  "); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		data []byte
		n    int
	}{
		{"short", short, nShort},
		{"long", long, nLong},
		{"huge", huge, nHuge},
		{"indented", indented.Bytes(), nShort},
		{"bom+crlf", append([]byte("\xEF\xBB\xBF\r\n"), bytes.ReplaceAll(short, []byte("}, {\"title\""), []byte("},\r\n{\"title\""))...), nShort},
		{"trailing comma", append(bytes.TrimSuffix(bytes.TrimRight(bytes.Clone(short), "\n "), []byte("]")), ",\n]\n"...), nShort},
	}
	for _, c := range cases {
		p := writeTemp(t, "conversations.json", c.data)
		setSplit(t, true)
		n, complete := splitOnly(t, p)
		if !complete || n != c.n {
			t.Errorf("%s: split read %d of %d conversations (complete %v)", c.name, n, c.n, complete)
		}
		sameLoad(t, c.name, p)
	}
}

// TestSplitStopsOnDamage: damaged exports stop the split where the damage
// is (what came before stays delivered), and the load reports exactly
// what the scanner alone reports.
func TestSplitStopsOnDamage(t *testing.T) {
	data, n := genBytes(t, gen.Config{Seed: 4, TargetBytes: 200 << 10, NoHuge: true})
	r := rand.New(rand.NewPCG(4, 5))
	type variant struct {
		name string
		data []byte
	}
	var vs []variant
	for k := 1; k <= 3; k++ {
		for i := range 8 {
			vs = append(vs, variant{fmt.Sprintf("%d flips #%d", k, i), flip(data, r, k)})
		}
	}
	for range 8 {
		c := r.IntN(len(data))
		vs = append(vs, variant{fmt.Sprintf("cut at %d", c), data[:c]})
	}
	for i := range 6 {
		at := r.IntN(len(data))
		junk := []string{`]`, `}`, `{"title": "x", "create_time": 1, `, `"`, `[`, `,,`}[i]
		d := append(append(bytes.Clone(data[:at]), junk...), data[at:]...)
		vs = append(vs, variant{fmt.Sprintf("%q inserted at %d", junk, at), d})
	}
	vs = append(vs,
		variant{"data after the array", append(bytes.Clone(data), ` {"x": 1}`...)},
		variant{"a second array", append(bytes.Clone(data), data...)},
		variant{"wrapper", append(append([]byte(`{"conversations": `), data...), '}')},
		variant{"not a conversation first", append([]byte(`[{"a": 1}, `), data[1:]...)},
		variant{"no mapping in one", bytes.Replace(data, []byte(`"mapping"`), []byte(`"mappinG"`), 1)},
	)
	for _, v := range vs {
		p := writeTemp(t, "conversations.json", v.data)
		sameLoad(t, v.name, p)
	}
	// The split itself stops and sends only conversations before the damage.
	setSplit(t, true)
	d := bytes.Clone(data)
	spans := convSpans(t, data)
	mid := spans[len(spans)/2]
	d[mid[0]+(mid[1]-mid[0])/2] = '"'
	got, complete := splitOnly(t, writeTemp(t, "conversations.json", d))
	if complete || got > len(spans)/2 || got == 0 {
		t.Errorf("damaged conversation %d of %d: split sent %d (complete %v)", len(spans)/2, n, got, complete)
	}
}

// TestSplitOnFixtures compares both paths on every JSON fixture.
func TestSplitOnFixtures(t *testing.T) {
	var files []string
	for _, root := range []string{"testdata", fixtures.External(t)} {
		filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(p, ".json") {
				files = append(files, p)
			}
			return nil
		})
	}
	t.Logf("%d fixtures", len(files))
	if len(files) < 5 {
		t.Fatalf("only %d fixtures found", len(files))
	}
	for _, p := range files {
		sameLoad(t, p, p)
	}
}

// TestSplitCancel: cancelling while segments are decoded ends the load
// with the context's error, and streamed conversations stop.
func TestSplitCancel(t *testing.T) {
	data, _ := genBytes(t, gen.Config{Seed: 5, TargetBytes: 300 << 10, NoHuge: true})
	p := writeTemp(t, "conversations.json", data)
	setSplit(t, true)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	n := 0
	_, err := OpenContext(ctx, Options{Workers: 2, OnConversation: func(*model.Conversation) {
		n++
		if n == 3 {
			cancel()
		}
	}}, p)
	if err != context.Canceled {
		t.Fatalf("got %v, want context.Canceled", err)
	}
}

// TestSplitDoesNotRetryDamage: a conversation that fails to decode is
// decoded at most twice (its window, then one that holds it), not again over
// ever larger windows up to the end of the file (each attempt copied its
// text into the arena: one damaged byte in a 250 MB export took the load
// from 250 MB to 800 MB of RSS); then the scanner reads the file again.
func TestSplitDoesNotRetryDamage(t *testing.T) {
	data, _ := genBytes(t, gen.Config{Seed: 4, TargetBytes: 200 << 10, NoHuge: true})
	spans := convSpans(t, data)
	mid := spans[len(spans)/2]
	conv := data[mid[0]:mid[1]]
	setSplit(t, true)
	old := splitMaxElem
	splitMaxElem = 64 << 10 // above every conversation of data, under the file
	t.Cleanup(func() { splitMaxElem, splitDecodeHook = old, nil })
	var mu sync.Mutex
	tries := map[int64]int{}
	splitDecodeHook = func(off int64, _ int) {
		mu.Lock()
		tries[off]++
		mu.Unlock()
	}
	for _, tc := range []struct {
		name   string
		damage func([]byte) []byte
		most   int
	}{
		{"mapping is an array", func(d []byte) []byte {
			i := bytes.Index(conv, []byte(`"mapping": {`))
			if i < 0 {
				t.Fatal("no mapping in the conversation")
			}
			d[int(mid[0])+i+len(`"mapping": `)] = '['
			return d
		}, 2},
		{"runs on to the end", func(d []byte) []byte {
			// A string that never ends: every quote after it is escaped.
			at := mid[0] + (mid[1]-mid[0])/2 // past the opening the split looks for
			return append(bytes.Clone(d[:at]), bytes.ReplaceAll(d[at:], []byte(`"`), []byte(`\"`))...)
		}, 2},
	} {
		clear(tries)
		d := tc.damage(bytes.Clone(data))
		got, complete := splitOnly(t, writeTemp(t, "conversations.json", d))
		if complete || got >= len(spans)/2+1 {
			t.Errorf("%s: split sent %d (complete %v)", tc.name, got, complete)
		}
		if n := tries[mid[0]]; n == 0 || n > tc.most {
			t.Errorf("%s: the damaged conversation was decoded %d times, want 1 to %d", tc.name, n, tc.most)
		}
		sameLoad(t, tc.name, writeTemp(t, "conversations.json", d))
	}
}

// TestSplitSizesScaleWithFile: read windows, segments and off-heap arena
// chunks are a fixed part of the file, so that a 250 MB load does not
// carry buffers sized for 1 GB (8 MiB windows, 16 MiB segments and 8 MiB
// chunks were ~0.1x, up to 0.26x and up to 0.07x of its peak RSS), while
// 1 GB loads keep the full sizes.
func TestSplitSizesScaleWithFile(t *testing.T) {
	const mib = 1 << 20
	for _, tc := range []struct {
		size       int64
		win, chunk int
		seg        int64
	}{
		{64 * mib, 1 * mib, 1 * mib, 2 * mib},
		{250_000_000, 1 * mib, 1 * mib, 4 * mib},
		{500_000_000, 2 * mib, 2 * mib, 8 * mib},
		{600_000_000, 4 * mib, 4 * mib, 16 * mib},
		{1_000_000_000, 8 * mib, 8 * mib, 16 * mib},
		{8_000_000_000, 8 * mib, 8 * mib, 16 * mib},
	} {
		if got := splitWindow(tc.size); got != tc.win {
			t.Errorf("%d bytes: window %d, want %d", tc.size, got, tc.win)
		}
		if got := splitSegMax(tc.size); got != tc.seg {
			t.Errorf("%d bytes: segments up to %d, want %d", tc.size, got, tc.seg)
		}
		if got := chunkMax(tc.size); got != tc.chunk {
			t.Errorf("%d bytes: arena chunks up to %d, want %d", tc.size, got, tc.chunk)
		}
	}
}

// plannedSplit plans the split of the plain JSON file at path (its file
// is closed when the test ends).
func plannedSplit(t *testing.T, path string) (*source, *splitRun) {
	t.Helper()
	in, err := expand(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	src := &in.sources[0]
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	r := planSplit(src, f)
	if r == nil {
		t.Fatal("no split planned")
	}
	return src, r
}

// segmentAlone decodes the whole of path as one segment with a fresh
// worker whose arena is one Go-heap chunk per allocation (chunks of
// 64 MiB: everything fits in the first) and records what it gives back.
// It returns the task, the arena and the chunks released.
func segmentAlone(t *testing.T, path string) (*segTask, *arena, [][]byte) {
	t.Helper()
	src, r := plannedSplit(t, path)
	r.assets = src.assets()
	r.done = make(chan *segTask, 1)
	var released [][]byte
	w := newWorker(src.size)
	w.a = &arena{chunk: 64 << 20, max: 64 << 20, alloc: func(n int) []byte { return make([]byte, n) },
		release: func(b []byte) { released = append(released, b) }}
	st := &segTask{lo: 0, hi: r.size, split: r}
	// As if a segment were left for another worker: this one keeps its
	// arena's chunk (arenaUsed measures it).
	r.tasks = 2
	w.runSegment(st)
	<-r.done
	return st, w.a, released
}

// TestSplitLastSegmentGivesBack: a worker that ends a segment when no
// segment is left to take gives back its read window and the unused end
// of its arena's chunk at once, not when the load ends (the peak RSS is
// at the end of the load); one that may take another keeps both.
func TestSplitLastSegmentGivesBack(t *testing.T) {
	data, _ := genBytes(t, gen.Config{Seed: 3, TargetBytes: 40 << 10, NoHuge: true})
	path := writeTemp(t, "conversations.json", data)
	setSplit(t, true)
	winSize, winMin = 1<<20, 1<<19 // the whole file: one window, never grown
	for _, left := range []bool{true, false} {
		src, r := plannedSplit(t, path)
		r.assets = src.assets()
		r.done = make(chan *segTask, 1)
		r.tasks = 1
		if left {
			r.tasks = 2
		}
		var released [][]byte
		w := newWorker(src.size)
		w.a = &arena{chunk: 64 << 20, max: 64 << 20, alloc: func(n int) []byte { return make([]byte, n) },
			release: func(b []byte) { released = append(released, b) }}
		st := &segTask{lo: 0, hi: r.size, split: r}
		w.runSegment(st)
		<-r.done
		if st.dirty || len(st.results) == 0 {
			t.Fatalf("dirty %v, %d results", st.dirty, len(st.results))
		}
		kept := w.win.b != nil && w.a.cur != nil && len(released) == 0
		gave := w.win.b == nil && w.a.cur == nil && len(released) == 1
		if left && !kept || !left && !gave {
			t.Errorf("segment left %v: window kept %v, chunk kept %v, %d tails given back", left, w.win.b != nil, w.a.cur != nil, len(released))
		}
	}
}

// arenaUsed is how many bytes a's 64 MiB chunk (segmentAlone) handed out.
func arenaUsed(a *arena) int {
	if a.cur == nil {
		return 0
	}
	return 64<<20 - len(a.cur)
}

// TestSplitGivesBackFailedDecodes: a conversation larger than the read
// window fails its first decode and is decoded again over a window that
// holds it; the first attempt's strings are given back, so the arena
// holds the same bytes as after one decode over a large window. A
// conversation that does not decode at all leaves the arena as it was
// (before, each attempt's copy of its text stayed: ~60 MB of a 250 MB
// export's peak RSS with a flipped byte).
func TestSplitGivesBackFailedDecodes(t *testing.T) {
	data, _ := genBytes(t, gen.Config{Seed: 9, TargetBytes: 40 << 10, NoHuge: true})
	spans := convSpans(t, data)
	big := spans[0]
	for _, sp := range spans {
		if sp[1]-sp[0] > big[1]-big[0] {
			big = sp
		}
	}
	one := append(append([]byte("[\n"), data[big[0]:big[1]]...), "\n]\n"...)
	path := writeTemp(t, "conversations.json", one)

	setSplit(t, true)
	winSize, winMin = 1<<20, 1<<19
	tries := 0
	splitDecodeHook = func(int64, int) { tries++ }
	t.Cleanup(func() { splitDecodeHook = nil })
	st, a, _ := segmentAlone(t, path)
	if st.dirty || len(st.results) != 1 || tries != 1 {
		t.Fatalf("large window: dirty %v, %d results, %d decodes", st.dirty, len(st.results), tries)
	}
	want := arenaUsed(a)

	winSize, winMin = 1000, 1000 // smaller than the conversation
	if len(one) < 4*winSize {
		t.Fatalf("conversation of %d bytes: too small for this test", len(one))
	}
	tries = 0
	st, a, released := segmentAlone(t, path)
	if st.dirty || len(st.results) != 1 || tries != 2 {
		t.Fatalf("small window: dirty %v, %d results, %d decodes", st.dirty, len(st.results), tries)
	}
	if got := arenaUsed(a); got != want || len(released) != 1 {
		t.Errorf("small window: the arena holds %d bytes (%d chunks given back), want %d as after one decode", got, len(released), want)
	}
	if st.results[0].conv.Title != mustLoadTitle(t, path) {
		t.Errorf("title %q", st.results[0].conv.Title)
	}

	// The same conversation, damaged: its mapping is an array.
	i := bytes.Index(one, []byte(`"mapping": {`))
	if i < 0 {
		t.Fatal("no mapping")
	}
	bad := bytes.Clone(one)
	bad[i+len(`"mapping": `)] = '['
	for _, ws := range []int{1000, 1 << 20} {
		winSize, winMin = ws, ws
		st, a, _ = segmentAlone(t, writeTemp(t, "conversations.json", bad))
		if !st.dirty || len(st.results) != 0 {
			t.Fatalf("window %d: damaged conversation: dirty %v, %d results", ws, st.dirty, len(st.results))
		}
		if got := arenaUsed(a); got != 0 {
			t.Errorf("window %d: a conversation that did not decode left %d bytes in the arena", ws, got)
		}
	}
}

func mustLoadTitle(t *testing.T, path string) string {
	t.Helper()
	a, err := Open(path)
	if err != nil || len(a.Conversations) != 1 {
		t.Fatalf("load: %v", err)
	}
	return a.Conversations[0].Title
}

// TestSplitGivesBackWhatItDecodedAhead: when the split stops at a damaged
// conversation, the text of the segments it decoded ahead (and of the one
// that stopped it) is given back to the arena: what stays is exactly the
// text of the conversations it delivered. Before, it stayed in the arena
// while the scanner decoded that part of the file again (a 250 MB export
// with a flipped byte peaked ~50 MB above an intact one).
func TestSplitGivesBackWhatItDecodedAhead(t *testing.T) {
	data, _ := genBytes(t, gen.Config{Seed: 5, TargetBytes: 120 << 10, NoHuge: true})
	spans := convSpans(t, data)
	setSplit(t, true)
	segFirst, segMax = 8000, 8000 // segments ahead hold whole conversations
	victim := spans[len(spans)*3/4]
	conv := data[victim[0]:victim[1]]
	i := bytes.Index(conv, []byte(`"mapping": {`))
	if i < 0 {
		t.Fatal("no mapping in the conversation")
	}
	data[int(victim[0])+i+len(`"mapping": `)] = '['
	path := writeTemp(t, "conversations.json", data)

	src, r := plannedSplit(t, path)
	oneChunk := func() *arena {
		return &arena{chunk: 64 << 20, max: 64 << 20, alloc: func(n int) []byte { return make([]byte, n) }, release: func([]byte) {}}
	}
	// Two workers; the one that decodes the damaged conversation waits
	// until the other has decoded one past it, so that a stop always has
	// something decoded ahead to give back.
	ws := []*worker{newWorker(src.size), newWorker(src.size)}
	jobs := make(chan job)
	results := make(chan result, len(spans))
	var wg sync.WaitGroup
	for _, w := range ws {
		w.a = oneChunk()
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				w.runSegment(j.seg)
			}
		}()
	}
	past := make(chan struct{})
	var once sync.Once
	splitDecodeHook = func(off int64, _ int) {
		if off >= victim[1] {
			once.Do(func() { close(past) })
		}
		if off == victim[0] {
			select {
			case <-past:
			case <-time.After(10 * time.Second):
				t.Error("no conversation after the damaged one was decoded")
			}
		}
	}
	t.Cleanup(func() { splitDecodeHook = nil })
	n, complete := runSplit(context.Background(), r, 2, jobs, results, nil)
	close(jobs)
	wg.Wait()
	close(results)
	if complete || n == 0 || n >= len(spans)*3/4+1 {
		t.Fatalf("split sent %d of %d (complete %v)", n, len(spans), complete)
	}
	got := 0
	for _, w := range ws {
		if w.a.logging || len(w.a.log) > 0 {
			t.Errorf("an arena still logs after the split (%d chunks)", len(w.a.log))
		}
		got += arenaUsed(w.a)
	}

	// The delivered conversations, each decoded alone.
	want := 0
	for k, sp := range spans[:n] {
		w2 := newWorker(src.size)
		w2.a = oneChunk()
		res := w2.decodeJob(job{data: data[sp[0]:sp[1]], src: src, assets: r.assets, format: r.format, index: k, offset: sp[0]})
		if res.err != nil {
			t.Fatalf("conversation %d: %v", k, res.err)
		}
		want += arenaUsed(w2.a)
	}
	if got != want {
		t.Errorf("the arenas hold %d bytes after the stop, want %d: the text of the %d conversations delivered", got, want, n)
	}
}

// TestSegWindowReadsUpToItsLimit: a window with a limit reads no further
// than it unless asked to, and as far as asked past it.
func TestSegWindowReadsUpToItsLimit(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789"), 1000)
	f, err := os.Open(writeTemp(t, "f.json", data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, tc := range []struct {
		limit     int64
		off       int64
		need      int
		wantBytes int
	}{
		{0, 0, 10, 4000},       // no limit: the whole window
		{100, 0, 10, 100},      // up to the limit
		{100, 50, 200, 200},    // past it, as far as asked
		{10500, 9000, 5, 1000}, // the file's end first
		{5000, 4000, 10, 1000},
	} {
		buf := newWinBuf(4000)
		sw := &segWindow{f: f, size: int64(len(data)), buf: buf, limit: tc.limit}
		if !sw.ensure(tc.off, tc.need) {
			t.Fatalf("%+v: ensure failed", tc)
		}
		if sw.base != tc.off || sw.n != tc.wantBytes || !bytes.Equal(sw.at(tc.off), data[tc.off:tc.off+int64(tc.wantBytes)]) {
			t.Errorf("%+v: window [%d, +%d), want [%d, +%d)", tc, sw.base, sw.n, tc.off, tc.wantBytes)
		}
		sw.buf.free()
	}
}

// TestReadLimit: a segment's reads stop at its end plus the lookahead only
// where windows are four times the lookahead (1 GB files), not at 250 MB.
func TestReadLimit(t *testing.T) {
	for _, tc := range []struct {
		size  int64
		limit bool
	}{{1 << 30, true}, {900 << 20, true}, {250 << 20, false}, {70 << 20, false}} {
		r := &splitRun{size: tc.size, win: splitWindow(tc.size), segMax: splitSegMax(tc.size)}
		seg := &segTask{lo: 64 << 20, hi: 80 << 20, split: r}
		got := r.readLimit(seg)
		switch {
		case tc.limit && got != seg.hi+int64(r.ahead()):
			t.Errorf("size %d (window %d): limit %d, want %d", tc.size, r.win, got, seg.hi+int64(r.ahead()))
		case !tc.limit && got != 0:
			t.Errorf("size %d (window %d): limit %d, want none", tc.size, r.win, got)
		}
	}
}
