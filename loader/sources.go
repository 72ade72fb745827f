package loader

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/klauspost/compress/zip"

	"github.com/backchat/backchat/model"
)

// convFileRe matches conversation files by base name: conversations.json
// (ChatGPT, Claude, DeepSeek) and the 2026 shards conversations-000.json …,
// Claude's projects.json and Grok's prod-grok-backend.json. Which format a
// file holds is decided by its content (formats.go), never by this name.
var convFileRe = regexp.MustCompile(`^(conversations(-\d+)?|projects|prod-grok-backend)\.json$`)

// errNotExport is wrapped by every "this path is no export" error.
var errNotExport = errors.New(`not a chat export backchat reads: expected a ZIP, a folder or a JSON file holding ChatGPT, Claude, DeepSeek or Grok conversations`)

// source is one conversation file to decode.
type source struct {
	name   string // file path, or "archive.zip:entry/name.json"
	path   string // the file's path when it is a plain file (read in place by split.go)
	size   int64  // uncompressed bytes; 0 when unknown
	open   func() (io.ReadCloser, error)
	assets func() *assetIndex
	export int // index of the path (export) it came from
	seq    int // position among all sources, for deterministic tie-breaks
}

// input is one path given to OpenContext, expanded into sources.
type input struct {
	sources []source
	close   func() error
	warns   []model.Warning // about the path as a whole (a damaged ZIP)
	sides   []sideFile      // files of inner ZIPs, for the side files (sidefiles.go)
}

// expand turns a path into its conversation files; ctx stops the
// unpacking of a compressed inner ZIP (openInnerZip).
func expand(ctx context.Context, p string) (*input, error) {
	fi, err := os.Stat(p)
	if err != nil {
		return nil, fmt.Errorf("loader: %w", err)
	}
	if fi.IsDir() {
		return expandDir(p)
	}
	if !fi.Mode().IsRegular() {
		// Opening a FIFO waits for a writer, and a device may never end.
		return nil, fmt.Errorf("loader: %s: %s, not a regular file: give the export's ZIP, folder or JSON file", p, fileKind(fi.Mode()))
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, fmt.Errorf("loader: %w", err)
	}
	var magic [4]byte
	n, _ := io.ReadFull(f, magic[:])
	// A ZIP with bytes before it that look like JSON ('[' or '{'): its
	// end record says what it is (JSON never holds the record's control
	// bytes raw), and its directory finds the entries.
	zipEnd := false
	if n >= 4 && strings.EqualFold(filepath.Ext(p), ".zip") && (magic[0] == '[' || magic[0] == '{') {
		zipEnd, _ = hasEndRecord(f, fi.Size())
	}
	f.Close()
	if n >= 4 && bytes.Equal(magic[:2], []byte("PK")) && (magic[2] == 3 && magic[3] == 4 || magic[2] == 5 && magic[3] == 6 || magic[2] == 7 && magic[3] == 8) {
		return expandZip(ctx, p, fi.Size())
	}
	if n >= 4 && (nearSig(magic[:], sigLocal) || strings.EqualFold(filepath.Ext(p), ".zip") && magic[0] != '[' && magic[0] != '{') {
		// A ZIP whose first signature is damaged.
		return expandZip(ctx, p, fi.Size())
	}
	if zipEnd {
		return expandZip(ctx, p, fi.Size())
	}
	return &input{
		sources: []source{htmlAware(fileSource(p, fi.Size(), onceIndex(func() *assetIndex { return folderAssets(filepath.Dir(p)) })))},
		close:   func() error { return nil },
	}, nil
}

// fileKind names the kind of a file that is not a regular one.
func fileKind(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "not a plain file"
}

func fileSource(p string, size int64, assets func() *assetIndex) source {
	return source{
		name:   p,
		path:   p,
		size:   size,
		open:   func() (io.ReadCloser, error) { return os.Open(p) },
		assets: assets,
	}
}

// onceIndex builds an asset index on first use.
func onceIndex(f func() *assetIndex) func() *assetIndex {
	return sync.OnceValue(f)
}

