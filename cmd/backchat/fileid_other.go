//go:build !unix

package main

import "io/fs"

// fileID is 0 where inode numbers are not available.
func fileID(fs.FileInfo) uint64 { return 0 }
