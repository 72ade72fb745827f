package e2e

import (
	"errors"
	"fmt"
	"github.com/backchat/backchat/internal/testkit/fixtures"
	"io"
	mrand "math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"

	"github.com/backchat/backchat/internal/testkit/gen"
)

// TestServeLoad is issue 5's load test against the real binary and the real
// browser: `backchat serve` over a generated ~50 MB export, with
// BACKCHAT_LOADTEST_SESSIONS (50) concurrent 80x24 PTY sessions on loopback,
// each browsing (j/k, enter, ctrl+d, h) and filtering ("/", a word letter by
// letter, esc) for BACKCHAT_LOADTEST_DURATION (20s). It reports the
// keystroke-to-screen latency of every typed filter letter, the server's RSS
// before sessions, with all of them open and at the end, and the RSS growth
// per session. Timing never fails the test; a session or the server dying
// does. Run with:
//
//	BACKCHAT_LOADTEST=1 go test -run TestServeLoad -v -timeout 20m ./e2e/
//
// BACKCHAT_LOADTEST_MB sets the export size (default 50).
//
// NOTE: the renderer sends only the cells that changed, so the typed filter
// text never reappears whole in the stream. A letter counts as on screen when
// the output written after it was sent contains it; before each letter the
// session waits for the output to go quiet, so a late frame of the previous
// search is not mistaken for the echo.
func TestServeLoad(t *testing.T) {
	if os.Getenv("BACKCHAT_LOADTEST") != "1" {
		t.Skip("set BACKCHAT_LOADTEST=1 to run the load test")
	}
	n := fixtures.EnvInt(t, "BACKCHAT_LOADTEST_SESSIONS", 50)
	dur := fixtures.EnvDuration(t, "BACKCHAT_LOADTEST_DURATION", 20*time.Second)
	mb := fixtures.EnvInt(t, "BACKCHAT_LOADTEST_MB", 50)
	bin := binary(t)
	dir := t.TempDir()

	archive := filepath.Join(dir, "conversations.json")
	start := time.Now()
	st := writeArchive(t, archive, gen.Config{Seed: 1, TargetBytes: int64(mb) << 20})
	t.Logf("archive: %d conversations, %d messages, %.1f MB (generated in %s)",
		st.Conversations, st.Messages, float64(st.Bytes)/(1<<20), time.Since(start).Round(time.Millisecond))
	signer, authKeys := clientKey(t, dir)

	srv := startServe(t, bin, dir, archive, authKeys, n)
	hostKey := readHostKey(t, filepath.Join(dir, "host_key"))
	cfg := &gossh.ClientConfig{
		User:            "load",
		Auth:            []gossh.AuthMethod{gossh.PublicKeys(signer)},
		HostKeyCallback: gossh.FixedHostKey(hostKey),
		Timeout:         30 * time.Second,
	}
	rssBefore := srv.rss(t)
	cpuBefore := srv.cpu(t)
	liveBefore := srv.liveMB.Load()
	srv.resetLive()

	// Open every session at once: the connect cost (model construction per
	// session) is part of what is measured.
	terms := make([]*loadSession, n)
	connect := make([]time.Duration, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			t0 := time.Now()
			terms[i], errs[i] = openLoadSession(srv.addr, cfg)
			connect[i] = time.Since(t0)
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("session %d: open: %v", i, err)
		}
	}
	t.Cleanup(func() {
		for _, s := range terms {
			if s != nil {
				_ = s.client.Close()
			}
		}
	})
	if t.Failed() {
		t.Fatalf("server log:\n%s", srv.log())
	}
	cpuOpen := srv.cpu(t)
	rssOpen := srv.rss(t)

	// Sample RSS while the sessions work, for the maximum.
	var rssMax atomic.Int64
	rssMax.Store(max(rssOpen, rssBefore))
	sampleStop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-sampleStop:
				return
			case <-tick.C:
				if v, err := procRSS(srv.cmd.Process.Pid); err == nil && v > rssMax.Load() {
					rssMax.Store(v)
				}
			}
		}
	}()

	stop := time.Now().Add(dur)
	stats := make([]sessionStats, n)
	for i, s := range terms {
		wg.Go(func() { stats[i] = s.drive(stop, uint64(i)) })
	}
	wg.Wait()
	close(sampleStop)
	<-sampled
	rssEnd := srv.rss(t)
	rssMax.Store(max(rssMax.Load(), rssEnd))
	cpuEnd := srv.cpu(t)

	// Quit every session with q; each must end by itself.
	quitErrs := make([]error, n)
	for i, s := range terms {
		wg.Go(func() { quitErrs[i] = s.quit(10 * time.Second) })
	}
	wg.Wait()
	for i, err := range quitErrs {
		if err != nil {
			t.Errorf("session %d: quit: %v", i, err)
		}
	}

	var lat []time.Duration
	var keys, timeouts, escLost int
	var samples []string
	var failures []string
	for i, s := range stats {
		lat = append(lat, s.lat...)
		keys += s.keys
		timeouts += s.timeouts
		escLost += s.escLost
		if s.sample != "" && len(samples) < 3 {
			samples = append(samples, fmt.Sprintf("session %d: %s", i, s.sample))
		}
		if s.err != nil {
			failures = append(failures, fmt.Sprintf("session %d: %v", i, s.err))
		}
	}
	slices.Sort(lat)
	slices.Sort(connect)
	load := loadAverage()

	t.Logf("load average at the end: %s (2 cores, shared)", load)
	t.Logf("%-38s %s", "sessions / duration", fmt.Sprintf("%d / %s", n, dur))
	t.Logf("%-38s %d (%.0f/s); filter letters timed: %d; letters not seen within 10s: %d",
		"keys sent", keys, float64(keys)/dur.Seconds(), len(lat), timeouts)
	if escLost > 0 {
		t.Logf("%-38s %d", "esc without the list title back in 10s", escLost)
	}
	for _, s := range samples {
		t.Logf("slow letter: %s", s)
	}
	t.Logf("%-38s p50 %s  p95 %s  p99 %s  max %s", "keystroke-to-screen (filter letters)",
		pct(lat, 0.50), pct(lat, 0.95), pct(lat, 0.99), pct(lat, 1))
	t.Logf("%-38s p50 %s  max %s", "connect (dial to first screen)", pct(connect, 0.50), pct(connect, 1))
	t.Logf("%-38s %.2f s (%.0f ms/session)", "server CPU opening sessions",
		cpuOpen-cpuBefore, (cpuOpen-cpuBefore)*1000/float64(n))
	t.Logf("%-38s %.2f s", "server CPU while driving", cpuEnd-cpuOpen)
	t.Logf("%-38s before %s  open %s  max %s  end %s", "server RSS", mib(rssBefore), mib(rssOpen), mib(rssMax.Load()), mib(rssEnd))
	t.Logf("%-38s %s (target ≤ 10 MiB; after open only: %s)", "RSS growth per session (max−before)/n",
		mib((rssMax.Load()-rssBefore)/int64(n)), mib((rssOpen-rssBefore)/int64(n)))
	liveMax := srv.liveMaxMB.Load()
	t.Logf("%-38s before %d MB  max %d MB  → %.1f MB/session (the rest of the RSS is GC headroom)",
		"live heap after GC (gctrace)", liveBefore, liveMax, float64(liveMax-liveBefore)/float64(n))
	if len(failures) > 0 {
		t.Errorf("%d session(s) failed:\n%s", len(failures), strings.Join(failures, "\n"))
	}
	if len(lat) == 0 {
		t.Error("no filter letter was timed")
	}

	// The server must have survived all of it, then stop on SIGTERM.
	if srv.exited() {
		t.Fatalf("server exited during the test; log:\n%s", srv.log())
	}
	if err := srv.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatalf("SIGTERM: %v", err)
	}
	select {
	case <-srv.done:
		if srv.waitErr != nil {
			t.Errorf("server exit after SIGTERM: %v; log tail:\n%s", srv.waitErr, tail(srv.log(), 20))
		}
	case <-time.After(5 * time.Second):
		_ = srv.cmd.Process.Kill()
		<-srv.done
		t.Errorf("server did not exit within 5s of SIGTERM; log tail:\n%s", tail(srv.log(), 20))
	}
}

