package tui

import (
	"context"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/backchat/backchat/model"
)

// LoadFunc loads an archive. It must call onConv for each conversation as it
// is decoded (never concurrently) and progress with bytes done and total, and
// return the final archive (newest first, with warnings) or an error. It runs
// on its own goroutine and must stop when ctx is cancelled. A loader.OpenContext
// call with Options{OnConversation: onConv, Progress: progress} fits exactly.
type LoadFunc func(ctx context.Context, onConv func(*model.Conversation), progress func(done, total int64)) (*model.Archive, error)

// batchEvery is how long conversations are coalesced before the list
// updates, so a fast loader does not flood the event loop.
const batchEvery = 50 * time.Millisecond

// batchPeriod is how long the next batch coalesces once n conversations
// have arrived: batchEvery at first (the first screen fills at once), then
// longer as the list grows, up to maxBatchPeriod, since each batch rebuilds
// the list's rows and redraws the screen (O(n)) on the event loop: on a 1 GB
// export of 60,000 conversations, batches every 250 ms still cost the event
// loop ~1.5 CPU-s of the load, CPU the loader needs (two cores).
func batchPeriod(n int64) time.Duration {
	return min(batchEvery*time.Duration(1+n/5000), maxBatchPeriod)
}

// maxBatchPeriod bounds how long a batch coalesces.
const maxBatchPeriod = 20 * batchEvery

// viewerEvery is how often at most a batch moves the viewer to the
// conversation now selected while a load runs: newer conversations keep
// arriving at the top of the list, and showing each (rendering all its
// messages in the background) cost a 1 GB load ~0.9 CPU-s. The user's own
// moves, and the end of the load, show the selection at once.
const viewerEvery = time.Second

// loadStream connects a running LoadFunc to the event loop. Safe for
// concurrent use: the loader goroutine writes, a command reads.
type loadStream struct {
	convs  chan *model.Conversation
	result chan loadResult
	done   atomic.Int64
	total  atomic.Int64
	sent   atomic.Int64 // conversations handed to convs so far
	// synced is when a batch last moved the viewer (event loop only).
	synced time.Time
}

// follow returns sync() (the viewer moved to the selection) when a batch
// should move the viewer now, else nil (see viewerEvery): at the end of the
// load, when the viewer shows nothing, or viewerEvery after it last did.
// Event loop only; a nil stream always follows.
func (s *loadStream) follow(finished, showing bool, now time.Time, sync func() tea.Cmd) tea.Cmd {
	if s == nil || finished || !showing || now.Sub(s.synced) >= viewerEvery {
		if s != nil {
			s.synced = now
		}
		return sync()
	}
	return nil
}

type loadResult struct {
	archive *model.Archive
	err     error
}

func newLoadStream() *loadStream {
	return &loadStream{convs: make(chan *model.Conversation, 4096), result: make(chan loadResult, 1)}
}

// startLoadCmd starts load on its own goroutine and returns the first batch.
func startLoadCmd(ctx context.Context, s *loadStream, load LoadFunc) tea.Cmd {
	return func() tea.Msg {
		go func() {
			onConv := func(c *model.Conversation) {
				select {
				case s.convs <- c:
					s.sent.Add(1)
				case <-ctx.Done():
				}
			}
			progress := func(done, total int64) {
				s.done.Store(done)
				s.total.Store(total)
			}
			var a *model.Archive
			var err error
			func() {
				defer func() {
					if r := recover(); r != nil {
						err = &panicError{r}
					}
				}()
				a, err = load(ctx, onConv, progress)
			}()
			s.result <- loadResult{a, err}
			close(s.convs)
		}()
		return waitBatchCmd(s)()
	}
}

// waitBatchCmd returns the conversations that arrive within one batch period
// (at least one tick, so progress shows even before the first conversation).
func waitBatchCmd(s *loadStream) tea.Cmd {
	return func() tea.Msg {
		var msg loadBatchMsg
		deadline := time.NewTimer(batchPeriod(s.sent.Load()))
		defer deadline.Stop()
	loop:
		for {
			select {
			case c, ok := <-s.convs:
				if !ok {
					r := <-s.result
					msg.finished, msg.archive, msg.err = true, r.archive, r.err
					break loop
				}
				if c != nil {
					msg.convs = append(msg.convs, c)
				}
			case <-deadline.C:
				break loop
			}
		}
		msg.done, msg.total = s.done.Load(), s.total.Load()
		return msg
	}
}

type panicError struct{ v any }

// Error implements error.
func (p *panicError) Error() string { return "loader panicked: " + stringOf(p.v) }

func stringOf(v any) string {
	if e, ok := v.(error); ok {
		return e.Error()
	}
	if s, ok := v.(string); ok {
		return s
	}
	return "unknown panic"
}
