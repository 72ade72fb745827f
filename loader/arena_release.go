package loader

import (
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
	for _, b := range r.chunks {
		anonmem.Unmap(b)
	}
	r.chunks = nil
}
