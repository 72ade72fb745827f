package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/backchat/backchat/model"
)

// Tool calls and tool outputs whose text is JSON (plugin replies, Claude's
// bash_tool results, image-generation requests) are summarised in one line
// and, when shown in full, laid out for a reader: stdout and stderr as text,
// any other JSON pretty-printed in a code block.

// maxToolJSON bounds the tool output decoded to be summarised or laid out
// (a summary is built whenever a folded message is drawn); larger output is
// shown as written.
const maxToolJSON = 4 << 20

// parseJSON decodes text when it is a JSON object or array (after blanks);
// ok is false for anything else, including plain text that merely starts
// with a brace, and for text over maxToolJSON bytes.
func parseJSON(text string) (v any, ok bool) {
	t := strings.TrimSpace(text)
	if len(t) < 2 || len(t) > maxToolJSON || (t[0] != '{' && t[0] != '[') {
		return nil, false
	}
	d := json.NewDecoder(strings.NewReader(t))
	d.UseNumber()
	if d.Decode(&v) != nil || d.More() {
		return nil, false
	}
	return v, true
}

// prettyJSON indents JSON text; text that is not JSON is returned as is.
func prettyJSON(text string) string {
	var b bytes.Buffer
	if json.Indent(&b, []byte(strings.TrimSpace(text)), "", "  ") != nil {
		return text
	}
	return b.String()
}

// procResult is a process result: {"returncode"/"exit_code"/"status", "stdout", "stderr", "output"}.
type procResult struct {
	code           string // "" when absent
	stdout, stderr string
	ok             bool
}

func asProcResult(v any) procResult {
	o, isObj := v.(map[string]any)
	if !isObj {
		return procResult{}
	}
	var p procResult
	for _, k := range []string{"returncode", "return_code", "exit_code", "exitCode"} {
		if n, isNum := o[k].(json.Number); isNum {
			p.code, p.ok = n.String(), true
		}
	}
	for _, k := range []string{"stdout", "output"} {
		if s, isStr := o[k].(string); isStr {
			p.stdout, p.ok = s, true
			break
		}
	}
	if s, isStr := o["stderr"].(string); isStr {
		p.stderr, p.ok = s, true
	}
	// Anything else of note makes it a general object, not a process result.
	for k := range o {
		switch k {
		case "returncode", "return_code", "exit_code", "exitCode", "stdout", "output", "stderr", "type", "status":
		default:
			return procResult{}
		}
	}
	return p
}

// jsonSummary describes JSON tool output in a few words: "exit 0, 14 lines
// of output", "HTTP 200 OK, 3 fields", "a list of 5 items (“First title”…)",
// "an object with 4 fields (query, locale, …)".
func jsonSummary(v any) string {
	if p := asProcResult(v); p.ok {
		var parts []string
		if p.code != "" {
			parts = append(parts, "exit "+p.code)
		}
		out := lineCount(p.stdout)
		parts = append(parts, plural(out, "line")+" of output")
		if n := lineCount(p.stderr); n > 0 {
			parts = append(parts, plural(n, "line")+" on stderr")
		}
		return strings.Join(parts, ", ")
	}
	switch x := v.(type) {
	case []any:
		s := "a list of " + plural(len(x), "item")
		if len(x) > 0 {
			if t := titleOf(x[0]); t != "" {
				s += ": " + quoted(t)
				if len(x) > 1 {
					s += ", …"
				}
			}
		}
		return s
	case map[string]any:
		var head string
		if code, ok := x["statusCode"].(json.Number); ok {
			head = "HTTP " + code.String()
			if t, ok := x["statusText"].(string); ok && t != "" {
				head += " " + t
			}
		}
		if t := titleOf(x); t != "" {
			if head != "" {
				head += ", "
			}
			head += quoted(t)
		}
		if head != "" {
			return head
		}
		return "an object with " + plural(len(x), "field") + fieldList(x)
	}
	return "a JSON value"
}

// titleOf finds a reader-facing name in a JSON object: its title or name,
// or those of a nested "content"/"data"/"result" object.
func titleOf(v any) string {
	o, ok := v.(map[string]any)
	if !ok {
		return ""
	}
	for _, k := range []string{"title", "name"} {
		if s, ok := o[k].(string); ok && strings.TrimSpace(s) != "" {
			return firstLine(s)
		}
	}
	for _, k := range []string{"content", "data", "result"} {
		if inner, ok := o[k].(map[string]any); ok {
			if t := titleOf(inner); t != "" {
				return t
			}
		}
	}
	return ""
}

