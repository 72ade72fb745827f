// Command backchat-searchbench measures search on a real export the way the browser
// uses it: the real loader feeding the index while it loads, the final
// index snapshot, and per-keystroke searches through live.Searcher, the
// browser's search service.
// scripts/bench-search.sh runs it.
//
//	go run ./cmd/backchat-searchbench [-n 20] EXPORT...
//
// It prints, one per line: the load alone; the load with the index fed
// from OnConversation (as the browser does) and the wait for the final
// snapshot after it; a full index build of the loaded archive on its own;
// index bytes against text bytes; and p50/p95 per query kind, with the CPU
// time per query (all cores; less sensitive than latency to other load on
// the machine).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"time"

	"github.com/backchat/backchat/loader"
	"github.com/backchat/backchat/model"
	"github.com/backchat/backchat/model/search"
	"github.com/backchat/backchat/model/search/live"
)

// queries are the query kinds measured, as a user types them.
var queries = []struct{ kind, q string }{
	{"common word", "data"},
	{"rare token", "needle000123zq"},
	{"phrase", `"kubernetes cluster"`},
	{"prefix", "kube"},
	{"field filter", "model:gpt-4o after:2025-06 garlic"},
	{"exclusion", "garlic -onion"},
	{"1-char", "x"},
	{"miss", "zebraquux"},
}

// typedOn are queries typed on from a previous one: the browser searches
// them within the previous answer (live.Searcher.Narrows and
// SearchWithin), as measured in the second table.
var typedOn = []struct{ kind, prev, q string }{
	{"common word", "dat", "data"},
	{"prefix", "kub", "kube"},
	{"word", "kube", "kuber"},
	{"phrase", "kubernetes", `"kubernetes cluster"`},
	{"exclusion", "garlic", "garlic -onion"},
	{"field filter", "garlic", "model:gpt-4o after:2025-06 garlic"},
}

func main() {
	n := flag.Int("n", 20, "runs per query kind")
	prof := flag.String("cpuprofile", "", "write a CPU profile of the query runs to this file")
	only := flag.String("only", "", "run only the query kinds containing this string")
	tr := flag.String("trace", "", "write an execution trace (runtime/trace) of the snapshot write to this file (with -snapshot)")
	snap := flag.String("snapshot", "", "write a snapshot of the export to this file, reopen it and run the queries on the reopened index (as after a library reopen)")
	flag.IntVar(&writes, "writes", 1, "with -snapshot: write the snapshot this many times, each write's figures on its own lines")
	flag.Parse()
	snapshotPath = *snap
	profile = *prof
	tracePath = *tr
	if *only != "" {
		queries = slices.DeleteFunc(queries, func(q struct{ kind, q string }) bool { return !strings.Contains(q.kind, *only) })
		typedOn = slices.DeleteFunc(typedOn, func(q struct{ kind, prev, q string }) bool { return !strings.Contains(q.kind, *only) })
	}
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: backchat-searchbench [-n 20] EXPORT...")
		os.Exit(2)
	}
	if err := run(flag.Args(), *n); err != nil {
		fmt.Fprintln(os.Stderr, "backchat-searchbench:", err)
		os.Exit(1)
	}
}

// profile is the -cpuprofile file ("" for none).
var profile string

