package model

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
