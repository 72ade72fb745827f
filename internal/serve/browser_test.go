package serve

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/backchat/backchat/internal/demo"
	"github.com/backchat/backchat/internal/testkit/fixtures"
	"github.com/backchat/backchat/loader"
	"github.com/backchat/backchat/model/search/live"
	"github.com/backchat/backchat/tui"
)

// browserFactory builds sessions the way `backchat serve` does
// (cmd/backchat/serve.go): one archive, one searcher and one Prepared,
// shared by every session's browser. The theme is pinned so no session
// waits for its terminal's background colour.
func browserFactory(t testing.TB) ModelFactory {
	t.Helper()
	dir, cleanup, err := demo.Dir()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cleanup)
	arch, err := loader.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	searcher := live.NewArchive(arch)
	prepared := tui.Prepare(arch)
	return func(info SessionInfo) (tea.Model, error) {
		return tui.New(tui.Options{Archive: arch, Prepared: prepared, Searcher: searcher,
			Width: info.Width, Height: info.Height, Theme: "dark"}), nil
	}
}

// screens records the screen each session's browser drew last, by the
// session's terminal width and height (unique per test session), so a test
// can read what every session shows without a terminal emulator.
type screens struct {
	mu   sync.Mutex
	last map[string]string
}

// recording wraps f so every session's View is recorded in s.
func (s *screens) recording(f ModelFactory) ModelFactory {
	return func(info SessionInfo) (tea.Model, error) {
		m, err := f(info)
		if err != nil {
			return nil, err
		}
		return &recorded{inner: m, s: s, key: fmt.Sprintf("%dx%d", info.Width, info.Height)}, nil
	}
}

