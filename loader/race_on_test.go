//go:build race

package loader

// raceEnabled: the race detector maps memory of its own for each
// goroutine, which may land where a chunk was just unmapped.
const raceEnabled = true
