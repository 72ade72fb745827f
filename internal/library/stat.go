package library

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
)

// statSum sums what the file system says of the copy at p without reading
// it: for p and, in a folder, every entry (WalkDir order), its path
// relative to p, type, size, modification time and, where there is one,
// device, inode and change time (Unix systems: stat_ctim.go,
// stat_ctimespec.go). A copy whose sum is the one recorded
// when it was last hashed (Import.Stat) has not been written since, so
// importing its export again need not hash it (repair); `library verify`
// hashes it whatever the sum. "" when p cannot be walked.
func statSum(p string) string {
	h := sha256.New()
	var buf []byte
	err := filepath.WalkDir(p, func(q string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := os.Lstat(q)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(p, q)
		if err != nil {
			return err
		}
		buf = buf[:0]
		buf = binary.AppendUvarint(buf, uint64(len(rel)))
		buf = append(buf, rel...)
		buf = binary.LittleEndian.AppendUint32(buf, uint32(fi.Mode().Type()))
		buf = binary.LittleEndian.AppendUint64(buf, uint64(fi.Size()))
		buf = binary.LittleEndian.AppendUint64(buf, uint64(fi.ModTime().UnixNano()))
		buf = appendFileID(buf, fi)
		h.Write(buf)
		return nil
	})
	if err != nil {
		return ""
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}
