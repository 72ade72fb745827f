package model

import (
	"strings"
	"testing"
)

// TestReadableMarkersAt: the rewrite is ReadableMarkers', and a range
// moves to the same characters (or, inside a marker's dropped parts, to
// what the marker became).
func TestReadableMarkersAt(t *testing.T) {
	text := "# 【1†Rust Backup Kubernetes Copy†docs.python.org】\nSee 【2†About】【3†Press】 and more 【4:0†source】. Then 【5†Go†go.dev】 ok"
	want := "# Rust Backup Kubernetes Copy (docs.python.org)\nSee About · Press and more. Then Go (go.dev) ok"
	for _, c := range []struct {
		find, out string // find in text; the result's range must read out
	}{
		{"Kubernetes", "Kubernetes"},
		{"python", "python"},
		{"Press", "Press"},
		{"About", "About"},
		{"more", "more"},
		{"Then", "Then"},
		{"ok", "ok"},
		{"go.dev", "go.dev"},
		{"†source", ""},             // dropped with the citation
		{"【1†Rust", "Rust"},         // the marker's opening goes with it
		{"Copy†docs", "Copy (docs"}, // across the dagger
	} {
		off := strings.Index(text, c.find)
		got, o, n := ReadableMarkersAt(text, off, len(c.find))
		if got != want {
			t.Fatalf("rewrite:\n%q\nwant\n%q", got, want)
		}
		if o < 0 || o+n > len(got) || got[o:o+n] != c.out {
			t.Errorf("%q at %d: range [%d,%d) reads %q, want %q", c.find, off, o, o+n, safe(got, o, n), c.out)
		}
	}
	if got := ReadableMarkers(text, nil); got != want {
		t.Errorf("ReadableMarkers = %q", got)
	}
	// No marker, or none rewritten: text and range as they are.
	for _, s := range []string{"plain text", "a 【bracket】 without dagger", "【open†never closed"} {
		if got, o, n := ReadableMarkersAt(s, 2, 3); got != s || o != 2 || n != 3 {
			t.Errorf("%q: %q [%d,+%d)", s, got, o, n)
		}
	}
}

func safe(s string, o, n int) string {
	if o < 0 || o+n > len(s) || n < 0 {
		return "(out of range)"
	}
	return s[o : o+n]
}

// FuzzReadableMarkersAt: any text and range rewrite as ReadableMarkers
// does, the range inside the result, never a panic.
func FuzzReadableMarkersAt(f *testing.F) {
	f.Add("# 【1†Rust Backup†docs.python.org】 see 【2†About】【3†Press】 and 【4:0†source】.", 5, 8)
	f.Add("【†】【 † 】【x†y†】", 0, 3)
	f.Fuzz(func(t *testing.T, text string, off, n int) {
		if off < 0 || n < 0 || off+n > len(text) {
			return
		}
		got, o, k := ReadableMarkersAt(text, off, n)
		if want := ReadableMarkers(text, nil); got != want {
			t.Fatalf("rewrite %q, ReadableMarkers %q", got, want)
		}
		if o < 0 || k < 0 || o+k > len(got) {
			t.Fatalf("%q [%d,+%d) → %q [%d,+%d): out of range", text, off, n, got, o, k)
		}
	})
}
