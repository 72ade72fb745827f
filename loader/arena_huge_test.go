//go:build linux

package loader

import "testing"

// TestHugePolicy: huge pages while they fill fast; after a slow fill, 4 KiB
// pages, with huge ones tried again every hugeRetry chunks until they are
// fast again.
func TestHugePolicy(t *testing.T) {
	const n = 8 << 20
	fast, slow := hugeFast*8/2, hugeFast*8*4
	var p hugePolicy
	for i := range 5 {
		if !p.huge() {
			t.Fatalf("chunk %d: 4 KiB pages while huge ones fill fast", i)
		}
		p.filled(n, fast)
	}
	if !p.huge() {
		t.Fatal("no huge pages before a slow fill")
	}
	p.filled(n, slow)
	for i := range hugeRetry {
		if p.huge() {
			t.Fatalf("chunk %d after a slow fill: huge pages again", i)
		}
	}
	if !p.huge() {
		t.Fatalf("huge pages not tried again after %d chunks", hugeRetry)
	}
	p.filled(n, slow) // still slow: another hugeRetry chunks of 4 KiB pages
	for i := range hugeRetry {
		if p.huge() {
			t.Fatalf("chunk %d after a second slow fill: huge pages", i)
		}
	}
	if !p.huge() {
		t.Fatal("huge pages not tried again")
	}
	p.filled(n, fast) // fast again: huge pages from now on
	for i := range 3 * hugeRetry {
		if !p.huge() {
			t.Fatalf("chunk %d after a fast fill: 4 KiB pages", i)
		}
		p.filled(n, fast)
	}
	// The bound scales with the chunk: 2 MiB in the time of 8 is slow.
	p = hugePolicy{}
	p.filled(2<<20, fast)
	if p.huge() {
		t.Fatal("a 2 MiB chunk filled at a quarter of the speed counted as fast")
	}
}
