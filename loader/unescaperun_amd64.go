//go:build amd64 && !purego

package loader

// unescapeRun is unescapeRunSWAR sixteen bytes at a time, in SSE2
// assembly (unescaperun_amd64.s): it stops with fewer than sixteen bytes
// of src or dst left, and may write up to fifteen bytes into dst past j.
// Tested against unescapeRunSWAR (unescape_test.go).
//
//go:noescape
func unescapeRun(dst, src []byte) (i, j int, hi bool)
