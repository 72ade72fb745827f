package serve

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	gossh "golang.org/x/crypto/ssh"
)

func TestAuthorizedKeyGetsBrowserSizedToItsPTY(t *testing.T) {
	ts := startServer(t, nil)
	c := ts.mustDial(t)
	tm := openTerm(t, c, "xterm-256color", 100, 30)
	waitFor(t, tm.screen, fixtureTitle, 2*time.Second)
	waitFor(t, tm.screen, "size 100x30", 2*time.Second)
	if err := tm.sess.WindowChange(20, 90); err != nil {
		t.Fatal(err)
	}
	waitFor(t, tm.screen, "size 90x20", 2*time.Second)
	tm.pressAndSee(t, "x", "x", 2*time.Second)
	tm.press(t, "q")
	if code := tm.wait(t, 5*time.Second); code != 0 {
		t.Errorf("exit status %d after q, want 0", code)
	}
	logs := ts.logs.String()
	for _, want := range []string{"connect", "disconnect", "user=alice", gossh.FingerprintSHA256(ts.client.PublicKey())} {
		if !strings.Contains(logs, want) {
			t.Errorf("log lacks %q:\n%s", want, logs)
		}
	}
	t.Logf("server log:\n%s", logs)
	if strings.Contains(logs, fixtureTitle) {
		t.Errorf("log records screen content:\n%s", logs)
	}
}

func TestEachSessionGetsItsOwnTerminalInfo(t *testing.T) {
	var mu sync.Mutex
	infos := map[string]SessionInfo{}
	ts := startServer(t, func(c *Config) {
		c.NewModel = func(info SessionInfo) (tea.Model, error) {
			mu.Lock()
			infos[info.Term] = info
			mu.Unlock()
			return fixtureFactory(info)
		}
	})
	c := ts.mustDial(t)
	a := openTerm(t, c, "xterm-256color", 80, 24)
	b := openTerm(t, c, "vt100", 40, 12)
	waitFor(t, a.screen, "size 80x24", 2*time.Second)
	waitFor(t, b.screen, "size 40x12", 2*time.Second)
	mu.Lock()
	defer mu.Unlock()
	for term, want := range map[string]colorprofile.Profile{
		"xterm-256color": colorprofile.Env([]string{"TERM=xterm-256color"}),
		"vt100":          colorprofile.Env([]string{"TERM=vt100"}),
	} {
		got, ok := infos[term]
		if !ok {
			t.Fatalf("no session built for TERM=%s", term)
		}
		if got.ColorProfile != want || got.User != "alice" {
			t.Errorf("TERM=%s: profile %v user %q, want %v alice", term, got.ColorProfile, got.User, want)
		}
	}
	if infos["xterm-256color"].ColorProfile == infos["vt100"].ColorProfile {
		t.Errorf("both sessions got profile %v; want per-terminal profiles", infos["vt100"].ColorProfile)
	}
}

func TestEachSessionDetectsItsOwnBackground(t *testing.T) {
	ts := startServer(t, nil)
	c := ts.mustDial(t)
	dark := openTerm(t, c, "xterm-256color", 80, 24)
	light := openTerm(t, c, "xterm-256color", 80, 24)
	for _, tm := range []*term{dark, light} {
		waitFor(t, tm.screen, fixtureTitle, 2*time.Second)
		if !strings.Contains(tm.screen.String(), "\x1b]11;?") {
			t.Fatalf("background colour query (OSC 11) not sent to the session; got %q", tm.screen.String())
		}
	}
	// Each client answers its own query, as a terminal would.
	dark.pressAndSee(t, "\x1b]11;rgb:0000/0000/0000\x1b\\", "dark", 2*time.Second)
	light.pressAndSee(t, "\x1b]11;rgb:ffff/ffff/ffff\x1b\\", "light", 2*time.Second)
}

func TestUnknownKeyAndPasswordsAreRefused(t *testing.T) {
	ts := startServer(t, nil)
	stranger, _ := newClientKey(t)
	cases := map[string]gossh.AuthMethod{
		"unknown key": gossh.PublicKeys(stranger),
		"password":    gossh.Password("hunter2"),
		"keyboard-interactive": gossh.KeyboardInteractive(
			func(string, string, []string, []bool) ([]string, error) { return []string{"hunter2"}, nil }),
	}
	for name, auth := range cases {
		t.Run(name, func(t *testing.T) {
			c, err := ts.dial(auth)
			if err == nil {
				_ = c.Close()
				t.Fatal("connection accepted")
			}
			if !strings.Contains(err.Error(), "unable to authenticate") {
				t.Errorf("err = %v, want an authentication failure", err)
			}
		})
	}
	if !strings.Contains(ts.logs.String(), gossh.FingerprintSHA256(stranger.PublicKey())) {
		t.Errorf("refused key not logged:\n%s", ts.logs.String())
	}
}

