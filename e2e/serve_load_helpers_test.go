package e2e

// Helpers of TestServeLoad: the server process, the session output stream,
// keys, /proc readings and figures.

import (
	"bufio"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"

	"github.com/backchat/backchat/internal/testkit/gen"
)

// screenStream collects a session's output and wakes waiters on writes.
type screenStream struct {
	mu   sync.Mutex
	b    []byte
	last time.Time
	wake chan struct{}
}

func newScreenStream() *screenStream {
	return &screenStream{wake: make(chan struct{}, 1)}
}

// Write implements io.Writer.
func (ss *screenStream) Write(p []byte) (int, error) {
	ss.mu.Lock()
	ss.b = append(ss.b, p...)
	ss.last = time.Now()
	ss.mu.Unlock()
	select {
	case ss.wake <- struct{}{}:
	default:
	}
	return len(p), nil
}

func (ss *screenStream) len() int {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	return len(ss.b)
}

func (ss *screenStream) text() string {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	return string(ss.b)
}

// waitFor waits until the output written after offset from contains want
// once escape sequences are stripped; it gives up at timeout or when ended
// closes.
func (ss *screenStream) waitFor(from int, want string, timeout time.Duration, ended <-chan struct{}) (int, error) {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		ss.mu.Lock()
		n := len(ss.b)
		found := strings.Contains(ansi.Strip(string(ss.b[from:])), want)
		ss.mu.Unlock()
		if found {
			return n, nil
		}
		select {
		case <-ss.wake:
		case <-ended:
			return n, errors.New("session ended")
		case <-deadline.C:
			return n, fmt.Errorf("%q not on screen within %s", want, timeout)
		}
	}
}

// strippedFrom is the last n bytes of the text written after offset from,
// escape sequences removed.
func (ss *screenStream) strippedFrom(from, n int) string {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	txt := ansi.Strip(string(ss.b[from:]))
	return txt[max(len(txt)-n, 0):]
}

// quiet waits until nothing has been written for gap, at most limit.
func (ss *screenStream) quiet(gap, limit time.Duration) {
	end := time.Now().Add(limit)
	for time.Now().Before(end) {
		ss.mu.Lock()
		idle := time.Since(ss.last)
		ss.mu.Unlock()
		if idle >= gap {
			return
		}
		time.Sleep(gap - idle)
	}
}

// serveProc is the running `backchat serve`.
type serveProc struct {
	cmd     *exec.Cmd
	addr    string
	done    chan struct{}
	waitErr error
	mu      sync.Mutex
	logBuf  strings.Builder
	// liveMB is the live heap after the last collection; liveMaxMB the
	// largest since the last resetLive.
	liveMB, liveMaxMB atomic.Int64
}

var (
	listenRE = regexp.MustCompile(`backchat serve listening.*\baddr=(\S+)`)
	// gcRE matches a gctrace line: "… 120->130->65 MB, 131 MB goal, …";
	// the third figure is the heap marked live.
	gcRE = regexp.MustCompile(`^gc \d+ @.* \d+->\d+->(\d+) MB`)
)

// resetLive starts a new maximum of the live heap from the current value.
func (p *serveProc) resetLive() { p.liveMaxMB.Store(p.liveMB.Load()) }

