package serve

import (
	"context"
	"encoding/binary"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	gossh "golang.org/x/crypto/ssh"
)

// A client claiming a huge terminal, in its PTY request, in window changes
// or in a size report typed into its input, gets a browser of the capped
// size, and the server stays up for everyone else.
func TestHugeTerminalIsClamped(t *testing.T) {
	var mu sync.Mutex
	var infos []SessionInfo
	ts := startServer(t, func(c *Config) {
		c.NewModel = func(info SessionInfo) (tea.Model, error) {
			mu.Lock()
			infos = append(infos, info)
			mu.Unlock()
			return fixtureFactory(info)
		}
	})
	c := ts.mustDial(t)
	huge := openTerm(t, c, "xterm-256color", 10000, 10000)
	waitFor(t, huge.screen, "size 500x300", 5*time.Second)
	waitFor(t, ts.logs, "terminal size capped", time.Second)
	waitFor(t, ts.logs, "asked=10000x10000", time.Second)
	mu.Lock()
	if len(infos) != 1 || infos[0].Width != 500 || infos[0].Height != 300 {
		t.Errorf("model built for %+v, want 500x300", infos)
	}
	mu.Unlock()

	// Window changes are capped one dimension at a time.
	if err := huge.sess.WindowChange(100, 4000); err != nil {
		t.Fatal(err)
	}
	waitFor(t, huge.screen, "size 500x100", 2*time.Second)
	if err := huge.sess.WindowChange(4000, 4000); err != nil {
		t.Fatal(err)
	}
	waitFor(t, huge.screen, "size 500x300", 2*time.Second)
	if err := huge.sess.WindowChange(20, 90); err != nil {
		t.Fatal(err)
	}
	waitFor(t, huge.screen, "size 90x20", 2*time.Second)
	// A terminal size report in the input (rows 200, columns 4000) is a
	// WindowSizeMsg to Bubble Tea, which allows up to 4096 a side.
	huge.press(t, "\x1b[8;200;4000t")
	waitFor(t, huge.screen, "size 500x200", 2*time.Second)

	// The server is still there for a second client.
	other := openTerm(t, ts.mustDial(t), "xterm", 80, 24)
	waitFor(t, other.screen, "size 80x24", 2*time.Second)
	huge.press(t, "q")
	if code := huge.wait(t, 5*time.Second); code != 0 {
		t.Errorf("exit status %d after q, want 0", code)
	}
}

func TestMaxTerminalSizeIsConfigurable(t *testing.T) {
	ts := startServer(t, func(c *Config) { c.MaxWidth, c.MaxHeight = 120, 40 })
	tm := openTerm(t, ts.mustDial(t), "xterm", 200, 30)
	waitFor(t, tm.screen, "size 120x30", 2*time.Second)
	if err := tm.sess.WindowChange(50, 100); err != nil {
		t.Fatal(err)
	}
	waitFor(t, tm.screen, "size 100x40", 2*time.Second)
}

