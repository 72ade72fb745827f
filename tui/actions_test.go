package tui

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/backchat/backchat/internal/render"
	"github.com/backchat/backchat/model"
)

// newActionTest builds a browser over a with actions act, at 120×40.
func newActionTest(t *testing.T, a *model.Archive, act Actions) *Model {
	t.Helper()
	m := New(Options{Archive: a, Theme: "dark", Width: 120, Height: 40, Now: fixedNow, Actions: act})
	// Interactive programs run directly, with no terminal to hand over.
	m.act.exec = func(c *exec.Cmd, fn tea.ExecCallback) tea.Cmd {
		return func() tea.Msg { return fn(c.Run()) }
	}
	t.Cleanup(m.Close)
	run(t, m, m.Init())
	return m
}

// clipboardOf runs cmd and returns what it puts on the clipboard; it fails
// when cmd does not set the clipboard.
func clipboardOf(t *testing.T, cmd tea.Cmd) string {
	t.Helper()
	if cmd == nil {
		t.Fatal("want a clipboard command, got none")
	}
	msg := cmd()
	if got := fmt.Sprintf("%T", msg); got != "tea.setClipboardMsg" {
		t.Fatalf("want tea.SetClipboard's message, got %s", got)
	}
	return fmt.Sprint(msg)
}