// startServe runs `backchat serve --listen 127.0.0.1:0` and waits until it
// logs its bound address.
func startServe(t *testing.T, bin, dir, archive, authKeys string, n int) *serveProc {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--listen", "127.0.0.1:0",
		"--host-key", filepath.Join(dir, "host_key"), "--authorized-keys", authKeys,
		"--max-sessions", strconv.Itoa(n), "--idle-timeout", "10m", archive)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	// gctrace lines give the live heap after each collection, which tells
	// memory held by sessions from the collector's headroom in the RSS.
	cmd.Env = append(os.Environ(), "GODEBUG=gctrace=1")
	cmd.Stdout = io.Discard
	p := &serveProc{cmd: cmd, done: make(chan struct{})}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			p.mu.Lock()
			p.logBuf.WriteString(line + "\n")
			p.mu.Unlock()
			if m := gcRE.FindStringSubmatch(line); m != nil {
				if live, err := strconv.ParseInt(m[1], 10, 64); err == nil {
					p.liveMB.Store(live)
					if live > p.liveMaxMB.Load() {
						p.liveMaxMB.Store(live)
					}
				}
				continue
			}
			if m := listenRE.FindStringSubmatch(ansi.Strip(line)); m != nil {
				select {
				case addr <- m[1]:
				default:
				}
			}
		}
		// Wait only after stderr is drained (exec.Cmd's rule for pipes).
		p.waitErr = cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		if !p.exited() {
			_ = cmd.Process.Kill()
			<-p.done
		}
	})
	select {
	case p.addr = <-addr:
	case <-p.done:
		t.Fatalf("backchat serve exited before listening: %v\n%s", p.waitErr, p.log())
	case <-time.After(5 * time.Minute):
		t.Fatalf("backchat serve not listening after 5 minutes\n%s", p.log())
	}
	t.Logf("server listening on %s after %s (load + index)", p.addr, time.Since(start).Round(time.Millisecond))
	return p
}

func (p *serveProc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

func (p *serveProc) log() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.logBuf.String()
}

// rss is the server's VmRSS in KiB.
func (p *serveProc) rss(t *testing.T) int64 {
	t.Helper()
	v, err := procRSS(p.cmd.Process.Pid)
	if err != nil {
		t.Fatalf("server RSS: %v (server exited: %v)", err, p.exited())
	}
	return v
}

// cpu is the server's user+system CPU time in seconds.
func (p *serveProc) cpu(t *testing.T) float64 {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p.cmd.Process.Pid))
	if err != nil {
		t.Fatalf("server CPU: %v", err)
	}
	// Fields after the ")" that closes the command name; utime and stime
	// are fields 14 and 15 of the whole line.
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		t.Fatalf("short /proc/PID/stat: %q", s)
	}
	ut, err1 := strconv.ParseFloat(f[11], 64)
	stime, err2 := strconv.ParseFloat(f[12], 64)
	if err1 != nil || err2 != nil {
		t.Fatalf("/proc/PID/stat: %q", s)
	}
	const clkTck = 100 // USER_HZ on Linux
	return (ut + stime) / clkTck
}

// procRSS reads VmRSS (KiB) of pid from /proc.
func procRSS(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			return strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
		}
	}
	return 0, errors.New("no VmRSS line")
}

// writeArchive generates a conversations.json at path.
func writeArchive(t *testing.T, path string, cfg gen.Config) gen.Stats {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	st, err := gen.Write(w, cfg)
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatalf("generate %s: %v", path, err)
	}
	return st
}

// clientKey makes an ed25519 client key and an authorized_keys file for it.
func clientKey(t *testing.T, dir string) (gossh.Signer, string) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	sshPub, err := gossh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "authorized_keys")
	if err := os.WriteFile(path, gossh.MarshalAuthorizedKey(sshPub), 0o600); err != nil {
		t.Fatal(err)
	}
	return signer, path
}

// readHostKey reads the public half of the host key the server created.
func readHostKey(t *testing.T, path string) gossh.PublicKey {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("host key: %v", err)
	}
	s, err := gossh.ParsePrivateKey(b)
	if err != nil {
		t.Fatalf("host key %s: %v", path, err)
	}
	return s.PublicKey()
}

// pct is the p-quantile of sorted durations, rounded for the table.
func pct(sorted []time.Duration, p float64) string {
	if len(sorted) == 0 {
		return "n/a"
	}
	i := min(len(sorted)-1, int(float64(len(sorted))*p))
	return sorted[i].Round(100 * time.Microsecond).String()
}

func mib(kib int64) string { return fmt.Sprintf("%.1f MiB", float64(kib)/1024) }

func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	return strings.Join(f[:min(3, len(f))], " ")
}

func tail(s string, lines int) string {
	l := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(l[max(len(l)-lines, 0):], "\n")
}
