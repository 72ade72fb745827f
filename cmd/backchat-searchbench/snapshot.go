package main

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"time"

	"github.com/backchat/backchat/internal/snapshot"
	"github.com/backchat/backchat/model"
	"github.com/backchat/backchat/model/search"
	"github.com/backchat/backchat/model/search/live"
)

// snapshotPath is the -snapshot file ("" for none).
var snapshotPath string

// tracePath is the -trace file ("" for none).
var tracePath string

// runSnapshot writes a's snapshot (index included, the layout
// cmd/backchat/snapshot.go writes) to snapshotPath, reopens it and runs
// the queries on the reopened index: text read from the snapshot's
// (compressed) frames, as after a library reopen.
func runSnapshot(ctx context.Context, a *model.Archive, n int, load, loadCPU time.Duration) error {
	start, cpu0 := time.Now(), cpuTime()
	ix := search.BuildArchive(a)
	build, buildCPU := time.Since(start), cpuTime()-cpu0
	if profile != "" {
		// The write's own profile, next to the queries'.
		f, err := os.Create(profile + ".write")
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
	}
	if tracePath != "" {
		f, err := os.Create(tracePath)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := trace.Start(f); err != nil {
			return err
		}
	}
	// As a first load writes it: to a new file (the app names a snapshot
	// after its inputs' fingerprint and removes older ones only after
	// the rename). Renaming over an old snapshot would add freeing its
	// blocks to the rename.
	if err := os.Remove(snapshotPath); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	start, cpu0 = time.Now(), cpuTime()
	err := snapshot.WriteFile(snapshotPath, a, snapshot.Options{Index: func(w io.Writer, textOffset func(p *byte, n int) (uint64, bool)) error {
		b := binary.LittleEndian.AppendUint64(nil, uint64(ix.Len()))
		pos := make(map[*model.Conversation]uint32, len(a.Conversations))
		for i, c := range a.Conversations {
			pos[c] = uint32(i)
		}
		for i := range ix.Len() {
			b = binary.LittleEndian.AppendUint32(b, pos[ix.Conversation(i)])
		}
		for len(b)%8 != 0 {
			b = append(b, 0)
		}
		if _, err := w.Write(b); err != nil {
			return err
		}
		return ix.Save(w, textOffset)
	}})
	if profile != "" {
		pprof.StopCPUProfile()
	}
	if tracePath != "" {
		trace.Stop()
	}
	if err != nil {
		return err
	}
	write, writeCPU := time.Since(start), cpuTime()-cpu0
	fmt.Printf("index build             %8.2f s, CPU %.2f s\n", build.Seconds(), buildCPU.Seconds())
	fmt.Printf("snapshot write          %8.2f s, CPU %.2f s: +%.0f%% wall, +%.0f%% CPU on load + index (the browser's load)\n",
		write.Seconds(), writeCPU.Seconds(), 100*write.Seconds()/(load+build).Seconds(), 100*writeCPU.Seconds()/(loadCPU+buildCPU).Seconds())
	ix, a = nil, nil
	runtime.GC()

	start = time.Now()
	s, err := snapshot.Open(snapshotPath, snapshot.Fingerprint{})
	if err != nil {
		return err
	}
	defer s.Close()
	b, convs := s.Index, s.Archive.Conversations
	if len(b) < 8 || binary.LittleEndian.Uint64(b) != uint64(len(convs)) {
		return errors.New("snapshot: no index")
	}
	order := make([]*model.Conversation, len(convs))
	for i := range order {
		order[i] = convs[binary.LittleEndian.Uint32(b[8+4*i:])]
	}
	lx, err := search.LoadIndexTexts(b[(8+4*len(convs)+7)&^7:], order, s)
	if err != nil {
		return err
	}
	fmt.Printf("reopened in %.1f ms (%d conversations)\n", ms(time.Since(start)), len(convs))
	return queryRuns(ctx, live.NewIndexed(lx), s.Archive, n)
}
