package loader

import (
	"encoding/json"
	"math/bits"
	"strings"
	"unicode/utf8"
)

// Citation marker characters (docs/formats.md#chatgpt-citations).
const (
	puOpen        = "\ue200" // starts a marker: name, then arguments
	puClose       = "\ue201" // ends a marker
	puSep         = "\ue202" // separates a marker's name and arguments
	lenticOpen    = "【"      // starts a 2023 marker: 【5†source】
	lenticClose   = "】"
	dagger        = "†"
	maxLenticular = 400 // bytes; a longer 【…】 is prose, not a marker
)

// hasMarkers reports whether text may hold a citation marker: any of
// U+E200–U+E204 or "【". It uses only strings.Index (vectorised), so clean
// text is scanned at memory speed without allocating.
func hasMarkers(text string) bool {
	for s := text; ; {
		i := strings.Index(s, "\xee\x88") // lead bytes of U+E200…U+E23F
		if i < 0 || i+2 >= len(s) {
			break
		}
		if c := s[i+2]; c >= 0x80 && c <= 0x84 {
			return true
		}
		s = s[i+2:]
	}
	return strings.Contains(text, lenticOpen)
}

// markerChar reports whether the three bytes of c encode a character
// hasMarkers looks for (U+E200–U+E204 or "【").
func markerChar(c []byte) bool {
	return c[0] == 0xee && c[1] == 0x88 && c[2] >= 0x80 && c[2] <= 0x84 ||
		string(c) == lenticOpen
}

// tokKind is the kind of a marker found in the text.
type tokKind uint8

const (
	tokPU     tokKind = iota // \ue200name\ue202arg…\ue201
	tokLentic                // 【N†label(†domain)】
	tokStray                 // a lone U+E200–U+E204 (span marks included)
)

// token is one marker of the text: its byte range and its position in code
// points (cp) and UTF-16 units (u16), since the export's indices are code
// points but might be UTF-16 units for astral characters.
type token struct {
	kind       tokKind
	start, end int
	cp, u16    int
	cpLen      int      // length in code points
	name       string   // tokPU: marker name ("cite", "filecite", "entity", …)
	args       []string // tokPU: arguments ("turn0search1", …)
	inner      string   // tokLentic: text between the brackets
}

// scanTokens lists the markers of text in order. Unterminated or malformed
// private-use markers leave their characters as tokStray so they are removed.
func scanTokens(text string) []token {
	var toks []token
	cp, u16, last := 0, 0, 0
	advance := func(to int) {
		seg := text[last:to]
		n := utf8.RuneCountInString(seg)
		cp += n
		u16 += n + astral(seg)
		last = to
	}
	for i := 0; i < len(text); {
		c := text[i]
		if c != 0xee && c != 0xe3 {
			i = markerLead(text, i+1)
			continue
		}
		var t token
		switch {
		case strings.HasPrefix(text[i:], puOpen):
			t = token{kind: tokStray, start: i, end: i + 3}
			rest := text[i+3:]
			if j := strings.Index(rest, puClose); j >= 0 && !strings.Contains(rest[:j], puOpen) {
				t.kind, t.end = tokPU, i+3+j+3
				parts := strings.Split(rest[:j], puSep)
				t.name, t.args = parts[0], parts[1:]
			} else {
				t.end += markerTail(rest) // unterminated: drop "cite\ue202turn0search0" too
			}
		case c == 0xee && i+2 < len(text) && text[i+1] == 0x88 && text[i+2] >= 0x81 && text[i+2] <= 0x84:
			t = token{kind: tokStray, start: i, end: i + 3}
		case strings.HasPrefix(text[i:], lenticOpen):
			rest := text[i+3:]
			j := strings.Index(rest, lenticClose)
			if j < 0 || j > maxLenticular || !isLenticMarker(rest[:j]) {
				i += 3
				continue
			}
			t = token{kind: tokLentic, start: i, end: i + 3 + j + 3, inner: rest[:j]}
		default:
			i++
			continue
		}
		advance(t.start)
		t.cp, t.u16 = cp, u16
		t.cpLen = utf8.RuneCountInString(text[t.start:t.end])
		toks = append(toks, t)
		i = t.end
	}
	return toks
}

// markerTail is the length of the name and keys that follow an unterminated
// U+E200: a run of ASCII letters, digits and "_" with U+E202 separators.
func markerTail(s string) int {
	n := 0
	for n < len(s) {
		switch c := s[n]; {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', isDigit(c), c == '_':
			n++
		case strings.HasPrefix(s[n:], puSep):
			n += len(puSep)
		default:
			return n
		}
	}
	return n
}

