package snapshot

import (
	"context"
	"io"
	"os"
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
	t0 := time.Now()
	arch, err := loader.OpenContext(context.Background(), loader.Options{}, p)
	if err != nil {
		t.Fatal(err)
	}
	t1 := time.Now()
	ix := search.BuildArchive(arch)
	t2 := time.Now()
	f, _ := os.Create("/tmp/h-snap/m.snap")
	if err := Write(f, arch, Options{Index: func(w io.Writer, to func(*byte, int) (uint64, bool)) error { return ix.Save(w, to) }}); err != nil {
		t.Fatal(err)
	}
	t3 := time.Now()
	f.Sync()
	t4 := time.Now()
	f.Close()
	t.Logf("load %v index %v write %v sync %v", t1.Sub(t0), t2.Sub(t1), t3.Sub(t2), t4.Sub(t3))
}
