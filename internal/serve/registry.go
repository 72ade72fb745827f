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
	conn      *connState   // the connection it runs on; nil in unit tests
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

// registry counts slots against the limit and lets shutdown reach every
// session. A slot is held by each admitted connection (from authentication
// until it closes, with or without a session) and by each session beyond a
// connection's first; a session whose connection has gone, or that has
// none, holds one of its own. Safe for concurrent use.
type registry struct {
	max int
	// connIdle closes an admitted connection after this long without a
	// session (<= 0: never); connGrace closes a connection that was not
	// admitted and has opened no session after this long.
	connIdle, connGrace time.Duration
	onIdle              func(c *connState, admitted bool)

	mu       sync.Mutex
	nextID   uint64
	draining bool
	sessions map[*sessionState]struct{}
	conns    map[*connState]struct{} // admitted, open connections
	changed  chan struct{}           // closed and replaced whenever a session leaves
}

// newRegistry returns a registry admitting at most max slots. onIdle, if
// set, is called (from a timer goroutine) for a connection whose idle or
// grace time ran out while it had no session.
func newRegistry(max int, connIdle, connGrace time.Duration, onIdle func(*connState, bool)) *registry {
	return &registry{max: max, connIdle: connIdle, connGrace: connGrace, onIdle: onIdle,
		sessions: map[*sessionState]struct{}{}, conns: map[*connState]struct{}{}, changed: make(chan struct{})}
}

// used returns the number of slots held. Called with r.mu held.
func (r *registry) used() int {
	n := 0
	for c := range r.conns {
		n += max(1, c.live)
	}
	for st := range r.sessions {
		if st.conn == nil || st.conn.closed {
			n++
		}
	}
	return n
}

// admitConn gives a freshly authenticated connection a slot if one is free
// and reports whether it did. Either way the connection is closed if it
// has opened no session by the end of its idle (admitted) or grace (not
// admitted) time.
func (r *registry) admitConn(c *connState) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if c.closed || c.admitted {
		return c.admitted
	}
	if !r.draining && r.used() < r.max {
		c.admitted = true
		r.conns[c] = struct{}{}
		r.armLocked(c, r.connIdle)
	} else {
		r.armLocked(c, r.connGrace)
	}
	return c.admitted
}

// armLocked (re)starts c's no-session timer; d <= 0 stops it. Called with
// r.mu held.
func (r *registry) armLocked(c *connState, d time.Duration) {
	if c.timer != nil {
		c.timer.Stop()
		c.timer = nil
	}
	if d <= 0 || r.onIdle == nil {
		return
	}
	c.timer = time.AfterFunc(d, func() {
		r.mu.Lock()
		fire := !c.closed && c.live == 0
		admitted := c.admitted
		r.mu.Unlock()
		if fire {
			r.onIdle(c, admitted)
		}
	})
}

// closeConn forgets a connection that has gone; its sessions, if any are
// still finishing, each hold a slot until they are removed.
func (r *registry) closeConn(c *connState) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c.closed = true
	if c.timer != nil {
		c.timer.Stop()
		c.timer = nil
	}
	delete(r.conns, c)
}

// add admits a new session on connection c (nil when unknown), or says why
// not (errBusy, errDraining). A connection's first session uses the
// connection's slot; otherwise a free slot is needed. It returns the number
// of live sessions including the new one.
func (r *registry) add(c *connState) (*sessionState, int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.draining {
		return nil, len(r.sessions), errDraining
	}
	ownSlot := c != nil && c.admitted && !c.closed && c.live == 0
	if !ownSlot && r.used() >= r.max {
		return nil, len(r.sessions), errBusy
	}
	if c != nil && !c.closed {
		if !c.admitted {
			c.admitted = true
			r.conns[c] = struct{}{}
		}
		c.live++
		r.armLocked(c, 0)
	}
	r.nextID++
	st := &sessionState{id: r.nextID, conn: c, done: make(chan struct{})}
	st.touch()
	r.sessions[st] = struct{}{}
	return st, len(r.sessions), nil
}

// remove forgets a finished session and wakes anyone waiting in wait. A
// connection left without a session starts its idle clock.
func (r *registry) remove(st *sessionState) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.sessions, st)
	if c := st.conn; c != nil && c.live > 0 {
		c.live--
		if c.live == 0 && !c.closed {
			r.armLocked(c, r.connIdle)
		}
	}
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
