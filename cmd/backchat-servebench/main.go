// Command backchat-servebench measures `backchat serve` under many
// concurrent SSH sessions: the server's memory per session and the
// keystroke-to-screen latency. scripts/bench-serve.sh builds and runs it.
//
//	backchat-servebench -bin ./backchat [-sessions 1,10,50] [-rounds 2] EXPORT...
//
// It starts BIN serve on a free loopback port with a throw-away host key and
// authorized_keys (no EXPORT: the library), reads the server's RSS once the
// archive is loaded and again after one warm-up session ran the script and
// closed (the baseline), opens the largest number of sessions in
// -sessions with PTYs (80x24 and 120x40 alternately) and then, for each
// number n in -sessions, lets n of them at once run a script a person would:
// open the filter, type a word, open the best match, scroll it, go back to
// the list, open another match, scroll, move down the list. Every key waits for the session's output to go quiet (-quiet)
// before the next, so each key's output is its own.
//
// Per key it records two times: first, from sending the key until the first
// byte of screen output after it (what a person sees react), and settle,
// until the last byte before the output went quiet (the screen complete:
// search results, a rendered conversation). It prints p50/p95/p99 of both
// per phase and per kind of key, the server's RSS (baseline, all sessions
// open, after every phase, after they closed), (RSS − baseline)/sessions
// with anonymous and file-backed (mapped snapshot) memory apart, and the
// server's CPU time per phase. The sessions run in this process, so
// the machine's two cores are shared between the server and the clients;
// the load average is printed with the figures.
package main

import (
	"bufio"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "backchat-servebench:", err)
		os.Exit(1)
	}
}

// opts are the command-line settings.
type opts struct {
	bin      string
	phases   []int
	rounds   int
	quiet    time.Duration
	silence  time.Duration
	pause    time.Duration
	keep     bool
	queries  string
	exports  []string
	extraEnv []string
}

func parseFlags() (opts, error) {
	var o opts
	var phases string
	flag.StringVar(&o.bin, "bin", "backchat", "the backchat binary to serve with")
	flag.StringVar(&phases, "sessions", "1,10,50", "numbers of sessions typing at once, one phase each; the largest are all opened")
	flag.IntVar(&o.rounds, "rounds", 2, "times each session runs its script per phase")
	flag.DurationVar(&o.quiet, "quiet", 150*time.Millisecond, "output silence that counts as the screen being settled")
	flag.DurationVar(&o.silence, "silence", 1500*time.Millisecond, "a key with no output within this long counts as silent (j at the bottom of a conversation)")
	flag.DurationVar(&o.pause, "pause", 30*time.Millisecond, "think time between a settled screen and the next key")
	flag.BoolVar(&o.keep, "keep-log", false, "print the server log at the end")
	flag.StringVar(&o.queries, "queries", "shared", "what the sessions type: shared (10 words, each typed by every tenth session; a later round types another session's word) or distinct (every session and round its own word)")
	env := flag.String("server-env", "", "extra environment for the server, space-separated KEY=value (e.g. GODEBUG=gctrace=1)")
	flag.Parse()
	o.exports = flag.Args()
	o.extraEnv = strings.Fields(*env)
	for f := range strings.SplitSeq(phases, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return o, fmt.Errorf("-sessions: %q is not a positive number", f)
		}
		o.phases = append(o.phases, n)
	}
	if o.rounds < 1 {
		return o, errors.New("-rounds must be at least 1")
	}
	if o.queries != "shared" && o.queries != "distinct" {
		return o, fmt.Errorf("-queries: %q is neither shared nor distinct", o.queries)
	}
	return o, nil
}

