package snapshot

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// TestDirectFileWritesWhatWasWritten: a directFile's file holds exactly
// the bytes written to it, in chunks of every size, with the header
// rewritten at offset 0 last, at sizes around its block and its buffer:
// the padding of the last block is cut and the first block, written long
// before, is written again.
func TestDirectFileWritesWhatWasWritten(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, size := range []int{0, 1, 100, directBlock - 1, directBlock, directBlock + 1, directBuf - 1, directBuf, directBuf + 1, 3*directBuf + 12345} {
		for _, direct := range []bool{true, false} {
			path := filepath.Join(t.TempDir(), "f")
			f, err := os.Create(path)
			if err != nil {
				t.Fatal(err)
			}
			var d *directFile
			if direct {
				if d = newDirectFile(f); d == nil {
					t.Logf("no O_DIRECT on %s: the buffering alone", path)
				}
			}
			if d == nil {
				d = newDirectFileOn(f)
			}
			if d == nil {
				t.Skip("no anonymous mappings here")
			}
			want := make([]byte, size)
			for i := range want {
				want[i] = byte(rng.Uint32())
			}
			for b := want; len(b) > 0; {
				n := min(len(b), 1+rng.IntN(3*directBlock))
				if rng.IntN(20) == 0 {
					n = min(len(b), directBuf+rng.IntN(directBuf))
				}
				if k, err := d.Write(b[:n]); err != nil || k != n {
					t.Fatalf("size %d: Write = %d, %v", size, k, err)
				}
				b = b[n:]
			}
			if size >= 64 {
				head := bytes.Repeat([]byte{0xAB}, 64)
				if _, err := d.WriteAt(head, 0); err != nil {
					t.Fatalf("size %d: WriteAt(header) = %v", size, err)
				}
				copy(want, head)
			}
			if size > directBuf+directBlock {
				if _, err := d.WriteAt([]byte{1}, directBlock); err == nil {
					t.Errorf("size %d: a rewrite past the first block, already written, was taken", size)
				}
			}
			if err := d.finish(); err != nil {
				t.Fatalf("size %d: finish = %v", size, err)
			}
			d.release()
			if err := f.Close(); err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("size %d, direct %v: the file holds %d bytes, not the %d written (or others)", size, direct, len(got), len(want))
			}
		}
	}
}

// TestDirectWriteSameAsBuffered: a snapshot written with direct writes
// has the same bytes as one written through the page cache.
func TestDirectWriteSameAsBuffered(t *testing.T) {
	arch := pooledArchive(700, 100, 3000)
	write := func(buffered bool) []byte {
		if buffered {
			t.Setenv("BACKCHAT_SNAPSHOT_BUFFERED", "1")
		}
		return writeBytes(t, arch)
	}
	direct := write(false)
	if len(direct) < directBuf+directBlock {
		t.Fatalf("the snapshot is %d bytes: too small to cross the buffer", len(direct))
	}
	if !bytes.Equal(direct, write(true)) {
		t.Fatal("direct and buffered writes of one archive differ")
	}
	s, err := OpenBytes(direct, testFP)
	if err != nil {
		t.Fatal(err)
	}
	equalArchives(t, "direct", arch, s.Archive)
}

// TestDirectWriteFallsBackToBuffered: a write the file system refuses as
// direct (EINVAL, here a buffer off its alignment) is written through the
// page cache instead of failing the snapshot.
func TestDirectWriteFallsBackToBuffered(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d := newDirectFile(f)
	if d == nil {
		t.Skip("no O_DIRECT here")
	}
	defer d.release()
	copy(d.buf[1:], "misaligned")
	if err := d.writeAt(d.buf[1:1+directBlock], 0); err != nil {
		t.Fatalf("a misaligned write was not retried buffered: %v", err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(got, []byte("misaligned")) {
		t.Fatalf("the file starts %q", got[:min(len(got), 16)])
	}
}
