package serve

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"
)

// endReason says why a session's program stopped, when it was not the user
// quitting or disconnecting. The first reason recorded wins.
type endReason int

const (
	reasonNone     endReason = iota // the user quit or went away
	reasonShutdown                  // the server is draining
	reasonIdle                      // no input for IdleTimeout
	reasonPanic                     // the model panicked
	reasonFactory                   // the model could not be built
)

// String names the reason for logs.
func (r endReason) String() string {
	switch r {
	case reasonShutdown:
		return "shutdown"
	case reasonIdle:
		return "idle"
	case reasonPanic:
		return "panic"
	case reasonFactory:
		return "model error"
	default:
		return "client"
	}
}

var (
	errBusy     = errors.New("session limit reached")
	errDraining = errors.New("server shutting down")
)

// sessionState is the server's handle on one live browser session: enough
// to stop its program from another goroutine (drain, idle watchdog, panic
// guard) and to know why it ended. Safe for concurrent use.
type sessionState struct {
	id        uint64
	lastInput atomic.Int64 // unix nanoseconds of the last byte read
	done      chan struct{}

	mu      sync.Mutex
	program *tea.Program
	reason  endReason
	closer  func() // the model's Close, run once the session has ended
}

// touch records input activity for the idle watchdog.
func (st *sessionState) touch() { st.lastInput.Store(time.Now().UnixNano()) }

// idleFor returns how long the session has gone without input.
func (st *sessionState) idleFor() time.Duration {
	return time.Since(time.Unix(0, st.lastInput.Load()))
}

// stop records why the session must end and asks its program to quit. It
// never blocks: Program.Quit waits for the event loop, which may be busy.
func (st *sessionState) stop(r endReason) {
	st.mu.Lock()
	if st.reason == reasonNone {
		st.reason = r
	}
	p := st.program
	st.mu.Unlock()
	if p != nil {
		go p.Quit()
	}
}

// setProgram attaches the session's program unless the session was already
// stopped, in which case the program must not be run.
func (st *sessionState) setProgram(p *tea.Program) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.reason != reasonNone {
		return false
	}
	st.program = p
	return true
}

// endReason returns why the session ended.
func (st *sessionState) endReason() endReason {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.reason
}

// registry counts live sessions against the limit and lets shutdown reach
// every one of them. Safe for concurrent use.
type registry struct {
	max int

	mu       sync.Mutex
	nextID   uint64
	draining bool
	sessions map[*sessionState]struct{}
	changed  chan struct{} // closed and replaced whenever a session leaves
}

// newRegistry returns a registry admitting at most max sessions.
func newRegistry(max int) *registry {
	return &registry{max: max, sessions: map[*sessionState]struct{}{}, changed: make(chan struct{})}
}

// add admits a new session, or says why not (errBusy, errDraining). It
// returns the number of live sessions including the new one.
func (r *registry) add() (*sessionState, int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.draining {
		return nil, len(r.sessions), errDraining
	}
	if len(r.sessions) >= r.max {
		return nil, len(r.sessions), errBusy
	}
	r.nextID++
	st := &sessionState{id: r.nextID, done: make(chan struct{})}
	st.touch()
	r.sessions[st] = struct{}{}
	return st, len(r.sessions), nil
}

// remove forgets a finished session and wakes anyone waiting in wait.
func (r *registry) remove(st *sessionState) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.sessions, st)
	close(r.changed)
	r.changed = make(chan struct{})
}

// count returns the number of live sessions.
func (r *registry) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.sessions)
}

// drain refuses new sessions from now on and stops every live one with
// reason. It returns how many it stopped.
func (r *registry) drain(reason endReason) int {
	r.mu.Lock()
	r.draining = true
	live := make([]*sessionState, 0, len(r.sessions))
	for st := range r.sessions {
		live = append(live, st)
	}
	r.mu.Unlock()
	for _, st := range live {
		st.stop(reason)
	}
	return len(live)
}

// wait blocks until no session is live (true) or ctx ends (false).
func (r *registry) wait(ctx context.Context) bool {
	for {
		r.mu.Lock()
		n, ch := len(r.sessions), r.changed
		r.mu.Unlock()
		if n == 0 {
			return true
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return false
		}
	}
}
