package library

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// chunkSize is the copy buffer: big enough for full-speed sequential I/O,
// small enough that a cancelled import stops within a few milliseconds.
const chunkSize = 1 << 20

// folderDomain starts a folder's hash, so no folder hashes like a file.
const folderDomain = "backchat-folder-v1\x00"

// writeHook lets tests put a failing writer (a full disk) between a copy
// and its file, and watch the copy advance. The zero value writes straight
// through.
type writeHook struct {
	wrapFn     func(io.Writer) io.Writer
	afterChunk func(done int64)
}

func (h writeHook) wrap(w io.Writer) io.Writer {
	if h.wrapFn == nil {
		return w
	}
	return h.wrapFn(w)
}

// digest is what hashing (and copying) an export found.
type digest struct {
	hash  string // SHA-256, hex
	kind  string // "file" or "folder"
	size  int64  // bytes of file content
	files int    // regular files
}

// hashPath hashes the export at src without copying it.
func hashPath(ctx context.Context, src string) (digest, error) {
	return copyTree(ctx, src, "", writeHook{})
}

// errChanged reports an export that changed while it was read.
var errChanged = errors.New("changed while it was being imported; import it again once it is complete")

// copyTree hashes the export at src and, when dst is not empty, copies it to
// dst, which must not exist: a file to a 0600 file, a folder to a 0700
// folder holding the same entries (files 0600, symbolic links as links;
// the original permission bits are not kept). Every file written is
// fsynced, every folder created is synced.
//
// A file hashes as its bytes (so `sha256sum` gives the same hash). A
// folder hashes as folderDomain followed by its entries in filepath.WalkDir
// order (sorted by name within each folder), each entry a kind byte ('d',
// 'f' or 'l'), the uvarint length of its slash-separated path relative to
// the folder and the path, then for a file the uvarint size and the bytes,
// for a link the uvarint length of its target and the target. The folder's
// own name does not enter the hash.
func copyTree(ctx context.Context, src, dst string, w writeHook) (digest, error) {
	fi, err := os.Stat(src)
	if err != nil {
		return digest{}, err
	}
	h := sha256.New()
	buf := make([]byte, chunkSize)
	var done int64
	if !fi.IsDir() {
		if !fi.Mode().IsRegular() {
			return digest{}, fmt.Errorf("%s is not a file or a folder", src)
		}
		n, err := copyFile(ctx, src, dst, h, buf, w, &done)
		if err != nil {
			return digest{}, err
		}
		if n != fi.Size() {
			return digest{}, fmt.Errorf("%s %w", src, errChanged)
		}
		return digest{hash: hex.EncodeToString(h.Sum(nil)), kind: "file", size: n, files: 1}, nil
	}
	d := digest{kind: "folder"}
	h.Write([]byte(folderDomain))
	var dirs []string
	if dst != "" {
		if err := os.Mkdir(dst, 0o700); err != nil {
			return digest{}, err
		}
		dirs = append(dirs, dst)
	}
	err = filepath.WalkDir(src, func(p string, de fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if p == src {
			return nil
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		target := filepath.Join(dst, filepath.FromSlash(rel))
		switch t := de.Type(); {
		case de.IsDir():
			frame(h, 'd', rel)
			if dst != "" {
				if err := os.Mkdir(target, 0o700); err != nil {
					return err
				}
				dirs = append(dirs, target)
			}
		case t&fs.ModeSymlink != 0:
			link, err := os.Readlink(p)
			if err != nil {
				return err
			}
			frame(h, 'l', rel)
			putString(h, link)
			if dst != "" {
				if err := os.Symlink(link, target); err != nil {
					return err
				}
			}
		case t.IsRegular():
			info, err := de.Info()
			if err != nil {
				return err
			}
			frame(h, 'f', rel)
			putUvarint(h, uint64(info.Size()))
			out := ""
			if dst != "" {
				out = target
			}
			n, err := copyFile(ctx, p, out, h, buf, w, &done)
			if err != nil {
				return err
			}
			if n != info.Size() {
				return fmt.Errorf("%s %w", p, errChanged)
			}
			d.size += n
			d.files++
		default:
			return fmt.Errorf("%s is not a file, folder or link (%s); backchat cannot copy it", p, t)
		}
		return nil
	})
	if err != nil {
		return digest{}, err
	}
	// Children first, so each folder's entries are durable before it is.
	for i := len(dirs) - 1; i >= 0; i-- {
		if err := syncDir(dirs[i]); err != nil {
			return digest{}, err
		}
	}
	d.hash = hex.EncodeToString(h.Sum(nil))
	return d, nil
}

// copyFile feeds src to h and, when dst is not empty, writes it to a new
// 0600 file dst (fsynced). It returns the bytes read.
func copyFile(ctx context.Context, src, dst string, h hash.Hash, buf []byte, w writeHook, done *int64) (int64, error) {
	in, err := os.Open(src)
	if err != nil {
		return 0, err
	}
	defer in.Close()
	var out *os.File
	var sink io.Writer
	if dst != "" {
		out, err = os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return 0, err
		}
		defer out.Close() // after Sync and Close below, a no-op
		sink = w.wrap(out)
	}
	var n int64
	for {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		k, rerr := in.Read(buf)
		if k > 0 {
			h.Write(buf[:k])
			if sink != nil {
				if _, err := sink.Write(buf[:k]); err != nil {
					return n, fmt.Errorf("writing %s: %w", dst, err)
				}
			}
			n += int64(k)
			*done += int64(k)
			if sink != nil && w.afterChunk != nil {
				w.afterChunk(*done)
			}
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return n, rerr
		}
	}
	if out != nil {
		if err := out.Sync(); err != nil {
			return n, fmt.Errorf("writing %s: %w", dst, err)
		}
		if err := out.Close(); err != nil {
			return n, fmt.Errorf("writing %s: %w", dst, err)
		}
	}
	return n, nil
}

func frame(h hash.Hash, kind byte, rel string) {
	h.Write([]byte{kind})
	putString(h, rel)
}

func putString(h hash.Hash, s string) {
	putUvarint(h, uint64(len(s)))
	h.Write([]byte(s))
}

func putUvarint(h hash.Hash, v uint64) {
	var b [binary.MaxVarintLen64]byte
	h.Write(b[:binary.PutUvarint(b[:], v)])
}