// expandDir finds conversation files anywhere below dir (ignoring
// __MACOSX), sorted by path.
func expandDir(dir string) (*input, error) {
	if fi, err := os.Lstat(dir); err == nil && fi.Mode()&os.ModeSymlink != 0 {
		// WalkDir does not follow a symlinked root.
		if real, err := filepath.EvalSymlinks(dir); err == nil {
			dir = real
		}
	}
	var srcs []source
	var pages []string // chat.html files (chathtml.go)
	var odd []model.Warning
	roots := make(map[string]func() *assetIndex)
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == dir {
				return err
			}
			return nil // unreadable sub-folder: not ours to judge
		}
		if d.IsDir() {
			if d.Name() == "__MACOSX" || (p != dir && strings.HasPrefix(d.Name(), ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() && chatHTMLName(d.Name()) {
			pages = append(pages, p)
		}
		if !convFileRe.MatchString(d.Name()) {
			return nil
		}
		var size int64
		switch t := d.Type(); {
		case t.IsRegular():
			if fi, err := d.Info(); err == nil {
				size = fi.Size()
			}
		case t&os.ModeSymlink != 0:
			// A conversation file linked in (a shard kept elsewhere) is
			// read when it leads to a regular file; any other link is
			// told, never skipped silently.
			fi, err := os.Stat(p)
			if err != nil {
				odd = append(odd, model.Warning{Kind: model.WarnFile, File: p, Index: -1, Offset: -1, Reason: "a symbolic link that leads nowhere: skipped"})
				return nil
			}
			if !fi.Mode().IsRegular() {
				odd = append(odd, model.Warning{Kind: model.WarnFile, File: p, Index: -1, Offset: -1, Reason: "a symbolic link to " + fileKind(fi.Mode()) + ", not a regular file: skipped"})
				return nil
			}
			size = fi.Size()
		default:
			// Named like a conversation file, but reading it would block
			// (a FIFO) or never end (a device).
			odd = append(odd, model.Warning{Kind: model.WarnFile, File: p, Index: -1, Offset: -1, Reason: fileKind(t) + ", not a regular file: skipped"})
			return nil
		}
		root := filepath.Dir(p)
		if roots[root] == nil {
			roots[root] = onceIndex(func() *assetIndex { return folderAssets(root) })
		}
		srcs = append(srcs, fileSource(p, size, roots[root]))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("loader: %w", err)
	}
	srcs = chatHTMLSources(srcs, pages, func(p string) source {
		root := filepath.Dir(p)
		return fileSource(p, 0, onceIndex(func() *assetIndex { return folderAssets(root) }))
	})
	if len(srcs) == 0 {
		why := "no conversations.json or conversations-NNN.json in the folder"
		for _, w := range odd {
			why += "; " + w.File + ": " + w.Reason
		}
		return nil, fmt.Errorf("loader: %s: %w (%s)", dir, errNotExport, why)
	}
	sort.Slice(srcs, func(i, j int) bool { return srcs[i].name < srcs[j].name })
	return &input{sources: srcs, warns: odd, close: func() error { return nil }}, nil
}

// expandZip lists the conversation entries of a ZIP (read in place, never
// extracted; ZIP64 is handled by the reader). Big 2026 exports wrap inner
// ZIPs (Conversations__…part-001.zip): a stored one is read in place, a
// compressed one through openInnerZip.
func expandZip(ctx context.Context, p string, size int64) (*input, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, fmt.Errorf("loader: %w", err)
	}
	zr, err := zip.NewReader(f, size)
	if err == nil {
		bufferedInflate(zr)
	}
	if size > 1<<32 && (err != nil || !entriesReachable(zr)) {
		if in, werr := expandWrappedZip(p, f); werr == nil {
			return in, nil
		}
	}
	bad := ""
	if err == nil {
		bad = dirDamage(zr, f, size)
	}
	if err != nil || bad != "" {
		// No usable directory: read the entries from their local headers
		// (when they hold no conversation file either, a directory that
		// could be read is used as it is).
		var dir *zip.Reader
		if err == nil {
			dir = zr
		}
		if in, lerr := expandLocalZip(p, f, size, zipDamage(f, size, err, bad), f.Close, dir); lerr == nil {
			return in, nil
		}
	}
	if err != nil {
		f.Close()
		hint := ""
		if size > 1<<32 {
			hint = " (ZIPs over 4 GiB are sometimes broken; extract it with 7-Zip and open the folder)"
		}
		return nil, fmt.Errorf("loader: %s: unreadable ZIP: %w%s", p, err, hint)
	}
	w := &zipWalk{ctx: ctx}
	srcs := zipSources(zr, f, p, 0, w)
	notes := w.notes
	if !hasConversationFile(srcs) && len(notes) == 0 {
		// Perhaps the directory's names are damaged: try the headers,
		// with the directory's names standing in for those of theirs that
		// name no conversation file (both damaged, "conversQtions.json"
		// in the directory and "conversat11ions.j" in the header: the
		// directory's is the nearer; FuzzDamage 40e4a38a52d38bd9).
		if in, lerr := expandLocalZip(p, f, size, "the archive's directory lists no conversation file, its local headers do", f.Close, zr); lerr == nil {
			w.close() // inner ZIPs unpacked while walking the directory
			return in, nil
		}
	}
	if len(srcs) == 0 {
		w.close()
		f.Close()
		why := "the ZIP holds no conversations.json or conversations-NNN.json"
		if len(notes) > 0 {
			why += "; " + strings.Join(notes, "; ")
		}
		return nil, fmt.Errorf("loader: %s: %w (%s)", p, errNotExport, why)
	}
	sort.Slice(srcs, func(i, j int) bool { return srcs[i].name < srcs[j].name })
	in := &input{sources: srcs, sides: w.sides, close: func() error {
		w.close()
		return f.Close()
	}}
	for _, n := range notes { // inner ZIPs that could not be read
		in.warns = append(in.warns, model.Warning{Kind: model.WarnFile, File: p, Index: -1, Offset: -1, Reason: n})
	}
	return in, nil
}