// filterWords are typed into the filter: common words, a rare one and a
// needle the generator puts in exactly one conversation.
var filterWords = []string{"kubernetes", "garlic", "needle000123zq", "python", "budget", "recipe", "error"}

// sessionStats is what one session's drive loop measured.
type sessionStats struct {
	lat      []time.Duration // per typed filter letter
	keys     int             // every key sent
	timeouts int             // filter letters not seen in time
	escLost  int             // esc presses after which the list title did not return in time
	sample   string          // what the first timeout looked like
	err      error           // the session broke (write failed, channel closed)
}

// loadSession is one SSH client with one browser session.
type loadSession struct {
	client *gossh.Client
	sess   *gossh.Session
	stdin  io.Writer
	out    *screenStream
	ended  chan struct{} // closed when the session's channel closes
}

// openLoadSession dials, opens an 80x24 xterm-256color PTY running the
// browser and waits for its first screen.
func openLoadSession(addr string, cfg *gossh.ClientConfig) (*loadSession, error) {
	c, err := gossh.Dial("tcp", addr, cfg)
	if err != nil {
		return nil, err
	}
	sess, err := c.NewSession()
	if err != nil {
		_ = c.Close()
		return nil, err
	}
	s := &loadSession{client: c, sess: sess, out: newScreenStream(), ended: make(chan struct{})}
	fail := func(err error) (*loadSession, error) { _ = c.Close(); return nil, err }
	if err := sess.RequestPty("xterm-256color", 24, 80, gossh.TerminalModes{gossh.ECHO: 0}); err != nil {
		return fail(fmt.Errorf("pty: %w", err))
	}
	if s.stdin, err = sess.StdinPipe(); err != nil {
		return fail(err)
	}
	sess.Stdout = s.out
	sess.Stderr = s.out
	if err := sess.Shell(); err != nil {
		return fail(fmt.Errorf("shell: %w", err))
	}
	go func() { _ = sess.Wait(); close(s.ended) }()
	if _, err := s.out.waitFor(0, "Conversations", 60*time.Second, s.ended); err != nil {
		return fail(fmt.Errorf("first screen: %w; got %q", err, tail(ansi.Strip(s.out.text()), 5)))
	}
	return s, nil
}

