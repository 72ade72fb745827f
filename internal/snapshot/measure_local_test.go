package snapshot

import (
	"context"
	"io"
	"os"
	"runtime/pprof"
	"testing"
	"time"

	"github.com/backchat/backchat/loader"
	"github.com/backchat/backchat/model/search"
)

func TestMeasureLocal(t *testing.T) {
	p := os.Getenv("SNAPIN")
	if p == "" {
		t.Skip()
	}
	arch, err := loader.OpenContext(context.Background(), loader.Options{}, p)
	if err != nil {
		t.Fatal(err)
	}
	ix := search.BuildArchive(arch)
	pf, _ := os.Create("/tmp/h-snap/write.prof")
	pprof.StartCPUProfile(pf)
	for i := 0; i < 2; i++ {
		t2 := time.Now()
		f, _ := os.Create("/dev/shm/h-snap-m.snap")
		if err := Write(f, arch, Options{Index: func(w io.Writer, to func(*byte, int) (uint64, bool)) error { return ix.Save(w, to) }}); err != nil {
			t.Fatal(err)
		}
		f.Close()
		t.Logf("write %v", time.Since(t2))
	}
	pprof.StopCPUProfile()
	os.Remove("/dev/shm/h-snap-m.snap")
}