func TestClampWindowPayloads(t *testing.T) {
	win := func(cols, rows, pw, ph uint32) []byte {
		b := make([]byte, 16)
		binary.BigEndian.PutUint32(b[0:], cols)
		binary.BigEndian.PutUint32(b[4:], rows)
		binary.BigEndian.PutUint32(b[8:], pw)
		binary.BigEndian.PutUint32(b[12:], ph)
		return b
	}
	read := func(b []byte) [4]uint32 {
		return [4]uint32{binary.BigEndian.Uint32(b[0:]), binary.BigEndian.Uint32(b[4:]),
			binary.BigEndian.Uint32(b[8:]), binary.BigEndian.Uint32(b[12:])}
	}
	p := win(0xffffffff, 10, 1000, 200)
	if c, r, ok := clampWindowChange(p, 500, 300); !ok || c != 0xffffffff || r != 10 || read(p) != [4]uint32{500, 10, 0, 200} {
		t.Errorf("clamped window %v", read(p))
	}
	p = win(80, 24, 800, 480)
	if _, _, ok := clampWindowChange(p, 500, 300); ok || read(p) != [4]uint32{80, 24, 800, 480} {
		t.Errorf("small window changed: %v", read(p))
	}
	p = win(1000, 600, 10000, 6000)
	clampWindowChange(p, 500, 300)
	if read(p) != [4]uint32{500, 300, 5000, 3000} {
		t.Errorf("pixel sizes not scaled: %v", read(p))
	}
	// pty-req: TERM, window, modes. A short or lying payload is left alone
	// (the SSH library refuses it).
	req := gossh.Marshal(struct {
		Term               string
		Cols, Rows, PW, PH uint32
		Modes              string
	}{"xterm", 10000, 10000, 0, 0, "\x00"})
	if _, _, ok := clampPtyRequest(req, 500, 300); !ok || read(req[4+len("xterm"):]) != [4]uint32{500, 300, 0, 0} {
		t.Errorf("pty-req not clamped: % x", req)
	}
	for _, bad := range [][]byte{nil, {0, 0, 0}, {0xff, 0xff, 0xff, 0xff, 1, 2}, req[:12]} {
		cp := append([]byte(nil), bad...)
		if _, _, ok := clampPtyRequest(cp, 500, 300); ok || string(cp) != string(bad) {
			t.Errorf("bad payload % x changed", bad)
		}
	}
}

