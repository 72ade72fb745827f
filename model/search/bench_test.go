package search

import (
	"context"
	"os"
	"runtime"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/backchat/backchat/internal/testkit/searchcorpus"
	"github.com/backchat/backchat/model"
)

func benchArchive(textBytes int64) *model.Archive {
	return searchcorpus.Generate(searchcorpus.Options{TextBytes: textBytes, Seed: 42})
}

// benchTextBytes is the corpus size: BACKCHAT_BENCH_TEXT_MB, default 50.
func benchTextBytes() int64 {
	mb := 50
	if v, err := strconv.Atoi(os.Getenv("BACKCHAT_BENCH_TEXT_MB")); err == nil && v > 0 {
		mb = v
	}
	return int64(mb) << 20
}

var benchIx struct {
	size int64
	ix   *Index
}

func benchIndex(b *testing.B) *Index {
	if sz := benchTextBytes(); benchIx.ix == nil || benchIx.size != sz {
		benchIx.ix, benchIx.size = nil, sz
		runtime.GC()
		benchIx.ix = BuildArchive(benchArchive(sz))
	}
	return benchIx.ix
}

// BenchmarkSearch reports p50/p95 latency per query kind over the synthetic
// corpus (BACKCHAT_BENCH_TEXT_MB sets its size): the top 50 with snippets
// (the CLI), and "-list" kinds with every match ranked by Rank (the
// browser's list).
func BenchmarkSearch(b *testing.B) { benchSearch(b, benchIndex(b)) }

// BenchmarkSearchLoaded is BenchmarkSearch on the same index saved and
// loaded back (LoadIndex over the saved bytes, texts in a copy): a
// reopened snapshot must search as fast.
func BenchmarkSearchLoaded(b *testing.B) {
	lx, _, _ := roundTrip(b, benchIndex(b))
	benchSearch(b, lx)
}

// BenchmarkLoadIndex is LoadIndex alone on the benchmark corpus's saved
// index.
func BenchmarkLoadIndex(b *testing.B) {
	ix := benchIndex(b)
	data, ar := saveIndex(b, ix)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := LoadIndex(data, ix.convs, ar.at); err != nil {
			b.Fatal(err)
		}
	}
}

func benchSearch(b *testing.B, ix *Index) {
	kinds := []struct {
		name, q string
		brief   bool // every match, ranked (Rank): what the browser's list asks for
	}{
		{"common", "data", false},
		{"common-list", "data", true},
		{"rare", "needle000123zq", false},
		{"phrase", `"kubernetes cluster"`, false},
		{"phrase-list", `"kubernetes cluster"`, true},
		{"prefix", "kube", false},
		{"fields", "model:gpt-4o after:2025 kubernetes", false},
		{"exclusion-list", "kubernetes -cluster", true},
		{"onechar", "x", false},
	}
	for _, k := range kinds {
		b.Run(k.name, func(b *testing.B) {
			q, err := Parse(k.q)
			if err != nil {
				b.Fatal(err)
			}
			var lat []time.Duration
			cpu0 := cpuTime()
			for b.Loop() {
				t0 := time.Now()
				var err error
				if k.brief {
					_, err = ix.Rank(context.Background(), q, Options{})
				} else {
					_, err = ix.Search(context.Background(), q, Options{Limit: 50})
				}
				if err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(t0))
			}
			b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/1000/float64(len(lat)), "cpu-ms/op")
			slices.Sort(lat)
			p := func(f float64) float64 { return float64(lat[int(f*float64(len(lat)-1))].Microseconds()) / 1000 }
			b.ReportMetric(p(0.50), "p50-ms")
			b.ReportMetric(p(0.95), "p95-ms")
		})
	}
}

// BenchmarkBuild reports index build speed (MB of text per second) and
// size (index bytes per text byte, and heap growth per text byte).
func BenchmarkBuild(b *testing.B) {
	a := benchArchive(benchTextBytes())
	var ix *Index
	var m0, m1 runtime.MemStats
	var spent, cpu time.Duration
	b.ResetTimer()
	for range b.N {
		ix = nil
		runtime.GC()
		runtime.ReadMemStats(&m0)
		t0, c0 := time.Now(), cpuTime()
		ix = BuildArchive(a)
		spent += time.Since(t0)
		cpu += cpuTime() - c0
		runtime.GC()
		runtime.ReadMemStats(&m1)
	}
	text := float64(ix.TextBytes())
	b.ReportMetric(text/1e6/(spent.Seconds()/float64(b.N)), "MB/s")
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
	b.ReportMetric(float64(ix.IndexBytes())/text, "index/text")
	b.ReportMetric(float64(int64(m1.HeapAlloc)-int64(m0.HeapAlloc))/text, "heap/text")
	b.ReportMetric(float64(ix.Len()), "convs")
}

// BenchmarkNarrowed measures a query typed on from the last one, as the
// browser runs it: the whole search and within the last answer.
func BenchmarkNarrowed(b *testing.B) {
	ix := benchIndex(b)
	for _, k := range []struct{ prev, next string }{{"dat", "data"}, {"kube", "kuber"}, {"kubernetes", `"kubernetes cluster"`}} {
		pq, _ := Parse(k.prev)
		nq, _ := Parse(k.next)
		prev, err := ix.Search(context.Background(), pq, Options{Brief: true})
		if err != nil {
			b.Fatal(err)
		}
		within := Options{Brief: true}
		for _, r := range prev.Results {
			within.Within = append(within.Within, r.Index)
		}
		for _, m := range []struct {
			name string
			opt  Options
		}{{"all", Options{Brief: true}}, {"within", within}} {
			b.Run(k.next+"/"+m.name, func(b *testing.B) {
				cpu0, n := cpuTime(), 0
				for b.Loop() {
					if _, err := ix.Search(context.Background(), nq, m.opt); err != nil {
						b.Fatal(err)
					}
					n++
				}
				b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/1000/float64(n), "cpu-ms/op")
			})
		}
	}
}
