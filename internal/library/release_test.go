package library

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// TestImportReleasesNewExportsNotCombined: when the library before the
// import comes from its snapshot but the report's archive is not the
// snapshot combined with the new exports (here: one of the two files
// imported holds no conversation), the new exports' load is given back
// before Add returns, as it was before Report.Archive could combine
// them: nothing refers to it, and the command then loads the whole
// library again for its snapshot, which would stack on it.
func TestImportReleasesNewExportsNotCombined(t *testing.T) {
	src := t.TempDir()
	a := baseConvs(t, 21, 20)
	first := variant(t, src, "a.json", a, span(0, 10), nil, nil)
	next := variant(t, src, "b.json", a, span(5, 20), map[int]float64{5: 3600}, nil)
	empty := filepath.Join(src, "empty.json")
	if err := os.WriteFile(empty, []byte("[]"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "lib")
	if _, err := Add(context.Background(), dir, []string{first}, Options{Now: stepClock(0)}); err != nil {
		t.Fatal(err)
	}
	writeSnap(t, dir)
	used := 0
	po := &poisoned{}
	rep, err := Add(context.Background(), dir, []string{next, empty}, Options{Now: stepClock(1), Open: po.open, Before: snapBefore(t, &used)})
	if err != nil {
		t.Fatal(err)
	}
	if used != 1 || rep.Archive != nil || po.loads != 1 {
		t.Fatalf("snapshot used %d times, report's archive %v, %d loads: the test covers nothing", used, rep.Archive != nil, po.loads)
	}
	po.check(t, rep)
}
