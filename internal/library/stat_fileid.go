//go:build linux || openbsd || dragonfly || solaris || illumos || darwin || ios || freebsd || netbsd

package library

import (
	"encoding/binary"
	"io/fs"
	"syscall"
)

// appendFileID appends fi's device, inode and change time: a copy put
// back from a backup with its times kept is another file. The change
// time's field is spelt per system (stat_ctim.go, stat_ctimespec.go).
func appendFileID(b []byte, fi fs.FileInfo) []byte {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return b
	}
	b = binary.LittleEndian.AppendUint64(b, uint64(st.Dev))
	b = binary.LittleEndian.AppendUint64(b, uint64(st.Ino))
	ct := changeTime(st)
	sec, nsec := ct.Unix()
	return binary.LittleEndian.AppendUint64(b, uint64(sec*1e9+nsec))
}
