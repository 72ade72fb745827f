package render

import (
	"io"
	"strings"
	"testing"
	"time"

	"github.com/backchat/backchat/model"
)

// longConversation is a 10,000-message chain of ~500-byte messages with a
// regenerated answer every 100 messages.
func longConversation() *model.Conversation {
	tr := newTree("bench", "bench")
	body := strings.Repeat("lorem ipsum dolor sit amet, ", 18)
	prev := int32(0)
	for i := range 10_000 {
		role := model.RoleUser
		if i%2 == 1 {
			role = model.RoleAssistant
		}
		n := tr.add(prev, "n", msg(role, i%60, text(body)))
		if i%100 == 1 {
			tr.add(prev, "alt", msg(role, 0, text(body)))
		}
		prev = n
	}
	tr.c.Current = prev
	return tr.c
}

func BenchmarkRender(b *testing.B) {
	c := longConversation()
	for _, f := range []struct {
		name string
		fn   func(io.Writer, *model.Conversation, Options) error
	}{{"text", Text}, {"markdown", Markdown}, {"json", JSON}} {
		for _, all := range []bool{false, true} {
			name := f.name
			if all {
				name += "_all"
			}
			b.Run(name, func(b *testing.B) {
				for b.Loop() {
					if err := f.fn(io.Discard, c, Options{All: all, Location: time.UTC}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
