//go:build linux

package loader

import (
	"bufio"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// releaseExePages drops the resident pages of the executable's read-only
// mappings (its code and read-only data) from the process, before a big
// load: what start-up touched (every package's initialisation: the
// highlighter's lexers and styles, the Markdown renderer…) was ~13 MB of
// the RSS, 0.05x of a 250 MB export, that a load does not use; what it
// does use comes back from the page cache on first touch. Only mappings
// that are not writable and hold no private (written) page are dropped,
// so nothing but clean file pages is given back (MADV_DONTNEED). See
// NOTES.md, "Performance".
func releaseExePages() {
	exe, err := os.Executable()
	if err != nil {
		return
	}
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		return
	}
	defer f.Close()
	var lo, hi uintptr
	var ours bool
	s := bufio.NewScanner(f)
	for s.Scan() {
		line := s.Text()
		if fs := strings.Fields(line); len(fs) >= 5 && strings.Contains(fs[0], "-") && !strings.HasSuffix(fs[0], ":") {
			// A mapping's header: "lo-hi perms offset dev inode [path]".
			a, b, _ := strings.Cut(fs[0], "-")
			l, err1 := strconv.ParseUint(a, 16, 64)
			h, err2 := strconv.ParseUint(b, 16, 64)
			ours = err1 == nil && err2 == nil && len(fs) == 6 && fs[5] == exe && !strings.Contains(fs[1], "w")
			lo, hi = uintptr(l), uintptr(h)
			continue
		}
		if !ours || !strings.HasPrefix(line, "Anonymous:") {
			continue
		}
		ours = false
		if fs := strings.Fields(line); len(fs) < 2 || fs[1] != "0" {
			continue // a page of it was written: leave the mapping be
		}
		_, _, _ = unix.Syscall(unix.SYS_MADVISE, lo, hi-lo, unix.MADV_DONTNEED)
	}
}