func run() error {
	o, err := parseFlags()
	if err != nil {
		return err
	}
	maxN := slices.Max(o.phases)
	dir, err := os.MkdirTemp("", "servebench")
	if err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(dir) }()

	signer, err := writeKeys(dir)
	if err != nil {
		return err
	}
	srv, err := startServer(o, dir, maxN)
	if err != nil {
		return err
	}
	defer srv.stop()
	if o.keep {
		defer func() { fmt.Fprint(os.Stderr, srv.log.String()) }()
	}
	fmt.Printf("server: pid %d, %s, loaded in %s; load average %s\n", srv.cmd.Process.Pid, srv.addr, srv.loadTime.Round(time.Millisecond), loadavg())
	time.Sleep(time.Second) // let the loader's garbage go
	fmt.Printf("RSS archive loaded, no session: %s\n", srv.mem())
	// The baseline is the server after one warm-up session has run the
	// script once and closed: pages every session shares (the binary's
	// code, the snapshot's list and index pages, the allocator's first
	// arenas) are touched by the first session and count once, not
	// against each of the sessions measured.
	if err := warmUp(srv.addr, signer, o); err != nil {
		return fmt.Errorf("warm-up session: %w", err)
	}
	time.Sleep(time.Second)
	base := srv.mem()
	fmt.Printf("RSS baseline (after one warm-up session, closed): %s\n", base)

	// Open every session, a few at a time, each waiting for its first screen.
	sess := make([]*session, maxN)
	var wg sync.WaitGroup
	errs := make(chan error, maxN)
	gate := make(chan struct{}, 8)
	for i := range maxN {
		wg.Go(func() {
			gate <- struct{}{}
			defer func() { <-gate }()
			w, h := 80, 24
			if i%2 == 1 {
				w, h = 120, 40
			}
			s, err := openSession(srv.addr, signer, w, h)
			if err != nil {
				errs <- fmt.Errorf("session %d: %w", i, err)
				return
			}
			sess[i] = s
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		return err
	}
	defer func() {
		for _, s := range sess {
			s.close()
		}
	}()
	time.Sleep(time.Second)
	open := srv.mem()
	fmt.Printf("RSS with %d sessions open (first screen): %s\n  → %s\n", maxN, open, perSessionLine(open, base, maxN))

	word := func(i, r, _ int) string { return sharedWords[(i+r)%len(sharedWords)] }
	if o.queries == "distinct" {
		if maxN*o.rounds > len(distinctWords) {
			return fmt.Errorf("-queries distinct: %d sessions × %d rounds need more than the %d words there are", maxN, o.rounds, len(distinctWords))
		}
		word = func(i, r, n int) string { return distinctWords[r*n+i] }
	}
	fmt.Printf("queries: %s\n", o.queries)
	for _, n := range o.phases {
		cpu0 := srv.cpu()
		start := time.Now()
		results := make([][]sample, n)
		fails := make([]error, n)
		for i := range n {
			wg.Go(func() {
				for r := range o.rounds {
					got, err := sess[i].script(word(i, r, n), o.quiet, o.silence, o.pause)
					results[i] = append(results[i], got...)
					if err != nil {
						fails[i] = err
						return
					}
				}
			})
		}
		wg.Wait()
		wall := time.Since(start)
		cpu := srv.cpu() - cpu0
		var all []sample
		for _, r := range results {
			all = append(all, r...)
		}
		m := srv.mem()
		fmt.Printf("\n== %d session(s) typing at once: %d keys in %s, server CPU %s (%.0f%% of one core); load average %s\n",
			n, len(all), wall.Round(time.Millisecond), cpu.Round(time.Millisecond), 100*cpu.Seconds()/wall.Seconds(), loadavg())
		report(all)
		fmt.Printf("RSS after: %s\n  → %s over %d open\n", m, perSessionLine(m, base, maxN), maxN)
		for i, err := range fails {
			if err != nil {
				fmt.Printf("session %d failed: %v\n", i, err)
			}
		}
	}
	for _, s := range sess {
		s.close()
	}
	time.Sleep(2 * time.Second)
	fmt.Printf("\nRSS after every session closed: %s\n", srv.mem())
	return nil
}

// sharedWords are what sessions type with -queries shared: session i
// types word i mod 10 in its first round, so every tenth session types the
// same word at about the same time, and a later round types a word typed
// before.
var sharedWords = []string{"python", "kyoto", "budget", "recipe", "linux", "marketing", "workout", "pasta", "invoice", "philosophy"}

// distinctWords are what sessions type with -queries distinct: each
// session and round its own word (words the generated exports hold, of
// many first letters; their prefixes still overlap, as people's do).
var distinctWords = []string{
	"python", "kyoto", "budget", "recipe", "linux", "marketing", "workout", "pasta", "invoice", "philosophy",
	"function", "request", "response", "server", "client", "memory", "error", "example", "option", "result",
	"approach", "table", "query", "index", "config", "setting", "version", "update", "build", "finally",
	"however", "because", "instead", "usually", "quickly", "simple", "better", "common", "garlic", "onion",
	"butter", "flour", "minutes", "temperature", "pepper", "travel", "train", "ticket", "hotel", "museum",
	"morning", "evening", "weekend", "route", "garden", "tomato", "water", "light", "plant", "season",
	"winter", "summer", "spring", "health", "sleep", "exercise", "routine", "habit", "muscle", "stretch",
	"breathing", "posture", "history", "century", "empire", "trade", "river", "language", "chapter", "author",
	"model", "layer", "gradient", "training", "dataset", "accuracy", "batch", "vector", "matrix", "goroutine",
	"channel", "interface", "struct", "pointer", "slice", "package", "module", "container", "image", "deploy",
}

// perSession formats a per-session share of an RSS growth in KiB.
func perSession(kib int64, n int) string {
	return fmt.Sprintf("%.2f MB", float64(kib)/1024/float64(n))
}

// perSessionLine is the growth of m over base shared among n sessions, anon
// and file apart. Anon (heap, stacks) is what sessions cost, the caches
// every session shares included (bounded: serve's memory budget). File is
// pages of mapped files (a library's snapshot): page cache that every
// session shares and the kernel may drop, growing with how much of the
// snapshot the sessions read, not with how many there are.
func perSessionLine(m, base memInfo, n int) string {
	return fmt.Sprintf("per session: anon %s, file-backed %s (total %s)", perSession(m.anon-base.anon, n),
		perSession(m.file-base.file, n), perSession(m.rss-base.rss, n))
}

// warmUp opens one session (80x24), runs the script once with the first
// shared word and closes it.
func warmUp(addr string, signer gossh.Signer, o opts) error {
	s, err := openSession(addr, signer, 80, 24)
	if err != nil {
		return err
	}
	defer s.close()
	_, err = s.script(sharedWords[0], o.quiet, o.silence, o.pause)
	return err
}

// writeKeys makes a client key and the authorized_keys file that admits it.
func writeKeys(dir string) (gossh.Signer, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	signer, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		return nil, err
	}
	line := gossh.MarshalAuthorizedKey(signer.PublicKey())
	return signer, os.WriteFile(filepath.Join(dir, "authorized_keys"), line, 0o600)
}

