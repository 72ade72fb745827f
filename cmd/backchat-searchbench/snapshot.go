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

// writes is how many times -snapshot writes the snapshot (-writes).
var writes = 1

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
	// blocks to the rename. With -writes N it is written N times (each
	// after a collection), to compare writes under the same load.
	for i := range max(writes, 1) {
		if i > 0 {
			runtime.GC()
		}
		if err := os.Remove(snapshotPath); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		var ms0, ms1 runtime.MemStats
		runtime.ReadMemStats(&ms0)
		start, cpu0, sys0, flt0 := time.Now(), cpuTime(), sysTime(), minorFaults()
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
		write, writeCPU, writeSys, faults := time.Since(start), cpuTime()-cpu0, sysTime()-sys0, minorFaults()-flt0
		runtime.ReadMemStats(&ms1)
		if i == 0 {
			if profile != "" {
				pprof.StopCPUProfile()
			}
			if tracePath != "" {
				trace.Stop()
			}
		}
		if err != nil {
			return err
		}
		if i == 0 {
			fmt.Printf("index build             %8.2f s, CPU %.2f s\n", build.Seconds(), buildCPU.Seconds())
		}
		size := int64(0)
		if st, err := os.Stat(snapshotPath); err == nil {
			size = st.Size()
		}
		fmt.Printf("snapshot write          %8.2f s, CPU %.2f s: +%.0f%% wall, +%.0f%% CPU on load + index (the browser's load)\n",
			write.Seconds(), writeCPU.Seconds(), 100*write.Seconds()/(load+build).Seconds(), 100*writeCPU.Seconds()/(loadCPU+buildCPU).Seconds())
		fmt.Printf("  write: sys CPU %.2f s, %d page faults, %d GCs, %.0f MB allocated (%d allocations), snapshot %.0f MB\n",
			writeSys.Seconds(), faults, ms1.NumGC-ms0.NumGC, float64(ms1.TotalAlloc-ms0.TotalAlloc)/(1<<20), ms1.Mallocs-ms0.Mallocs, float64(size)/(1<<20))
	}
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
