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
