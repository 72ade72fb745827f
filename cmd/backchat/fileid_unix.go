//go:build unix

package main

import (
	"io/fs"
	"syscall"
)

// fileID is a file's inode number (0 when unknown): a file replaced by
// another of the same size and time still changes the fingerprint.
func fileID(fi fs.FileInfo) uint64 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Ino)
	}
	return 0
}
