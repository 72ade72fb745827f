package snapshot

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/backchat/backchat/internal/testkit/gen"
	"github.com/backchat/backchat/loader"
)

// TestDirectWritesSameFile: the data section written around the page
// cache (O_DIRECT, in directStep writes, several in flight, the rest
// through the cache), or through the cache when the file system refuses
// the first direct write, gives the bytes a write through the page cache
// gives, and the snapshot reopens; a direct write failing later fails the
// snapshot.
func TestDirectWritesSameFile(t *testing.T) {
	var b bytes.Buffer
	if _, err := gen.Write(&b, gen.Config{Seed: 11, TargetBytes: 14 << 20, Shape: gen.ShapeShort}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "short.json")
	if err := os.WriteFile(in, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	arch, err := loader.OpenContext(context.Background(), loader.Options{}, in)
	if err != nil {
		t.Fatal(err)
	}
	defer func(on bool, wa func(*os.File, []byte, int64) (int, error)) { directWrites, directWriteAt = on, wa }(directWrites, directWriteAt)
	var calls atomic.Int64
	setup := func(direct bool, failAfter int64) {
		calls.Store(0)
		directWrites = direct
		directWriteAt = func(f *os.File, b []byte, off int64) (int, error) {
			if calls.Add(1) > failAfter {
				return 0, syscall.EIO
			}
			return f.WriteAt(b, off)
		}
	}
	write := func(name string, direct bool, failAfter int64) ([]byte, int64) {
		t.Helper()
		setup(direct, failAfter)
		path := filepath.Join(dir, name)
		if err := WriteFile(path, arch, Options{Fingerprint: testFP}); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		s, err := Open(path, testFP)
		if err != nil {
			t.Fatal(err)
		}
		equalArchives(t, name, arch, s.Archive)
		_ = s.Close()
		return data, calls.Load()
	}
	cached, _ := write("cached.snap", false, 1<<30)
	if len(cached) < 4*directStep {
		t.Fatalf("snapshot of %d bytes: too small to test writes of %d", len(cached), directStep)
	}
	direct, n := write("direct.snap", true, 1<<30)
	if n < 3 { // the first write, then at least two by the direct writers
		f, _ := os.CreateTemp(dir, "probe")
		ok := setDirect(f, true)
		_ = f.Close()
		if !ok {
			t.Skip("this file system refuses O_DIRECT")
		}
		t.Fatal("O_DIRECT accepted, but the data section was not written with it")
	}
	if !bytes.Equal(direct, cached) {
		t.Fatalf("written around the page cache (%d writes): %d bytes differ from written through it", n, len(direct))
	}
	refused, _ := write("refused.snap", true, 0)
	if !bytes.Equal(refused, cached) {
		t.Fatal("O_DIRECT refused at the first write: the bytes differ from written through the page cache")
	}
	// A direct write failing later (the disk, not the file system's
	// refusal) fails the snapshot, and nothing is left behind.
	setup(true, 1)
	failed := filepath.Join(dir, "failed.snap")
	if err := WriteFile(failed, arch, Options{Fingerprint: testFP}); !errors.Is(err, syscall.EIO) {
		t.Fatalf("a failed direct write: WriteFile returned %v", err)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "*failed.snap*")); len(left) != 0 {
		t.Fatalf("a failed write left %v", left)
	}
}
