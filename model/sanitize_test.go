package model

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSanitize(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"plain", "hello, world", "hello, world"},
		{"newline and tab kept", "a\n\tb\n", "a\n\tb\n"},
		{"crlf", "a\r\nb\r\n", "a\nb\n"},
		{"lone cr", "50%\r100%", "50%␍100%"},
		{"cr at end", "a\r", "a␍"},
		{"clear screen", "\x1b[2J", "␛[2J"},
		{"sgr", "\x1b[31mred\x1b[0m", "␛[31mred␛[0m"},
		{"osc 52 title", "\x1b]52;c;SGVsbG8=\x07title", "␛]52;c;SGVsbG8=␇title"},
		{"osc with ST", "\x1b]0;pwned\x1b\\", "␛]0;pwned␛\\"},
		{"dcs", "\x1bP+q544e\x1b\\", "␛P+q544e␛\\"},
		{"apc", "\x1b_Gpayload\x1b\\", "␛_Gpayload␛\\"},
		{"two-char esc", "\x1bc\x1b7", "␛c␛7"},
		{"bell", "ding\x07", "ding␇"},
		{"nul", "a\x00b", "a␀b"},
		{"other C0", "\x01\x08\x0b\x0c\x1f", "␁␈␋␌␟"},
		{"del", "a\x7fb", "a␡b"},
		{"C1 CSI", "\u009b31mred", "\ufffd31mred"},
		{"C1 OSC and ST", "\u009d52;c;QQ==\u009c", "\ufffd52;c;QQ==\ufffd"},
		{"NEL", "a\u0085b", "a\ufffdb"},
		{"raw 8-bit CSI byte", "a\x9b2Jb", "a\ufffd2Jb"},
		{"invalid utf8", "ok\xff\xfe!", "ok\ufffd\ufffd!"},
		{"surrogate bytes", "\xed\xa0\xbd", "\ufffd\ufffd\ufffd"},
		{"truncated rune", "日本\xe8\xaa", "日本\ufffd\ufffd"},
		{"latin1 kept", "café ñ ü \u00a0nbsp", "café ñ ü \u00a0nbsp"},
		{"emoji CJK RTL", "👍🏽 中文 日本語 שלום مرحبا 👨‍👩‍👧", "👍🏽 中文 日本語 שלום مرحبا 👨‍👩‍👧"},
		{"bidi controls shown", "a\u202eb\u2066c\u2069", "a⇄b⇄c⇄"},
		{"every bidi control", "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069", "⇄⇄⇄⇄⇄⇄⇄⇄⇄"},
		{"separators shown", "one\u2028two\u2029three", "one␤two␤three"},
		{"neighbours kept", "\u2027\u202f\u2065\u206a\u2030", "\u2027\u202f\u2065\u206a\u2030"},
		{"RTL marks kept", "שלום\u200e 123 \u200fمرحبا\u061c", "שלום\u200e 123 \u200fمرحبا\u061c"},
		{"trojan source", "/* admin\u202e \u2066*/ if isAdmin", "/* admin⇄ ⇄*/ if isAdmin"},
		{"long clean then esc", strings.Repeat("abcdefgh", 5) + "\x1b[H", strings.Repeat("abcdefgh", 5) + "␛[H"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Sanitize(tt.in)
			if got != tt.want {
				t.Errorf("Sanitize(%q) = %q, want %q", tt.in, got, tt.want)
			}
			assertInert(t, got, false)
		})
	}
}

func TestSanitizeLine(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"A title", "A title"},
		{"two\nlines", "two lines"},
		{"tab\there", "tab here"},
		{"crlf\r\nend", "crlf end"},
		{"\x1b]52;c;QUJD\x07My chat", "␛]52;c;QUJD␇My chat"},
		{"cr\rx", "cr␍x"},
		{"日本語のタイトル", "日本語のタイトル"},
		{"gpj.\u202eexe", "gpj.⇄exe"},
		{"a\u2028b", "a␤b"},
	}
	for _, tt := range tests {
		got := SanitizeLine(tt.in)
		if got != tt.want {
			t.Errorf("SanitizeLine(%q) = %q, want %q", tt.in, got, tt.want)
		}
		assertInert(t, got, true)
	}
}

// assertInert fails when s holds anything a terminal could act on.
func assertInert(t *testing.T, s string, line bool) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Errorf("output is not valid UTF-8: %q", s)
	}
	for _, r := range s {
		bad := (r < 0x20 && r != '\n' && r != '\t') || r == 0x7f || (r >= 0x80 && r <= 0x9f) ||
			(r >= 0x2028 && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
		if line && (r == '\n' || r == '\t') {
			bad = true
		}
		if bad {
			t.Errorf("output %q still holds control %U", s, r)
		}
	}
}

func TestSanitizeCleanDoesNotAllocate(t *testing.T) {
	s := strings.Repeat("Hello, 世界! 👋 line\n\tindented text ", 100)
	if got := Sanitize(s); got != s {
		t.Fatal("clean text changed")
	}
	if n := testing.AllocsPerRun(100, func() { _ = Sanitize(s) }); n != 0 {
		t.Errorf("Sanitize of clean text allocates %v times", n)
	}
	line := strings.Repeat("A title 世界 ", 10)
	if n := testing.AllocsPerRun(100, func() { _ = SanitizeLine(line) }); n != 0 {
		t.Errorf("SanitizeLine of clean text allocates %v times", n)
	}
}

