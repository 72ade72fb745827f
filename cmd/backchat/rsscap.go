package main

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io/fs"
	"math"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/backchat/backchat/model"
	"github.com/backchat/backchat/tui"
)

// Once the browser has loaded an export, almost everything it allocates is
// garbage: each conversation the viewer renders goes through Glamour
// (chroma, goldmark, lipgloss: ~80 MB over the first screens of a 250 MB
// export of long conversations), the search index's build and the
// searches. The collector's default target lets the Go heap grow by as
// much as it holds live (~40 MB on that export) before it collects, and
// that headroom is what made the browser's peak RSS 1.3× the file. The
// rest of the RSS is not the Go heap: the arena text and the index's pair
// filters are mapped off the heap (loader/arena_linux.go,
// internal/anonmem) and the binary is mapped in.
//
// rssCap keeps a soft memory limit, recomputed after every collection, so
// that the process's RSS stays within a budget (the export's size): the
// limit is the budget less what the process holds outside the Go
// runtime's memory. It never goes below what the runtime holds live plus
// a headroom (rssMinHeadroom, or half the live heap if larger), so that
// a budget the live data alone exceeds costs a collection per headroom's
// worth of allocation (as GOGC=50 would) rather than back-to-back
// collections. Since the runtime collects at the lower of its GOGC goal
// and the limit, the cap only ever collects earlier. A quarter of the live
// heap cost ~20 collections instead of ~18 on the 250 MB long-conversation
// benchmark export for the same peak RSS.
const rssMinHeadroom = 16 << 20

// rssSample is what the limit is computed from, in bytes.
type rssSample struct {
	RSS     int64 // the process's resident set
	Runtime int64 // memory the Go runtime holds (mapped, not released)
	NonHeap int64 // of it, what is not the heap (stacks, metadata, …)
	Live    int64 // the heap marked live by the last collection
}

// rssLimit is the memory limit that keeps the RSS of s within budget, but
// never below the runtime's live memory plus its headroom.
func rssLimit(budget int64, s rssSample) int64 {
	offRuntime := max(s.RSS-s.Runtime, 0)
	floor := s.NonHeap + s.Live + max(rssMinHeadroom, s.Live/2)
	return max(budget-offRuntime, floor)
}

// capState is the one cap that may run (the memory limit is
// process-global).
var capState struct {
	mu      sync.Mutex
	running *rssCapper
}

type rssCapper struct {
	budget  int64
	prev    int64 // the limit before the cap, restored by stop
	stopped atomic.Bool
}

// capRSS starts keeping the process's RSS within budget bytes (see
// rssCap above) and returns the function that stops it and restores the
// memory limit in force before, safe to call more than once. A GOMEMLIMIT
// in the environment, a budget ≤ 0 or a cap already running leave the
// limit alone.
func capRSS(budget int64) (stop func()) {
	if budget <= 0 || os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	capState.mu.Lock()
	if capState.running != nil {
		capState.mu.Unlock()
		return func() {}
	}
	c := &rssCapper{budget: budget, prev: debug.SetMemoryLimit(-1)}
	capState.running = c
	capState.mu.Unlock()
	c.apply()
	c.arm()
	var once sync.Once
	return func() {
		once.Do(func() {
			capState.mu.Lock()
			defer capState.mu.Unlock()
			c.stopped.Store(true)
			debug.SetMemoryLimit(c.prev)
			capState.running = nil
		})
	}
}

// apply sets the limit from the memory held now (never above the limit
// that was in force before the cap).
func (c *rssCapper) apply() {
	s, ok := readRSS()
	if !ok {
		return
	}
	capState.mu.Lock()
	defer capState.mu.Unlock()
	if !c.stopped.Load() {
		debug.SetMemoryLimit(min(rssLimit(c.budget, s), c.prev))
	}
}

// gcTick is allocated to be collected: its cleanup runs after the
// collection that found it unreachable. The pointer keeps it out of the
// tiny allocator, whose objects may never be cleaned up.
type gcTick struct {
	_ *int
	_ [8]byte
}

// arm recomputes the limit after the next collection, and re-arms then.
func (c *rssCapper) arm() {
	runtime.AddCleanup(&gcTick{}, func(c *rssCapper) {
		if c.stopped.Load() {
			return
		}
		c.apply()
		c.arm()
	}, c)
}

// readRSS is sampleRSS; a variable for tests.
var readRSS = sampleRSS

