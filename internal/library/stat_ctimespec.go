//go:build darwin || ios || freebsd || netbsd

package library

import (
	"encoding/binary"
	"io/fs"
	"syscall"
)

// appendFileID appends fi's device, inode and change time, as on Linux
// (stat_ctim.go); these systems spell the change time Ctimespec.
func appendFileID(b []byte, fi fs.FileInfo) []byte {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return b
	}
	b = binary.LittleEndian.AppendUint64(b, uint64(st.Dev))
	b = binary.LittleEndian.AppendUint64(b, uint64(st.Ino))
	sec, nsec := st.Ctimespec.Unix()
	return binary.LittleEndian.AppendUint64(b, uint64(sec*1e9+nsec))
}
