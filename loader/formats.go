package loader

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/backchat/backchat/model"
)

// format is one export format the loader reads: how to recognise one of its
// conversation objects, and how to decode one. Each format lives in its own
// files (chatgpt_*.go, claude_*.go, deepseek_*.go, grok_*.go); adding a
// format means adding a file and a row to formats.
type format struct {
	name    string // shown in messages: "ChatGPT", "Claude", …
	service string // model.Conversation.Service of what it decodes
	// detect reports whether a top-level element with these keys is a
	// conversation of this format.
	detect func(keys keySet) bool
	// decode turns one element into a conversation. An error skips it.
	decode func(w *worker, data []byte) (*model.Conversation, error)
}

// keySet is the set of top-level keys of one JSON object.
type keySet map[string]bool

// formats is the registry, tried in order; the first match wins. Order
// matters where signals overlap: DeepSeek also has "mapping", so it is tried
// before ChatGPT, and ChatGPT only claims an object with "mapping", so a
// Claude bare array is never read as ChatGPT (docs/formats.md#detection).
var formats = []*format{
	{name: "Claude", service: model.ServiceClaude, detect: isClaudeConversation, decode: (*worker).claudeConversation},
	{name: "Claude projects", service: model.ServiceClaude, detect: isClaudeProject, decode: (*worker).claudeProject},
	{name: "DeepSeek", service: model.ServiceDeepSeek, detect: isDeepSeek, decode: (*worker).deepseekConversation},
	{name: "Grok", service: model.ServiceGrok, detect: isGrok, decode: (*worker).grokConversation},
	{name: "ChatGPT", service: model.ServiceChatGPT, detect: isChatGPT, decode: (*worker).conversation},
}

// isChatGPT: a conversation object with a "mapping" tree (and none of the
// DeepSeek signals, checked first).
func isChatGPT(k keySet) bool { return k["mapping"] && !k[hintFragments] }

// formatNames lists the formats for error messages.
func formatNames() string {
	var names []string
	for _, f := range formats {
		if !strings.Contains(f.name, " ") { // sub-formats are named by their parent
			names = append(names, f.name)
		}
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// errUnknownFormat marks a JSON file none of whose objects is a conversation
// of a format the loader reads.
var errUnknownFormat = errors.New("unknown format")

// detectFormat returns the format of one top-level element (a JSON object),
// or nil when no format claims it.
func detectFormat(elem []byte) *format {
	keys := topKeys(elem)
	if keys == nil {
		return nil
	}
	for _, f := range formats {
		if f.detect(keys) {
			return f
		}
	}
	return nil
}

// topKeys returns the top-level keys of a JSON object, nil when elem is not
// one (or is malformed before its first key). Values are skipped, not
// decoded.
func topKeys(elem []byte) keySet {
	d := getWalker(elem)
	defer putWalker(d)
	if d.Next() != tObject {
		return nil
	}
	keys := make(keySet, 16)
	_ = d.ObjBytes(func(d *walker, k []byte) error {
		keys[string(k)] = true
		if string(k) == "mapping" {
			return mappingHints(d, keys) // detect_hints.go
		}
		return d.Skip()
	})
	return keys
}

// describeKeys names a few keys of an unrecognised object for a warning.
func describeKeys(elem []byte) string {
	keys := topKeys(elem)
	if len(keys) == 0 {
		return "an object without keys"
	}
	l := make([]string, 0, len(keys))
	for k := range keys {
		l = append(l, fmt.Sprintf("%q", truncate(k, 30)))
	}
	sort.Strings(l)
	if len(l) > 6 {
		l = append(l[:6], "…")
	}
	return "an object with keys " + strings.Join(l, ", ")
}

// unknownElement is the reason an element no format claims is skipped.
func unknownElement(elem []byte) error {
	return fmt.Errorf("%w: %s is not a conversation of %s", errUnknownFormat, model.SanitizeLine(describeKeys(elem)), formatNames())
}

// fileDetector picks the format of one file from its first recognised
// element and keeps it for the rest of the file (a file holds one format).
// Elements before the first recognised one are reported, not dropped; when
// none is recognised the file gets one error instead.
//
// Not safe for concurrent use: one per scanned file.
type fileDetector struct {
	f       *format
	pending []model.Warning // skips of unrecognised elements before f was known
	first   string          // description of the first unrecognised element
}

// element returns the format for elem, or nil when it must be skipped (the
// skip is recorded).
func (fd *fileDetector) element(elem []byte, w model.Warning) *format {
	if fd.f != nil {
		return fd.f
	}
	if f := detectFormat(elem); f != nil {
		fd.f = f
		return f
	}
	err := unknownElement(elem)
	if fd.first == "" {
		fd.first = model.SanitizeLine(describeKeys(elem))
	}
	w.Reason = err.Error()
	fd.pending = append(fd.pending, w)
	return nil
}

// finish returns the warnings to keep and, when no element was recognised
// but some were seen, the file-level error.
func (fd *fileDetector) finish() ([]model.Warning, error) {
	if fd.f != nil || len(fd.pending) == 0 {
		return fd.pending, nil
	}
	if len(fd.pending) == 1 {
		return nil, fmt.Errorf("%w (its only object is %s, not a conversation)", errNotExport, fd.first)
	}
	return nil, fmt.Errorf("%w (none of its %d objects is a conversation; the first is %s)", errNotExport, len(fd.pending), fd.first)
}

// decodeAny decodes an element whose file format is not known yet (direct
// callers such as the fuzz target): it detects the element's format first.
func (w *worker) decodeAny(data []byte) (*model.Conversation, error) {
	f := detectFormat(data)
	if f == nil {
		return nil, unknownElement(data)
	}
	return f.decode(w, data)
}
