package serve

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/log/v2"
	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"
)

// fixtureTitle is what the fake browser shows; tests wait for it on screen.
const fixtureTitle = "Fixture Conversation Title"

// fixtureModel stands in for the real browser: a fixed title, its own size,
// the last key pressed; q quits and p panics.
type fixtureModel struct {
	width, height int
	last          string
	bg            string
}

func (m fixtureModel) Init() tea.Cmd { return tea.RequestBackgroundColor }

func (m fixtureModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
	case tea.BackgroundColorMsg:
		m.bg = "light"
		if msg.IsDark() {
			m.bg = "dark"
		}
	case tea.KeyPressMsg:
		switch msg.String() {
		case "q":
			return m, tea.Quit
		case "p":
			panic("fixture panic")
		default:
			m.last = msg.Text
		}
	}
	return m, nil
}

func (m fixtureModel) View() tea.View {
	v := tea.NewView(fmt.Sprintf("%s\nsize %dx%d\nbg:%s\nkey:%s", fixtureTitle, m.width, m.height, m.bg, m.last))
	v.AltScreen = true
	return v
}

// fixtureFactory builds a fixtureModel sized from the session.
func fixtureFactory(info SessionInfo) (tea.Model, error) {
	return fixtureModel{width: info.Width, height: info.Height}, nil
}

// syncBuffer is a goroutine-safe bytes.Buffer for logs and screens.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// waitFor polls buf until its text (escape sequences stripped) contains
// want, failing the test after timeout.
func waitFor(t *testing.T, buf *syncBuffer, want string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if strings.Contains(ansi.Strip(buf.String()), want) {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%q not on screen within %s; got %q", want, timeout, ansi.Strip(buf.String()))
}

// pressAndSee sends one key and waits until the screen output written
// after it contains echo. Only output after the key counts, because the
// renderer redraws just the cells that changed.
func (tm *term) pressAndSee(t testing.TB, key, echo string, timeout time.Duration) {
	t.Helper()
	mark := len(tm.screen.String())
	tm.press(t, key)
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if strings.Contains(ansi.Strip(tm.screen.String()[mark:]), echo) {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("%q not echoed within %s; output after the key: %q", echo, timeout, tm.screen.String()[mark:])
}

// newClientKey generates an ed25519 client key and its authorized_keys line.
func newClientKey(t testing.TB) (gossh.Signer, string) {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return signer, strings.TrimSpace(string(gossh.MarshalAuthorizedKey(signer.PublicKey())))
}

// testServer is a Run in a goroutine on 127.0.0.1:0.
type testServer struct {
	addr        string
	fingerprint string
	client      gossh.Signer // an authorized key
	logs        *syncBuffer
	cancel      context.CancelFunc
	done        chan error
}

// startServer runs a server with a fresh host key and one authorized client
// key; mutate may adjust the config. The server is stopped at cleanup.
func startServer(t testing.TB, mutate func(*Config)) *testServer {
	t.Helper()
	dir := t.TempDir()
	client, line := newClientKey(t)
	akPath := filepath.Join(dir, "authorized_keys")
	content := "# test keys\n\n" + line + " test@backchat\n"
	if err := os.WriteFile(akPath, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	ts := &testServer{client: client, logs: &syncBuffer{}, done: make(chan error, 1)}
	ready := make(chan struct{})
	cfg := Config{
		Listen:             "127.0.0.1:0",
		HostKeyPath:        filepath.Join(dir, "keys", "host_ed25519"),
		AuthorizedKeysPath: akPath,
		Logger:             log.New(ts.logs),
		Debug:              true,
		NewModel:           fixtureFactory,
		Ready: func(addr net.Addr, fp string) {
			ts.addr, ts.fingerprint = addr.String(), fp
			close(ready)
		},
	}
	if mutate != nil {
		mutate(&cfg)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ts.cancel = cancel
	go func() { ts.done <- Run(ctx, cfg) }()
	select {
	case <-ready:
	case err := <-ts.done:
		cancel()
		t.Fatalf("Run returned before ready: %v", err)
	case <-time.After(10 * time.Second):
		cancel()
		t.Fatal("server not ready within 10s")
	}
	t.Cleanup(func() {
		cancel()
		select {
		case <-ts.done:
		case <-time.After(10 * time.Second):
			t.Error("server did not stop within 10s")
		}
	})
	return ts
}

// dial connects with the given auth methods, checking the host key
// against the fingerprint the server reported.
func (ts *testServer) dial(auth ...gossh.AuthMethod) (*gossh.Client, error) {
	cfg := &gossh.ClientConfig{
		User: "alice",
		Auth: auth,
		HostKeyCallback: func(_ string, _ net.Addr, key gossh.PublicKey) error {
			if fp := gossh.FingerprintSHA256(key); fp != ts.fingerprint {
				return fmt.Errorf("host key %s, want %s", fp, ts.fingerprint)
			}
			return nil
		},
		Timeout: 5 * time.Second,
	}
	return gossh.Dial("tcp", ts.addr, cfg)
}

// mustDial connects with the authorized key.
func (ts *testServer) mustDial(t testing.TB) *gossh.Client {
	t.Helper()
	c, err := ts.dial(gossh.PublicKeys(ts.client))
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// term is one interactive PTY session as a test sees it.
type term struct {
	sess   *gossh.Session
	stdin  interface{ Write([]byte) (int, error) }
	screen *syncBuffer
}

// openTerm starts a shell session with a PTY of the given size.
func openTerm(t testing.TB, c *gossh.Client, termType string, w, h int) *term {
	t.Helper()
	sess, err := c.NewSession()
	if err != nil {
		t.Fatalf("new session: %v", err)
	}
	t.Cleanup(func() { _ = sess.Close() })
	if err := sess.RequestPty(termType, h, w, gossh.TerminalModes{}); err != nil {
		t.Fatalf("pty: %v", err)
	}
	stdin, err := sess.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	screen := &syncBuffer{}
	sess.Stdout, sess.Stderr = screen, screen
	if err := sess.Shell(); err != nil {
		t.Fatalf("shell: %v", err)
	}
	return &term{sess: sess, stdin: stdin, screen: screen}
}

// press sends keys to the session.
func (tm *term) press(t testing.TB, keys string) {
	t.Helper()
	if _, err := tm.stdin.Write([]byte(keys)); err != nil {
		t.Fatalf("send %q: %v", keys, err)
	}
}

// wait waits for the session to end and returns its exit status (-1 when
// it ended without one).
func (tm *term) wait(t testing.TB, timeout time.Duration) int {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- tm.sess.Wait() }()
	select {
	case err := <-done:
		var ee *gossh.ExitError
		switch {
		case err == nil:
			return 0
		case errors.As(err, &ee):
			return ee.ExitStatus()
		default:
			return -1
		}
	case <-time.After(timeout):
		t.Fatalf("session still open after %s; screen %q", timeout, ansi.Strip(tm.screen.String()))
		return -1
	}
}
