package loader

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/klauspost/compress/zip"

	"github.com/backchat/backchat/model"
)

// assetIndex lists the files an export's asset pointers can resolve to, by
// folder relative to the export root (the folder holding the conversation
// file): the root itself, dalle-generations/, user-*/ and <id>/audio/.
// Built once per root before its conversations are decoded; read-only
// afterwards, so workers share it.
type assetIndex struct {
	dirs        map[string][]fileEntry // folder ("" = root) → files sorted by name
	userDirs    []string               // "user-…" folders, sorted
	datNames    map[string]string      // conversation_asset_file_names.json
	dalleBySize map[int64][]string     // dalle-generations files by size
}

type fileEntry struct {
	name string
	size int64
}

// indexFiles builds an index from (path relative to the root, size) pairs.
// Paths use '/'.
func indexFiles(files []fileEntry) *assetIndex {
	ix := &assetIndex{dirs: make(map[string][]fileEntry)}
	for _, f := range files {
		dir, name := path.Split(f.name)
		dir = strings.TrimSuffix(dir, "/")
		keep := dir == "" || dir == "dalle-generations" || strings.HasPrefix(dir, "user-") && !strings.Contains(dir, "/") ||
			strings.Count(dir, "/") == 1 && strings.HasSuffix(dir, "/audio")
		if !keep || name == "" {
			continue
		}
		if _, ok := ix.dirs[dir]; !ok && strings.HasPrefix(dir, "user-") {
			ix.userDirs = append(ix.userDirs, dir)
		}
		ix.dirs[dir] = append(ix.dirs[dir], fileEntry{name: name, size: f.size})
		if dir == "dalle-generations" && f.size > 0 {
			if ix.dalleBySize == nil {
				ix.dalleBySize = make(map[int64][]string)
			}
			ix.dalleBySize[f.size] = append(ix.dalleBySize[f.size], f.name)
		}
	}
	for _, l := range ix.dirs {
		sort.Slice(l, func(i, j int) bool { return l[i].name < l[j].name })
	}
	sort.Strings(ix.userDirs)
	return ix
}

// readDatNames parses conversation_asset_file_names.json ({"file-….dat":
// "original/name.ext", …}); unreadable content gives nil.
func readDatNames(r io.Reader) map[string]string {
	b, err := io.ReadAll(io.LimitReader(r, 64<<20))
	if err != nil {
		return nil
	}
	out := make(map[string]string)
	d := getWalker(b)
	defer putWalker(d)
	if d.Next() != tObject {
		return nil
	}
	_ = d.ObjBytes(func(d *walker, k []byte) error {
		if d.Next() != tString {
			return d.Skip()
		}
		v, err := d.StrBytes()
		if err == nil {
			out[string(fixUTF8(nil, k))] = string(fixUTF8(nil, v))
		}
		return err
	})
	return out
}

// pointerID strips the scheme of an asset pointer: file-service://file-X →
// file-X, sediment://file_X → file_X.
func pointerID(p string) string {
	if i := strings.Index(p, "://"); i >= 0 {
		p = p[i+3:]
	}
	return p
}

// find returns the path of the file for id in dir: the exact name, else
// the first name that is id followed by '-', '_' or '.'.
func (ix *assetIndex) find(dir, id string) string {
	l := ix.dirs[dir]
	i := sort.Search(len(l), func(i int) bool { return l[i].name >= id })
	for ; i < len(l) && strings.HasPrefix(l[i].name, id); i++ {
		n := l[i].name
		if len(n) == len(id) || strings.IndexByte("-_.", n[len(id)]) >= 0 {
			if dir == "" {
				return n
			}
			return dir + "/" + n
		}
	}
	return ""
}

// resolve queues a for resolution once the whole conversation (its id and
// every attachment) is known.
func (w *worker) resolve(a *model.Asset, dalle bool) {
	w.pending = append(w.pending, pendingAsset{a, dalle})
}

type pendingAsset struct {
	a     *model.Asset
	dalle bool
}

