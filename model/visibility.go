package model

// VisibilityHints carries the message metadata flags that Classify needs and
// that the model does not otherwise keep.
type VisibilityHints struct {
	VisuallyHidden    bool // metadata.is_visually_hidden_from_conversation
	UserSystemMessage bool // metadata.is_user_system_message (2023 custom instructions)
}

// Classify decides whether a message is shown, folded or hidden by default,
// following the rules of docs/formats.md#chatgpt-visibility. Hidden is never
// deleted.
func Classify(m *Message, h VisibilityHints) Visibility {
	return classify(m, h)
}
