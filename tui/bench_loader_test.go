//go:build backchat_loader

package tui

import (
	"github.com/backchat/backchat/loader"
	"github.com/backchat/backchat/model"
)

// With -tags backchat_loader the benchmarks can load a real export:
// BACKCHAT_BENCH_ARCHIVE=/path/export.zip go test -tags backchat_loader -bench . ./tui
func init() {
	benchLoad = func(path string) (*model.Archive, error) { return loader.Open(path) }
}