// The SSH library never answers a "signal" request; a client that asks for
// a reply must get one rather than hang.
func TestSignalWithWantReplyIsAnswered(t *testing.T) {
	ts := startServer(t, nil)
	tm := openTerm(t, ts.mustDial(t), "xterm", 80, 24)
	waitFor(t, tm.screen, fixtureTitle, 2*time.Second)
	type result struct {
		ok  bool
		err error
	}
	done := make(chan result, 1)
	go func() {
		ok, err := tm.sess.SendRequest("signal", true, gossh.Marshal(struct{ Signal string }{"INT"}))
		done <- result{ok, err}
	}()
	select {
	case r := <-done:
		if r.err != nil || r.ok {
			t.Errorf("signal: ok=%v err=%v, want a refusal", r.ok, r.err)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("no reply to a signal request with want-reply")
	}
	// Without want-reply it is dropped quietly; the session goes on.
	if err := tm.sess.Signal(gossh.SIGTERM); err != nil {
		t.Fatal(err)
	}
	tm.pressAndSee(t, "s", "s", 2*time.Second)
}

// waitClosed waits until the server has closed c.
func waitClosed(t *testing.T, c *gossh.Client, timeout time.Duration) {
	t.Helper()
	done := make(chan struct{})
	go func() { _ = c.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(timeout):
		t.Fatalf("connection still open after %s", timeout)
	}
}

// An authenticated connection without a session (`ssh -N`) holds a slot
// and is closed at the idle timeout, keepalives or not.
func TestSessionlessConnectionCountsAndIdles(t *testing.T) {
	ts := startServer(t, func(c *Config) {
		c.MaxSessions = 1
		c.IdleTimeout = 600 * time.Millisecond
	})
	quiet := ts.mustDial(t)
	stopKeepalive := make(chan struct{})
	defer close(stopKeepalive)
	go func() {
		for {
			select {
			case <-stopKeepalive:
				return
			case <-time.After(100 * time.Millisecond):
				_, _, _ = quiet.SendRequest("keepalive@openssh.com", true, nil)
			}
		}
	}()
	over := openTerm(t, ts.mustDial(t), "xterm", 80, 24)
	if code := over.wait(t, 5*time.Second); code != 1 {
		t.Errorf("session beside a sessionless connection: exit status %d, want 1 (limit)", code)
	}
	if !strings.Contains(over.screen.String(), "maximum of 1 sessions") {
		t.Errorf("over-limit message %q", over.screen.String())
	}
	waitClosed(t, quiet, 5*time.Second)
	waitFor(t, ts.logs, "connection without a session closed", time.Second)

	// The slot is free again.
	again := openTerm(t, ts.mustDial(t), "xterm", 80, 24)
	waitFor(t, again.screen, fixtureTitle, 2*time.Second)
}

// A connection keeps its slot between sessions: its next session gets in
// even when another connection waits, and a second session at once on the
// same connection needs a slot of its own.
func TestConnectionSlotIsReusedBySessions(t *testing.T) {
	ts := startServer(t, func(c *Config) { c.MaxSessions = 2 })
	c := ts.mustDial(t)
	a := openTerm(t, c, "xterm", 80, 24)
	b := openTerm(t, c, "xterm", 80, 24)
	waitFor(t, a.screen, fixtureTitle, 2*time.Second)
	waitFor(t, b.screen, fixtureTitle, 2*time.Second)
	over := openTerm(t, ts.mustDial(t), "xterm", 80, 24)
	if code := over.wait(t, 5*time.Second); code != 1 {
		t.Errorf("third session: exit status %d, want 1", code)
	}
	third := openTerm(t, c, "xterm", 80, 24)
	if code := third.wait(t, 5*time.Second); code != 1 {
		t.Errorf("third session on the same connection: exit status %d, want 1", code)
	}
	a.press(t, "q")
	a.wait(t, 5*time.Second)
	b.press(t, "q")
	b.wait(t, 5*time.Second)
	// c still holds one slot; one more connection fits, a second does not.
	d := openTerm(t, ts.mustDial(t), "xterm", 80, 24)
	waitFor(t, d.screen, fixtureTitle, 2*time.Second)
	e := openTerm(t, ts.mustDial(t), "xterm", 80, 24)
	if code := e.wait(t, 5*time.Second); code != 1 {
		t.Errorf("session over the limit: exit status %d, want 1", code)
	}
	back := openTerm(t, c, "xterm", 80, 24)
	waitFor(t, back.screen, fixtureTitle, 2*time.Second)
}

func TestWritableAuthorizedKeysAreRefused(t *testing.T) {
	dir := t.TempDir()
	_, line := newClientKey(t)
	path := filepath.Join(dir, "authorized_keys")
	writeFile(t, path, line+"\n")
	for _, mode := range []os.FileMode{0o620, 0o602, 0o666} {
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err := Run(ctx, Config{
			Listen: "127.0.0.1:0", HostKeyPath: filepath.Join(dir, "host"), AuthorizedKeysPath: path,
			NewModel: fixtureFactory, Logger: nil,
			Ready: func(net.Addr, string) { t.Errorf("server started with authorized keys mode %04o", mode) },
		})
		cancel()
		if err == nil || !strings.Contains(err.Error(), "writable by group or others") || !strings.Contains(err.Error(), path) {
			t.Errorf("mode %04o: Run = %v, want a refusal naming the file", mode, err)
		}
	}
}

func TestWritableAuthorizedKeysDirectoryIsWarned(t *testing.T) {
	ts := startServer(t, func(c *Config) {
		dir := filepath.Join(filepath.Dir(c.AuthorizedKeysPath), "shared")
		if err := os.Mkdir(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(dir, 0o777); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(c.AuthorizedKeysPath)
		if err != nil {
			t.Fatal(err)
		}
		c.AuthorizedKeysPath = filepath.Join(dir, "authorized_keys")
		writeFile(t, c.AuthorizedKeysPath, string(data))
	})
	waitFor(t, ts.logs, "directory is writable by group or others", time.Second)
}

// The client's window title is saved before the browser sets its own and
// restored when the session ends (Bubble Tea alone leaves it blank).
func TestSessionRestoresTerminalTitle(t *testing.T) {
	ts := startServer(t, nil)
	tm := openTerm(t, ts.mustDial(t), "xterm-256color", 80, 24)
	waitFor(t, tm.screen, fixtureTitle, 2*time.Second)
	tm.press(t, "q")
	if code := tm.wait(t, 5*time.Second); code != 0 {
		t.Fatalf("exit status %d after q, want 0", code)
	}
	out := tm.screen.String()
	push, title, pop := strings.Index(out, "\x1b[22;0t"), strings.Index(out, fixtureTitle), strings.LastIndex(out, "\x1b[23;0t")
	if push < 0 || pop < 0 || push > title || pop < title {
		t.Fatalf("want the title pushed before the screen and popped after it: push %d, screen %d, pop %d", push, title, pop)
	}
}
