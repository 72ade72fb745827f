//go:build unix

package search

import (
	"syscall"
	"time"
)

// cpuTime is the process's user+system CPU time so far; benchmarks report
// it per operation because wall time is at the mercy of a shared machine.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
