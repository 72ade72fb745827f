package loader

import (
	"fmt"
	"os"
	"reflect"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/backchat/backchat/internal/snapshot"
	"github.com/backchat/backchat/internal/testkit/msgkit"
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

// compactSame loads path as the browser's first load does (Options.Compact,
// the trees of the conversations beyond plain bytes of it compressed) and
// checks that it gives what the plain load (want) gave: the error, and
// every exported field of the archive, trees (Conversation.Tree) included
// (internal/snapshot's equalLoads, which cannot be imported here).
func compactSame(t *testing.T, what, path string, want outcome, plain int64) {
	t.Helper()
	got := loadPath(t, path, Options{Workers: 2, Compact: compactors(), CompactPlain: plain})
	if fmt.Sprint(want.err) != fmt.Sprint(got.err) {
		t.Fatalf("%s: compacted load's error %v, plain %v", what, got.err, want.err)
	}
	if want.err != nil {
		return
	}
	runtime.GC() // released trees are decoded again from their frames
	w, g := want.a, got.a
	if !reflect.DeepEqual(w.Warnings, g.Warnings) || !reflect.DeepEqual(w.Sources, g.Sources) || !reflect.DeepEqual(w.Accounts, g.Accounts) {
		t.Fatalf("%s: compacted load's warnings, sources or accounts differ:\nplain     %v\ncompacted %v", what, w.Warnings, g.Warnings)
	}
	if len(w.Conversations) != len(g.Conversations) {
		t.Fatalf("%s: compacted load has %d conversations, plain %d", what, len(g.Conversations), len(w.Conversations))
	}
	for i, wc := range w.Conversations {
		if d := msgkit.ConvDiff(wc, g.Conversations[i]); len(d) > 0 {
			t.Fatalf("%s: compacted load: %s", what, d[0])
		}
	}
}
