package render

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/backchat/backchat/model"
)

// MessageMarkdown writes message node n of c as Markdown: its "## Role ·
// time" heading, its content in full (a folded tool call or reasoning step is
// expanded: whoever asks for one message wants all of it) and its sources.
// It is the Markdown that Markdown writes for that message, sanitised the
// same way, so the TUI's copy and `backchat show` agree.
func MessageMarkdown(w io.Writer, c *model.Conversation, n int32, opts Options) error {
	if c == nil {
		return ErrNilConversation
	}
	if n < 0 || int(n) >= len(c.Tree()) || c.Tree()[n].Msg == nil {
		return fmt.Errorf("render: conversation %q: node %d holds no message", c.ID, n)
	}
	r := &writer{c: c, opts: opts, md: true, loc: opts.Location}
	if r.loc == nil {
		r.loc = time.Local
	}
	r.message(n, c.Tree()[n].Msg)
	out := strings.TrimRight(strings.ReplaceAll(r.b.String(), "\r\n", "\n"), "\n") + "\n"
	_, err := io.WriteString(w, model.Sanitize(out))
	return err
}

// Body returns the Markdown of m's content and sources, without a heading:
// what MessageMarkdown writes under the heading, sanitised the same way,
// except that an image or audio is one short line (AssetShort: kind, name,
// size; the file's path is in copy, show and export, and `i` opens it). The
// browser feeds it to Glamour (and shows it as plain text until Glamour is
// done), so the screen, `backchat show`, export and copy describe a message
// with the same words. It does not depend on the width it is shown at.
func Body(m *model.Message) string { return body(m, true) }

func body(m *model.Message, screen bool) string {
	if m == nil {
		return ""
	}
	r := &writer{md: true, loc: time.UTC, screen: screen}
	r.body(m) // never empty: at least "(empty)\n"
	s := strings.ReplaceAll(r.b.String(), "\r\n", "\n")
	// One final newline: a prefix of s, so no copy of a long message.
	s = s[:len(strings.TrimRight(s, "\n"))+1]
	return model.Sanitize(s)
}

// Code is one code block of a message, ready to copy.
type Code struct {
	Lang string // the language the block names, "" when none
	Text string // the code, sanitised, without fences or a final newline
}

// CodeBlocks lists the code of m in reading order: code content (tool calls,
// code interpreter input), canvas code, and every fenced block (``` or ~~~)
// inside its text. Text is sanitised. An unclosed fence runs to the end of
// its text, as in CommonMark.
func CodeBlocks(m *model.Message) []Code {
	if m == nil {
		return nil
	}
	var out []Code
	add := func(lang, text string) {
		text = strings.TrimRight(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
		if strings.TrimSpace(text) == "" {
			return
		}
		out = append(out, Code{Lang: model.SanitizeLine(lang), Text: model.Sanitize(text)})
	}
	for i := range m.Blocks {
		b := &m.Blocks[i]
		switch b.Kind {
		case model.BlockCode:
			add(b.Lang(), b.Text)
		case model.BlockCanvas:
			if strings.HasPrefix(b.Lang(), "code/") {
				add(strings.TrimPrefix(b.Lang(), "code/"), b.Text)
			} else {
				out = append(out, fencedBlocks(b.Text)...)
			}
		case model.BlockText:
			out = append(out, fencedBlocks(b.Text)...)
		}
	}
	return out
}

// fencedBlocks finds the fenced code blocks of Markdown text. It is lenient
// about indentation (fences nested in list items are common in chat answers):
// an opening fence is any line that starts, after blanks, with three or more
// backticks or tildes; it closes at a line holding only a run of at least as
// many of the same character.
func fencedBlocks(text string) []Code {
	var out []Code
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	for i := 0; i < len(lines); i++ {
		indent, ch, n, info, ok := openFence(lines[i])
		if !ok {
			continue
		}
		var body []string
		j := i + 1
		for ; j < len(lines); j++ {
			if closesFence(lines[j], ch, n) {
				break
			}
			body = append(body, dedent(lines[j], indent))
		}
		code := strings.TrimRight(strings.Join(body, "\n"), "\n")
		if strings.TrimSpace(code) != "" {
			lang := ""
			if f := strings.Fields(info); len(f) > 0 {
				lang = f[0]
			}
			out = append(out, Code{Lang: model.SanitizeLine(lang), Text: model.Sanitize(code)})
		}
		i = j
	}
	return out
}

// openFence reports whether line opens a fence, with its indentation (in
// bytes of blanks), fence character, length and info string.
func openFence(line string) (indent int, ch byte, n int, info string, ok bool) {
	rest := strings.TrimLeft(line, " \t")
	indent = len(line) - len(rest)
	if len(rest) < 3 || (rest[0] != '`' && rest[0] != '~') {
		return 0, 0, 0, "", false
	}
	ch = rest[0]
	for n < len(rest) && rest[n] == ch {
		n++
	}
	if n < 3 {
		return 0, 0, 0, "", false
	}
	info = rest[n:]
	if ch == '`' && strings.IndexByte(info, '`') >= 0 {
		return 0, 0, 0, "", false // inline code such as ```x```, not a fence
	}
	return indent, ch, n, info, true
}

// closesFence reports whether line closes a fence of n characters ch.
func closesFence(line string, ch byte, n int) bool {
	t := strings.TrimSpace(line)
	if len(t) < n {
		return false
	}
	for i := 0; i < len(t); i++ {
		if t[i] != ch {
			return false
		}
	}
	return true
}

// dedent removes up to indent leading blanks, the indentation of the fence.
func dedent(line string, indent int) string {
	i := 0
	for i < indent && i < len(line) && (line[i] == ' ' || line[i] == '\t') {
		i++
	}
	return line[i:]
}
