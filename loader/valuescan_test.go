package loader

import "testing"

// valueEndByteByByte is valueScan's rule one byte at a time (what valueLen
// did before it skipped strings eight bytes at a time): the index just
// past the closing bracket of the value b opens with, or -1.
func valueEndByteByByte(b []byte) int {
	depth, inStr, esc := 0, false, false
	for i, c := range b {
		switch {
		case inStr:
			switch {
			case esc:
				esc = false
			case c == '\\':
				esc = true
			case c == '"':
				inStr = false
			}
		case c == '"':
			inStr = true
		case c == '{' || c == '[':
			depth++
		case c == '}' || c == ']':
			depth--
			if depth == 0 {
				return i + 1
			}
		}
	}
	return -1
}

// FuzzValueScan: valueScan fed any bytes in two pieces, cut anywhere
// (inside a string, between a backslash and what it escapes), ends the
// value where the byte-by-byte rule does.
func FuzzValueScan(f *testing.F) {
	f.Add([]byte(`{"a":"x\\"}\\\\","b":[1,{"c":"}]"}]}tail`), 7)
	f.Add([]byte(`["\\\\\\"","{"]rest`), 3)
	f.Add([]byte(`{"text":"a long string with a \\" quote and no end`), 20)
	f.Fuzz(func(t *testing.T, b []byte, cut int) {
		if len(b) == 0 {
			return
		}
		cut = min(max(cut, 0), len(b))
		want := valueEndByteByByte(b)
		var v valueScan
		got := v.feed(b[:cut])
		if got < 0 {
			if k := v.feed(b[cut:]); k >= 0 {
				got = cut + k
			}
		}
		if got != want {
			t.Fatalf("%q cut at %d: end %d, byte by byte %d", b, cut, got, want)
		}
	})
}