func TestExecIsRefusedWithMessage(t *testing.T) {
	ts := startServer(t, nil)
	c := ts.mustDial(t)
	for _, withPTY := range []bool{false, true} {
		sess, err := c.NewSession()
		if err != nil {
			t.Fatal(err)
		}
		if withPTY {
			if err := sess.RequestPty("xterm", 24, 80, nil); err != nil {
				t.Fatal(err)
			}
		}
		out, err := sess.CombinedOutput("cat /etc/passwd")
		var ee *gossh.ExitError
		if !errors.As(err, &ee) || ee.ExitStatus() != 1 {
			t.Errorf("pty=%v: err = %v, want exit status 1", withPTY, err)
		}
		if !strings.Contains(string(out), "commands are not accepted") {
			t.Errorf("pty=%v: output %q lacks the refusal message", withPTY, out)
		}
	}
}

func TestShellWithoutPTYIsRefused(t *testing.T) {
	ts := startServer(t, nil)
	sess, err := ts.mustDial(t).NewSession()
	if err != nil {
		t.Fatal(err)
	}
	screen := &syncBuffer{}
	sess.Stdout, sess.Stderr = screen, screen
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	tm := &term{sess: sess, screen: screen}
	if code := tm.wait(t, 5*time.Second); code != 1 {
		t.Errorf("exit status %d, want 1", code)
	}
	if !strings.Contains(screen.String(), "needs a terminal") {
		t.Errorf("output %q lacks the refusal message", screen.String())
	}
}

func TestSubsystemForwardingAndAgentAreRefused(t *testing.T) {
	ts := startServer(t, nil)
	c := ts.mustDial(t)

	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	if err := sess.RequestSubsystem("sftp"); err == nil {
		t.Error("sftp subsystem accepted")
	}

	if conn, err := c.Dial("tcp", ts.addr); err == nil {
		_ = conn.Close()
		t.Error("direct-tcpip (local port forward) accepted")
	}
	if ln, err := c.Listen("tcp", "127.0.0.1:0"); err == nil {
		_ = ln.Close()
		t.Error("tcpip-forward (remote port forward) accepted")
	}

	sess2, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	ok, err := sess2.SendRequest("auth-agent-req@openssh.com", true, nil)
	if err != nil || ok {
		t.Errorf("agent forwarding request: ok=%v err=%v, want refused", ok, err)
	}
	ok, err = sess2.SendRequest("x11-req", true, gossh.Marshal(struct {
		Single        bool
		Proto, Cookie string
		Screen        uint32
	}{false, "MIT-MAGIC-COOKIE-1", "00", 0}))
	if err != nil || ok {
		t.Errorf("x11 request: ok=%v err=%v, want refused", ok, err)
	}
	// The session still works after the refusals.
	if err := sess2.RequestPty("xterm", 24, 80, nil); err != nil {
		t.Fatal(err)
	}
	screen := &syncBuffer{}
	sess2.Stdout = screen
	if err := sess2.Shell(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, screen, fixtureTitle, 2*time.Second)
}

func TestSessionLimitSendsPoliteMessage(t *testing.T) {
	ts := startServer(t, func(c *Config) { c.MaxSessions = 2 })
	c := ts.mustDial(t)
	a := openTerm(t, c, "xterm", 80, 24)
	b := openTerm(t, ts.mustDial(t), "xterm", 80, 24)
	waitFor(t, a.screen, fixtureTitle, 2*time.Second)
	waitFor(t, b.screen, fixtureTitle, 2*time.Second)

	over := openTerm(t, ts.mustDial(t), "xterm", 80, 24)
	if code := over.wait(t, 5*time.Second); code != 1 {
		t.Errorf("exit status %d over the limit, want 1", code)
	}
	if got := over.screen.String(); !strings.Contains(got, "maximum of 2 sessions") || !strings.Contains(got, "try again") {
		t.Errorf("over-limit message %q", got)
	}
	if strings.Contains(over.screen.String(), fixtureTitle) {
		t.Error("session over the limit got the browser")
	}

	a.press(t, "q")
	a.wait(t, 5*time.Second)
	again := openTerm(t, c, "xterm", 80, 24)
	waitFor(t, again.screen, fixtureTitle, 2*time.Second)
}

