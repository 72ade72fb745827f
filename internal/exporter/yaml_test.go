package exporter

import "testing"

// TestYAMLStringEscapesBidi: bidi embeddings, overrides and isolates in a
// title reach the front matter as \uXXXX (the same value to a YAML
// reader), as render's JSON writes them, never raw: a raw U+202E reorders
// what a terminal or an editor shows of the rest of the line.
func TestYAMLStringEscapesBidi(t *testing.T) {
	for in, want := range map[string]string{
		"a\u202eevil\u202c b":     `"a\u202Eevil\u202C b"`,
		"\u2066iso\u2069":         `"\u2066iso\u2069"`,
		"\u202a\u202b\u202d":      `"\u202A\u202B\u202D"`,
		"\u2067\u2068 rtl \u05d0": `"\u2067\u2068 rtl ` + "\u05d0" + `"`,
		"esc \x1b[2J":             `"esc \u001B[2J"`,
	} {
		if got := yamlString(in); got != want {
			t.Errorf("yamlString(%q) = %s, want %s", in, got, want)
		}
	}
}