// TestCleanMatchesSlow checks the word-at-a-time fast path against the slow
// rewrite on every single byte at every offset within a word.
func TestCleanMatchesSlow(t *testing.T) {
	for c := 0; c < 256; c++ {
		for off := 0; off < 9; off++ {
			s := strings.Repeat("x", off) + string([]byte{byte(c)}) + strings.Repeat("y", 9)
			for _, line := range []bool{false, true} {
				if fast, slow := clean(s, line), sanitizeSlow(s, line) == s; fast != slow {
					t.Errorf("byte %#x at %d (line=%v): clean=%v, slow unchanged=%v", c, off, line, fast, slow)
				}
			}
		}
	}
}

// TestCleanMatchesSlowMultibyte checks the fast path on every lead byte with
// continuation bytes at the edges of their ranges, to pin UTF-8 validation.
func TestCleanMatchesSlowMultibyte(t *testing.T) {
	conts := []byte{0x00, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xff}
	for lead := 0xc0; lead < 0x100; lead++ {
		for _, c1 := range conts {
			for _, c2 := range conts {
				s := "ab" + string([]byte{byte(lead), c1, c2, 0x80, 'z'})
				if fast, slow := clean(s, false), sanitizeSlow(s, false) == s; fast != slow {
					t.Errorf("%q: clean=%v, slow unchanged=%v", s, fast, slow)
				}
			}
		}
	}
}

func FuzzSanitize(f *testing.F) {
	for _, s := range []string{"", "plain", "\x1b]52;c;QUJD\x07", "\x1b[2J", "\u009b31m", "a\r\nb\rc", "\xff\xed\xa0\xbd", "日本語 👍 שלום", "x\u202ey\u2069\u2028"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, line := range []bool{false, true} {
			var got string
			if line {
				got = SanitizeLine(s)
			} else {
				got = Sanitize(s)
			}
			assertInert(t, got, line)
			if again := sanitizeAny(got, line); again != got {
				t.Errorf("not idempotent: %q -> %q -> %q", s, got, again)
			}
			if clean(s, line) != (got == s) {
				t.Errorf("clean(%q)=%v but output %q", s, clean(s, line), got)
			}
			if want := referenceSanitize(s, line); got != want {
				t.Errorf("line=%v: %q -> %q, reference %q", line, s, got, want)
			}
		}
	})
}

// referenceSanitize is a deliberately naive rune-by-rune statement of the
// rules, to check the optimised implementation against.
func referenceSanitize(s string, line bool) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1, r >= 0x80 && r <= 0x9f:
			b.WriteRune(0xfffd)
		case r == '\r' && strings.HasPrefix(s[i:], "\r\n"):
			n = 2
			r = '\n'
			fallthrough
		case r == '\n' || r == '\t':
			if line {
				r = ' '
			}
			b.WriteRune(r)
		case r == '\r':
			b.WriteRune('␍')
		case r == 0x7f:
			b.WriteRune('␡')
		case r == 0x2028 || r == 0x2029:
			b.WriteRune('␤')
		case 0x202a <= r && r <= 0x202e, 0x2066 <= r && r <= 0x2069:
			b.WriteRune('⇄')
		case r < 0x20:
			b.WriteRune(0x2400 + r)
		default:
			b.WriteRune(r)
		}
		i += n
	}
	return b.String()
}

func sanitizeAny(s string, line bool) string {
	if line {
		return SanitizeLine(s)
	}
	return Sanitize(s)
}

func BenchmarkSanitizeClean(b *testing.B) {
	s := strings.Repeat("The quick brown fox jumps over the lazy dog.\nSecond line\twith a tab. ", 1500)
	b.SetBytes(int64(len(s)))
	b.ReportAllocs()
	for b.Loop() {
		if Sanitize(s) != s {
			b.Fatal("changed")
		}
	}
}

func BenchmarkSanitizeCleanCJK(b *testing.B) {
	s := strings.Repeat("日本語のテキストと中文文本。English mixed in. ", 2000)
	b.SetBytes(int64(len(s)))
	b.ReportAllocs()
	for b.Loop() {
		_ = Sanitize(s)
	}
}

func BenchmarkSanitizeDirty(b *testing.B) {
	s := strings.Repeat("text \x1b[31mred\x1b[0m and more text here\r\n", 2000)
	b.SetBytes(int64(len(s)))
	b.ReportAllocs()
	for b.Loop() {
		_ = Sanitize(s)
	}
}

// TestCleanMatchesSlowFormatRunes checks the fast path on every rune
// U+2000–U+207F, the block holding the bidi controls and separators.
func TestCleanMatchesSlowFormatRunes(t *testing.T) {
	for r := rune(0x2000); r < 0x2080; r++ {
		s := "abcdefgh" + string(r) + "ijklmnop"
		if fast, slow := clean(s, false), sanitizeSlow(s, false) == s; fast != slow {
			t.Errorf("%U: clean=%v, slow unchanged=%v", r, fast, slow)
		}
		if got, want := Sanitize(s), referenceSanitize(s, false); got != want {
			t.Errorf("%U: Sanitize %q, reference %q", r, got, want)
		}
	}
}
