//go:build linux

package loader

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestHugeHeapAdvises checks that hugeHeap leaves its range of the Go heap
// advised for huge pages (VmFlags "hg" in /proc/self/smaps) after freeing it,
// and that the heap is usable there afterwards.
func TestHugeHeapAdvises(t *testing.T) {
	beg, end := hugeHeap(64 << 20)
	if beg == 0 {
		t.Skip("hugeHeap did nothing (big live heap or madvise refused)")
	}
	if end-beg < 32<<20 {
		t.Fatalf("advised range %#x-%#x is smaller than expected", beg, end)
	}
	if !advisedHuge(t, beg, end) {
		t.Fatalf("range %#x-%#x is not advised for huge pages", beg, end)
	}
	// The freed range is reused: fill enough memory to land in it.
	var keep [][]byte
	for range 64 {
		b := make([]byte, 1<<20)
		b[0], b[len(b)-1] = 1, 1
		keep = append(keep, b)
	}
	if len(keep) != 64 || keep[63][0] != 1 {
		t.Fatal("allocations after hugeHeap failed")
	}
}

// advisedHuge reports whether every mapping overlapping [beg, end) has the
// "hg" (MADV_HUGEPAGE) flag.
func advisedHuge(t *testing.T, beg, end uintptr) bool {
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Skip(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	var lo, hi uint64
	seen := false
	for sc.Scan() {
		line := sc.Text()
		if r, _, ok := strings.Cut(line, " "); ok && strings.Contains(r, "-") && !strings.HasSuffix(r, ":") {
			a, b, _ := strings.Cut(r, "-")
			lo, _ = strconv.ParseUint(a, 16, 64)
			hi, _ = strconv.ParseUint(b, 16, 64)
			continue
		}
		if flags, ok := strings.CutPrefix(line, "VmFlags:"); ok && hi > uint64(beg) && lo < uint64(end) {
			seen = true
			if !strings.Contains(" "+flags+" ", " hg ") {
				return false
			}
		}
	}
	return seen
}
