//go:build unix

package snapshot

import (
	"fmt"
	"os"
	"syscall"
)

// mapFile maps f read-only. Pages are read from the file when touched, so
// opening costs nothing for sections that are not read. NOTE: a snapshot
// is only ever replaced by rename, never rewritten in place, so the
// mapping stays valid; a file truncated by someone else would make reads
// of the lost pages fault (SIGBUS).
func mapFile(f *os.File) ([]byte, func() error, error) {
	fi, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	size := fi.Size()
	if size == 0 {
		return nil, nil, corrupt("empty file")
	}
	if size != int64(int(size)) {
		return nil, nil, fmt.Errorf("snapshot: %s too large to map", f.Name())
	}
	data, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil, nil, fmt.Errorf("snapshot: mmap %s: %w", f.Name(), err)
	}
	return data, func() error { return syscall.Munmap(data) }, nil
}
