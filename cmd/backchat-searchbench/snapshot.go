package main

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"runtime"
	"time"

	"github.com/backchat/backchat/internal/snapshot"
	"github.com/backchat/backchat/model"
	"github.com/backchat/backchat/model/search"
	"github.com/backchat/backchat/model/search/live"
)

// snapshotPath is the -snapshot file ("" for none).
var snapshotPath string

// runSnapshot writes a's snapshot (index included, the layout
// cmd/backchat/snapshot.go writes) to snapshotPath, reopens it and runs
// the queries on the reopened index: text read from the snapshot's
// (compressed) frames, as after a library reopen.
func runSnapshot(ctx context.Context, a *model.Archive, n int) error {
	start := time.Now()
	ix := search.BuildArchive(a)
	build := time.Since(start)
	start, cpu0 := time.Now(), cpuTime()
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
	if err != nil {
		return err
	}
	fmt.Printf("index build %.2f s; snapshot written in %.2f s, CPU %.2f s\n", build.Seconds(), time.Since(start).Seconds(), (cpuTime() - cpu0).Seconds())
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
