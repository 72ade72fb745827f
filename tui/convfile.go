package tui

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/backchat/backchat/internal/exporter"
	"github.com/backchat/backchat/internal/render"
	"github.com/backchat/backchat/model"
)

// maxSuffix bounds the "-1", "-2"… tried before w gives up.
const maxSuffix = 999

// convFileName is the name w writes a conversation to (and o and e hand
// the pager or editor): `backchat export --format markdown`'s,
// YYYY-MM-DD-slug-ID8.md dated in UTC (internal/exporter/names.go Stem),
// so a conversation saved from the browser and exported get one name.
func convFileName(c *model.Conversation) string {
	return exporter.Stem(c) + ".md"
}

// conversationMarkdown renders c the way `backchat show --format md` does,
// sanitised by render, but along thread: the branch the viewer shows.
func conversationMarkdown(c *model.Conversation, loc *time.Location, thread model.Thread) ([]byte, error) {
	var b bytes.Buffer
	if err := render.Markdown(&b, c, render.Options{Location: loc, Thread: thread}); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// openConversation writes the conversation in view as Markdown to a file in
// a private temporary directory and hands the terminal to the pager, or to
// the editor with the file read-only (0400). The directory is removed when
// the program exits.
func (a *actions) openConversation(v *viewer, editor bool) tea.Cmd {
	what, line, def, perm := "pager", a.cfg.Pager, defaultPager, os.FileMode(0o600)
	if editor {
		what, line, def, perm = "editor", a.cfg.Editor, defaultEditor, 0o400
	}
	if !a.cfg.Local {
		a.remote(what)
		return nil
	}
	c := v.conv
	if c == nil {
		a.fail(what + ": no conversation selected")
		return nil
	}
	argv := strings.Fields(line)
	if len(argv) == 0 {
		argv = strings.Fields(def)
	}
	temps, root, loc := a.temps, a.cfg.TempDir, v.loc
	thread := append(model.Thread(nil), v.thread...)
	a.say("opening the " + what + "…")
	return func() tea.Msg {
		md, err := conversationMarkdown(c, loc, thread)
		if err != nil {
			return actionDoneMsg{err: fmt.Errorf("%s: %w", what, err)}
		}
		dir, err := temps.make(root)
		if err != nil {
			return actionDoneMsg{err: fmt.Errorf("%s: temporary directory: %w", what, err)}
		}
		path := filepath.Join(dir, convFileName(c))
		if err := writeNew(path, md, perm); err != nil {
			temps.remove(dir)
			return actionDoneMsg{err: fmt.Errorf("%s: %w", what, err)}
		}
		cmd := exec.Command(argv[0], append(argv[1:], path)...)
		return execReadyMsg{what: what, cmd: cmd, dir: dir}
	}
}

// execError explains why the pager or editor did not run or failed.
func execError(what string, err error) error {
	var ee *exec.ExitError
	switch {
	case errors.Is(err, exec.ErrNotFound):
		env := "$PAGER"
		if what == "editor" {
			env = "$EDITOR"
		}
		return fmt.Errorf("%s: %w (set %s)", what, err, env)
	case errors.As(err, &ee):
		return fmt.Errorf("%s exited with status %d", what, ee.ExitCode())
	}
	return fmt.Errorf("%s: %w", what, err)
}

// saveConversation writes the conversation in view to a Markdown file in
// the working directory (Actions.Dir) and says where.
func (a *actions) saveConversation(v *viewer) tea.Cmd {
	if !a.cfg.Local {
		a.remote("write")
		return nil
	}
	c := v.conv
	if c == nil {
		a.fail("write: no conversation selected")
		return nil
	}
	dir, loc := a.cfg.Dir, v.loc
	thread := append(model.Thread(nil), v.thread...)
	return func() tea.Msg {
		md, err := conversationMarkdown(c, loc, thread)
		if err != nil {
			return actionDoneMsg{err: fmt.Errorf("write: %w", err)}
		}
		path, existed, err := writeUnique(dir, convFileName(c), md)
		if err != nil {
			return actionDoneMsg{err: fmt.Errorf("write: %w", err)}
		}
		if existed {
			return actionDoneMsg{text: "already saved as " + path}
		}
		return actionDoneMsg{text: "wrote " + path}
	}
}

// writeUnique writes data to name in dir ("" for the working directory)
// without ever replacing a file: when name is taken by a different file it
// tries name-1.md, name-2.md… A file that already holds exactly data is
// reused (existed is true), so pressing w twice makes one file.
func writeUnique(dir, name string, data []byte) (path string, existed bool, err error) {
	base := strings.TrimSuffix(name, ".md")
	for i := 0; i <= maxSuffix; i++ {
		n := base + ".md"
		if i > 0 {
			n = base + "-" + strconv.Itoa(i) + ".md"
		}
		path = n
		if dir != "" {
			path = filepath.Join(dir, n)
		}
		err = writeNew(path, data, 0o644)
		if err == nil {
			return path, false, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return "", false, err
		}
		if sameContent(path, data) {
			return path, true, nil
		}
	}
	return "", false, fmt.Errorf("%s: %d files of that name exist already", filepath.Join(dir, name), maxSuffix+1)
}

// writeNew creates path (it must not exist) with perm and writes data. A
// failed write removes the partial file.
func writeNew(path string, data []byte, perm os.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	_, werr := f.Write(data)
	cerr := f.Close()
	if werr == nil {
		werr = cerr
	}
	if werr != nil {
		_ = os.Remove(path)
	}
	return werr
}

// sameContent reports whether the regular file at path holds exactly data.
func sameContent(path string, data []byte) bool {
	fi, err := os.Lstat(path)
	if err != nil || !fi.Mode().IsRegular() || fi.Size() != int64(len(data)) {
		return false
	}
	b, err := os.ReadFile(path)
	return err == nil && bytes.Equal(b, data)
}