// astral counts the characters of s outside the Basic Multilingual Plane,
// which take two UTF-16 units.
func astral(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= 0xf0 {
			n++
		}
	}
	return n
}

// isLenticMarker reports whether inner (the text between 【 and 】) is a
// citation marker rather than prose in CJK brackets ("【注意】"): it starts
// with a number ("5", "4:0") or a turn key ("turn0search0") and, for numbers,
// goes on with "†".
func isLenticMarker(inner string) bool {
	if strings.ContainsAny(inner, "\n\r") {
		return false
	}
	if strings.HasPrefix(inner, "turn") && len(inner) > 4 && isDigit(inner[4]) {
		return true
	}
	i := 0
	for i < len(inner) && (isDigit(inner[i]) || (i > 0 && inner[i] == ':')) {
		i++
	}
	return i > 0 && strings.HasPrefix(inner[i:], dagger)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// lenticLabel returns the title a 【N†label†domain】 marker shows, "" for the
// plain "source" form.
func lenticLabel(inner string) (label string) {
	parts := strings.Split(inner, dagger)
	if len(parts) < 2 {
		return ""
	}
	label = strings.TrimSpace(parts[1])
	if strings.EqualFold(strings.Trim(label, "[]() "), "source") {
		return ""
	}
	if len(parts) > 2 {
		if d := strings.TrimSpace(parts[2]); d != "" {
			label += " (" + d + ")"
		}
	}
	return label
}

// markdownLinks extracts [title](url) links from an alt text such as
// "([Google Developers](https://…))". Parentheses inside the URL nest.
func markdownLinks(s string) []refItem {
	var out []refItem
	for {
		o := strings.IndexByte(s, '[')
		if o < 0 {
			return out
		}
		m := strings.Index(s[o:], "](")
		if m < 0 {
			return out
		}
		title := s[o+1 : o+m]
		rest := s[o+m+2:]
		depth, end := 1, -1
		for k := 0; k < len(rest) && end < 0; k++ {
			switch rest[k] {
			case '(':
				depth++
			case ')':
				if depth--; depth == 0 {
					end = k
				}
			}
		}
		if end < 0 {
			return out
		}
		if u := strings.TrimSpace(rest[:end]); u != "" {
			out = append(out, refItem{Title: strings.TrimSpace(title), URL: u})
		}
		s = rest[end+1:]
	}
}

// entityName returns the readable name of an entity marker's payload,
// `["people","Barack Obama","44th president"]`, or "".
func entityName(args []string) string {
	if len(args) == 0 {
		return ""
	}
	var v []any
	if json.Unmarshal([]byte(args[0]), &v) != nil {
		return ""
	}
	for _, i := range []int{1, 0} {
		if i < len(v) {
			if s, ok := v[i].(string); ok && s != "" {
				return s
			}
		}
	}
	return ""
}

// refKey is the key references are deduplicated by: the URL without the
// "utm_source=chatgpt.com" tag the exports add, else the title.
func refKey(it refItem) string {
	if it.URL == "" {
		return "t\x00" + it.Title
	}
	u := it.URL
	for _, tag := range []string{"?utm_source=chatgpt.com", "&utm_source=chatgpt.com"} {
		if i := strings.Index(u, tag); i >= 0 && (i+len(tag) == len(u) || u[i+len(tag)] == '&' || u[i+len(tag)] == '#') {
			rest := u[i+len(tag):]
			if tag[0] == '?' && strings.HasPrefix(rest, "&") {
				rest = "?" + rest[1:]
			}
			u = u[:i] + rest
		}
	}
	return "u\x00" + u
}

// validUTF8 replaces each invalid byte of s by U+FFFD, one for one, so code
// point indices (which count an invalid byte as one) stay valid.
func validUTF8(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 16)
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b.WriteRune(utf8.RuneError)
		} else {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// stripMarkerChars removes U+E200–U+E204 from text taken from metadata or a
// marker's payload, which is written into the output as plain text.
func stripMarkerChars(s string) string {
	if !strings.Contains(s, "\xee\x88") {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r >= 0xe200 && r <= 0xe204 {
			return -1
		}
		return r
	}, s)
}

// markerLead returns the index of the first byte of s at or after i that
// may start a marker (0xee: U+E200…, 0xe3: 【), or len(s): eight bytes at
// a time, since a marker-free text was scanned a byte per step.
func markerLead(s string, i int) int {
	for ; i+8 <= len(s); i += 8 {
		w := s[i : i+8]
		v := uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
			uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56
		// The lowest flagged byte is exact (borrows run upwards).
		if m := eitherByte(v, 0xee, 0xe3); m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
	}
	for ; i < len(s); i++ {
		if c := s[i]; c == 0xee || c == 0xe3 {
			return i
		}
	}
	return len(s)
}