// zipWalk collects, while zipSources walks a ZIP, what is not a
// conversation source: notes on entries that could not be read, the files
// of inner ZIPs (for the side files) and how to release the inner ZIPs
// unpacked by openInnerZip.
type zipWalk struct {
	ctx     context.Context // nil: not cancellable
	notes   []string
	sides   []sideFile
	closers []func() error
}

func (w *zipWalk) close() {
	for _, c := range w.closers {
		c()
	}
	w.closers = nil
}

// innerMemMax is the largest compressed inner ZIP unpacked into memory;
// larger ones go to a temporary file. The parts of a split export run to
// gigabytes, mostly media the load never reads, which would only weigh on
// memory beside the conversations; a small part costs no disk write.
var innerMemMax int64 = 64 << 20

// innerBudgetMin and innerBudgetRatio bound what a compressed inner ZIP is
// unpacked to: innerBudgetMin plus innerBudgetRatio times its compressed
// size (the outer ZIP's ratio bound, maxRatio, again). An inner ZIP that
// declares more is refused before anything is unpacked, and one that
// declares less is never unpacked beyond what it declares: a 1 MB inner
// ZIP of zeros would otherwise fill a temporary file with the inflated
// gigabyte. A variable for tests.
var innerBudgetMin int64 = 64 << 20

const innerBudgetRatio = maxRatio

// innerBudget is the most a compressed inner ZIP of csize bytes is
// unpacked to.
func innerBudget(csize int64) int64 {
	return innerBudgetMin + innerBudgetRatio*csize
}

