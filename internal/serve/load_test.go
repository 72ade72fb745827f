package serve

import (
	"bufio"
	"fmt"
	"github.com/backchat/backchat/internal/testkit/fixtures"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"
)

// loadFactory is the model the load test serves. The integrator can point it
// at the real browser (its factory over a testdata archive) to rerun the
// figures; the keys sent are letters that the fixture echoes.
var loadFactory = fixtureFactory

// TestLoad opens BACKCHAT_LOADTEST_SESSIONS (50) concurrent PTY sessions on
// loopback, each typing one key at a time for BACKCHAT_LOADTEST_DURATION
// (20s) with a short pause between keys, and reports the keystroke-to-screen
// latency (key sent until its echo is read back) and the process's RSS
// growth per session. Server and clients share this process, so the RSS
// figure includes the client side. Run with:
//
//	BACKCHAT_LOADTEST=1 go test -run TestLoad -v ./internal/serve/
func TestLoad(t *testing.T) {
	if os.Getenv("BACKCHAT_LOADTEST") != "1" {
		t.Skip("set BACKCHAT_LOADTEST=1 to run the load test")
	}
	n := fixtures.EnvInt(t, "BACKCHAT_LOADTEST_SESSIONS", 50)
	dur := fixtures.EnvDuration(t, "BACKCHAT_LOADTEST_DURATION", 20*time.Second)
	const pause = 50 * time.Millisecond // ~20 keys/s per session, a fast typist

	ts := startServer(t, func(c *Config) {
		c.MaxSessions = n
		c.NewModel = loadFactory
		c.Debug = false
	})
	runtime.GC()
	rssBase := vmRSSKiB(t)
	goBase := runtime.NumGoroutine()

	terms := make([]*loadTerm, n)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			lt, err := openLoadTerm(ts)
			if err != nil {
				errs <- fmt.Errorf("session %d: %w", i, err)
				return
			}
			terms[i] = lt
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	runtime.GC()
	rssOpen := vmRSSKiB(t)
	goOpen := runtime.NumGoroutine()

	var mu sync.Mutex
	var lat []time.Duration
	var failures []string
	stop := time.Now().Add(dur)
	for i, lt := range terms {
		wg.Go(func() {
			got, err := lt.typeUntil(stop, pause)
			mu.Lock()
			defer mu.Unlock()
			lat = append(lat, got...)
			if err != nil {
				failures = append(failures, fmt.Sprintf("session %d: %v", i, err))
			}
		})
	}
	wg.Wait()
	runtime.GC()
	rssEnd := vmRSSKiB(t)
	for _, lt := range terms {
		_ = lt.client.Close()
	}
	if len(failures) > 0 {
		t.Errorf("%d session(s) failed: %s", len(failures), strings.Join(failures, "; "))
	}
	if len(lat) == 0 {
		t.Fatal("no keystrokes measured")
	}
	slices.Sort(lat)
	pct := func(p float64) time.Duration { return lat[min(len(lat)-1, int(float64(len(lat))*p))] }
	t.Logf("sessions=%d duration=%s keys=%d (%.0f keys/s total)", n, dur, len(lat), float64(len(lat))/dur.Seconds())
	t.Logf("keystroke-to-screen: p50=%s p95=%s p99=%s max=%s",
		pct(0.50).Round(time.Microsecond), pct(0.95).Round(time.Microsecond),
		pct(0.99).Round(time.Microsecond), lat[len(lat)-1].Round(time.Microsecond))
	t.Logf("RSS: base=%d KiB, %d sessions open=%d KiB (+%d KiB/session), after typing=%d KiB (+%d KiB/session)",
		rssBase, n, rssOpen, (rssOpen-rssBase)/int64(n), rssEnd, (rssEnd-rssBase)/int64(n))
	t.Logf("goroutines: base=%d open=%d (+%.1f/session incl. client side)", goBase, goOpen, float64(goOpen-goBase)/float64(n))
}

// loadTerm is one load-test session with an output stream the typing loop
// can wait on without polling.
type loadTerm struct {
	client *gossh.Client
	stdin  interface{ Write([]byte) (int, error) }
	out    *notifyBuffer
}

// openLoadTerm dials, opens an 80x24 PTY session and waits for the title.
func openLoadTerm(ts *testServer) (*loadTerm, error) {
	c, err := ts.dial(gossh.PublicKeys(ts.client))
	if err != nil {
		return nil, err
	}
	sess, err := c.NewSession()
	if err != nil {
		return nil, err
	}
	if err := sess.RequestPty("xterm-256color", 24, 80, nil); err != nil {
		return nil, err
	}
	stdin, err := sess.StdinPipe()
	if err != nil {
		return nil, err
	}
	lt := &loadTerm{client: c, stdin: stdin, out: newNotifyBuffer()}
	sess.Stdout = lt.out
	if err := sess.Shell(); err != nil {
		return nil, err
	}
	if err := lt.out.waitFor(0, fixtureTitle, 10*time.Second); err != nil {
		return nil, err
	}
	return lt, nil
}

// typeUntil sends letters (never q or p, each unlike the one before) until
// stop, timing each from send to echo.
func (lt *loadTerm) typeUntil(stop time.Time, pause time.Duration) ([]time.Duration, error) {
	const letters = "abcdefghijklmnorstuvwxyz"
	var lat []time.Duration
	for i := 0; time.Now().Before(stop); i++ {
		key := string(letters[i%len(letters)])
		mark := lt.out.len()
		sent := time.Now()
		if _, err := lt.stdin.Write([]byte(key)); err != nil {
			return lat, err
		}
		if err := lt.out.waitFor(mark, key, 5*time.Second); err != nil {
			return lat, err
		}
		lat = append(lat, time.Since(sent))
		time.Sleep(pause)
	}
	return lat, nil
}

// notifyBuffer collects output and wakes a waiter on every write.
type notifyBuffer struct {
	mu   sync.Mutex
	b    []byte
	wake chan struct{}
}

func newNotifyBuffer() *notifyBuffer { return &notifyBuffer{wake: make(chan struct{}, 1)} }

func (nb *notifyBuffer) Write(p []byte) (int, error) {
	nb.mu.Lock()
	nb.b = append(nb.b, p...)
	nb.mu.Unlock()
	select {
	case nb.wake <- struct{}{}:
	default:
	}
	return len(p), nil
}

func (nb *notifyBuffer) len() int {
	nb.mu.Lock()
	defer nb.mu.Unlock()
	return len(nb.b)
}

// waitFor waits until the text written after offset from contains want.
func (nb *notifyBuffer) waitFor(from int, want string, timeout time.Duration) error {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		nb.mu.Lock()
		found := strings.Contains(ansi.Strip(string(nb.b[from:])), want)
		nb.mu.Unlock()
		if found {
			return nil
		}
		select {
		case <-nb.wake:
		case <-deadline.C:
			return fmt.Errorf("%q not echoed within %s", want, timeout)
		}
	}
}

// vmRSSKiB reads this process's resident set size from /proc.
func vmRSSKiB(t *testing.T) int64 {
	t.Helper()
	f, err := os.Open("/proc/self/status")
	if err != nil {
		t.Skipf("no /proc/self/status: %v", err)
	}
	defer func() { _ = f.Close() }()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err != nil {
				t.Fatalf("VmRSS %q: %v", rest, err)
			}
			return kb
		}
	}
	t.Fatal("VmRSS not found in /proc/self/status")
	return 0
}
