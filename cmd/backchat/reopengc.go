package main

import (
	"os"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"time"
)

// Reopening a library's snapshot allocates its whole conversation table,
// the search index's tables and the list's rows in the first ~200 ms, all
// of it live until the browser quits. From the few MB the program's
// initialisation leaves, the collector's default target runs four or five
// cycles on the way up, each marking again what the last one marked, on
// the two cores the first screen is waiting for (~40 ms of a 1 GB
// library's reopen). holdGC turns the collector off for that moment, with
// a soft memory limit as the safety net, and gives it back afterwards.
const (
	// reopenGCHold is how long after the browser starts the collector
	// comes back: past the first screen and the first conversation's
	// render.
	reopenGCHold = time.Second
	// reopenHeadroom is how much the Go heap may grow while the collector
	// is off before the memory limit makes it collect anyway.
	reopenHeadroom = 512 << 20
)

// holdGC turns the garbage collector off (a GOGC or GOMEMLIMIT in the
// environment is left alone) and returns the function that restores it,
// safe to call more than once.
func holdGC() (release func()) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	prev := debug.SetGCPercent(-1)
	prevLimit := debug.SetMemoryLimit(-1)
	debug.SetMemoryLimit(min(prevLimit, heapInUse()+reopenHeadroom))
	var once sync.Once
	return func() {
		once.Do(func() {
			debug.SetMemoryLimit(prevLimit)
			debug.SetGCPercent(prev)
		})
	}
}

// heapInUse is the memory the runtime counts against its memory limit
// now.
func heapInUse() int64 {
	s := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 || s[1].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return int64(s[0].Value.Uint64() - s[1].Value.Uint64())
}
