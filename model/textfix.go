package model

// NormalizeMath rewrites LaTeX delimiters \(…\) to $…$ and \[…\] to $$…$$.
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
