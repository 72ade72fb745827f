//go:build darwin || ios || freebsd || netbsd

package library

import "syscall"

// changeTime is st's change time (Ctimespec on these systems).
func changeTime(st *syscall.Stat_t) syscall.Timespec { return st.Ctimespec }
