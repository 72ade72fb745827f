package model

// ApplyCitations turns citation markers in text (private-use U+E200…U+E201
// markers, U+E203/U+E204 spans, 2023 【N†source】 markers) into readable
// numbered references "[N]" and returns the rewritten text with the
// references it numbered. Unresolvable markers are removed, never left raw.
func ApplyCitations(text string, meta *CitationMeta) (string, []Reference) {
	return applyCitations(text, meta, 0)
}

// ApplyCitationsFrom is ApplyCitations for a later text block of a message
// whose earlier blocks already numbered `first` references: numbers start at
// first+1, in the text and in the references alike.
func ApplyCitationsFrom(text string, meta *CitationMeta, first int) (string, []Reference) {
	return applyCitations(text, meta, max(first, 0))
}

// NormalizeMath rewrites LaTeX delimiters \(…\) to $…$ and \[…\] to $$…$$.
// It runs once, at load: each format's decoder applies it to the text of
// assistant messages (users' own text stays as they typed it). Renderers
// (internal/render, and through it the browser) take the text as loaded and
// never apply it again.
func NormalizeMath(text string) string {
	return normalizeMath(text)
}

// Sanitize makes untrusted archive text safe for a terminal: ESC and every
// escape/control sequence (CSI, OSC, DCS, …), C0 controls other than newline
// and tab, DEL, C1 controls and BEL become visible placeholders. Invalid
// UTF-8 becomes U+FFFD. Printable text (including wide characters, emoji and
// RTL text) is untouched.
func Sanitize(s string) string {
	return sanitize(s)
}