// server is the backchat serve process.
type server struct {
	cmd      *exec.Cmd
	addr     string
	log      *logBuffer
	loadTime time.Duration
}

var addrRE = regexp.MustCompile(`addr=(\S+)`)

// startServer runs BIN serve and waits for its "listening" line.
func startServer(o opts, dir string, maxN int) (*server, error) {
	args := []string{"serve", "--listen", "127.0.0.1:0",
		"--host-key", filepath.Join(dir, "host_ed25519"),
		"--authorized-keys", filepath.Join(dir, "authorized_keys"),
		"--max-sessions", strconv.Itoa(maxN + 2),
		"--idle-timeout", "-1s"}
	args = append(args, o.exports...)
	cmd := exec.Command(o.bin, args...)
	cmd.Env = append(os.Environ(), "XDG_STATE_HOME="+filepath.Join(dir, "state"))
	cmd.Env = append(cmd.Env, o.extraEnv...)
	lb := &logBuffer{lines: make(chan string, 64)}
	cmd.Stderr = lb
	cmd.Stdout = lb
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &server{cmd: cmd, log: lb}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	timeout := time.After(5 * time.Minute)
	for {
		select {
		case line := <-lb.lines:
			if strings.Contains(line, "listening") {
				if m := addrRE.FindStringSubmatch(line); m != nil {
					s.addr = m[1]
					s.loadTime = time.Since(start)
					return s, nil
				}
			}
		case err := <-exited:
			return nil, fmt.Errorf("server exited (%v) before serving:\n%s", err, lb.String())
		case <-timeout:
			_ = cmd.Process.Kill()
			return nil, fmt.Errorf("server not serving after 5 minutes:\n%s", lb.String())
		}
	}
}

