package snapshot

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/backchat/backchat/internal/testkit/gen"
	"github.com/backchat/backchat/loader"
)

// TestDirectWritesSameFile: the data section written around the page
// cache (O_DIRECT, in directStep writes, the rest through the cache), and
// written so until the file system refuses it halfway, gives the bytes a
// write through the page cache gives, and the snapshot reopens.
func TestDirectWritesSameFile(t *testing.T) {
	var b bytes.Buffer
	if _, err := gen.Write(&b, gen.Config{Seed: 11, TargetBytes: 10 << 20, Shape: gen.ShapeShort}); err != nil {
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
	write := func(name string, direct bool, failAfter int) ([]byte, int) {
		t.Helper()
		calls := 0
		directWrites = direct
		directWriteAt = func(f *os.File, b []byte, off int64) (int, error) {
			if calls++; calls > failAfter {
				return 0, syscall.EINVAL
			}
			return f.WriteAt(b, off)
		}
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
		return data, calls
	}
	cached, _ := write("cached.snap", false, 1<<30)
	if len(cached) < 2*directStep {
		t.Fatalf("snapshot of %d bytes: too small to test writes of %d", len(cached), directStep)
	}
	direct, calls := write("direct.snap", true, 1<<30)
	if calls == 0 {
		f, _ := os.CreateTemp(dir, "probe")
		ok := setDirect(f, true)
		_ = f.Close()
		if !ok {
			t.Skip("this file system refuses O_DIRECT")
		}
		t.Fatal("O_DIRECT accepted, but the data section was not written with it")
	}
	if !bytes.Equal(direct, cached) {
		t.Fatalf("written around the page cache (%d writes): %d bytes differ from written through it", calls, len(direct))
	}
	refused, _ := write("refused.snap", true, 1)
	if !bytes.Equal(refused, cached) {
		t.Fatal("O_DIRECT refused after one write: the bytes differ from written through the page cache")
	}
}