// wait polls the screen of the session keyed key until it holds every
// want.
func (s *screens) wait(t *testing.T, key string, timeout time.Duration, want ...string) string {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		s.mu.Lock()
		got := s.last[key]
		s.mu.Unlock()
		missing := ""
		for _, w := range want {
			if !strings.Contains(got, w) {
				missing = w
				break
			}
		}
		if missing == "" {
			return got
		}
		if time.Now().After(deadline) {
			t.Errorf("session %s: %q not on screen within %s; screen:\n%s", key, missing, timeout, got)
			return got
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// recorded is a session's model with its View recorded.
type recorded struct {
	inner tea.Model
	s     *screens
	key   string
}

func (r *recorded) Init() tea.Cmd { return r.inner.Init() }

func (r *recorded) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	m, cmd := r.inner.Update(msg)
	r.inner = m
	return r, cmd
}

func (r *recorded) View() tea.View {
	v := r.inner.View()
	r.s.mu.Lock()
	if r.s.last == nil {
		r.s.last = map[string]string{}
	}
	r.s.last[r.key] = ansi.Strip(v.Content)
	r.s.mu.Unlock()
	return v
}

// Close lets the server stop the browser's background work.
func (r *recorded) Close() {
	if c, ok := r.inner.(interface{ Close() }); ok {
		c.Close()
	}
}

// TestConcurrentBrowserSessionsDoNotInterfere runs the real browser in
// eight concurrent sessions of one server over one shared archive,
// searcher, Prepared and render pool. Each filters for a different
// conversation, opens it and scrolls; every session must end up showing its
// own query, its own match and conversation, and nothing another session
// typed. Under -race it also checks that what the sessions share is safe
// for concurrent use.
func TestConcurrentBrowserSessionsDoNotInterfere(t *testing.T) {
	cases := []struct{ query, title string }{
		{"carbonara", "Weeknight carbonara"},
		{"errgroup", "Go worker pool with errgroup"},
		{"Lisbon", "Lisbon in 4 days"},
		{"revenue", "Monthly revenue analysis"},
		{"Monstera", "Monstera with yellow leaves"},
		{"WireGuard", "WireGuard handshake but no traffic"},
		{"CrashLoopBackOff", "Pod stuck in CrashLoopBackOff"},
		{"printing", "How the printing press changed Europe"},
	}
	var sc screens
	factory := browserFactory(t)
	ts := startServer(t, func(c *Config) {
		c.MaxSessions = len(cases)
		c.NewModel = sc.recording(factory)
		c.Debug = false
	})
	var wg sync.WaitGroup
	for i, tc := range cases {
		// Two widths, so that sessions share renders at one width and
		// not across them; a distinct height names each session.
		w, h := 80, 24+i
		if i%2 == 1 {
			w = 120
		}
		key := fmt.Sprintf("%dx%d", w, h)
		c := ts.mustDial(t)
		tm := openTerm(t, c, "xterm-256color", w, h)
		wg.Go(func() {
			sc.wait(t, key, 10*time.Second, "Conversations", "Weeknight carbonara")
			tm.press(t, "/"+tc.query)
			sc.wait(t, key, 10*time.Second, "/ "+tc.query, " 1 of 31 conversations match")
			mark := len(tm.screen.String())
			tm.press(t, "\r")
			sc.wait(t, key, 10*time.Second, "n next hit", tc.title)
			tm.press(t, "jjjj")
			// The SSH side saw the browser too: the viewer's help bar
			// reached this session's terminal.
			deadline := time.Now().Add(10 * time.Second)
			for !strings.Contains(ansi.Strip(tm.screen.String()[mark:]), "next hit") {
				if time.Now().After(deadline) {
					t.Errorf("session %s: the viewer never reached the terminal", key)
					break
				}
				time.Sleep(10 * time.Millisecond)
			}
		})
	}
	wg.Wait()
	// Let the last renders land, then read every screen at once.
	time.Sleep(200 * time.Millisecond)
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if len(sc.last) != len(cases) {
		t.Fatalf("%d sessions drew, want %d", len(sc.last), len(cases))
	}
	for i, tc := range cases {
		w, h := 80, 24+i
		if i%2 == 1 {
			w = 120
		}
		got := sc.last[fmt.Sprintf("%dx%d", w, h)]
		if !strings.Contains(got, "/ "+tc.query) || !strings.Contains(got, tc.title) {
			t.Errorf("session %d (%dx%d) does not show its query %q and %q:\n%s", i, w, h, tc.query, tc.title, got)
		}
		if lines := strings.Split(got, "\n"); len(lines) != h {
			t.Errorf("session %d draws %d lines, want its own height %d", i, len(lines), h)
		}
		for j, other := range cases {
			if j != i && strings.Contains(got, "/ "+other.query) {
				t.Errorf("session %d shows session %d's query %q:\n%s", i, j, other.query, got)
			}
		}
	}
}

// TestBrowserSessionHeap measures the live heap each real browser session
// costs over a big archive: BACKCHAT_LOADTEST_ARCHIVE (an export) is loaded
// and prepared once, then BACKCHAT_LOADTEST_SESSIONS (50) sessions each
// filter, open a match and scroll. It logs the live heap (after a GC)
// before and with the sessions open, and writes a heap profile to
// BACKCHAT_LOADTEST_HEAPPROFILE when set (and, with the sessions just
// opened, to that name plus .open), and a CPU profile of the sessions'
// work to BACKCHAT_LOADTEST_CPUPROFILE. Run with:
//
//	BACKCHAT_LOADTEST_ARCHIVE=conv250.json go test -run TestBrowserSessionHeap -v ./internal/serve/
func TestBrowserSessionHeap(t *testing.T) {
	path := os.Getenv("BACKCHAT_LOADTEST_ARCHIVE")
	if path == "" {
		t.Skip("set BACKCHAT_LOADTEST_ARCHIVE to an export to run")
	}
	n := fixtures.EnvInt(t, "BACKCHAT_LOADTEST_SESSIONS", 50)
	arch, err := loader.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	searcher := live.NewArchive(arch)
	prepared := tui.Prepare(arch)
	ts := startServer(t, func(c *Config) {
		c.MaxSessions = n
		c.Debug = false
		c.NewModel = func(info SessionInfo) (tea.Model, error) {
			return tui.New(tui.Options{Archive: arch, Prepared: prepared, Searcher: searcher,
				Width: info.Width, Height: info.Height, Theme: "dark"}), nil
		}
	})
	heap := func() uint64 {
		runtime.GC()
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	base := heap()
	words := []string{"python", "kyoto", "budget", "recipe", "linux", "marketing", "workout", "pasta"}
	terms := make([]*term, n)
	for i := range n {
		w, h := 80, 24
		if i%2 == 1 {
			w, h = 120, 40
		}
		terms[i] = openTerm(t, ts.mustDial(t), "xterm-256color", w, h)
	}
	time.Sleep(2 * time.Second)
	opened := heap()
	writeHeapProfile(t, os.Getenv("BACKCHAT_LOADTEST_HEAPPROFILE"), ".open")
	if p := os.Getenv("BACKCHAT_LOADTEST_CPUPROFILE"); p != "" {
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			t.Fatal(err)
		}
		defer func() { pprof.StopCPUProfile(); _ = f.Close() }()
	}
	for i, tm := range terms {
		tm.press(t, "/"+words[i%len(words)])
	}
	time.Sleep(3 * time.Second)
	for _, tm := range terms {
		tm.press(t, "\r")
	}
	time.Sleep(3 * time.Second)
	for _, tm := range terms {
		tm.press(t, "jjjj\x04hjjjl")
	}
	time.Sleep(3 * time.Second)
	used := heap()
	t.Logf("live heap: base %.1f MB, %d sessions open %.1f MB (+%.0f KB/session), after filter/open/scroll %.1f MB (+%.0f KB/session)",
		mb(base), n, mb(opened), float64(opened-base)/1024/float64(n), mb(used), float64(used-base)/1024/float64(n))
	writeHeapProfile(t, os.Getenv("BACKCHAT_LOADTEST_HEAPPROFILE"), "")
	for _, tm := range terms {
		if !strings.Contains(ansi.Strip(tm.screen.String()), "conversations match") {
			t.Errorf("a session never showed its filter's matches")
		}
	}
}

// writeHeapProfile writes a heap profile to path+suffix when path is set.
func writeHeapProfile(t *testing.T, path, suffix string) {
	t.Helper()
	if path == "" {
		return
	}
	f, err := os.Create(path + suffix)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	if err := pprof.WriteHeapProfile(f); err != nil {
		t.Fatal(err)
	}
}

func mb(b uint64) float64 { return float64(b) / (1 << 20) }