// stop ends the server.
func (s *server) stop() {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
	}
}

// memInfo is the server's resident memory in KiB.
// anon and file split rss: the heap and other private memory, and pages
// of mapped files (a library's snapshot) the kernel may drop and re-read.
type memInfo struct{ rss, hwm, anon, file int64 }

func (m memInfo) String() string {
	return fmt.Sprintf("%.1f MB (peak %.1f MB; anon %.1f MB, file %.1f MB)", float64(m.rss)/1024, float64(m.hwm)/1024,
		float64(m.anon)/1024, float64(m.file)/1024)
}

// mem reads VmRSS and VmHWM of the server.
func (s *server) mem() memInfo {
	var m memInfo
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return m
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		k, v, _ := strings.Cut(line, ":")
		n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		switch k {
		case "VmRSS":
			m.rss = n
		case "VmHWM":
			m.hwm = n
		case "RssAnon":
			m.anon = n
		case "RssFile":
			m.file = n
		}
	}
	return m
}

// cpu is the server's user+system CPU time so far.
func (s *server) cpu() time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", s.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	// Fields after the command name (which may hold spaces): utime is the
	// 14th field, stime the 15th, in clock ticks (100 Hz on Linux).
	rest := string(b[strings.LastIndexByte(string(b), ')')+2:])
	f := strings.Fields(rest)
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(u+st) * 10 * time.Millisecond
}

// logBuffer keeps the server's log and hands its lines to startServer.
type logBuffer struct {
	mu    sync.Mutex
	b     strings.Builder
	part  string
	lines chan string
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.b.Write(p)
	l.part += string(p)
	for {
		i := strings.IndexByte(l.part, '\n')
		if i < 0 {
			break
		}
		select {
		case l.lines <- l.part[:i]:
		default:
		}
		l.part = l.part[i+1:]
	}
	return len(p), nil
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// loadavg is the 1-minute load average.
func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	return strings.Join(f[:3], " ")
}

// session is one SSH session with a PTY, its output read by a goroutine
// that stamps every read.
type session struct {
	client *gossh.Client
	sess   *gossh.Session
	stdin  io.Writer

	mu    sync.Mutex
	out   []byte
	last  time.Time // time of the latest read
	reads []stamp   // every read: where it ended in out and when
	wake  chan struct{}
	ended bool
}

// openSession dials, asks for a w×h PTY and waits for the browser's first
// screen to settle.
func openSession(addr string, signer gossh.Signer, w, h int) (*session, error) {
	c, err := gossh.Dial("tcp", addr, &gossh.ClientConfig{
		User:            "bench",
		Auth:            []gossh.AuthMethod{gossh.PublicKeys(signer)},
		HostKeyCallback: func(string, net.Addr, gossh.PublicKey) error { return nil }, // a throw-away server on loopback
		Timeout:         30 * time.Second,
	})
	if err != nil {
		return nil, err
	}
	ss, err := c.NewSession()
	if err != nil {
		_ = c.Close()
		return nil, err
	}
	s := &session{client: c, sess: ss, wake: make(chan struct{}, 1)}
	if err := ss.RequestPty("xterm-256color", h, w, gossh.TerminalModes{}); err != nil {
		s.close()
		return nil, err
	}
	if s.stdin, err = ss.StdinPipe(); err != nil {
		s.close()
		return nil, err
	}
	stdout, err := ss.StdoutPipe()
	if err != nil {
		s.close()
		return nil, err
	}
	go s.read(stdout)
	if err := ss.Shell(); err != nil {
		s.close()
		return nil, err
	}
	if err := s.waitText(0, "quit", 60*time.Second); err != nil {
		s.close()
		return nil, fmt.Errorf("first screen: %w", err)
	}
	s.settle(0, time.Now(), 300*time.Millisecond, 10*time.Second, 10*time.Second)
	return s, nil
}