// resolveNow sets a.File (or a.Missing) and a.Name/MIME when known, following
// docs/formats.md#chatgpt-assets.
func (w *worker) resolveNow(a *model.Asset, dalle bool) {
	id := pointerID(a.Pointer)
	if at, ok := w.attach[id]; ok {
		a.Name = nonEmpty(a.Name, at.name)
		a.MIME = nonEmpty(a.MIME, at.mime)
	}
	ix := w.assets
	if ix == nil || id == "" {
		a.Missing = a.Pointer != ""
		return
	}
	file := ix.find("", id)
	if file == "" {
		file = ix.find("dalle-generations", id)
	}
	for _, d := range ix.userDirs {
		if file != "" {
			break
		}
		file = ix.find(d, id)
	}
	if file == "" && w.convID != "" {
		file = ix.find(w.convID+"/audio", id)
	}
	if file == "" && ix.datNames != nil {
		// 2026: file-X.dat may be named by the mapping file only.
		for _, cand := range []string{id + ".dat", id} {
			if _, ok := ix.datNames[cand]; ok && ix.find("", cand) != "" {
				file = cand
			}
		}
	}
	if file == "" && dalle && a.Size > 0 {
		if l := ix.dalleBySize[a.Size]; len(l) == 1 {
			file = l[0]
		}
	}
	if file == "" {
		a.Missing = true
		return
	}
	a.File = file
	if orig, ok := ix.datNames[path.Base(file)]; ok && a.Name == "" {
		a.Name = path.Base(orig)
	}
	if a.MIME == "" {
		// By extension of the original name, else of the file.
		ext := path.Ext(a.Name)
		if ext == "" || ext == ".dat" {
			ext = path.Ext(file)
		}
		if ext != ".dat" {
			a.MIME = mime.TypeByExtension(strings.ToLower(ext))
		}
	}
}

// OpenAsset opens the file an asset resolved to (Asset.File, relative to
// the folder of the conversation file, conv.Source) for reading. It works
// for folders and plain files on disk and for ZIP exports (Source
// "archive.zip:entry/conversations.json"; the ZIP is opened per call and
// closed with the returned reader). Safe for concurrent use.
func OpenAsset(conv *model.Conversation, a *model.Asset) (io.ReadCloser, error) {
	if a == nil || a.File == "" {
		return nil, fmt.Errorf("loader: asset %q: not in the export", pointerOf(a))
	}
	rel := path.Clean(a.File)
	if path.IsAbs(rel) || rel == ".." || strings.HasPrefix(rel, "../") {
		return nil, fmt.Errorf("loader: asset %q: unsafe path", a.File)
	}
	src := conv.Source
	if fi, err := os.Stat(src); err == nil && fi.Mode().IsRegular() {
		p := filepath.Join(filepath.Dir(src), filepath.FromSlash(rel))
		if fi, err := os.Stat(p); err == nil && !fi.Mode().IsRegular() {
			// Opening a FIFO would wait for a writer.
			return nil, fmt.Errorf("loader: asset %q: %s, not a regular file", a.File, fileKind(fi.Mode()))
		}
		return os.Open(p)
	}
	for i := strings.LastIndexByte(src, ':'); i > 0; i = strings.LastIndexByte(src[:i], ':') {
		zipPath, entry := src[:i], src[i+1:]
		fi, err := os.Stat(zipPath)
		if err != nil || !fi.Mode().IsRegular() {
			continue
		}
		rc, err := openZipEntry(zipPath, fi.Size(), entry, rel)
		if err != nil {
			return nil, fmt.Errorf("loader: asset %q: %w", a.File, err)
		}
		return rc, nil
	}
	return nil, fmt.Errorf("loader: asset %q: source %q cannot be opened: %w", a.File, src, os.ErrNotExist)
}

