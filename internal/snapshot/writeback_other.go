//go:build !linux

package snapshot

import "os"

// syncData makes the data written to f so far durable.
func syncData(f *os.File) { _ = f.Sync() }
