//go:build !amd64 || purego

package loader

// unescapeRun decodes plain string text: see unescapeRunSWAR.
func unescapeRun(dst, src []byte) (i, j int, hi bool) { return unescapeRunSWAR(dst, src) }
