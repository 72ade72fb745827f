// Package loader turns ChatGPT exports (ZIP, folder, conversations.json,
// shards, a single conversation object) into model values. It knows nothing
// of the UI. Decoding streams conversation by conversation over both cores;
// a malformed conversation is skipped and reported while the others load.
package loader

import (
	"context"

	"github.com/backchat/backchat/model"
)

// Options tunes a load. The zero value is valid.
type Options struct {
	// Progress, when set, is called with bytes done and bytes total (of all
	// conversation files, uncompressed where known) as decoding advances. It
	// may be called from loader goroutines, but never concurrently.
	Progress func(done, total int64)
	// OnConversation, when set, receives each conversation as soon as it is
	// decoded, in no particular order, so a UI can show them while the rest
	// loads. Never called concurrently; may be called from a loader goroutine.
	// The conversation must not be mutated by the callee.
	OnConversation func(*model.Conversation)
	// Workers is the number of decoding goroutines; 0 means GOMAXPROCS.
	Workers int
}

// Open loads the exports at paths with default options.
func Open(paths ...string) (*model.Archive, error) {
	return OpenContext(context.Background(), Options{}, paths...)
}
