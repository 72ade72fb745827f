package library

import (
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
	"time"
)

// TestStatSumSeesChangeTime: a file whose size and modification time are
// put back after a write (a copy restored from a backup with its times
// kept) has another stat sum on every Unix system, its change time (and
// on a restore, its inode) being summed too.
func TestStatSumSeesChangeTime(t *testing.T) {
	unix := []string{"linux", "android", "openbsd", "dragonfly", "solaris", "illumos", "darwin", "ios", "freebsd", "netbsd"}
	if !slices.Contains(unix, runtime.GOOS) {
		t.Skipf("no change time summed on %s", runtime.GOOS)
	}
	p := filepath.Join(t.TempDir(), "conversations.json")
	if err := os.WriteFile(p, []byte("[1]"), 0o644); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(appendFileID(nil, fi)); n != 24 {
		t.Fatalf("appendFileID appends %d bytes on %s, want 24 (device, inode, change time)", n, runtime.GOOS)
	}
	before := statSum(p)
	time.Sleep(20 * time.Millisecond) // coarse change-time clocks
	if err := os.WriteFile(p, []byte("[2]"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(p, fi.ModTime(), fi.ModTime()); err != nil {
		t.Fatal(err)
	}
	if after := statSum(p); after == before {
		t.Fatal("a rewritten file with its size and modification time put back has the same stat sum")
	}
}
