//go:build !unix

package snapshot

import (
	"io"
	"os"
)

// mapFile reads f into memory where mmap is not available.
func mapFile(f *os.File) ([]byte, func() error, error) {
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, nil, err
	}
	if len(data) == 0 {
		return nil, nil, corrupt("empty file")
	}
	return data, func() error { return nil }, nil
}
