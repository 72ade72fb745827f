//go:build linux

package snapshot

import (
	"os"

	"golang.org/x/sys/unix"
)

// syncData makes the data written to f so far durable (fdatasync(2): the
// file's size and blocks, not its times).
func syncData(f *os.File) {
	rc, err := f.SyscallConn()
	if err != nil {
		return
	}
	_ = rc.Control(func(fd uintptr) { _ = unix.Fdatasync(int(fd)) })
}

// setDirect turns O_DIRECT on or off for f (fcntl(2) F_SETFL); false when
// the file system refuses it.
func setDirect(f *os.File, on bool) bool {
	rc, err := f.SyscallConn()
	if err != nil {
		return false
	}
	ok := false
	_ = rc.Control(func(fd uintptr) {
		fl, err := unix.FcntlInt(fd, unix.F_GETFL, 0)
		if err != nil {
			return
		}
		if on {
			fl |= unix.O_DIRECT
		} else {
			fl &^= unix.O_DIRECT
		}
		_, err = unix.FcntlInt(fd, unix.F_SETFL, fl)
		ok = err == nil
	})
	return ok
}