func (s *session) read(r io.Reader) {
	br := bufio.NewReaderSize(r, 32<<10)
	buf := make([]byte, 32<<10)
	for {
		n, err := br.Read(buf)
		now := time.Now()
		s.mu.Lock()
		s.out = append(s.out, buf[:n]...)
		if n > 0 {
			s.last = now
			s.reads = append(s.reads, stamp{end: len(s.out), at: now})
		}
		if err != nil {
			s.ended = true
		}
		s.mu.Unlock()
		select {
		case s.wake <- struct{}{}:
		default:
		}
		if err != nil {
			return
		}
	}
}

func (s *session) close() {
	if s == nil {
		return
	}
	if s.sess != nil {
		_ = s.sess.Close()
	}
	_ = s.client.Close()
}

// mark is the output length now and whether the session ended.
func (s *session) mark() (int, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.out), s.ended
}

// waitText waits until the output after from, escape sequences stripped,
// contains want.
func (s *session) waitText(from int, want string, timeout time.Duration) error {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		found := strings.Contains(ansi.Strip(string(s.out[from:])), want)
		ended := s.ended
		s.mu.Unlock()
		if found {
			return nil
		}
		if ended {
			return fmt.Errorf("session ended before %q", want)
		}
		select {
		case <-s.wake:
		case <-deadline.C:
			return fmt.Errorf("%q not on screen within %s", want, timeout)
		}
	}
}

// settle waits until no output beyond from arrived for quiet (or timeout
// passed) and returns the time of the last output; zero when nothing came
// within silence of sent.
func (s *session) settle(from int, sent time.Time, quiet, silence, timeout time.Duration) time.Time {
	limit := sent.Add(timeout)
	for {
		s.mu.Lock()
		n, lastOut, ended := len(s.out), s.last, s.ended
		s.mu.Unlock()
		now := time.Now()
		if ended || now.After(limit) {
			return lastOut
		}
		if n > from && now.Sub(lastOut) >= quiet {
			return lastOut
		}
		if n == from && now.Sub(sent) >= silence {
			return time.Time{}
		}
		wait := quiet - now.Sub(lastOut)
		if n == from || wait <= 0 {
			wait = quiet / 4
		}
		t := time.NewTimer(wait)
		select {
		case <-s.wake:
		case <-t.C:
		}
		t.Stop()
	}
}

// sample is one key's timing.
type sample struct {
	kind          string
	first, settle time.Duration
	silent        bool // no output at all
	reads, bytes  int  // reads of screen output until settled, and their bytes
}

// press sends key and waits for the screen to settle.
func (s *session) press(kind, key string, quiet, silence time.Duration) (sample, error) {
	from, ended := s.mark()
	if ended {
		return sample{}, errors.New("session ended")
	}
	reads0 := s.nreads()
	sent := time.Now()
	if _, err := io.WriteString(s.stdin, key); err != nil {
		return sample{}, err
	}
	first := s.waitFirst(from, silence)
	last := s.settle(from, sent, quiet, silence, 10*time.Second)
	if first.IsZero() {
		return sample{kind: kind, silent: true}, nil
	}
	if last.Before(first) {
		last = first
	}
	to, _ := s.mark()
	return sample{kind: kind, first: first.Sub(sent), settle: last.Sub(sent), reads: s.nreads() - reads0, bytes: to - from}, nil
}

