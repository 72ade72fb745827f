package tui

import (
	"io"
	"os"
	"os/exec"
	"sync"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/backchat/backchat/model"
)

// Actions configures the browser's ways out of its own screen: the
// clipboard, a pager, an editor, Markdown files and the image viewer. The
// browser never reads the process environment itself (over SSH that would be
// the server's); the caller fills Actions from it for a local run.
//
// The zero value suits an SSH session: y and Y still copy, because OSC 52
// travels with the terminal's output to the user's terminal; o, e, w and i,
// which would run programs or write files on the server, say they are not
// available.
type Actions struct {
	// Local says the browser runs on the user's own machine, so o, e, w and
	// i may run programs and write files here.
	Local bool
	// Pager is the command line of the pager (as $PAGER holds it: the
	// program and its flags, split on blanks); "" means "less -R".
	Pager string
	// Editor is the command line of the editor ($EDITOR); "" means "vi".
	Editor string
	// Display says a graphical display is reachable ($DISPLAY or
	// $WAYLAND_DISPLAY on Linux; always on macOS).
	Display bool
	// Opener is the command line that shows a file in the system viewer
	// ("xdg-open", "open"); "" when none is installed. Without a display or
	// an opener, i extracts the image and shows its path instead.
	Opener string
	// OpenAsset reads an image or audio file of the export (the CLI passes
	// loader.OpenAsset); nil disables i.
	OpenAsset func(*model.Conversation, *model.Asset) (io.ReadCloser, error)
	// Dir is the directory w writes to; "" means the working directory.
	Dir string
	// TempDir is where private temporary directories are made for the
	// pager, the editor and extracted images; "" means the system default.
	TempDir string
}

// Default commands when Actions leaves them empty.
const (
	defaultPager  = "less -R"
	defaultEditor = "vi"
)

// notAvailable is the notice for a local-only action in a remote session.
const notAvailable = "not available over SSH"

// actions is the state of the action keys (copy, pager, editor, save,
// image): the last notice, which the status bar shows, and the temporary
// directories made. A picker an action needs is handed to the root, which
// opens it as a pane. Not safe for concurrent use; commands share only
// temps, which is.
type actions struct {
	cfg       Actions
	keys      KeyMap
	notice    string
	noticeErr bool
	temps     *tempDirs
	// exec runs an interactive program with the terminal handed over to it
	// (tea.ExecProcess); tests replace it to run the program directly.
	exec func(*exec.Cmd, tea.ExecCallback) tea.Cmd
}

func newActions(cfg Actions, keys KeyMap) *actions {
	return &actions{cfg: cfg, keys: keys, temps: &tempDirs{}, exec: tea.ExecProcess}
}

// close removes every temporary directory the actions made.
func (a *actions) close() { a.temps.removeAll() }

// Notices are one line of the status bar; they may hold archive text (a
// title, a file name), so they are sanitised here.
func (a *actions) say(s string)       { a.notice, a.noticeErr = safeLine(s), false }
func (a *actions) fail(s string)      { a.notice, a.noticeErr = safeLine(s), true }
func (a *actions) failErr(e error)    { a.fail(e.Error()) }
func (a *actions) clearNotice()       { a.notice, a.noticeErr = "", false }
func (a *actions) remote(what string) { a.fail(what + ": " + notAvailable) }

// actionDoneMsg reports what an action did (or why it failed).
type actionDoneMsg struct {
	text string
	err  error
}

// execReadyMsg carries an interactive program, ready to take the terminal;
// dir is its private temporary directory, removed when it exits.
type execReadyMsg struct {
	what string // "pager" or "editor"
	cmd  *exec.Cmd
	dir  string
}

// update takes the messages of actions (actionDoneMsg, execReadyMsg).
func (a *actions) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case actionDoneMsg:
		if msg.err != nil {
			a.failErr(msg.err)
		} else {
			a.say(msg.text)
		}
	case execReadyMsg:
		temps, what, dir := a.temps, msg.what, msg.dir
		return a.exec(msg.cmd, func(err error) tea.Msg {
			temps.remove(dir)
			if err != nil {
				return actionDoneMsg{err: execError(what, err)}
			}
			return actionDoneMsg{text: "closed the " + what}
		})
	}
	return nil
}

