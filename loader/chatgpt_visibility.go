package loader

// visibilityHints carries the message metadata flags that classify needs and
// that the model does not otherwise keep.
type visibilityHints struct {
	VisuallyHidden    bool // metadata.is_visually_hidden_from_conversation
	UserSystemMessage bool // metadata.is_user_system_message (2023 custom instructions)
}
