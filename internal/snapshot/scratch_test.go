package snapshot

import "testing"

// TestOffHeapGrowKeeps: an offHeap grown many times (moved by mremap, or
// copied to a new mapping or the heap) keeps its elements, from a heap
// slice too, and leaves no mapping once freed.
func TestOffHeapGrowKeeps(t *testing.T) {
	check := func(what string, s []span) {
		t.Helper()
		for i, sp := range s {
			if sp.ptr != uintptr(i) || sp.off != uint64(3*i) {
				t.Fatalf("%s: element %d is %+v", what, i, sp)
			}
		}
	}
	o := newOffHeap[span](10)
	for i := range 200_000 {
		if len(o.s) == cap(o.s) {
			o.reserve(len(o.s)/3 + 1)
		}
		o.s = append(o.s, span{ptr: uintptr(i), off: uint64(3 * i)})
	}
	check("mapped", o.s)
	o.free()
	if o.s != nil || o.mem != nil {
		t.Fatal("free left the slice")
	}
	// From the heap (the fallback's state) to a mapping.
	h := offHeap[span]{s: make([]span, 0, 4)}
	for i := range 5000 {
		if len(h.s) == cap(h.s) {
			h.reserve(len(h.s) + 1)
		}
		h.s = append(h.s, span{ptr: uintptr(i), off: uint64(3 * i)})
	}
	check("from the heap", h.s)
	h.free()
	if n := scratchLive.Load(); n != 0 {
		t.Fatalf("%d mappings left", n)
	}
}