func TestPanicEndsOnlyThatSession(t *testing.T) {
	ts := startServer(t, nil)
	bad := openTerm(t, ts.mustDial(t), "xterm", 80, 24)
	good := openTerm(t, ts.mustDial(t), "xterm", 80, 24)
	waitFor(t, bad.screen, fixtureTitle, 2*time.Second)
	waitFor(t, good.screen, fixtureTitle, 2*time.Second)

	bad.press(t, "p")
	if code := bad.wait(t, 5*time.Second); code != 1 {
		t.Errorf("panicking session exit status %d, want 1", code)
	}
	waitFor(t, bad.screen, "internal error", time.Second)

	good.pressAndSee(t, "z", "z", 2*time.Second)
	fresh := openTerm(t, ts.mustDial(t), "xterm", 80, 24)
	waitFor(t, fresh.screen, fixtureTitle, 2*time.Second)
	if !strings.Contains(ts.logs.String(), "session panicked") {
		t.Errorf("panic not logged:\n%s", ts.logs.String())
	}
}

func TestAbruptDisconnectEndsOnlyThatSession(t *testing.T) {
	ts := startServer(t, nil)
	gone, err := ts.dial(gossh.PublicKeys(ts.client))
	if err != nil {
		t.Fatal(err)
	}
	dropped := openTerm(t, gone, "xterm", 80, 24)
	stays := openTerm(t, ts.mustDial(t), "xterm", 80, 24)
	waitFor(t, dropped.screen, fixtureTitle, 2*time.Second)
	waitFor(t, stays.screen, fixtureTitle, 2*time.Second)
	_ = gone.Close() // no exit, no EOF: the TCP connection just goes away
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(ts.logs.String(), "disconnect") {
		if time.Now().After(deadline) {
			t.Fatalf("dropped session not logged as disconnected:\n%s", ts.logs.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	stays.pressAndSee(t, "y", "y", 2*time.Second)
}

func TestModelFactoryFailureEndsSession(t *testing.T) {
	for name, factory := range map[string]ModelFactory{
		"error":     func(SessionInfo) (tea.Model, error) { return nil, errors.New("archive gone") },
		"panic":     func(SessionInfo) (tea.Model, error) { panic("archive gone") },
		"nil model": func(SessionInfo) (tea.Model, error) { return nil, nil },
	} {
		t.Run(name, func(t *testing.T) {
			ts := startServer(t, func(c *Config) { c.NewModel = factory })
			tm := openTerm(t, ts.mustDial(t), "xterm", 80, 24)
			if code := tm.wait(t, 5*time.Second); code != 1 {
				t.Errorf("exit status %d, want 1", code)
			}
			waitFor(t, tm.screen, "could not open the browser", time.Second)
			if !strings.Contains(ts.logs.String(), "could not build the session's model") {
				t.Errorf("factory failure not logged:\n%s", ts.logs.String())
			}
		})
	}
}

func TestIdleSessionIsClosed(t *testing.T) {
	ts := startServer(t, func(c *Config) { c.IdleTimeout = 400 * time.Millisecond })
	idle := openTerm(t, ts.mustDial(t), "xterm", 80, 24)
	busy := openTerm(t, ts.mustDial(t), "xterm", 80, 24)
	waitFor(t, busy.screen, fixtureTitle, 2*time.Second)
	stop := time.Now().Add(900 * time.Millisecond)
	for time.Now().Before(stop) {
		busy.press(t, "k")
		time.Sleep(100 * time.Millisecond)
	}
	if code := idle.wait(t, 3*time.Second); code != 0 {
		t.Errorf("idle session exit status %d, want 0", code)
	}
	waitFor(t, idle.screen, "without input", time.Second)
	busy.pressAndSee(t, "w", "w", 2*time.Second)
}

func TestShutdownDrainsSessions(t *testing.T) {
	ts := startServer(t, nil)
	var terms []*term
	for range 3 {
		tm := openTerm(t, ts.mustDial(t), "xterm", 80, 24)
		waitFor(t, tm.screen, fixtureTitle, 2*time.Second)
		terms = append(terms, tm)
	}
	start := time.Now()
	ts.cancel()
	select {
	case err := <-ts.done:
		if err != nil {
			t.Fatalf("Run after shutdown: %v", err)
		}
		ts.done <- nil // for the cleanup
	case <-time.After(5 * time.Second):
		t.Fatal("Run still running 5s after cancel")
	}
	t.Logf("drained 3 sessions in %s", time.Since(start))
	for i, tm := range terms {
		tm.wait(t, 2*time.Second)
		if !strings.Contains(tm.screen.String(), "server shutting down") {
			t.Errorf("session %d: no shutdown message in %q", i, tm.screen.String())
		}
	}
	if conn, err := net.DialTimeout("tcp", ts.addr, time.Second); err == nil {
		_ = conn.Close()
		t.Error("server still accepts connections after shutdown")
	}
}

func TestRunRefusesWithoutUsableAuthorizedKeys(t *testing.T) {
	dir := t.TempDir()
	_, line := newClientKey(t)
	cases := map[string]string{
		"missing":        "",
		"only comments":  "# nobody\n\n",
		"garbage":        "not a key at all\n",
		"restricted key": `from="10.0.0.1" ` + line + "\n",
	}
	for name, content := range cases {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(name, " ", "_"))
			if content != "" {
				writeFile(t, path, content)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			err := Run(ctx, Config{
				Listen: "127.0.0.1:0", HostKeyPath: filepath.Join(dir, "host"), AuthorizedKeysPath: path,
				NewModel: fixtureFactory, Logger: nil,
				Ready: func(net.Addr, string) { t.Error("server started") },
			})
			if err == nil || !strings.Contains(err.Error(), "authorized keys") || !strings.Contains(err.Error(), path) {
				t.Errorf("Run = %v, want an authorized-keys error naming the file", err)
			}
		})
	}
}

// writeFile writes a test file or fails the test.
func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// closingModel records that the server closed it when its session ended.
type closingModel struct {
	fixtureModel
	closed chan struct{}
}

func (m closingModel) Close() { close(m.closed) }

func TestModelIsClosedWhenSessionEnds(t *testing.T) {
	closed := make(chan struct{})
	ts := startServer(t, func(c *Config) {
		c.NewModel = func(info SessionInfo) (tea.Model, error) {
			return closingModel{fixtureModel{width: info.Width, height: info.Height}, closed}, nil
		}
	})
	tm := openTerm(t, ts.mustDial(t), "xterm-256color", 80, 24)
	waitFor(t, tm.screen, fixtureTitle, 2*time.Second)
	select {
	case <-closed:
		t.Fatal("model closed while its session is still open")
	default:
	}
	tm.press(t, "q")
	tm.wait(t, 5*time.Second)
	select {
	case <-closed:
	case <-time.After(2 * time.Second):
		t.Fatal("model not closed after its session ended")
	}
}

// TestAttachWakesTheSessionAndDetachesAtItsEnd: Config.Attach gets each
// session's model and a send that reaches its program (what the browser
// uses to redo a filter when its index is rebuilt), and its detach runs
// once the session ends.
func TestAttachWakesTheSessionAndDetachesAtItsEnd(t *testing.T) {
	sends := make(chan func(tea.Msg), 1)
	var detached atomic.Int32
	ts := startServer(t, func(c *Config) {
		c.Attach = func(m tea.Model, send func(tea.Msg)) func() {
			if _, ok := m.(fixtureModel); !ok {
				t.Errorf("Attach got %T, want the session's model", m)
			}
			sends <- send
			return func() { detached.Add(1) }
		}
	})
	tm := openTerm(t, ts.mustDial(t), "xterm-256color", 80, 24)
	waitFor(t, tm.screen, fixtureTitle, 2*time.Second)
	var send func(tea.Msg)
	select {
	case send = <-sends:
	case <-time.After(2 * time.Second):
		t.Fatal("Attach was not called")
	}
	go send(tea.KeyPressMsg{Code: 'z', Text: "z"})
	waitFor(t, tm.screen, "key:z", 2*time.Second)
	if n := detached.Load(); n != 0 {
		t.Fatalf("detached %d times while the session runs", n)
	}
	tm.press(t, "q")
	if code := tm.wait(t, 5*time.Second); code != 0 {
		t.Errorf("exit status %d after q", code)
	}
	deadline := time.Now().Add(2 * time.Second)
	for detached.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := detached.Load(); n != 1 {
		t.Errorf("detached %d times after the session ended, want 1", n)
	}
}
