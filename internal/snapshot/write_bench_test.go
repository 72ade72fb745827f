//go:build unix

package snapshot

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/backchat/backchat/internal/testkit/gen"
	"github.com/backchat/backchat/loader"
	"github.com/backchat/backchat/model"
)

// BenchmarkWrite writes a generated export's snapshot (both shapes, 32 MB
// of JSON, an index section asking every searchable text's offset) to a
// file that keeps nothing: the writer's own cost, without the page cache
// or the disk. Besides ns/op it reports the process's CPU time per write
// (user and system, all goroutines), steadier than wall time on a busy
// machine.
func BenchmarkWrite(b *testing.B) {
	benchWrite(b, func(b *testing.B, arch *model.Archive, opts Options) int64 {
		var f discardFile
		if err := Write(&f, arch, opts); err != nil {
			b.Fatal(err)
		}
		return f.n
	})
}

// BenchmarkWriteFile is BenchmarkWrite through WriteFile to a file in the
// benchmark's temporary folder: the page cache, the rename and any sync
// included (a new file each time, as a first load writes it).
func BenchmarkWriteFile(b *testing.B) {
	path := filepath.Join(b.TempDir(), "bench.snap")
	benchWrite(b, func(b *testing.B, arch *model.Archive, opts Options) int64 {
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			b.Fatal(err)
		}
		if err := WriteFile(path, arch, opts); err != nil {
			b.Fatal(err)
		}
		st, err := os.Stat(path)
		if err != nil {
			b.Fatal(err)
		}
		return st.Size()
	})
}

// benchWrite runs write, which returns the snapshot's size, on a
// generated export of each shape.
func benchWrite(b *testing.B, write func(*testing.B, *model.Archive, Options) int64) {
	for _, shape := range []struct {
		name  string
		shape gen.Shape
	}{{"short", gen.ShapeShort}, {"long", gen.ShapeLong}} {
		b.Run(shape.name, func(b *testing.B) {
			var buf bytes.Buffer
			if _, err := gen.Write(&buf, gen.Config{Seed: 3, TargetBytes: 32 << 20, Shape: shape.shape}); err != nil {
				b.Fatal(err)
			}
			in := filepath.Join(b.TempDir(), "in.json")
			if err := os.WriteFile(in, buf.Bytes(), 0o600); err != nil {
				b.Fatal(err)
			}
			arch, err := loader.OpenContext(context.Background(), loader.Options{}, in)
			if err != nil {
				b.Fatal(err)
			}
			var texts []string
			for _, c := range arch.Conversations {
				for _, s := range searchable(c) {
					if s != "" {
						texts = append(texts, s)
					}
				}
			}
			index := func(w io.Writer, textOffset func(*byte, int) (uint64, bool)) error {
				var e enc
				for _, s := range texts {
					off, _ := textOffset(unsafe.StringData(s), len(s))
					e.uv(off)
				}
				_, err := w.Write(e.b)
				return err
			}
			var n int64
			b.ReportAllocs()
			b.ResetTimer()
			cpu0 := benchCPU()
			for range b.N {
				n = write(b, arch, Options{Index: index})
			}
			b.ReportMetric(float64(benchCPU()-cpu0)/float64(b.N), "cpu-ns/op")
			b.SetBytes(int64(buf.Len()))
			b.ReportMetric(float64(n)/float64(buf.Len()), "size/json")
		})
	}
}

// discardFile is a File that only counts what is written.
type discardFile struct{ n int64 }

func (f *discardFile) Write(p []byte) (int, error) {
	f.n += int64(len(p))
	return len(p), nil
}

func (f *discardFile) WriteAt(p []byte, _ int64) (int, error) { return len(p), nil }

// benchCPU is the process's user and system CPU time so far.
func benchCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
