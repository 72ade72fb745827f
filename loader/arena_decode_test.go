package loader

import (
	"bytes"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"unsafe"
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

// TestArenaReleasesFreeTails checks that the free tail of a chunk is given
// back when the arena moves to a new chunk and when it is dropped, that
// nothing given back overlaps a string handed out, and that what is given
// back and what the strings hold add up to every chunk mapped.
func TestArenaReleasesFreeTails(t *testing.T) {
	type span struct{ lo, hi uintptr }
	var chunks, released []span
	a := &arena{chunk: 4 << 10, max: 64 << 10,
		alloc: func(n int) []byte {
			b := make([]byte, n)
			if n >= 4<<10 && n&(n-1) == 0 { // a chunk, not a big string's own block
				p := uintptr(unsafe.Pointer(&b[0]))
				chunks = append(chunks, span{p, p + uintptr(n)})
			}
			return b
		},
		release: func(b []byte) {
			p := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
			released = append(released, span{p, p + uintptr(len(b))})
			clear(b)
		},
	}
	r := rand.New(rand.NewPCG(7, 8))
	var ss, want []string
	used := 0
	for range 3000 {
		w := strings.Repeat(string(rune('a'+r.IntN(26))), 1+r.IntN(3000))
		s := a.str([]byte(w))
		ss, want = append(ss, s), append(want, w)
		if len(w) <= a.max/4 {
			used += len(w)
		}
	}
	a.drop()
	if len(chunks) < 10 || len(released) != len(chunks) {
		t.Fatalf("%d chunks mapped, %d tails given back: want one per chunk", len(chunks), len(released))
	}
	total := 0
	for _, c := range chunks {
		total += int(c.hi - c.lo)
	}
	for _, r := range released {
		total -= int(r.hi - r.lo)
	}
	if total != used {
		t.Errorf("chunks minus tails given back = %d bytes, strings in chunks %d", total, used)
	}
	for i, s := range ss {
		if s != want[i] {
			t.Fatalf("string %d changed after its chunk's tail was given back", i)
		}
		p := uintptr(unsafe.Pointer(unsafe.StringData(s)))
		for _, r := range released {
			if p < r.hi && r.lo < p+uintptr(len(s)) {
				t.Fatalf("string %d overlaps a tail given back", i)
			}
		}
	}
	if a.cur != nil {
		t.Errorf("the arena keeps a tail after drop")
	}
}

// TestOffHeapRelease gives back part of a real off-heap chunk: the bytes
// around it are kept, the pages given back read as zeros.
func TestOffHeapRelease(t *testing.T) {
	alloc := offHeapAlloc()
	if alloc == nil {
		t.Skip("no off-heap arena on this system")
	}
	b := alloc(4 << 20)
	for i := range b {
		b[i] = 0xAB
	}
	offHeapRelease(b[100 : 3<<20])
	page := os.Getpagesize()
	for i, c := range b {
		inside := i >= page && i < 3<<20/page*page // whole pages of [100, 3 MiB)
		if inside && c != 0 || !inside && c != 0xAB {
			t.Fatalf("byte %d = %#x after release (inside the pages given back: %v)", i, c, inside)
		}
	}
}

// TestArenaRewrite: a rewritten text goes over the decoded one when that
// is the arena's own (current chunk) and the new text is not longer;
// anything else is refused and left alone.
func TestArenaRewrite(t *testing.T) {
	a := &arena{chunk: 1 << 10, max: 1 << 10, alloc: func(n int) []byte { return make([]byte, n) }}
	old := a.str([]byte("a text with a marker【3†source】"))
	after := a.str([]byte("next"))
	got, ok := a.rewrite(old, "a text with a marker[1]")
	if !ok || got != "a text with a marker[1]" || unsafe.StringData(got) != unsafe.StringData(old) {
		t.Fatalf("rewrite: %q %v (in place: %v)", got, ok, unsafe.StringData(got) == unsafe.StringData(old))
	}
	if after != "next" {
		t.Errorf("the next string became %q", after)
	}
	for _, tc := range []struct {
		name   string
		old, s string
	}{
		{"longer", after, "longer than next"},
		{"not the arena's", strings.Clone("a heap string"), "heap"},
		{"empty", after, ""},
	} {
		if _, ok := a.rewrite(tc.old, tc.s); ok {
			t.Errorf("%s: rewritten", tc.name)
		}
	}
	a.drop()
	if _, ok := a.rewrite(after, "n"); ok {
		t.Error("rewritten after drop")
	}
}