// onKey runs the action bound to msg on what v shows; ok is false for the
// keys it leaves to the root. Any other key clears the last notice. An
// action with several candidates returns a picker for the root to open.
func (a *actions) onKey(msg tea.KeyPressMsg, v *viewer) (cmd tea.Cmd, p *picker, ok bool) {
	k := a.keys
	a.clearNotice()
	switch {
	case key.Matches(msg, k.Copy):
		return a.copyMessage(v), nil, true
	case key.Matches(msg, k.CopyCode):
		cmd, p = a.copyCode(v)
		return cmd, p, true
	case key.Matches(msg, k.Pager):
		return a.openConversation(v, false), nil, true
	case key.Matches(msg, k.Editor):
		return a.openConversation(v, true), nil, true
	case key.Matches(msg, k.Save):
		return a.saveConversation(v), nil, true
	case key.Matches(msg, k.OpenImage):
		cmd, p = a.openImage(v)
		return cmd, p, true
	}
	return nil, nil, false
}

// messagesByFocus lists the messages the per-message actions (y, Y, i)
// look at, in order: the focused message first (the one the focus bar
// marks: the one landed on by a hit, or chosen with { and }), then the
// others on screen, top first.
func (v *viewer) messagesByFocus() []int32 {
	in := v.messagesInView()
	s := v.focusSeg()
	if s < 0 {
		return in
	}
	f := v.segs[s].node
	if f == model.NoNode || int(f) >= len(v.conv.Tree()) || v.conv.Tree()[f].Msg == nil {
		return in
	}
	out := make([]int32, 0, len(in)+1)
	out = append(out, f)
	for _, n := range in {
		if n != f {
			out = append(out, n)
		}
	}
	return out
}

// messagesInView lists the message nodes on screen in the viewer, top
// first. A message of which at most its last line shows is left out unless
// nothing else is on screen: that is the one the reader just scrolled past.
func (v *viewer) messagesInView() []int32 {
	if v.conv == nil || len(v.segs) == 0 {
		return nil
	}
	var out, past []int32
	bottom := v.offset + max(v.height, 1)
	for i := v.segAt(v.offset); i < len(v.segs) && v.starts[i] < bottom; i++ {
		n := v.segs[i].node
		if n == model.NoNode || int(n) >= len(v.conv.Tree()) || v.conv.Tree()[n].Msg == nil {
			continue
		}
		end := len(v.lines)
		if i+1 < len(v.starts) {
			end = v.starts[i+1]
		}
		if end-v.offset <= 1 {
			past = append(past, n)
			continue
		}
		out = append(out, n)
	}
	if len(out) == 0 {
		return past
	}
	return out
}

// tempDirs tracks the private temporary directories actions made, so that
// closing the browser removes them all. Safe for concurrent use: commands
// add to it from their goroutines.
type tempDirs struct {
	mu     sync.Mutex
	dirs   map[string]bool
	closed bool
}

// make creates a private (0700) temporary directory under root ("" for the
// system default) and records it.
func (t *tempDirs) make(root string) (string, error) {
	dir, err := os.MkdirTemp(root, "backchat-")
	if err != nil {
		return "", err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		// The browser closed while this command ran: leave nothing behind.
		_ = os.RemoveAll(dir)
		return "", os.ErrClosed
	}
	if t.dirs == nil {
		t.dirs = make(map[string]bool)
	}
	t.dirs[dir] = true
	return dir, nil
}

// remove deletes one directory made by make.
func (t *tempDirs) remove(dir string) {
	if dir == "" {
		return
	}
	t.mu.Lock()
	delete(t.dirs, dir)
	t.mu.Unlock()
	_ = os.RemoveAll(dir)
}

// removeAll deletes every directory still recorded; later makes fail.
func (t *tempDirs) removeAll() {
	t.mu.Lock()
	dirs := t.dirs
	t.dirs, t.closed = nil, true
	t.mu.Unlock()
	for d := range dirs {
		_ = os.RemoveAll(d)
	}
}