func run(paths []string, n int) error {
	ctx := context.Background()
	fmt.Printf("GOMAXPROCS=%d, %d CPUs, %s\n", runtime.GOMAXPROCS(0), runtime.NumCPU(), strings.Join(paths, " "))

	// 1. The load alone.
	start, cpu0 := time.Now(), cpuTime()
	a, err := loader.OpenContext(ctx, loader.Options{}, paths...)
	if err != nil {
		return err
	}
	loadAlone, loadCPU := time.Since(start), cpuTime()-cpu0
	fmt.Printf("load alone              %8.2f s  (%d conversations), CPU %.2f s\n", loadAlone.Seconds(), len(a.Conversations), loadCPU.Seconds())
	if snapshotPath != "" {
		return runSnapshot(ctx, a, n, loadAlone, loadCPU)
	}
	a = nil
	runtime.GC()

	// 2. As the browser does: the index fed while loading (held until the
	// load ends unless a search comes first: search.Builder.Hold), then
	// the final snapshot the first search after the load takes.
	s := live.New()
	start, cpu0 = time.Now(), cpuTime()
	a, err = loader.OpenContext(ctx, loader.Options{OnConversation: s.Add}, paths...)
	if err != nil {
		return err
	}
	loaded := time.Since(start)
	start = time.Now()
	s.Done() // the final snapshot: what the browser adds after the load
	final, indexedCPU := time.Since(start), cpuTime()-cpu0
	fmt.Printf("load + background index %8.2f s, then final snapshot %.2f s, CPU %.2f s\n", loaded.Seconds(), final.Seconds(), indexedCPU.Seconds())
	fmt.Printf("load + index / load alone: %.2f × wall, %.2f × CPU\n", (loaded+final).Seconds()/loadAlone.Seconds(), indexedCPU.Seconds()/loadCPU.Seconds())

	// 3. A whole build of the loaded archive on its own (the CLI's cost).
	runtime.GC()
	start = time.Now()
	ix := search.BuildArchive(a)
	build := time.Since(start)
	fmt.Printf("index build alone       %8.2f s\n", build.Seconds())
	fmt.Printf("index %s for %s of text: %.3f × text\n", mb(ix.IndexBytes()), mb(ix.TextBytes()),
		float64(ix.IndexBytes())/float64(max(ix.TextBytes(), 1)))
	ix = nil
	runtime.GC()

	runtime.KeepAlive(a)
	return queryRuns(ctx, s, a, n)
}

// queryRuns measures every query kind through s over a's conversations.
func queryRuns(ctx context.Context, s *live.Searcher, a *model.Archive, n int) error {
	// 4. Per keystroke, through the browser's search service.
	convs := newestFirst(a.Conversations)
	var err error
	if profile != "" {
		f, err := os.Create(profile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	fmt.Printf("\n%-14s %-36s %9s %9s %9s %9s\n", "query kind", "query", "p50 ms", "p95 ms", "cpu ms", "results")
	for _, k := range queries {
		var times []time.Duration
		var res live.Results
		cpu0 := cpuTime()
		for range n {
			start := time.Now()
			res, err = s.Search(ctx, convs, k.q, live.Options{})
			if err != nil {
				return fmt.Errorf("%s: %w", k.q, err)
			}
			times = append(times, time.Since(start))
		}
		count := fmt.Sprint(len(res.Convs))
		if res.Partial {
			count = "top " + count
		}
		cpu := ms(cpuTime()-cpu0) / float64(n)
		fmt.Printf("%-14s %-36s %9.2f %9.2f %9.2f %9s\n", k.kind, k.q, ms(pct(times, 50)), ms(pct(times, 95)), cpu, count)
	}
	fmt.Printf("\ntyped on, within the previous answer\n%-14s %-36s %9s %9s %9s %9s\n", "query kind", "previous → query", "p50 ms", "p95 ms", "cpu ms", "results")
	for _, k := range typedOn {
		if !s.Narrows(k.prev, k.q) {
			return fmt.Errorf("%q does not narrow %q", k.q, k.prev)
		}
		prev, err := s.Search(ctx, convs, k.prev, live.Options{})
		if err != nil {
			return fmt.Errorf("%s: %w", k.prev, err)
		}
		var times []time.Duration
		var res live.Results
		cpu0 := cpuTime()
		for range n {
			start := time.Now()
			res, err = s.SearchWithin(ctx, convs, prev, k.q, live.Options{})
			if err != nil {
				return fmt.Errorf("%s: %w", k.q, err)
			}
			times = append(times, time.Since(start))
		}
		cpu := ms(cpuTime()-cpu0) / float64(n)
		fmt.Printf("%-14s %-36s %9.2f %9.2f %9.2f %9d\n", k.kind, k.prev+" → "+k.q, ms(pct(times, 50)), ms(pct(times, 95)), cpu, len(res.Convs))
	}
	runtime.KeepAlive(a)
	return nil
}

func newestFirst(cs []*model.Conversation) []*model.Conversation {
	out := slices.Clone(cs)
	model.SortNewestFirst(out)
	return out
}

// pct is the p-th percentile (nearest rank) of ds.
func pct(ds []time.Duration, p int) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	i := (len(s)*p + 99) / 100
	return s[min(max(i-1, 0), len(s)-1)]
}

func ms(d time.Duration) float64 { return float64(d) / 1e6 }

func mb(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/1e6) }