// openInnerZip makes the compressed inner ZIP zf readable in place: a ZIP
// needs random access (its directory is at its end) and a deflate stream
// gives none, so zf is inflated once, into memory when small (innerMemMax),
// otherwise into a temporary file under os.TempDir() (created 0600 by
// os.CreateTemp, removed by the returned func, which the load calls when
// it is done; on systems that allow it the name is removed at once, so
// that nothing is left behind even if the process is killed). Inflating
// goes through the outer reader's bounds (bufferedInflate: the ZIP-bomb
// ratio) and stops at the size the directory gives; the CRC-32 is checked.
func openInnerZip(ctx context.Context, zf *zip.File) (io.ReaderAt, int64, func() error, error) {
	size := int64(zf.UncompressedSize64)
	if b := innerBudget(int64(zf.CompressedSize64)); size > b || size < 0 {
		return nil, 0, nil, fmt.Errorf("%w: it declares %d bytes from %d compressed, more than the %d an inner ZIP is unpacked to (%d MiB and %d times its compressed size); nothing was unpacked",
			errRatio, int64(zf.UncompressedSize64), zf.CompressedSize64, b, innerBudgetMin>>20, innerBudgetRatio)
	}
	zrc, err := zf.Open()
	if err != nil {
		return nil, 0, nil, err
	}
	defer zrc.Close()
	var rc io.Reader = zrc
	if ctx != nil {
		rc = ctxReader{ctx, zrc}
	}
	short := func(n int64) error {
		return fmt.Errorf("it inflates to %d bytes, not the %d its directory gives", n, size)
	}
	if size <= innerMemMax {
		b := make([]byte, size)
		n, err := io.ReadFull(rc, b)
		if err == io.ErrUnexpectedEOF || err == io.EOF {
			return nil, 0, nil, short(int64(n))
		}
		if err == nil {
			// Read on to the end: more data is an error, and the CRC-32
			// is checked there.
			var one [1]byte
			var m int
			m, err = io.ReadFull(rc, one[:])
			if m > 0 {
				return nil, 0, nil, fmt.Errorf("it inflates to more than the %d bytes its directory gives", size)
			}
			if err == io.EOF {
				err = nil
			}
		}
		if err != nil {
			return nil, 0, nil, err
		}
		return bytes.NewReader(b), size, func() error { return nil }, nil
	}
	tf, err := os.CreateTemp("", "backchat-inner-*.zip")
	if err != nil {
		return nil, 0, nil, fmt.Errorf("creating a temporary file to unpack it into: %w", err)
	}
	name := tf.Name()
	if runtime.GOOS != "windows" {
		os.Remove(name) // the open file stays readable
	}
	release := func() error {
		err := tf.Close()
		os.Remove(name)
		return err
	}
	n, err := io.Copy(tf, io.LimitReader(rc, size+1))
	if err == nil && n != size {
		err = short(n)
	}
	if err != nil {
		release()
		return nil, 0, nil, fmt.Errorf("unpacking it to a temporary file in %s: %w", os.TempDir(), err)
	}
	return tf, size, release, nil
}

// ctxReader stops reading once ctx is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (r ctxReader) Read(p []byte) (int, error) {
	if err := r.ctx.Err(); err != nil {
		return 0, err
	}
	return r.r.Read(p)
}

// readAheadSource is a conversation source whose reads run ahead of the
// scanner (readAhead).
func readAheadSource(name string, size int64, open func() (io.ReadCloser, error), assets func() *assetIndex) source {
	return source{name: name, size: size, assets: assets, open: func() (io.ReadCloser, error) {
		rc, err := open()
		if err != nil {
			return nil, err
		}
		return readAhead(rc, size), nil
	}}
}

// hasConversationFile reports whether srcs holds a conversations.json or a
// shard (not only chat.html pages, which a ZIP whose directory names are
// damaged may still list).
func hasConversationFile(srcs []source) bool {
	for _, s := range srcs {
		name := s.name[strings.LastIndexByte(s.name, ':')+1:] // prefix:entry
		if convFileRe.MatchString(path.Base(name)) {
			return true
		}
	}
	return false
}

