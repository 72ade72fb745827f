package loader

import "unicode/utf8"

// fixUTF8 appends b to dst as valid UTF-8. CESU-8 style surrogate pairs
// (ED A0-AF xx ED B0-BF xx, i.e. UTF-16 halves each encoded as 3 bytes) are
// re-paired into one 4-byte rune; every other invalid byte becomes U+FFFD.
func fixUTF8(dst, b []byte) []byte {
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r != utf8.RuneError || n > 1 {
			dst = append(dst, b[:n]...)
			b = b[n:]
			continue
		}
		if len(b) >= 6 && b[0] == 0xED && b[1] >= 0xA0 && b[1] <= 0xAF && b[3] == 0xED && b[4] >= 0xB0 && b[4] <= 0xBF &&
			b[2]&0xC0 == 0x80 && b[5]&0xC0 == 0x80 {
			hi := rune(b[1]&0x0F)<<6 | rune(b[2]&0x3F) | 0xD800
			lo := rune(b[4]&0x0F)<<6 | rune(b[5]&0x3F) | 0xDC00
			dst = utf8.AppendRune(dst, (hi-0xD800)<<10+(lo-0xDC00)+0x10000)
			b = b[6:]
			continue
		}
		dst = utf8.AppendRune(dst, utf8.RuneError)
		b = b[1:]
	}
	return dst
}
