package loader

import (
	"fmt"

	"github.com/backchat/backchat/model"
)

// Detection beyond the top-level keys (docs/formats.md#detection).
//
// ChatGPT and DeepSeek conversations both hold a "mapping" tree, and a
// DeepSeek conversation written by a third-party tool may also carry
// ChatGPT's top-level keys (create_time, current_node, conversation_id)
// instead of inserted_at. The keys that differ are those of a message:
// ChatGPT's have author and content, DeepSeek's fragments. topKeys records
// the keys of the mapping's first message as hints.

// Hint keys added to a keySet by mappingHints; the "/" keeps them apart
// from real top-level keys.
const (
	hintFragments = "mapping/message/fragments" // a DeepSeek message
	hintAuthor    = "mapping/message/author"    // a ChatGPT message
)

// mappingHints reads the mapping value at d, recording the keys of its
// first message that tell the formats apart. It consumes the value.
func mappingHints(d *walker, keys keySet) error {
	if d.Next() != tObject {
		return d.Skip()
	}
	found := false
	return d.ObjBytes(func(d *walker, _ []byte) error {
		if found || d.Next() != tObject {
			return d.Skip()
		}
		return d.ObjBytes(func(d *walker, k []byte) error {
			if found || string(k) != "message" || d.Next() != tObject {
				return d.Skip()
			}
			found = true
			return d.ObjBytes(func(d *walker, k []byte) error {
				switch string(k) {
				case "fragments":
					keys[hintFragments] = true
				case "author":
					keys[hintAuthor] = true
				}
				return d.Skip()
			})
		})
	})
}

// isWrapperKey reports whether key (quoted, as the scanner sees it) names
// an array of conversations wrapped in an object: {"conversations": […]},
// and Claude's projects.json as some tools store it, {"projects": […]}.
func isWrapperKey(key []byte) bool {
	return string(key) == `"conversations"` || string(key) == `"projects"`
}

// noteEmpty warns when a decoded conversation has nothing to show: no
// message at all, or only hidden ones. A format that matched by its keys
// but whose messages were not understood must not pass for an empty chat.
func (w *worker) noteEmpty(c *model.Conversation) {
	total := 0
	for i := range c.Nodes {
		m := c.Nodes[i].Msg
		if m == nil {
			continue
		}
		if m.Visibility != model.Hidden {
			return
		}
		total++
	}
	switch total {
	case 0:
		w.note(fmt.Sprintf("no message found in it (read as %s)", serviceName(c.Service)))
	case 1:
		w.note("nothing to show: its only message is empty or hidden")
	default:
		w.note(fmt.Sprintf("nothing to show: its %d messages are empty or hidden", total))
	}
}

// serviceName names a service for notes.
func serviceName(s string) string {
	for _, f := range formats {
		if f.service == s {
			return f.name
		}
	}
	return s
}
