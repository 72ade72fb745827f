//go:build unix

package main

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
)

// canDetach: the snapshot writer can run detached here.
const canDetach = true

// detachedProcess starts the snapshot writer in a session of its own: no
// controlling terminal, so closing the terminal (SIGHUP) or ^C in the
// shell does not stop it.
func detachedProcess() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setsid: true} }

// lowerPriority makes the writer yield the cores to what the user runs
// next (nice 10); failing to is harmless.
func lowerPriority() { _ = syscall.Setpriority(syscall.PRIO_PROCESS, 0, 10) }

// lockSnapshotWriter takes the exclusive lock of dir's snapshot writers
// without waiting (errWriterBusy when another holds it); unlock releases
// it. The lock dies with the process, so a killed writer never blocks
// the next.
func lockSnapshotWriter(dir string) (unlock func(), err error) {
	f, err := os.OpenFile(filepath.Join(dir, writerLockName), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		_ = f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, errWriterBusy
		}
		return nil, err
	}
	return func() { _ = f.Close() }, nil
}
