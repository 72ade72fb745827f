//go:build !unix

package main

import (
	"errors"
	"syscall"
)

// Without Unix sessions and flock(2) the command writes its snapshot
// itself (detachSnapshotWrite fails, so the write happens in process).

const canDetach = false

func detachedProcess() *syscall.SysProcAttr { return nil }

func lowerPriority() {}

func lockSnapshotWriter(string) (func(), error) {
	return nil, errors.New("snapshot writers are not detached on this system")
}
