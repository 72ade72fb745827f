//go:build unix

package snapshot

import (
	"fmt"
	"os"
	"syscall"
)

// mapFile maps path read-only. Pages are read from the file when touched,
// so opening costs nothing for sections that are not read.
func mapFile(path string) ([]byte, func() error, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	size := fi.Size()
	if size == 0 {
		return nil, nil, corrupt("empty file")
	}
	if size != int64(int(size)) {
		return nil, nil, fmt.Errorf("snapshot: %s too large to map", path)
	}
	data, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil, nil, fmt.Errorf("snapshot: mmap %s: %w", path, err)
	}
	return data, func() error { return syscall.Munmap(data) }, nil
}
