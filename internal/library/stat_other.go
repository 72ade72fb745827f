//go:build !(linux || openbsd || dragonfly || solaris || illumos || darwin || ios || freebsd || netbsd)

package library

import "io/fs"

// appendFileID adds nothing on the systems without a Unix stat
// (Windows, Plan 9, js, wasip1): size and modification time only.
func appendFileID(b []byte, _ fs.FileInfo) []byte { return b }
