package main

import "testing"

func TestParseSize(t *testing.T) {
	for in, want := range map[string][2]int{"500x300": {500, 300}, " 80X24 ": {80, 24}} {
		w, h, err := parseSize(in)
		if err != nil || w != want[0] || h != want[1] {
			t.Errorf("parseSize(%q) = %d, %d, %v; want %v", in, w, h, err, want)
		}
	}
	for _, bad := range []string{"", "500", "x300", "500x", "0x10", "-5x10", "axb", "500x300x2"} {
		if _, _, err := parseSize(bad); err == nil {
			t.Errorf("parseSize(%q) accepted", bad)
		}
	}
}
