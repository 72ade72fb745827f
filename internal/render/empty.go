package render

import "github.com/backchat/backchat/model"

// EmptyReason says why c shows no message on its current thread ("" when
// one shows): the reason of the load's first warning about c (reasons,
// from WarningReasons), else "all messages hidden" when the thread holds
// only hidden messages, else "no messages". `ls --json` reports it as
// empty_reason; the browser's list marks such a row (tui/convlist.go).
func EmptyReason(c *model.Conversation, reasons map[string]string) string {
	if c.VisibleCount() > 0 {
		return ""
	}
	if r, ok := reasons[c.ID]; ok && c.ID != "" {
		return r
	}
	if AllHidden(c) {
		return "all messages hidden"
	}
	return "no messages"
}

// WarningReasons maps each conversation id a warning names to the
// (sanitised) reason of the first such warning.
func WarningReasons(ws []model.Warning) map[string]string {
	out := make(map[string]string)
	for _, w := range ws {
		if _, ok := out[w.ID]; !ok && w.ID != "" && w.Reason != "" {
			out[w.ID] = model.SanitizeLine(w.Reason)
		}
	}
	return out
}

// AllHidden says that c's current thread holds messages and all of them
// are hidden (shown only on request: the browser's H, --hidden).
func AllHidden(c *model.Conversation) bool {
	t := c.CurrentThread()
	return len(c.Messages(t, model.Hidden)) > 0 && len(c.Messages(t, model.Folded)) == 0
}