// drive browses and filters until stop. Every wait is bounded, so the loop
// ends by itself.
func (s *loadSession) drive(stop time.Time, seed uint64) (st sessionStats) {
	rng := mrand.New(mrand.NewPCG(seed, 5))
	send := func(k string) bool {
		if _, err := io.WriteString(s.stdin, k); err != nil {
			st.err = fmt.Errorf("write %q: %w", k, err)
			return false
		}
		st.keys++
		return true
	}
	// settle waits until output has been quiet a moment (bounded).
	settle := func() { s.out.quiet(80*time.Millisecond, 2*time.Second) }
	for round := 0; time.Now().Before(stop); round++ {
		if s.dead() {
			st.err = errors.New("session closed by the server")
			return st
		}
		// Browse: move, open, page down, back.
		for _, k := range []string{strings.Repeat("j", 1+rng.IntN(4)), "k", "\r", "\x04", "h"} {
			for _, c := range k {
				if !send(string(c)) {
					return st
				}
				settle()
			}
		}
		// Filter: "/" and a word letter by letter, timing each letter.
		if !send("/") {
			return st
		}
		settle()
		word := filterWords[(int(seed)+round)%len(filterWords)]
		for _, c := range word {
			if time.Now().After(stop) {
				break
			}
			mark := s.out.len()
			t0 := time.Now()
			if !send(string(c)) {
				return st
			}
			if _, err := s.out.waitFor(mark, string(c), 10*time.Second, s.ended); err != nil {
				if s.dead() {
					st.err = errors.New("session closed by the server while filtering")
					return st
				}
				st.timeouts++
				if st.sample == "" {
					st.sample = fmt.Sprintf("letter %q of %q not seen; output since: %q", c, word,
						s.out.strippedFrom(mark, 300))
				}
			} else {
				st.lat = append(st.lat, time.Since(t0))
			}
			settle()
		}
		// esc clears the filter. A lone ESC is only a key once nothing
		// follows it (else the next key reads as alt+key), so wait for the
		// list title to come back before going on.
		mark := s.out.len()
		if !send("\x1b") {
			return st
		}
		if _, err := s.out.waitFor(mark, "Conversations", 10*time.Second, s.ended); err != nil {
			if s.dead() {
				st.err = errors.New("session closed by the server after esc")
				return st
			}
			st.escLost++
		}
		settle()
	}
	return st
}

func (s *loadSession) dead() bool {
	select {
	case <-s.ended:
		return true
	default:
		return false
	}
}

// quit presses q and waits for the session to
// end by itself.
func (s *loadSession) quit(timeout time.Duration) error {
	if s.dead() {
		return errors.New("already closed by the server")
	}
	// The drive loop left no filter open; esc here would only risk an
	// alt+q. Wait a moment so q is not glued to an earlier key.
	s.out.quiet(200*time.Millisecond, 2*time.Second)
	if _, err := io.WriteString(s.stdin, "q"); err != nil {
		return err
	}
	select {
	case <-s.ended:
		return nil
	case <-time.After(timeout):
		return fmt.Errorf("still open %s after q", timeout)
	}
}
