package model

// Temporary bodies so the loader branch compiles on its own. The integrator
// deletes this file when the real implementations (visibility.go,
// textfix.go) land.

func classify(m *Message, h VisibilityHints) Visibility {
	if h.VisuallyHidden {
		return Hidden
	}
	if m.Role == RoleSystem && !h.UserSystemMessage {
		return Hidden
	}
	if m.Role == RoleTool {
		return Folded
	}
	return Shown
}

func applyCitations(text string, meta *CitationMeta) (string, []Reference) {
	return text, nil
}

func normalizeMath(text string) string { return text }

func sanitize(s string) string { return s }
