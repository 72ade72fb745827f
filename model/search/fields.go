package search

import (
	"unsafe"

	"github.com/backchat/backchat/model"
)

// Field names which text of a conversation a Hit lies in.
type Field uint8

// Fields searched. Every text field of every Block is covered; Item
// numbers the thought or image for the per-item fields.
const (
	FieldConvTitle      Field = iota // Conversation.Title (Hit.Node is model.NoNode)
	FieldText                        // Block.Text
	FieldTitle                       // Block.Title
	FieldSummary                     // Block.Summary
	FieldURL                         // Block.URL
	FieldDomain                      // Block.Domain
	FieldThoughtSummary              // Block.Thoughts[Item].Summary
	FieldThoughtContent              // Block.Thoughts[Item].Content
	FieldAssetPrompt                 // Block.Asset.Prompt
	FieldAssetName                   // Block.Asset.Name
	FieldImagePrompt                 // Block.Images[Item].Prompt
	FieldImageName                   // Block.Images[Item].Name
	FieldRaw                         // Block.Raw (JSON of unknown content)
)

var fieldNames = [...]string{
	"conversation_title", "text", "title", "summary", "url", "domain",
	"thought_summary", "thought_content", "asset_prompt", "asset_name",
	"image_prompt", "image_name", "raw",
}

// String returns the field's stable lower-case name (for JSON output).
func (f Field) String() string {
	if int(f) < len(fieldNames) {
		return fieldNames[f]
	}
	return "unknown"
}

// Hit is one match: where it lies and its byte range in the ORIGINAL
// (unfolded) text of that field, so a viewer can land on it.
type Hit struct {
	Node  int32 // index into Conversation.Nodes; model.NoNode for the title
	Block int32 // index into Message.Blocks (0 for the title)
	Field Field
	Item  int32 // thought or image index for per-item fields, else 0
	Off   int32 // byte offset into the field's text
	Len   int32 // byte length of the match in the field's text
	Term  int16 // index of the matched term in Query.Terms
}

// Text returns the text of the field a hit lies in ("" when the hit does
// not fit the conversation).
func Text(c *model.Conversation, h Hit) string {
	if h.Field == FieldConvTitle {
		return c.Title
	}
	if h.Node < 0 || int(h.Node) >= len(c.Tree()) {
		return ""
	}
	m := c.Tree()[h.Node].Msg
	if m == nil || h.Block < 0 || int(h.Block) >= len(m.Blocks) {
		return ""
	}
	out := ""
	eachBlockField(&m.Blocks[h.Block], func(f Field, item int, s string) bool {
		if f == h.Field && item == int(h.Item) {
			out = s
			return false
		}
		return true
	})
	return out
}

// eachField calls fn for every non-empty text field of a message's blocks,
// in block order, until fn returns false. It reports whether it finished.
func eachField(m *model.Message, fn func(block int, f Field, item int, s string) bool) bool {
	for j := range m.Blocks {
		ok := eachBlockField(&m.Blocks[j], func(f Field, item int, s string) bool {
			return fn(j, f, item, s)
		})
		if !ok {
			return false
		}
	}
	return true
}

// eachBlockField calls fn for every non-empty text field of one block.
func eachBlockField(b *model.Block, fn func(f Field, item int, s string) bool) bool {
	emit := func(f Field, item int, s string) bool {
		return s == "" || fn(f, item, s)
	}
	if !emit(FieldText, 0, b.Text) || !emit(FieldTitle, 0, b.Title()) ||
		!emit(FieldSummary, 0, b.Summary()) || !emit(FieldURL, 0, b.URL()) ||
		!emit(FieldDomain, 0, b.Domain()) {
		return false
	}
	for i := range b.Thoughts() {
		if !emit(FieldThoughtSummary, i, b.Thoughts()[i].Summary) ||
			!emit(FieldThoughtContent, i, b.Thoughts()[i].Content) {
			return false
		}
	}
	if b.Asset() != nil {
		if !emit(FieldAssetPrompt, 0, b.Asset().Prompt) || !emit(FieldAssetName, 0, b.Asset().Name) {
			return false
		}
	}
	for i := range b.Images() {
		if !emit(FieldImagePrompt, i, b.Images()[i].Prompt) || !emit(FieldImageName, i, b.Images()[i].Name) {
			return false
		}
	}
	// NOTE: Raw is read in place (the model is never mutated once loaded),
	// so searching unknown content allocates nothing.
	return emit(FieldRaw, 0, unsafe.String(unsafe.SliceData(b.Raw()), len(b.Raw())))
}
