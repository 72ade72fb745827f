//go:build linux

package loader

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/backchat/backchat/internal/testkit/gen"
)

// rssFileKB is the process's resident file-backed memory (kB).
func rssFileKB(t *testing.T) int {
	t.Helper()
	f, err := os.Open("/proc/self/status")
	if err != nil {
		t.Skip(err)
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if v, ok := strings.CutPrefix(s.Text(), "RssFile:"); ok {
			n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Skip("no RssFile in /proc/self/status")
	return 0
}

// TestReleaseExePages: the executable's resident read-only pages are
// dropped (the test binary has several MB of them after start-up), and
// the process goes on running (they come back from the file on use).
func TestReleaseExePages(t *testing.T) {
	before := rssFileKB(t)
	releaseExePages()
	after := rssFileKB(t)
	if before < 2048 {
		t.Skipf("only %d kB resident from files", before)
	}
	if after > before/2 {
		t.Errorf("RssFile %d kB -> %d kB: the executable's pages were not given back", before, after)
	}
	data, n := genBytes(t, gen.Config{Seed: 3, TargetBytes: 64 << 10})
	a, err := Open(writeTemp(t, "conversations.json", data))
	if err != nil || len(a.Conversations) != n {
		t.Fatalf("load after the release: %v", err)
	}
}
