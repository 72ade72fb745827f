//go:build linux

package loader

import (
	"bytes"
	"testing"

	"golang.org/x/sys/unix"
)

// guardedPage returns a page of memory followed by one that cannot be
// read or written (PROT_NONE): a read or write past its end faults.
// at(n) is its last n bytes.
func guardedPage(t *testing.T) (at func(n int) []byte) {
	t.Helper()
	p := unix.Getpagesize()
	m, err := unix.Mmap(-1, 0, 2*p, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_ANON|unix.MAP_PRIVATE)
	if err != nil {
		t.Skip("mmap:", err)
	}
	if err := unix.Mprotect(m[p:], unix.PROT_NONE); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = unix.Munmap(m) })
	return func(n int) []byte {
		if n > p {
			t.Fatalf("guarded: %d bytes, a page is %d", n, p)
		}
		return m[p-n : p : p]
	}
}

// TestUnescapeAtPageEnd: the inner loops (unescaperun_amd64.s reads and
// writes sixteen bytes at a time) never touch a byte past the end of src
// or dst, even when the input and the room end where a mapping ends (an
// input file mapped whole whose last page is full, an arena chunk's free
// tail). Each length of body up to 80 bytes, with and without escapes, a
// closing quote or none, is decoded from the end of a page into room
// ending at the end of another page; the page after each is inaccessible, so
// an over-read or over-write faults.
func TestUnescapeAtPageEnd(t *testing.T) {
	srcAt, dstAt := guardedPage(t), guardedPage(t)
	pieces := []string{"a", "é", `\n`, `\"`, `\\`, `\u00e9`, "\"", `\`}
	for n := range 81 {
		for k, tail := range []string{"", "\"", `\`, "x\"", `\"`} {
			var body []byte
			for i := 0; len(body) < n; i++ {
				if k == 0 || i%5 != 0 {
					body = append(body, 'a'+byte(i%26))
				} else {
					body = append(body, pieces[(i/5)%len(pieces)]...)
				}
			}
			body = append(body[:min(n, len(body))], tail...)
			src := srcAt(len(body))
			copy(src, body)
			wantEnd, want, _, wantOK := twoPass(bytes.Clone(body))
			for _, swar := range []bool{false, true} {
				for room := 0; room <= len(body)+1; room++ {
					dst := dstAt(room)
					end, got, _, _, ok := unescapeQuotedWith(swar, dst, src)
					if ok && (!wantOK || end != wantEnd || !bytes.Equal(dst[:got], want)) {
						t.Fatalf("%q into %d (swar %v): end %d %q, want %d %q (ok %v)", body, room, swar, end, dst[:got], wantEnd, want, wantOK)
					}
				}
				// The run alone, right up to both ends.
				dst := dstAt(len(body))
				i, j, _ := unescapeRun(dst, src)
				if i > len(src) || j > len(dst) {
					t.Fatalf("%q: run stopped at %d, %d past %d, %d", body, i, j, len(src), len(dst))
				}
			}
		}
	}
}