// nreads is how many reads of output the session made so far.
func (s *session) nreads() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.reads)
}

// stamp is one read of the session's output.
type stamp struct {
	end int
	at  time.Time
}

// waitFirst waits for output beyond from and returns the time of the read
// that brought its first byte (zero after timeout).
func (s *session) waitFirst(from int, timeout time.Duration) time.Time {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		var at time.Time
		for i := len(s.reads) - 1; i >= 0 && s.reads[i].end > from; i-- {
			at = s.reads[i].at
		}
		ended := s.ended
		s.mu.Unlock()
		if !at.IsZero() || ended {
			return at
		}
		select {
		case <-s.wake:
		case <-deadline.C:
			return time.Time{}
		}
	}
}

// script is one round of what a person does: filter, open, scroll, back,
// open another, scroll, move down the list.
func (s *session) script(word string, quiet, silence, pause time.Duration) ([]sample, error) {
	type step struct{ kind, key string }
	var steps []step
	steps = append(steps, step{"filter-open", "/"}, step{"filter-clear", "\x15"}) // ctrl+u
	for _, r := range word {
		steps = append(steps, step{"filter-type", string(r)})
	}
	steps = append(steps, step{"open-match", "\r"})
	for range 6 {
		steps = append(steps, step{"viewer-scroll", "j"})
	}
	steps = append(steps, step{"viewer-page", "\x04"}, step{"viewer-page", "\x04"}) // ctrl+d
	steps = append(steps, step{"back-to-list", "h"})
	for range 3 {
		steps = append(steps, step{"list-move", "j"})
	}
	steps = append(steps, step{"open", "l"})
	for range 4 {
		steps = append(steps, step{"viewer-scroll", "j"})
	}
	// No esc to clear the filter: a lone ESC waits for the input parser's
	// escape timeout, and a key sent soon after it reads as alt+key.
	steps = append(steps, step{"back-to-list", "h"})
	for range 4 {
		steps = append(steps, step{"list-move", "j"})
	}
	steps = append(steps, step{"list-move", "g"})
	var out []sample
	for _, st := range steps {
		smp, err := s.press(st.kind, st.key, quiet, silence)
		if err != nil {
			return out, fmt.Errorf("%s %q: %w", st.kind, st.key, err)
		}
		out = append(out, smp)
		time.Sleep(pause)
	}
	return out, nil
}

// report prints percentiles over all samples and per kind of key.
func report(all []sample) {
	kinds := []string{"all"}
	for _, s := range all {
		if !slices.Contains(kinds, s.kind) {
			kinds = append(kinds, s.kind)
		}
	}
	fmt.Printf("  %-14s %6s %6s | %-27s | %-27s | %s\n", "keys", "n", "silent", "first output p50/p95/p99 ms", "settled p50/p95/p99 ms",
		"reads, KB per key")
	for _, k := range kinds {
		var first, settle []time.Duration
		silent, reads, bytes := 0, 0, 0
		for _, s := range all {
			if k != "all" && s.kind != k {
				continue
			}
			if s.silent {
				silent++
				continue
			}
			first = append(first, s.first)
			settle = append(settle, s.settle)
			reads += s.reads
			bytes += s.bytes
		}
		per := func(n int) float64 { return float64(n) / float64(max(len(first), 1)) }
		fmt.Printf("  %-14s %6d %6d | %-27s | %-27s | %5.1f %6.1f\n", k, len(first)+silent, silent, pcts(first), pcts(settle),
			per(reads), per(bytes)/1024)
	}
}

func pcts(d []time.Duration) string {
	if len(d) == 0 {
		return "-"
	}
	slices.Sort(d)
	p := func(q float64) float64 {
		return float64(d[min(len(d)-1, int(float64(len(d))*q))].Microseconds()) / 1000
	}
	return fmt.Sprintf("%7.1f %7.1f %7.1f", p(0.5), p(0.95), p(0.99))
}
