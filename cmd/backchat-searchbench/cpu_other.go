//go:build !unix

package main

import "time"

// cpuTime is unknown on this system.
func cpuTime() time.Duration { return 0 }

// sysTime is unknown on this system.
func sysTime() time.Duration { return 0 }

// minorFaults is unknown on this system.
func minorFaults() int64 { return 0 }