// bufferedInflate makes zr inflate entries through a read buffer of up to
// 1 MiB: the library's default wraps the entry in a 4 KiB bufio.Reader, one
// pread per 4 KiB of compressed data, on the inflating goroutine that
// bounds a ZIP's load time.
func bufferedInflate(zr *zip.Reader) {
	zr.RegisterDecompressor(zip.Deflate, func(r io.Reader) io.ReadCloser {
		var n int64
		if sr, ok := r.(interface{ Size() int64 }); ok {
			n = sr.Size()
		}
		body, c := inflateBounded(r, n)
		return struct {
			io.Reader
			io.Closer
		}{body, c}
	})
}

// zipSources lists the conversation entries of zr, named prefix:entry,
// descending into inner ZIPs (one level; stored ones read in place,
// compressed ones through openInnerZip).
func zipSources(zr *zip.Reader, f io.ReaderAt, prefix string, depth int, w *zipWalk) []source {
	var srcs []source
	var pages []string // chat.html entries (chathtml.go)
	htmlFiles := make(map[string]*zip.File)
	roots := make(map[string]func() *assetIndex)
	for _, zf := range zr.File {
		name := zf.Name
		if strings.HasSuffix(name, "/") || strings.HasPrefix(name, "__MACOSX/") || strings.Contains(name, "/__MACOSX/") {
			continue
		}
		base := path.Base(name)
		if strings.HasSuffix(strings.ToLower(base), ".zip") && depth == 0 {
			var (
				sec  io.ReaderAt
				size = int64(zf.UncompressedSize64)
			)
			if zf.Method == zip.Store {
				off, err := zf.DataOffset()
				if err != nil {
					continue
				}
				sec = io.NewSectionReader(f, off, size)
			} else {
				r, n, release, err := openInnerZip(w.ctx, zf)
				if errors.Is(err, errRatio) {
					w.notes = append(w.notes, fmt.Sprintf("inner ZIP %s refused: %v", name, err))
					continue
				}
				if err != nil {
					w.notes = append(w.notes, fmt.Sprintf("inner ZIP %s is compressed and could not be read (%v); extract the outer ZIP and open %s", name, err, base))
					continue
				}
				sec, size = r, n
				w.closers = append(w.closers, release)
			}
			inner, err := zip.NewReader(sec, size)
			if err != nil {
				w.notes = append(w.notes, fmt.Sprintf("inner ZIP %s: %v", name, err))
				continue
			}
			bufferedInflate(inner)
			srcs = append(srcs, zipSources(inner, sec, prefix+":"+name, depth+1, w)...)
			// Its side files (sidefiles.go), in folders of their own.
			for _, sf := range zipFiles(inner, prefix+":"+name) {
				sf.dir = name + ":" + sf.dir
				w.sides = append(w.sides, sf)
			}
			continue
		}
		if chatHTMLName(base) {
			pages = append(pages, prefix+":"+name)
			htmlFiles[prefix+":"+name] = zf
		}
		if !convFileRe.MatchString(base) {
			continue
		}
		root := path.Dir(name) + "/"
		if root == "./" {
			root = ""
		}
		if roots[root] == nil {
			roots[root] = onceIndex(func() *assetIndex { return zipAssets(zr, root) })
		}
		srcs = append(srcs, readAheadSource(prefix+":"+name, int64(zf.UncompressedSize64), func() (io.ReadCloser, error) { return openEntry(zf) }, roots[root]))
	}
	return chatHTMLSources(srcs, pages, func(p string) source {
		zf := htmlFiles[p]
		root := path.Dir(zf.Name) + "/"
		if root == "./" {
			root = ""
		}
		return source{name: p, size: int64(zf.UncompressedSize64), open: func() (io.ReadCloser, error) { return openEntry(zf) }, assets: onceIndex(func() *assetIndex { return zipAssets(zr, root) })}
	})
}

// entriesReachable reports whether every conversation entry's local header
// is where the central directory says (false for wrapped >4 GiB ZIPs).
func entriesReachable(zr *zip.Reader) bool {
	for _, f := range zr.File {
		if convFileRe.MatchString(path.Base(f.Name)) {
			if _, err := f.DataOffset(); err != nil {
				return false
			}
		}
	}
	return true
}

