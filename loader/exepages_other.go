//go:build !linux

package loader

// releaseExePages does nothing here (see exepages_linux.go).
func releaseExePages() {}
