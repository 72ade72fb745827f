package loader

import (
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/backchat/backchat/internal/anonmem"
)

// arenaRelease gathers the off-heap chunks of one load's arenas, so that
// the caller can give them back at once when it drops the archive
// (Options.Release). Chunks are only ever handed out by the arenas of the
// load's workers; free is only handed to the caller once they are done.
type arenaRelease struct {
	mu     sync.Mutex
	chunks [][]byte
	freed  bool
	// live counts the workers still running with arenas recorded here:
	// free leaves the chunks mapped while any is (a leak, not a fault).
	live atomic.Int32
}

// releaseEarly, when set (tests), is called when free finds workers
// still running.
var releaseEarly func()

// releasable records every chunk (and big string) a maps from now on in r;
// a nil r, or a Go-heap arena (freed by the collector), changes nothing.
func (a *arena) releasable(r *arenaRelease) {
	if r == nil || a.release == nil {
		return
	}
	alloc := a.alloc
	a.alloc = func(n int) []byte {
		b := alloc(n)
		r.mu.Lock()
		r.chunks = append(r.chunks, b)
		r.mu.Unlock()
		return b
	}
}

// free unmaps every chunk recorded (anonmem.Unmap); later calls do nothing.
func (r *arenaRelease) free() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.live.Load() > 0 {
		if releaseEarly != nil {
			releaseEarly()
		}
		return
	}
	if r.freed {
		return
	}
	r.freed = true
	unmapAll(r.chunks)
	r.chunks = nil
}

// unmapParts is how many chunks each goroutine of unmapAll unmaps at
// least: a few small ones are not worth a goroutine.
const unmapParts = 16

// unmapAll unmaps every chunk in cs, on every core when there are many.
// Giving back a page costs the kernel about as much as faulting it in, and
// munmap holds the address space's lock only to detach the mapping, not
// while it frees the pages, so unmapping on two cores takes about half the
// wall time: after a 1 GB load, ~200,000 pages (`ls` ends with this).
func unmapAll(cs [][]byte) {
	parts := max(1, min(runtime.GOMAXPROCS(0), len(cs)/unmapParts))
	var wg sync.WaitGroup
	for k := 1; k < parts; k++ {
		wg.Go(func() {
			for i := k; i < len(cs); i += parts {
				anonmem.Unmap(cs[i])
			}
		})
	}
	for i := 0; i < len(cs); i += parts {
		anonmem.Unmap(cs[i])
	}
	wg.Wait()
}
