package loader

import (
	"slices"

	"github.com/backchat/backchat/model"
)

// claudeOrder puts a conversation's chat messages in reading order
// (docs/formats.md#claude). Real exports do not always list chat_messages
// in time order: an answer may come after the next question. The messages
// are sorted by created_at, the human's message first when a question and
// its answer share a time, and the file order last (a stable sort). Where
// a message names its parent (parent_message_uuid) the link still decides
// where it hangs; the order only places the messages without one, and
// makes the newest message the default end of the thread. When some
// message has no time the order cannot be proved and the file order is
// kept.
func claudeOrder(msgs []claudeMsg) {
	for i := range msgs {
		if msgs[i].time == 0 {
			return
		}
	}
	slices.SortStableFunc(msgs, func(a, b claudeMsg) int {
		if a.time != b.time {
			return compareInt(a.time, b.time)
		}
		return humanFirst(a.role) - humanFirst(b.role)
	})
}

// humanFirst ranks roles for messages of the same time: the user's
// question before the answer.
func humanFirst(r model.Role) int {
	if r == model.RoleUser {
		return 0
	}
	return 1
}
