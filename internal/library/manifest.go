package library

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"syscall"
	"time"
)

// manifestVersion is the manifest's format; a newer one is refused rather
// than rewritten without the fields this build does not know.
const manifestVersion = 1

// Manifest lists the imports of a library, in import order.
type Manifest struct {
	Version int      `json:"version"`
	Imports []Import `json:"imports"`
}

// Import is one export copied into the library.
type Import struct {
	// Hash is the SHA-256 of the content (hex): a file's bytes, or a
	// folder's entries (see hashing in digest.go). It names the copy.
	Hash string `json:"hash"`
	// Kind is "file" or "folder".
	Kind string `json:"kind"`
	// Name is the original base name; the copy is imports/Hash/Name.
	Name string `json:"name"`
	// Original is the absolute path it was imported from.
	Original string    `json:"original"`
	Imported time.Time `json:"imported"`
	// Service is the service of its conversations ("chatgpt", "claude",
	// …; "mixed" when they differ).
	Service string `json:"service"`
	// Size is the bytes copied (a folder: the sum of its files).
	Size int64 `json:"size"`
	// Files is the number of files copied (1 for a file).
	Files         int `json:"files"`
	Conversations int `json:"conversations"`
	// ExportDate is the newest conversation time it holds: when the
	// export was made, near enough (the ZIP says nothing more reliable).
	ExportDate time.Time `json:"export_date"`
	// Stat sums what the file system said of the copy (statSum) when it
	// was last found intact: copied, or hashed by an import of the same
	// export or by `library verify`. While the copy's sum is this one, an
	// import of the same export does not hash it again. Empty in
	// manifests written before it existed (the copy is then hashed).
	Stat string `json:"stat,omitempty"`
}

// Short is the first 12 hex digits of the hash.
func (i Import) Short() string {
	if len(i.Hash) > 12 {
		return i.Hash[:12]
	}
	return i.Hash
}

var hashRE = regexp.MustCompile(`^[0-9a-f]{64}$`)

func readManifest(path string) (Manifest, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Manifest{Version: manifestVersion}, nil
	}
	if err != nil {
		return Manifest{}, fmt.Errorf("library: %w", err)
	}
	var m Manifest
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&m); err != nil {
		return Manifest{}, fmt.Errorf("library: %s is damaged: %w", path, err)
	}
	if m.Version > manifestVersion {
		return Manifest{}, fmt.Errorf("library: %s is format %d, newer than this backchat reads (%d); upgrade backchat", path, m.Version, manifestVersion)
	}
	for i, imp := range m.Imports {
		// The hash and name become paths: never let a damaged manifest
		// point outside the library.
		if !hashRE.MatchString(imp.Hash) || !safeName(imp.Name) {
			return Manifest{}, fmt.Errorf("library: %s is damaged: import %d has hash %q, name %q", path, i+1, imp.Hash, imp.Name)
		}
	}
	return m, nil
}

// safeName reports whether name is a plain base name (no separator, not
// "." or "..").
func safeName(name string) bool {
	return name != "" && name != "." && name != ".." && filepath.Base(name) == name && !containsSep(name)
}

func containsSep(s string) bool {
	for i := 0; i < len(s); i++ {
		if os.IsPathSeparator(s[i]) {
			return true
		}
	}
	return false
}

// writeManifest replaces the manifest atomically.
func writeManifest(dir string, m Manifest, w writeHook) error {
	m.Version = manifestVersion
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	return writeFileAtomic(dir, manifestName, b, w)
}

// writeFileAtomic writes name in dir by way of a temporary file in dir:
// write, fsync, rename, fsync dir. A crash leaves the old file or the new
// one, never a mix (and perhaps a .tmp-* file the next import removes).
func writeFileAtomic(dir, name string, data []byte, w writeHook) error {
	f, err := os.CreateTemp(dir, tmpPrefix+"*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	ok := false
	defer func() {
		if !ok {
			_ = f.Close()
			_ = os.Remove(tmp)
		}
	}()
	if _, err := w.wrap(f).Write(data); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, filepath.Join(dir, name)); err != nil {
		return err
	}
	ok = true
	return syncDir(dir)
}

// syncDir fsyncs a folder so a rename or a new entry in it survives a crash.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	// Some file systems cannot sync a folder (EINVAL): nothing more to do.
	if err := d.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}