// openZipEntry opens rel next to entry (the conversation file) in the ZIP
// at zipPath; entry may go through one inner ZIP ("inner.zip:dir/
// conversations.json"). A compressed inner ZIP is unpacked again for the
// asset (openInnerZip: memory or a temporary file, released on Close), so
// opening an asset there costs a pass over the inner ZIP.
func openZipEntry(zipPath string, size int64, entry, rel string) (io.ReadCloser, error) {
	f, err := os.Open(zipPath)
	if err != nil {
		return nil, err
	}
	zr, err := zip.NewReader(f, size)
	if size > 1<<32 {
		// Maybe a wrapped >4 GiB ZIP (zipwrap.go).
		name := path.Join(path.Dir(entry), rel)
		if err != nil || !reachable(findZipFile(zr, name)) {
			if ents, werr := readWrappedZip(f, size); werr == nil {
				for i := range ents {
					if ents[i].name == name {
						rc, err := ents[i].open(f)
						if err != nil {
							f.Close()
							return nil, err
						}
						return &zipFile{ReadCloser: rc, f: f}, nil
					}
				}
			}
		}
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	var release func() error
	if i := strings.IndexByte(entry, ':'); i > 0 && strings.HasSuffix(strings.ToLower(entry[:i]), ".zip") {
		inner := findZipFile(zr, entry[:i])
		if inner == nil {
			f.Close()
			return nil, fmt.Errorf("inner ZIP %s: %w", entry[:i], os.ErrNotExist)
		}
		if inner.Method == zip.Store {
			off, err := inner.DataOffset()
			if err == nil {
				sec := io.NewSectionReader(f, off, int64(inner.UncompressedSize64))
				zr, err = zip.NewReader(sec, int64(inner.UncompressedSize64))
			}
			if err != nil {
				f.Close()
				return nil, err
			}
		} else {
			bufferedInflate(zr)
			r, n, unpacked, err := openInnerZip(context.Background(), inner)
			if err == nil {
				release = unpacked
				zr, err = zip.NewReader(r, n)
			}
			if err != nil {
				if release != nil {
					release()
				}
				f.Close()
				return nil, fmt.Errorf("inner ZIP %s: %w", entry[:i], err)
			}
		}
		entry = entry[i+1:]
	}
	zf := findZipFile(zr, path.Join(path.Dir(entry), rel))
	if zf == nil {
		if release != nil {
			release()
		}
		f.Close()
		return nil, os.ErrNotExist
	}
	rc, err := zf.Open()
	if err != nil {
		if release != nil {
			release()
		}
		f.Close()
		return nil, err
	}
	return &zipFile{ReadCloser: rc, f: f, release: release}, nil
}

// reachable reports whether zf exists and its local header is where the
// central directory says.
func reachable(zf *zip.File) bool {
	if zf == nil {
		return false
	}
	_, err := zf.DataOffset()
	return err == nil
}

func findZipFile(zr *zip.Reader, name string) *zip.File {
	for _, f := range zr.File {
		if f.Name == name {
			return f
		}
	}
	return nil
}

func pointerOf(a *model.Asset) string {
	if a == nil {
		return ""
	}
	return a.Pointer
}

// zipFile closes the ZIP file with its entry.
type zipFile struct {
	io.ReadCloser
	f       *os.File
	release func() error // an unpacked inner ZIP's (openInnerZip), or nil
}

func (z *zipFile) Close() error {
	err := errors.Join(z.ReadCloser.Close(), z.f.Close())
	if z.release != nil {
		err = errors.Join(err, z.release())
	}
	return err
}

// folderAssets indexes the asset folders of an export root on disk (the
// root, dalle-generations/, user-*/ and */audio/; nothing deeper).
func folderAssets(root string) *assetIndex {
	var files []fileEntry
	ents, err := os.ReadDir(root)
	if err != nil {
		return indexFiles(nil)
	}
	add := func(rel string, e os.DirEntry) {
		if !e.Type().IsRegular() {
			return
		}
		var size int64
		if fi, err := e.Info(); err == nil {
			size = fi.Size()
		}
		files = append(files, fileEntry{name: rel, size: size})
	}
	var dat string
	for _, e := range ents {
		name := e.Name()
		if !e.IsDir() {
			add(name, e)
			if name == "conversation_asset_file_names.json" {
				dat = filepath.Join(root, name)
			}
			continue
		}
		if name == "__MACOSX" {
			continue
		}
		sub := name
		if name != "dalle-generations" && !strings.HasPrefix(name, "user-") {
			sub = name + "/audio"
		}
		subs, err := os.ReadDir(filepath.Join(root, filepath.FromSlash(sub)))
		if err != nil {
			continue
		}
		for _, s := range subs {
			add(sub+"/"+s.Name(), s)
		}
	}
	ix := indexFiles(files)
	if dat != "" {
		if f, err := os.Open(dat); err == nil {
			ix.datNames = readDatNames(f)
			f.Close()
		}
	}
	return ix
}

// wrappedAssets indexes the asset folders of a wrapped ZIP under root. The
// 2026 name mapping is not read from such archives.
func wrappedAssets(ents []wrappedEntry, root string) *assetIndex {
	var files []fileEntry
	for _, e := range ents {
		if strings.HasPrefix(e.name, root) && !strings.HasSuffix(e.name, "/") {
			files = append(files, fileEntry{name: e.name[len(root):], size: e.size})
		}
	}
	return indexFiles(files)
}

// zipAssets indexes the asset folders under root (a folder inside the ZIP,
// "" or ending in '/').
func zipAssets(zr *zip.Reader, root string) *assetIndex {
	var files []fileEntry
	var dat *zip.File
	for _, f := range zr.File {
		if !strings.HasPrefix(f.Name, root) || strings.HasSuffix(f.Name, "/") {
			continue
		}
		rel := f.Name[len(root):]
		files = append(files, fileEntry{name: rel, size: int64(f.UncompressedSize64)})
		if rel == "conversation_asset_file_names.json" {
			dat = f
		}
	}
	ix := indexFiles(files)
	if dat != nil {
		if rc, err := dat.Open(); err == nil {
			ix.datNames = readDatNames(rc)
			rc.Close()
		}
	}
	return ix
}
