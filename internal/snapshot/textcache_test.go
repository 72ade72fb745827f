package snapshot

import "testing"

// TestTextCacheBound: the chunk cache keeps to the bound SetTextCacheBytes
// sets (always keeping the last chunk), and to textCacheBytes without one.
func TestTextCacheBound(t *testing.T) {
	s := &Snapshot{texts: &textCache{}}
	s.SetTextCacheBytes(100)
	r := &lazyRef{}
	for k := range 10 {
		s.texts.put(r, k, make([]byte, 30))
		if s.texts.bytes > 100 {
			t.Fatalf("after chunk %d: %d bytes cached, bound 100", k, s.texts.bytes)
		}
	}
	if s.texts.get(r, 9) == nil || s.texts.get(r, 0) != nil {
		t.Fatal("the cache dropped the newest chunk or kept the oldest")
	}
	s.texts.put(r, 10, make([]byte, 500)) // larger than the bound: kept alone
	if s.texts.get(r, 10) == nil || len(s.texts.m) != 1 {
		t.Fatalf("an oversized last chunk: %d chunks kept", len(s.texts.m))
	}
	d := &textCache{} // no bound set: textCacheBytes
	d.put(r, 0, make([]byte, 1<<20))
	d.put(r, 1, make([]byte, 1<<20))
	if len(d.m) != 2 {
		t.Fatal("the default bound dropped 2 MB")
	}
	(&Snapshot{}).SetTextCacheBytes(1) // no cache (nothing decoded): no panic
}
