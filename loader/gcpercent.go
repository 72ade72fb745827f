package loader

import (
	"runtime/debug"
	"sync"
)

// loadGCPercent is the GC target used while a big load runs. Almost all of
// the Go heap a load allocates is the model itself (live until the archive
// is dropped), so the collections the default target (100) triggers on the
// way up mostly re-mark live memory: on the 1 GB benchmark export the last
// two of nine cycles cost ~0.2 CPU-s for ~20 MB more peak RSS at 300.
const loadGCPercent = 300

// relaxMin is the smallest load that raises the GC target. Below it (a
// 250 MB export: its whole Go heap is ~30 MB, a collection marks it in
// ~10 ms) the default target costs no measurable CPU, and at 300 the
// garbage of the load's last seconds stayed in the peak RSS, which comes
// at the end of the load: `ls` of a 250 MB export of long conversations
// peaked ~1.7 MB higher (NOTES.md, "Performance"). A variable for tests.
var relaxMin int64 = halfLoad

var gcState struct {
	mu      sync.Mutex
	loads   int  // big loads running
	changed bool // the percentage was raised and must be restored
	prev    int
}

// relaxGC raises the GC percentage to loadGCPercent while big loads run and
// returns the function that ends this load's claim. The setting is
// process-global: it is raised only from a finite value below
// loadGCPercent (GOGC=off or a higher GOGC are left alone), held while any
// big load runs, and restored to the previous value when the last one ends
// (a change made by someone else meanwhile is overwritten then).
func relaxGC() (restore func()) {
	gcState.mu.Lock()
	defer gcState.mu.Unlock()
	if gcState.loads == 0 {
		prev := debug.SetGCPercent(loadGCPercent)
		if prev < 0 || prev >= loadGCPercent {
			debug.SetGCPercent(prev)
			gcState.changed = false
		} else {
			gcState.changed, gcState.prev = true, prev
		}
	}
	gcState.loads++
	var once sync.Once
	return func() {
		once.Do(func() {
			gcState.mu.Lock()
			defer gcState.mu.Unlock()
			gcState.loads--
			if gcState.loads == 0 && gcState.changed {
				debug.SetGCPercent(gcState.prev)
				gcState.changed = false
			}
		})
	}
}