// expandWrappedZip lists the conversation entries of a ZIP whose offsets
// wrapped at 4 GiB (see zipwrap.go). It takes over f.
func expandWrappedZip(p string, f *os.File) (*input, error) {
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	ents, err := readWrappedZip(f, fi.Size())
	if err != nil {
		return nil, err
	}
	var srcs []source
	roots := make(map[string]func() *assetIndex)
	for i := range ents {
		e := &ents[i]
		if strings.Contains("/"+e.name, "/__MACOSX/") || !convFileRe.MatchString(path.Base(e.name)) {
			continue
		}
		root := path.Dir(e.name) + "/"
		if root == "./" {
			root = ""
		}
		if roots[root] == nil {
			roots[root] = onceIndex(func() *assetIndex { return wrappedAssets(ents, root) })
		}
		srcs = append(srcs, readAheadSource(p+":"+e.name, e.size, func() (io.ReadCloser, error) { return e.open(f) }, roots[root]))
	}
	if len(srcs) == 0 {
		return nil, errors.New("no conversations")
	}
	sort.Slice(srcs, func(i, j int) bool { return srcs[i].name < srcs[j].name })
	return &input{sources: srcs, close: f.Close}, nil
}

// readAhead inflates on its own goroutine while the caller parses: chunks
// are read from rc into a few reused buffers and handed over in order.
// The buffers are sized by the entry (size bytes as declared; 0 unknown),
// at most aheadMax each: an export of 5,000 tiny shards allocated 3 MiB
// for each (15 GB in all, 12 s).
func readAhead(rc io.ReadCloser, size int64) io.ReadCloser {
	ra := &aheadReader{
		rc:   rc,
		full: make(chan aheadChunk, 2),
		free: make(chan []byte, 3),
		stop: make(chan struct{}),
	}
	n := aheadMax
	if size > 0 {
		// One more byte, so that a small entry's first read meets its end.
		n = int(min(size+1, int64(aheadMax)))
	}
	for range 3 {
		ra.free <- make([]byte, n)
	}
	go ra.loop()
	return ra
}

// aheadMax is the size of a read-ahead buffer for a large entry.
const aheadMax = 1 << 20

type aheadChunk struct {
	b   []byte
	err error
}

// aheadReader is the consumer side of readAhead. Not safe for concurrent
// use by several readers.
type aheadReader struct {
	rc    io.ReadCloser
	full  chan aheadChunk
	free  chan []byte
	stop  chan struct{}
	cur   []byte
	rest  []byte
	err   error
	close sync.Once
}

func (r *aheadReader) loop() {
	defer close(r.full)
	for {
		var b []byte
		select {
		case b = <-r.free:
		case <-r.stop:
			return
		}
		// Fill b, keeping the reader's own error (a cut deflate stream
		// ends with io.ErrUnexpectedEOF, which must not read as io.EOF).
		n := 0
		var err error
		for n < len(b) && err == nil {
			var m int
			m, err = r.rc.Read(b[n:])
			n += m
		}
		select {
		case r.full <- aheadChunk{b[:n], err}:
		case <-r.stop:
			return
		}
		if err != nil {
			return
		}
	}
}

func (r *aheadReader) Read(p []byte) (int, error) {
	for len(r.rest) == 0 {
		if r.cur != nil {
			r.free <- r.cur[:cap(r.cur)]
			r.cur = nil
		}
		if r.err != nil {
			return 0, r.err
		}
		c, ok := <-r.full
		if !ok {
			return 0, io.EOF
		}
		r.cur, r.rest, r.err = c.b, c.b, c.err
	}
	n := copy(p, r.rest)
	r.rest = r.rest[n:]
	return n, nil
}

func (r *aheadReader) Close() error {
	var err error
	r.close.Do(func() {
		close(r.stop)
		for range r.full { // wait for the inflater to stop
		}
		err = r.rc.Close()
	})
	return err
}
