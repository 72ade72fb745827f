//go:build linux

package snapshot

import (
	"os"

	"golang.org/x/sys/unix"
)

// newDirectFile turns on O_DIRECT for f, a new empty file, and returns
// the directFile that writes it, or nil when the file system refuses
// direct writes (tmpfs, some FUSE and network file systems): WriteFile
// then writes f as before. A block of zeros is written at offset 0 to
// see (the header's place: rewritten last).
func newDirectFile(f *os.File) *directFile {
	if os.Getenv("BACKCHAT_SNAPSHOT_BUFFERED") != "" {
		return nil
	}
	rc, err := f.SyscallConn()
	if err != nil {
		return nil
	}
	var flags int
	if rc.Control(func(fd uintptr) {
		flags, err = unix.FcntlInt(fd, unix.F_GETFL, 0)
		if err == nil {
			_, err = unix.FcntlInt(fd, unix.F_SETFL, flags|unix.O_DIRECT)
		}
	}) != nil || err != nil {
		return nil
	}
	d := newDirectFileOn(f)
	if d != nil {
		if _, err = f.WriteAt(d.buf[:directBlock], 0); err == nil {
			d.buffered = func() { _ = rc.Control(func(fd uintptr) { _, _ = unix.FcntlInt(fd, unix.F_SETFL, flags) }) }
			return d
		}
		d.release()
	}
	_ = rc.Control(func(fd uintptr) { _, _ = unix.FcntlInt(fd, unix.F_SETFL, flags) })
	_ = f.Truncate(0)
	return nil
}