// fieldList is " (a, b, c, …)" for an object's first keys, in order.
func fieldList(o map[string]any) string {
	if len(o) == 0 {
		return ""
	}
	keys := make([]string, 0, len(o))
	for k := range o {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if len(keys) > 3 {
		keys = append(keys[:3], "…")
	}
	return " (" + strings.Join(keys, ", ") + ")"
}

// callArgs describes the JSON arguments of a tool call: `key: "value", …`
// cut to about 80 characters.
func callArgs(o map[string]any) string {
	keys := make([]string, 0, len(o))
	for k := range o {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		var v string
		switch x := o[k].(type) {
		case string:
			v = quoted(firstLine(x))
		case json.Number:
			v = x.String()
		case bool:
			v = strconv.FormatBool(x)
		case nil:
			continue
		case []any:
			v = "[" + plural(len(x), "item") + "]"
		default:
			v = "{…}"
		}
		parts = append(parts, k+": "+v)
	}
	s := strings.Join(parts, ", ")
	if rs := []rune(s); len(rs) > 80 {
		s = string(rs[:79]) + "…"
	}
	return s
}

// imageRequest reports whether call arguments ask for an image (ChatGPT's
// image generation, whatever its tool is called in the export) and returns
// the prompt.
func imageRequest(o map[string]any) (string, bool) {
	p, ok := o["prompt"].(string)
	if !ok {
		return "", false
	}
	for _, k := range []string{"size", "n", "referenced_image_ids", "transparent_background"} {
		if _, ok := o[k]; ok {
			return p, true
		}
	}
	return "", false
}

// callSummary is the summary of an assistant's call to tool target whose
// arguments are text, or "" when text is not a JSON object.
func callSummary(target, text string) string {
	v, ok := parseJSON(text)
	if !ok {
		return ""
	}
	o, ok := v.(map[string]any)
	if !ok {
		return "Called " + target + " (" + jsonSummary(v) + ")"
	}
	if p, ok := imageRequest(o); ok {
		return "Asked for an image: " + quoted(firstLine(p))
	}
	if len(o) == 0 {
		return "Called " + target
	}
	return "Called " + target + ": " + callArgs(o)
}

// toolName is how a reader sees a tool's name. ChatGPT exports since 2025
// name some tools by a scrambled id ("t2uay3k.sj1i4kz"): those are called
// "image generation" when the message shows it is, else "a tool".
func toolName(m *model.Message, name string) string {
	switch {
	case name == "dalle.text2im" || strings.HasPrefix(name, "image_gen"):
		return "image generation"
	case !model.IsScrambledToolName(name):
		return name
	case isImageMessage(m):
		return "image generation"
	}
	return "a tool"
}

// isImageMessage reports whether m carries an image or asks for one.
func isImageMessage(m *model.Message) bool {
	for i := range m.Blocks {
		b := &m.Blocks[i]
		switch b.Kind {
		case model.BlockImage:
			return true
		case model.BlockCode, model.BlockText:
			if v, ok := parseJSON(b.Text); ok {
				if o, ok := v.(map[string]any); ok {
					if _, ok := imageRequest(o); ok {
						return true
					}
				}
			}
		}
	}
	return false
}

// jsonOutput writes tool output text that is JSON for a reader: a process
// result's stdout and stderr as text (with its exit code), anything else
// pretty-printed in a json code block. ok is false when text is not JSON.
func (r *writer) jsonOutput(text string) bool {
	v, ok := parseJSON(text)
	if !ok {
		return false
	}
	if p := asProcResult(v); p.ok {
		if p.code != "" {
			r.line("Exit code ", p.code)
			r.line()
		}
		if strings.TrimSpace(p.stdout) != "" {
			r.fence("", p.stdout)
		}
		if strings.TrimSpace(p.stderr) != "" {
			if strings.TrimSpace(p.stdout) != "" {
				r.line()
			}
			r.line("stderr:")
			r.fence("", p.stderr)
		}
		if strings.TrimSpace(p.stdout+p.stderr) == "" {
			r.line("(no output)")
		}
		return true
	}
	r.fence("json", prettyJSON(text))
	return true
}

// unknownLine is the one-line description of a block the renderer does not
// know: its type and how many fields it has.
func unknownLine(b *model.Block) string {
	typ := orDefault(b.Type(), b.Kind.String())
	var o map[string]json.RawMessage
	if json.Unmarshal(b.Raw(), &o) == nil {
		n := 0
		for k := range o {
			if k != "type" && k != "content_type" {
				n++
			}
		}
		var title string
		if raw, ok := o["title"]; ok && json.Unmarshal(raw, &title) == nil && firstLine(title) != "" {
			typ += ": " + firstLine(title)
		}
		return fmt.Sprintf("%s (%s)", typ, plural(n, "field"))
	}
	if len(b.Raw()) > 0 {
		return typ + " (" + FormatSize(int64(len(b.Raw()))) + ")"
	}
	return typ
}
