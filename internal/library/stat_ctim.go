//go:build linux || openbsd || dragonfly || solaris || illumos

package library

import "syscall"

// changeTime is st's change time (Ctim on these systems).
func changeTime(st *syscall.Stat_t) syscall.Timespec { return st.Ctim }