// messageMD is the Markdown render makes for node n of c.
func messageMD(t *testing.T, c *model.Conversation, n int32) string {
	t.Helper()
	var b bytes.Buffer
	if err := render.MessageMarkdown(&b, c, n, render.Options{Location: time.UTC}); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestCopyMessageInView(t *testing.T) {
	m := newActionTest(t, testArchive(), Actions{})
	c := m.view.conv
	if c.ID != "c-generics" {
		t.Fatalf("viewer shows %s", c.ID)
	}
	_, cmd := m.Update(keyMsg("y"))
	got := clipboardOf(t, cmd)
	if want := messageMD(t, c, 1); got != want {
		t.Fatalf("clipboard:\n%q\nwant the first message:\n%q", got, want)
	}
	if !strings.HasPrefix(got, "## You · ") || !strings.Contains(got, "How do I write a generic Map in Go?") {
		t.Errorf("clipboard is not the question as Markdown: %q", got)
	}
	if s := screen(m); !strings.Contains(s, "copied your message as Markdown") {
		t.Errorf("status bar does not say what was copied:\n%s", s)
	}
	// Scroll the viewer until the answer is the top message: y copies it.
	_, cmd = m.Update(tea.WindowSizeMsg{Width: 80, Height: 14})
	run(t, m, cmd)
	press(t, m, "tab")
	for i := 0; i < 100 && m.view.messagesInView()[0] == 1; i++ {
		press(t, m, "j")
	}
	if top := m.view.messagesInView()[0]; top != 2 {
		t.Fatalf("after scrolling the top message is node %d, want 2", top)
	}
	_, cmd = m.Update(keyMsg("y"))
	if got, want := clipboardOf(t, cmd), messageMD(t, c, 2); got != want {
		t.Fatalf("clipboard after scrolling:\n%q\nwant:\n%q", got, want)
	}
	press(t, m, "j") // any key clears the notice
	if strings.Contains(screen(m), "copied") {
		t.Error("the notice should clear on the next key")
	}
}

func TestCopySanitised(t *testing.T) {
	a := testArchive()
	a.Conversations = append(a.Conversations, evilConv())
	m := newActionTest(t, a, Actions{})
	selectConv(t, m, "c-evil")
	_, cmd := m.Update(keyMsg("y"))
	got := clipboardOf(t, cmd)
	if strings.ContainsAny(got, "\x1b\x07") || !strings.Contains(got, "␛[31mred") {
		t.Fatalf("clipboard should hold the escapes as visible text only: %q", got)
	}
}

// stepReader yields each of its chunks after a pause, then EOF.
type stepReader struct {
	chunks []string
	delay  time.Duration
}

func (r *stepReader) Read(p []byte) (int, error) {
	if len(r.chunks) == 0 {
		return 0, io.EOF
	}
	time.Sleep(r.delay)
	n := copy(p, r.chunks[0])
	r.chunks = r.chunks[1:]
	return n, nil
}

func TestCopyEmitsOSC52(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	a := testArchive()
	var out bytes.Buffer
	in := &stepReader{chunks: []string{"y", "q"}, delay: 400 * time.Millisecond}
	if err := Run(ctx, Options{Archive: a, Theme: "dark", Width: 100, Height: 30, Now: fixedNow}, in, &out); err != nil {
		t.Fatalf("Run: %v", err)
	}
	want := messageMD(t, a.Conversations[0], 1)
	seq := "\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte(want))
	if !strings.Contains(out.String(), seq) {
		i := strings.Index(out.String(), "\x1b]52")
		t.Fatalf("output lacks the OSC 52 sequence %q (found at %d)", seq, i)
	}
}

func TestCopyCodeBlock(t *testing.T) {
	a := testArchive()
	multi := buildConv("c-code", "Three code blocks", testNow.Add(-time.Minute),
		tm{role: model.RoleUser, text: "Show me"},
		tm{role: model.RoleAssistant, text: "First:\n\n```go\nfmt.Println(1)\n```\n\nSecond:\n\n```sh\necho two\necho 2\n```\n"},
	)
	multi.Nodes[2].Msg.Blocks = append(multi.Nodes[2].Msg.Blocks, model.Block{Kind: model.BlockCode, Text: "print(3)"}.WithLang("python"))
	a.Conversations = append([]*model.Conversation{multi}, a.Conversations...)
	m := newActionTest(t, a, Actions{})
	if m.view.conv.ID != "c-code" {
		t.Fatalf("viewer shows %s", m.view.conv.ID)
	}
	// The top message (the question) has no code: Y looks further down.
	press(t, m, "Y")
	p := m.picker
	if p == nil || len(p.items) != 3 {
		t.Fatalf("want a picker of 3 code blocks, got %+v", p)
	}
	s := screen(m)
	for _, want := range []string{"Copy which code block?", "1 go: fmt.Println(1)", "2 sh: echo two", "3 python: print(3)", "enter copy · esc cancel"} {
		if !strings.Contains(s, want) {
			t.Errorf("picker lacks %q:\n%s", want, s)
		}
	}
	press(t, m, "j")
	_, cmd := m.Update(keyMsg("enter"))
	if got := clipboardOf(t, cmd); got != "echo two\necho 2" {
		t.Errorf("enter copied %q, want the second block", got)
	}
	if m.picker != nil || !strings.Contains(m.act.notice, "copied the sh code block (2 lines") {
		t.Errorf("after enter: picker %v, notice %q", m.picker, m.act.notice)
	}
	press(t, m, "Y")
	_, cmd = m.Update(keyMsg("3"))
	if got := clipboardOf(t, cmd); got != "print(3)" {
		t.Errorf("3 copied %q", got)
	}
	press(t, m, "Y", "esc")
	if m.picker != nil || m.act.notice != "cancelled" {
		t.Errorf("esc: picker %v, notice %q", m.picker, m.act.notice)
	}
	press(t, m, "Y", "q")
	if m.picker != nil {
		t.Error("q should close the picker, not quit")
	}

	// One block: copied at once.
	selectConv(t, m, "c-generics")
	_, cmd = m.Update(keyMsg("Y"))
	if got := clipboardOf(t, cmd); !strings.HasPrefix(got, "func Map[T, U any]") || !strings.HasSuffix(got, "return out\n}") {
		t.Errorf("Y copied %q", got)
	}
	// No code anywhere in view.
	selectConv(t, m, "c-wide")
	if _, cmd = m.Update(keyMsg("Y")); cmd != nil || !m.act.noticeErr {
		t.Errorf("no code: want an error notice and no command, got %q", m.act.notice)
	}
}

func TestPickerFitsSmallScreens(t *testing.T) {
	items := []string{strings.Repeat("long row ", 30), "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"}
	for _, sz := range [][2]int{{40, 12}, {80, 24}, {16, 5}, {12, 4}} {
		m := newTest(t, sz[0], sz[1])
		m.openPicker(newPicker("Pick one of these many rows", "copy", items, nil))
		for i := 0; i < 11; i++ {
			m.picker.move(1)
			lines := strings.Split(screen(m), "\n")
			if len(lines) > sz[1] {
				t.Fatalf("%v: %d lines", sz, len(lines))
			}
			for _, l := range lines {
				if w := lipglossWidth(l); w > sz[0] {
					t.Fatalf("%v: line %q is %d wide", sz, l, w)
				}
			}
			if sz[0] >= 40 && !strings.Contains(screen(m), fmt.Sprintf("%d %s", i+2, items[i+1])) {
				t.Fatalf("%v: the cursor row %d is not on screen:\n%s", sz, i+2, screen(m))
			}
		}
	}
}

func TestRemoteSessionDisablesLocalActions(t *testing.T) {
	m := newActionTest(t, testArchive(), Actions{}) // what an SSH server passes
	for _, k := range []string{"o", "e", "w", "i"} {
		_, cmd := m.Update(keyMsg(k))
		if cmd != nil {
			t.Errorf("%s: want no command over SSH", k)
		}
		if !m.act.noticeErr || !strings.HasSuffix(m.act.notice, "not available over SSH") {
			t.Errorf("%s: notice %q", k, m.act.notice)
		}
		if !strings.Contains(screen(m), "not available over SSH") {
			t.Errorf("%s: the status bar does not say so", k)
		}
	}
	_, cmd := m.Update(keyMsg("y"))
	clipboardOf(t, cmd) // copying still works
}

// writeScript writes an executable shell script to dir and returns its path.
func writeScript(t *testing.T, dir, name, body string) string {
	t.Helper()
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh")
	}
	p := dir + "/" + name
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}
