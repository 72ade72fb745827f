package render

import (
	"strings"

	"github.com/backchat/backchat/model"
)

// FeedbackLine is the line under a rated message: 👍 or 👎, and the
// comment and tags the user wrote with the rating, e.g.
// `👎 You rated this answer down: “too long” (not-helpful)`.
func FeedbackLine(f *model.Feedback) string {
	var b strings.Builder
	switch f.Rating {
	case model.FeedbackUp:
		b.WriteString("👍 You rated this answer up")
	case model.FeedbackDown:
		b.WriteString("👎 You rated this answer down")
	default:
		b.WriteString("You rated this answer: " + one(f.Rating))
	}
	if t := strings.TrimSpace(f.Text); t != "" {
		b.WriteString(": “" + one(strings.Join(strings.Fields(t), " ")) + "”")
	}
	if len(f.Tags) > 0 {
		b.WriteString(" (" + one(strings.Join(f.Tags, ", ")) + ")")
	}
	return b.String()
}
