package loader

import (
	"bytes"
	"strings"
	"testing"
)

// TestArenaDecodeIsStrAppend checks that decoding a JSON string straight
// into the arena gives what the walker's StrAppend followed by arena.str
// gave (escapes, surrogate pairs, lone surrogates, invalid UTF-8, strings
// bigger than a chunk's quarter), and that the arena's strings stay intact.
func TestArenaDecodeIsStrAppend(t *testing.T) {
	bodies := []string{
		`plain`, `a\nb\tc\"d\\e\/f`, `\u00e9\u4e2d`, `\ud83d\ude00 pair`, `\ud800 lone`, `\udc00\ud800`,
		"bad \xff\xfe utf8", `\u0000nul`, "esc \\n and bad \xc3", strings.Repeat(`x\n`, 5000), strings.Repeat("y", 70000),
	}
	for _, big := range []bool{false, true} {
		a := newArena(0)
		if big {
			a = &arena{chunk: 1 << 12, max: 1 << 14, alloc: func(n int) []byte { return make([]byte, n) }}
		}
		var got, want []string
		for _, body := range bodies {
			d := getWalker([]byte(`"` + body + `"`))
			b, err := d.StrAppend(nil)
			putWalker(d)
			if err != nil {
				t.Fatalf("%q: %v", body, err)
			}
			want = append(want, newArena(0).str(b))
			s, err := a.decode([]byte(body), strings.Contains(body, `\`))
			if err != nil {
				t.Fatalf("%q: decode: %v", body, err)
			}
			got = append(got, s)
		}
		for i := range bodies { // checked after all were decoded: none overwrote another
			if got[i] != want[i] {
				t.Errorf("big=%v %.40q: decode %.40q, want %.40q", big, bodies[i], got[i], want[i])
			}
		}
	}
	if _, err := newArena(0).decode([]byte(`bad \q escape`), true); err == nil {
		t.Error("an invalid escape decoded without error")
	}
	if s, _ := newArena(0).decode(bytes.Repeat([]byte(`\\`), 3), true); s != `\\\` {
		t.Errorf("backslashes: %q", s)
	}
}
