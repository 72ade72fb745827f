package loader

import (
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/backchat/backchat/internal/snapshot"
)

func compactors() func() Compactor {
	return func() Compactor { return snapshot.NewCompactor() }
}

// cpuNow is the process's user+system CPU time.
func cpuNow() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkCompactLoad loads $BACKCHAT_BENCH_FILE as the browser does,
// with and without Options.Compact (CPU-s per load reported: the
// compaction's cost, fairly independent of the machine's load).
func BenchmarkCompactLoad(b *testing.B) {
	path := os.Getenv("BACKCHAT_BENCH_FILE")
	if path == "" {
		b.Skip("BACKCHAT_BENCH_FILE not set")
	}
	fi, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	for _, mode := range []struct {
		name  string
		plain float64 // share of the file kept decoded
		on    bool
	}{{"arena", 0, false}, {"compact", 0, true}, {"plain-quarter", 0.25, true}} {
		b.Run(mode.name, func(b *testing.B) {
			var cpu time.Duration
			for b.Loop() {
				var rel func()
				opts := Options{Release: func(r func()) { rel = r }}
				if mode.on {
					opts.Compact, opts.CompactPlain = compactors(), int64(mode.plain*float64(fi.Size()))
				}
				c0 := cpuNow()
				a, err := OpenContext(b.Context(), opts, path)
				cpu += cpuNow() - c0
				if err != nil || len(a.Conversations) == 0 {
					b.Fatal(err)
				}
				rel()
			}
			b.ReportMetric(cpu.Seconds()/float64(b.N), "CPU-s/op")
		})
	}
}
