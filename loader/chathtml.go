package loader

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"html"
	"io"
	"path"
	"strings"
	"unicode/utf8"
)

// chat.html (docs/formats.md#chatgpt-html): ChatGPT's export page embeds
// every conversation of conversations.json in a script, as
//
//	var jsonData = [{"title": "…", "mapping": {…}, …}, …];
//
// with every string's text HTML-escaped (&quot; &amp; &lt; &gt; &#x27;), so
// the JSON itself is valid and only string contents need unescaping. 2025
// pages also define `var assetsJson = …` (null, or pointer → file name);
// the loader resolves asset pointers against the export's files itself, so
// it is not needed. A person who kept only chat.html gets every
// conversation; when conversations.json sits next to it, chat.html is not
// read (and not reported).

// chatHTMLName reports whether a file name is ChatGPT's export page.
func chatHTMLName(name string) bool { return strings.EqualFold(name, "chat.html") }

// errNoJSONData: an HTML page without the embedded conversations.
var errNoJSONData = errors.New(`an HTML page without embedded conversations (no "var jsonData = [" script); backchat reads the chat.html of a ChatGPT export`)

// htmlAware wraps a source's open so that an HTML page (first non-space
// byte '<') is read as the conversations it embeds; anything else is
// passed through unchanged.
func htmlAware(src source) source {
	open := src.open
	src.open = func() (io.ReadCloser, error) {
		rc, err := open()
		if err != nil {
			return nil, err
		}
		br := bufio.NewReaderSize(rc, 4096)
		head, _ := br.Peek(512)
		if !looksHTML(head) {
			return struct {
				io.Reader
				io.Closer
			}{br, rc}, nil
		}
		defer rc.Close()
		page, err := io.ReadAll(br)
		if err != nil {
			return nil, err
		}
		data, err := chatHTMLJSON(page)
		if err != nil {
			return nil, err
		}
		return io.NopCloser(bytes.NewReader(data)), nil
	}
	return src
}

// looksHTML reports whether b starts, after a byte-order mark and
// whitespace, with a tag: '<' then a letter, '!' (<!DOCTYPE, a comment) or
// '?'. A '<' before JSON ("<[{…", a damaged byte) is not a page.
func looksHTML(b []byte) bool {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	b = bytes.TrimLeft(b, " \t\r\n")
	if len(b) < 2 || b[0] != '<' {
		return false
	}
	c := b[1] | 0x20
	return c >= 'a' && c <= 'z' || b[1] == '!' || b[1] == '?'
}

// chatHTMLJSON extracts the jsonData array of a chat.html page and returns
// it as JSON with the strings' HTML escapes undone.
func chatHTMLJSON(page []byte) ([]byte, error) {
	i := bytes.Index(page, []byte("jsonData"))
	for i >= 0 {
		j := i + len("jsonData")
		rest := bytes.TrimLeft(page[j:], " \t\r\n")
		if len(rest) > 0 && rest[0] == '=' {
			rest = bytes.TrimLeft(rest[1:], " \t\r\n")
			if len(rest) > 0 && rest[0] == '[' {
				end, err := jsonValueEnd(rest)
				if err != nil {
					return nil, fmt.Errorf("chat.html: jsonData: %w", err)
				}
				return unescapeJSONStrings(rest[:end]), nil
			}
		}
		k := bytes.Index(page[j:], []byte("jsonData"))
		if k < 0 {
			break
		}
		i = j + k
	}
	return nil, errNoJSONData
}

// jsonValueEnd returns the length of the array or object at the start of
// b, tracking strings and bracket depth only.
func jsonValueEnd(b []byte) (int, error) {
	depth, inStr := 0, false
	for i := 0; i < len(b); i++ {
		c := b[i]
		if inStr {
			switch c {
			case '\\':
				i++
			case '"':
				inStr = false
			}
			continue
		}
		switch c {
		case '"':
			inStr = true
		case '[', '{':
			depth++
		case ']', '}':
			depth--
			if depth == 0 {
				return i + 1, nil
			}
		}
	}
	return 0, errors.New("the array is not closed (the page is cut short)")
}

// unescapeJSONStrings undoes HTML character references inside the JSON
// strings of b, writing each resulting character JSON-escaped where JSON
// needs it (a quote, a backslash, control characters).
func unescapeJSONStrings(b []byte) []byte {
	if bytes.IndexByte(b, '&') < 0 {
		return b
	}
	out := make([]byte, 0, len(b))
	inStr := false
	for i := 0; i < len(b); i++ {
		c := b[i]
		if !inStr {
			if c == '"' {
				inStr = true
			}
			out = append(out, c)
			continue
		}
		switch c {
		case '\\':
			out = append(out, c)
			if i+1 < len(b) {
				i++
				out = append(out, b[i])
			}
			continue
		case '"':
			inStr = false
			out = append(out, c)
			continue
		case '&':
			if n, s := entityAt(b[i:]); n > 0 {
				out = appendJSONText(out, s)
				i += n - 1
				continue
			}
		}
		out = append(out, c)
	}
	return out
}

// entityAt decodes the character reference at the start of b ("&quot;",
// "&#x27;", "&#39;", …): its length and text, or 0 when b holds none.
func entityAt(b []byte) (int, string) {
	end := 1 // a reference is '&', letters, digits or '#', then ';'
	for end < len(b) && end < 40 && (b[end] == '#' || b[end] >= '0' && b[end] <= '9' || b[end]|0x20 >= 'a' && b[end]|0x20 <= 'z') {
		end++
	}
	if end < 2 || end >= len(b) || b[end] != ';' {
		return 0, ""
	}
	ref := string(b[:end+1])
	s := html.UnescapeString(ref)
	if s == ref {
		return 0, ""
	}
	return end + 1, s
}

// appendJSONText appends s to a JSON string's contents, escaping what JSON
// requires.
func appendJSONText(out []byte, s string) []byte {
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			out = append(out, '\\', byte(r))
		case r < 0x20:
			out = fmt.Appendf(out, `\u%04x`, r)
		default:
			out = utf8.AppendRune(out, r)
		}
	}
	return out
}

// chatHTMLSources adds, for each folder (or ZIP directory) holding a
// chat.html but no conversation file, that page as a source: exports
// where only chat.html was kept. mk builds the source for a page path.
func chatHTMLSources(srcs []source, pages []string, mk func(p string) source) []source {
	if len(pages) == 0 {
		return srcs
	}
	have := make(map[string]bool, len(srcs))
	for _, s := range srcs {
		have[sourceDir(s.name)] = true
	}
	for _, p := range pages {
		if !have[sourceDir(p)] {
			srcs = append(srcs, htmlAware(mk(p)))
		}
	}
	return srcs
}

// sourceDir is the folder part of a source name: a path, or
// "archive.zip:dir/name" (inner ZIPs add further ":" parts).
func sourceDir(name string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	return path.Dir(name)
}