// sampleRSS reads the process's RSS (/proc/self/statm) and the runtime's
// memory classes; false where /proc is not there.
func sampleRSS() (rssSample, bool) {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return rssSample{}, false
	}
	f := strings.Fields(string(bytes.TrimSpace(b)))
	if len(f) < 2 {
		return rssSample{}, false
	}
	pages, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil {
		return rssSample{}, false
	}
	m := []metrics.Sample{
		{Name: "/memory/classes/total:bytes"},
		{Name: "/memory/classes/heap/released:bytes"},
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/memory/classes/heap/unused:bytes"},
		{Name: "/memory/classes/heap/free:bytes"},
		{Name: "/gc/heap/live:bytes"},
	}
	metrics.Read(m)
	var v [6]int64
	for i := range m {
		if m[i].Value.Kind() != metrics.KindUint64 || m[i].Value.Uint64() > math.MaxInt64 {
			return rssSample{}, false
		}
		v[i] = int64(m[i].Value.Uint64())
	}
	total, released, objects, unused, free, live := v[0], v[1], v[2], v[3], v[4], v[5]
	return rssSample{
		RSS:     pages * int64(os.Getpagesize()),
		Runtime: total - released,
		NonHeap: total - released - objects - unused - free,
		Live:    live,
	}, true
}

// freeAfterLoad returns the heap the load left free to the system (a
// collection, then the scavenger; debug.FreeOSMemory), off the load's
// goroutine. The cap (rssLimit) bounds the heap from the end of the load
// on, but not what the load's own collections let it grow to before:
// GOGC's target from the last collection of the load, about twice the
// heap live then, which stays resident after. On a 250 MB export of
// short conversations the heap was at 75-90 MB with 56-64 live when the
// load ended; the index build then maps ~28 MB more outside the heap,
// and the peak RSS was that resident heap plus the text arena and index
// (scripts/rss-trace.sh: 241-247 MiB, 1.01-1.04× the file; 237-239 MiB
// with this). It costs one collection, which the next one of GOGC's
// would mostly have done anyway. A variable for tests.
var freeAfterLoad = debug.FreeOSMemory

// capAfterLoad wraps the browser's load so that once it has finished
// without error, the RSS is capped at budget (capRSS) until stop, which
// the browser calls when it quits.
func capAfterLoad(load tui.LoadFunc, budget int64) (_ tui.LoadFunc, stop func()) {
	var (
		mu      sync.Mutex
		done    bool
		release func()
	)
	stop = func() {
		mu.Lock()
		defer mu.Unlock()
		done = true
		if release != nil {
			release()
			release = nil
		}
	}
	if load == nil || budget <= 0 {
		return load, stop
	}
	return func(ctx context.Context, onConv func(*model.Conversation), progress func(done, total int64)) (*model.Archive, error) {
		a, err := load(ctx, onConv, progress)
		if err == nil && ctx.Err() == nil {
			mu.Lock()
			if !done && release == nil {
				release = capRSS(budget)
				go freeAfterLoad()
			}
			mu.Unlock()
		}
		return a, err
	}, stop
}

// exportBudget is the RSS budget for browsing paths: the bytes of JSON
// they hold. A JSON file counts its size; a ZIP the uncompressed sizes
// its directory declares for its conversation files (believed up to 32×
// the ZIP's size, as the loader does); a folder the sizes of its
// conversation files. A ZIP or folder that holds inner ZIPs, or none,
// and anything else mean no cap (0).
func exportBudget(paths []string) int64 {
	var n int64
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err == nil && fi.IsDir() {
			d := dirJSONBytes(p)
			if d <= 0 {
				return 0
			}
			n += d
			continue
		}
		if err != nil || !fi.Mode().IsRegular() {
			return 0
		}
		if !strings.EqualFold(filepath.Ext(p), ".zip") {
			n += fi.Size()
			continue
		}
		z := zipJSONBytes(p, fi.Size())
		if z <= 0 {
			return 0
		}
		n += z
	}
	return n
}

// dirJSONBytes is what the conversation files in the folder dir (at any
// depth) hold; 0 when it holds an inner ZIP or none.
func dirJSONBytes(dir string) int64 {
	var n int64
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		switch base := strings.ToLower(d.Name()); {
		case strings.HasSuffix(base, ".zip"):
			return errInnerZip
		case isConvFile(base) && d.Type().IsRegular():
			fi, err := d.Info()
			if err != nil {
				return err
			}
			n += fi.Size()
		}
		return nil
	})
	if err != nil {
		return 0
	}
	return n
}

// errInnerZip stops dirJSONBytes at an inner ZIP.
var errInnerZip = errors.New("inner ZIP")

// isConvFile says whether a file named base (lower case) holds
// conversations: conversations.json or one of its shards.
func isConvFile(base string) bool {
	return strings.HasPrefix(base, "conversations") && strings.HasSuffix(base, ".json")
}

// zipJSONBytes is what the ZIP at p (size bytes) declares its
// conversation files hold once inflated; 0 when that cannot be told (an
// unreadable directory, inner ZIPs, no conversation file).
func zipJSONBytes(p string, size int64) int64 {
	r, err := zip.OpenReader(p)
	if err != nil {
		return 0
	}
	defer r.Close()
	var n uint64
	for _, f := range r.File {
		base := strings.ToLower(path.Base(f.Name))
		switch {
		case strings.HasSuffix(base, ".zip"):
			return 0
		case isConvFile(base):
			n += f.UncompressedSize64
		}
	}
	return int64(min(n, uint64(32*size)))
}
