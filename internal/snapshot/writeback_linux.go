//go:build linux

package snapshot

import (
	"os"

	"golang.org/x/sys/unix"
)

// startWriteback asks the kernel to start writing [off, off+n) of f to the
// disk now (sync_file_range(2) with SYNC_FILE_RANGE_WRITE: it waits
// neither for the disk nor, mostly, for the pages, and syncs no metadata).
// It is only a hint that makes the fsync before the rename cheap; errors
// are left to that fsync.
func startWriteback(f *os.File, off, n int64) {
	rc, err := f.SyscallConn()
	if err != nil {
		return
	}
	_ = rc.Control(func(fd uintptr) {
		_ = unix.SyncFileRange(int(fd), off, n, unix.SYNC_FILE_RANGE_WRITE)
	})
}
