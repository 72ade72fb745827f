package tui

import (
	"bytes"
	"strings"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"

	"github.com/backchat/backchat/internal/render"
)

// Copying goes through OSC 52: Bubble Tea writes the escape sequence to the
// program's own output, which is the user's terminal wherever the browser
// runs, over SSH included. Nothing is written to os.Stdout directly.
//
// NOTE: inside tmux, OSC 52 reaches the outer terminal only with
// `set -g set-clipboard on` in tmux.conf; some terminals cap the payload
// (xterm and older iTerm2 at about 100 KB), so the notice gives the size.

// clipboardCap is the size past which the notice warns that a terminal may
// refuse the copy.
const clipboardCap = 100 << 10

// copyMessage copies the focused message as Markdown (messagesByFocus).
func (a *actions) copyMessage(v *viewer) tea.Cmd {
	nodes := v.messagesByFocus()
	if len(nodes) == 0 {
		a.fail("copy: no message in view")
		return nil
	}
	c, n := v.conv, nodes[0]
	var b bytes.Buffer
	if err := render.MessageMarkdown(&b, c, n, render.Options{Location: v.loc}); err != nil {
		a.failErr(err)
		return nil
	}
	whose := "your"
	if who := render.RoleLabel(c, c.Tree()[n].Msg); who != "You" {
		whose = who + "'s"
	}
	return a.copyText(b.String(), "copied "+whose+" message as Markdown")
}

// copyText puts s on the clipboard and says so, with details and the size.
func (a *actions) copyText(s, what string, details ...string) tea.Cmd {
	note := what + " (" + strings.Join(append(details, "OSC 52", render.FormatSize(int64(len(s)))), ", ") + ")"
	if len(s) > clipboardCap {
		note += "; some terminals refuse copies this large"
	}
	a.say(note)
	return tea.SetClipboard(s)
}

// codeRef is one code block on offer, with the message it came from.
type codeRef struct {
	code render.Code
	node int32
}

// codeInView lists the code blocks of the first message that has any, in
// messagesByFocus's order (the focused one, else the others on screen, top
// first).
func codeInView(v *viewer) []codeRef {
	c := v.conv
	for _, n := range v.messagesByFocus() {
		var out []codeRef
		for _, code := range render.CodeBlocks(c.Tree()[n].Msg) {
			out = append(out, codeRef{code: code, node: n})
		}
		if len(out) > 0 {
			return out
		}
	}
	return nil
}

// copyCode copies the code block in view, or opens a picker when there are
// several (returned for the root to open).
func (a *actions) copyCode(v *viewer) (tea.Cmd, *picker) {
	codes := codeInView(v)
	switch len(codes) {
	case 0:
		a.fail("copy code: no code block in view")
		return nil, nil
	case 1:
		return a.copyCodeBlock(codes[0]), nil
	}
	items := make([]string, len(codes))
	for i, cr := range codes {
		items[i] = codeLabel(cr.code)
	}
	return nil, newPicker("Copy which code block?", "copy", items, func(i int) tea.Cmd {
		return a.copyCodeBlock(codes[i])
	})
}

func (a *actions) copyCodeBlock(cr codeRef) tea.Cmd {
	what := "copied the code block"
	if cr.code.Lang != "" {
		what = "copied the " + cr.code.Lang + " code block"
	}
	lines := strings.Count(cr.code.Text, "\n") + 1
	return a.copyText(cr.code.Text, what, plural(lines, "line"))
}

// codeLabel is a picker row: the language and the first non-blank line.
func codeLabel(c render.Code) string {
	first := ""
	for _, l := range strings.Split(c.Text, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			first = l
			break
		}
	}
	first = strings.ReplaceAll(first, "\t", " ")
	if utf8.RuneCountInString(first) > 200 {
		first = string([]rune(first)[:200])
	}
	lang := c.Lang
	if lang == "" {
		lang = "code"
	}
	return lang + ": " + first
}
