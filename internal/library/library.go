// Package library keeps the exports a user imported in one folder (by
// default $XDG_DATA_HOME/backchat): each export is copied there as it is,
// under the SHA-256 of its content, and a manifest lists the imports. The
// rest of the program loads "the library" as the list of paths Paths
// returns, with the loader, as if they had been given on the command line.
//
// Layout of the library folder (created 0700, files 0600: it holds private
// conversations):
//
//	manifest.json            the imports, oldest first (written atomically)
//	lock                     flock(2)ed by an import while it runs
//	imports/HASH/NAME        the export as imported (a file, or a folder
//	                         copied whole), NAME its original base name
//	cache/                   derived files: the snapshot (SnapshotPath) and
//	                         state-FINGERPRINT.json (what import compares
//	                         the next import with; see changes.go)
//	.tmp-*, imports/.tmp-*   an import in progress or interrupted; never
//	                         listed, removed by the next import
//
// The manifest is the only source of truth: a folder under imports/ that it
// does not name (an import interrupted after its copy was renamed into
// place) is invisible and removed by the next import.
package library

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// EnvVar names the environment variable that overrides the library folder.
const EnvVar = "BACKCHAT_LIBRARY"

// Resolve picks the library folder: flag when not empty, else
// $BACKCHAT_LIBRARY, else $XDG_DATA_HOME/backchat, else
// ~/.local/share/backchat. getenv is os.Getenv outside tests.
func Resolve(flag string, getenv func(string) string) (string, error) {
	if flag != "" {
		return filepath.Abs(flag)
	}
	if d := getenv(EnvVar); d != "" {
		return filepath.Abs(d)
	}
	// The XDG spec says a relative $XDG_DATA_HOME is invalid and must be
	// ignored.
	if d := getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "backchat"), nil
	}
	home := getenv("HOME")
	if home == "" {
		var err error
		if home, err = os.UserHomeDir(); err != nil {
			return "", fmt.Errorf("library: no home folder to hold it (set --library or %s): %w", EnvVar, err)
		}
	}
	return filepath.Join(home, ".local", "share", "backchat"), nil
}

// ErrEmpty is returned by Library.Paths when nothing was imported yet.
var ErrEmpty = errors.New("no exports imported yet: run backchat import EXPORT.zip")

// Library is a library folder as its manifest describes it. A Library read
// by Open is a read-only view; Add writes a new manifest and returns the
// updated view.
type Library struct {
	Dir      string
	Manifest Manifest
	// Warnings are non-fatal problems found when opening (a folder readable
	// by other users).
	Warnings []string
}

// Open reads the library at dir. A missing folder or manifest is an empty
// library (nothing is created). A folder that other users may write to is
// refused: anyone who can write there can plant or swap the conversations
// backchat shows. One they may only read is opened with a warning.
func Open(dir string) (*Library, error) {
	l := &Library{Dir: dir}
	fi, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return l, nil
	}
	if err != nil {
		return nil, fmt.Errorf("library: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("library: %s is not a folder", dir)
	}
	w, err := checkMode(dir, fi.Mode())
	if err != nil {
		return nil, err
	}
	if w != "" {
		l.Warnings = append(l.Warnings, w)
	}
	m, err := readManifest(filepath.Join(dir, manifestName))
	if err != nil {
		return nil, err
	}
	l.Manifest = m
	return l, nil
}

// checkMode refuses a library folder writable by group or others and warns
// about one they can read or enter.
func checkMode(dir string, mode fs.FileMode) (warning string, err error) {
	perm := mode.Perm()
	if perm&0o022 != 0 {
		return "", fmt.Errorf("library: %s is writable by other users (mode %04o); run chmod 700 %s", dir, perm, dir)
	}
	if perm&0o077 != 0 {
		return fmt.Sprintf("library %s is readable by other users (mode %04o); chmod 700 %s keeps your conversations private", dir, perm, dir), nil
	}
	return "", nil
}

// Empty reports whether nothing was imported.
func (l *Library) Empty() bool { return len(l.Manifest.Imports) == 0 }

// Path is where imp's copy lives: imports/HASH/NAME.
func (l *Library) Path(imp Import) string {
	return filepath.Join(l.Dir, importsDir, imp.Hash, imp.Name)
}

// Originals replaces in s (a load warning's file or reason) every import's
// copy (Path) by the path it was imported from (Import.Original, else its
// Name), so that messages name the file the user imported.
func (l *Library) Originals(s string) string {
	for _, imp := range l.Manifest.Imports {
		if p := l.Path(imp); strings.Contains(s, p) {
			s = strings.ReplaceAll(s, p, cmp.Or(imp.Original, imp.Name))
		}
	}
	return s
}

// Ordered returns the imports in load order: oldest export first (by the
// newest conversation time each holds), ties by import time. The loader
// orders exports the same way by content; giving them in this order makes
// equal-time ties resolve as "the later import wins".
func (l *Library) Ordered() []Import {
	imps := slices.Clone(l.Manifest.Imports)
	slices.SortStableFunc(imps, func(a, b Import) int {
		if c := a.ExportDate.Compare(b.ExportDate); c != 0 {
			return c
		}
		return a.Imported.Compare(b.Imported)
	})
	return imps
}

// Paths returns the paths to load (the imports' copies, oldest export
// first), or ErrEmpty (wrapped with the folder) when nothing was imported.
func (l *Library) Paths() ([]string, error) {
	if l.Empty() {
		return nil, fmt.Errorf("%w (library: %s)", ErrEmpty, l.Dir)
	}
	imps := l.Ordered()
	out := make([]string, len(imps))
	for i, imp := range imps {
		out[i] = l.Path(imp)
	}
	return out, nil
}

// Fingerprint identifies the library's content: the SHA-256 of its sorted
// import hashes (hex, first 32 digits). It changes exactly when an import
// is added; the order of imports and their names do not enter it.
func (l *Library) Fingerprint() string {
	hs := make([]string, len(l.Manifest.Imports))
	for i, imp := range l.Manifest.Imports {
		hs[i] = imp.Hash
	}
	slices.Sort(hs)
	sum := sha256.Sum256([]byte(strings.Join(hs, "\n")))
	return hex.EncodeToString(sum[:16])
}

// SnapshotPath is where a snapshot of the loaded library belongs:
// cache/snapshot-FINGERPRINT. A snapshot for another fingerprint is stale.
// Nothing here reads or writes it; the cache lives in its own package.
func (l *Library) SnapshotPath() string {
	return filepath.Join(l.Dir, cacheDir, "snapshot-"+l.Fingerprint())
}

// CacheDir is the folder holding derived files (created 0700 by whoever
// writes there first).
func (l *Library) CacheDir() string { return filepath.Join(l.Dir, cacheDir) }

// Size is the bytes held by the library folder (imports, manifest, cache),
// and the part of it held by the cache.
func (l *Library) Size() (total, cache int64, err error) {
	cdir := l.CacheDir()
	err = filepath.WalkDir(l.Dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			return nil // removed meanwhile
		}
		total += fi.Size()
		if strings.HasPrefix(p, cdir+string(filepath.Separator)) {
			cache += fi.Size()
		}
		return nil
	})
	return total, cache, err
}

const (
	manifestName = "manifest.json"
	lockName     = "lock"
	importsDir   = "imports"
	cacheDir     = "cache"
	tmpPrefix    = ".tmp-"
)
