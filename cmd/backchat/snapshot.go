package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/backchat/backchat/internal/snapshot"
	"github.com/backchat/backchat/loader"
	"github.com/backchat/backchat/model"
	"github.com/backchat/backchat/model/search"
	"github.com/backchat/backchat/model/search/live"
	"github.com/spf13/cobra"
)

// A snapshot (internal/snapshot) of a loaded archive lets the next run on
// the same inputs map it instead of parsing the exports. Where it lives:
//
//   - for a plain EXPORT path, only with --cache (or BACKCHAT_CACHE=1): in
//     $XDG_CACHE_HOME/backchat/snapshots/ (os.UserCacheDir), one file per
//     set of input paths, 0600 in a 0700 folder. Opt-in, because it is a
//     second copy of private conversations (about half the size of the
//     JSON) in a place the user did not choose, and a plain path is often
//     opened once;
//   - for the library (no EXPORT given), always: <library>/cache/snapshot-
//     FINGERPRINT (library.Library.SnapshotPath); once a new one is
//     written, the library's snapshots of other fingerprints are removed;
//   - never for --demo; --no-cache turns it off whatever else says.
//
// The snapshot is never trusted over the inputs: its fingerprint covers
// each input's absolute path, size, modification time and inode (every
// file of a folder export) and the backchat version, and it is rebuilt
// after a normal load when it is missing, out of date or damaged.

// snapPlan is where one load's snapshot lives; path "" means none.
type snapPlan struct {
	path   string
	prune  bool // remove the other snapshot-* files of path's folder once path is written
	fp     snapshot.Fingerprint
	inputs []string // absolute input paths, fingerprinted again before a write lands
}

// snapshotPlan decides whether and where the load of src uses a snapshot.
// Failing to work it out (no cache folder, an input that cannot be
// stat'ed) only means no snapshot: the load reports real input errors.
func (a *app) snapshotPlan(src archiveSource) snapPlan {
	if src.Demo || a.noCache || len(src.Paths) == 0 {
		return snapPlan{}
	}
	inputs := make([]string, len(src.Paths))
	for i, p := range src.Paths {
		abs, err := filepath.Abs(p)
		if err != nil {
			return snapPlan{}
		}
		inputs[i] = abs
	}
	path, prune := "", false
	switch {
	case src.Library != nil:
		if err := os.MkdirAll(src.Library.CacheDir(), 0o700); err != nil {
			a.log.Warn("snapshot", "err", err)
			return snapPlan{}
		}
		path, prune = src.Library.SnapshotPath(), true
	case a.snapshotPath != nil:
		path = a.snapshotPath(inputs)
	case a.cache || os.Getenv("BACKCHAT_CACHE") == "1":
		dir, err := snapshotDir()
		if err != nil {
			a.log.Warn("snapshot", "err", err)
			return snapPlan{}
		}
		sum := sha256.Sum256([]byte(strings.Join(inputs, "\x00")))
		path = filepath.Join(dir, hex.EncodeToString(sum[:16])+".snap")
	}
	if path == "" {
		return snapPlan{}
	}
	fp, err := fingerprintInputs(inputs)
	if err != nil {
		a.log.Warn("snapshot", "fingerprint", err)
		return snapPlan{}
	}
	return snapPlan{path: path, prune: prune, fp: fp, inputs: inputs}
}

// snapshotDir is $XDG_CACHE_HOME/backchat/snapshots (os.UserCacheDir),
// created 0700.
func snapshotDir() (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(base, "backchat", "snapshots")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	return dir, nil
}

// fingerprintInputs hashes what a load reads: for each input its absolute
// path, then its (and, for a folder, every file's) relative name, size,
// modification time and inode, plus the backchat version (another version
// may load the same export differently).
func fingerprintInputs(inputs []string) (snapshot.Fingerprint, error) {
	h := sha256.New()
	var buf []byte
	put := func(name string, fi fs.FileInfo) {
		buf = buf[:0]
		buf = append(buf, name...)
		buf = append(buf, 0)
		buf = binary.LittleEndian.AppendUint64(buf, uint64(fi.Size()))
		buf = binary.LittleEndian.AppendUint64(buf, uint64(fi.ModTime().UnixNano()))
		buf = binary.LittleEndian.AppendUint64(buf, fileID(fi))
		buf = binary.LittleEndian.AppendUint32(buf, uint32(fi.Mode()))
		h.Write(buf)
	}
	fmt.Fprintf(h, "backchat snapshot %d %s\x00", snapshot.Version, buildVersion())
	for _, in := range inputs {
		fi, err := os.Stat(in)
		if err != nil {
			return snapshot.Fingerprint{}, err
		}
		put(in, fi)
		if !fi.IsDir() {
			continue
		}
		err = filepath.WalkDir(in, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			fi, err := os.Stat(p) // follow links, as the loader does
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(in, p)
			put(rel, fi)
			return nil
		})
		if err != nil {
			return snapshot.Fingerprint{}, err
		}
	}
	var fp snapshot.Fingerprint
	h.Sum(fp[:0])
	return fp, nil
}

// openSnapshot opens plan's snapshot, or returns nil: when it is missing
// (silently), out of date or damaged (said once on stderr; the load that
// follows rebuilds it).
func (a *app) openSnapshot(plan snapPlan) *snapshot.Snapshot {
	start := time.Now()
	s, err := snapshot.Open(plan.path, plan.fp)
	if err == nil {
		a.log.Info("snapshot opened", "path", plan.path, "size", s.Size(), "conversations", len(s.Archive.Conversations), "took", time.Since(start))
		return s
	}
	a.log.Info("snapshot not used", "path", plan.path, "err", err)
	if !errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintln(a.errOut, "backchat: "+snapshotProblem(err)+": rebuilding")
	}
	return nil
}

// snapshotProblem names why a snapshot was not used, for the one line that
// reports it.
func snapshotProblem(err error) string {
	switch {
	case errors.Is(err, snapshot.ErrStale):
		return "snapshot out of date"
	case errors.Is(err, snapshot.ErrCorrupt):
		return "snapshot damaged"
	default:
		return "snapshot unreadable (" + model.SanitizeLine(err.Error()) + ")"
	}
}

// writeSnapshotLater writes arch's snapshot, search index included, in
// the background; index gives the index when the caller has one (the
// browser's), else it is built (once per archive, shared with a search
// command: archIndex). For a command that prints and ends (ls, show,
// search, stats, export) the write starts once the command has run and
// its stdout is closed (main.go), in a detached process (snapwriter.go)
// unless BACKCHAT_SNAPSHOT_DETACH=0 or starting one fails: then here,
// and the process exit waits for it. NOTE: a CLI load does not index
// while it decodes (as the browser does): on two cores that made the load,
// and so the output, 2–3× slower. The write lands only if the inputs
// still have the fingerprint they had before the load.
func (a *app) writeSnapshotLater(ctx context.Context, plan snapPlan, arch *model.Archive, index func() *search.Index) {
	if index == nil {
		index = func() *search.Index { return a.archIndex(arch) }
	}
	if a.deferWrites {
		a.afterOutput = append(a.afterOutput, func() {
			if a.detachWrites() {
				err := a.detachSnapshotWrite(plan)
				if err == nil {
					return
				}
				a.log.Warn("snapshot writer not started: writing here", "err", err)
			}
			a.startSnapshotWrite(ctx, plan, arch, index)
		})
		return
	}
	a.startSnapshotWrite(ctx, plan, arch, index)
}

// startSnapshotWrite is writeSnapshotLater's write, started now.
func (a *app) startSnapshotWrite(ctx context.Context, plan snapPlan, arch *model.Archive, index func() *search.Index) {
	a.snapWrites.Add(1)
	// The index (built here for a CLI command: most of the write's cost)
	// is built while the snapshot's data is encoded and compressed; the
	// writer asks for it only after the conversations. Not waited for by
	// close: a write that was cancelled (the browser quit) does not need
	// it.
	var ix *search.Index
	ready := make(chan struct{})
	go func() {
		defer close(ready)
		ix = index()
	}()
	go func() {
		defer a.snapWrites.Done()
		a.writeSnapshot(ctx, plan, arch, func() *search.Index { <-ready; return ix }, "snapshot written")
	}()
}

// writeSnapshot writes arch's snapshot to plan.path (unless the inputs
// changed meanwhile) and, once it landed, prunes the older ones.
func (a *app) writeSnapshot(ctx context.Context, plan snapPlan, arch *model.Archive, index func() *search.Index, what string) {
	start := time.Now()
	err := snapshot.WriteFile(plan.path, arch, snapshot.Options{
		Context:     ctx,
		Fingerprint: plan.fp,
		Index:       indexWriter(arch, index),
		Valid: func() bool {
			fp, err := fingerprintInputs(plan.inputs)
			return err == nil && fp == plan.fp
		},
	})
	a.log.Info(what, "path", plan.path, "took", time.Since(start), "err", err)
	if err == nil {
		a.pruneSnapshots(plan)
	}
}

// The index section of a snapshot holds the order of the index's
// conversations (a streamed load indexes them as they are decoded, not in
// the archive's order), then the index as search.Index.Save writes it:
//
//	n uint64, then n uint32 archive positions, padded to 8 bytes
//	the saved index (8-byte aligned: LoadIndex maps its arrays in place)

// indexWriter writes arch's index section; index is called in the
// writer's goroutine.
func indexWriter(arch *model.Archive, index func() *search.Index) snapshot.IndexWriter {
	return func(w io.Writer, textOffset func(p *byte, n int) (uint64, bool)) error {
		ix := index()
		pos := make(map[*model.Conversation]uint32, len(arch.Conversations))
		for i, c := range arch.Conversations {
			pos[c] = uint32(i)
		}
		b := binary.LittleEndian.AppendUint64(make([]byte, 0, 8+4*ix.Len()+4), uint64(ix.Len()))
		for i := range ix.Len() {
			p, ok := pos[ix.Conversation(i)]
			if !ok {
				return errors.New("the index holds a conversation the archive does not")
			}
			b = binary.LittleEndian.AppendUint32(b, p)
		}
		for len(b)%8 != 0 {
			b = append(b, 0)
		}
		if _, err := w.Write(b); err != nil {
			return err
		}
		return ix.Save(w, textOffset)
	}
}

// loadSnapshotIndex loads the index section of s over its archive.
func loadSnapshotIndex(s *snapshot.Snapshot) (*search.Index, error) {
	b, convs := s.Index, s.Archive.Conversations
	if len(b) < 8 {
		return nil, errors.New("snapshot: no index")
	}
	n := binary.LittleEndian.Uint64(b)
	if n != uint64(len(convs)) || uint64(len(b)-8)/4 < n {
		return nil, errors.New("snapshot: index order out of range")
	}
	order := make([]*model.Conversation, n)
	for i := range order {
		p := binary.LittleEndian.Uint32(b[8+4*i:])
		if p >= uint32(len(convs)) {
			return nil, errors.New("snapshot: index order out of range")
		}
		order[i] = convs[p]
	}
	off := (8 + 4*int(n) + 7) &^ 7
	return search.LoadIndexTexts(b[off:], order, s)
}

// archIndex returns arch's search index: the snapshot's when arch came
// from one (its checksum checked first), else one built from arch, once
// per archive (a search command and the snapshot writer share it).
func (a *app) archIndex(arch *model.Archive) *search.Index {
	a.indexMu.Lock()
	defer a.indexMu.Unlock()
	if a.indexOf == arch && a.index != nil {
		return a.index
	}
	var ix *search.Index
	if s := a.snap; s != nil && s.Archive == arch && s.Index != nil {
		start := time.Now()
		if err := s.VerifyIndex(); err == nil {
			var lerr error
			if ix, lerr = loadSnapshotIndex(s); lerr != nil {
				s.MarkDamaged()
			}
		}
		a.log.Info("snapshot index", "ok", ix != nil, "took", time.Since(start))
	}
	if ix == nil {
		ix = search.BuildArchive(arch)
	}
	a.indexOf, a.index = arch, ix
	return ix
}

// searcher is the search service over arch (archIndex's index).
func (a *app) searcher(arch *model.Archive) *live.Searcher {
	return live.NewIndexed(a.archIndex(arch))
}

// heldWriter holds a command's output while it runs on a snapshot, so that
// nothing reaches the user when a damaged conversation makes it run again
// on the inputs; otherwise it writes through.
type heldWriter struct {
	w    io.Writer
	hold func() bool
	buf  bytes.Buffer
}

func (h *heldWriter) Write(p []byte) (int, error) {
	if h.hold() {
		return h.buf.Write(p)
	}
	return h.w.Write(p)
}

// underlying returns the writer behind a heldWriter (terminal checks).
func underlying(w io.Writer) io.Writer {
	if h, ok := w.(*heldWriter); ok {
		return h.w
	}
	return w
}

// trusting wraps a command that reads the archive and ends: when its
// archive came from a snapshot that turned out damaged while it ran (a
// conversation failed its checksum), its output is dropped, the damage
// reported once, and it runs again on the inputs, whose load rewrites the
// snapshot.
func (a *app) trusting(run func(*cobra.Command, []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		a.deferWrites = true
		defer func() { a.deferWrites = false }()
		out, errOut := a.out, a.errOut
		fromSnap := func() bool { return a.snap != nil }
		ho, he := &heldWriter{w: out, hold: fromSnap}, &heldWriter{w: errOut, hold: fromSnap}
		a.out, a.errOut = ho, he
		err := run(cmd, args)
		a.out, a.errOut = out, errOut
		if a.snap != nil && a.snap.Damaged() {
			fmt.Fprintln(errOut, "backchat: snapshot damaged: rebuilding")
			a.log.Warn("snapshot damaged while in use; loading the inputs")
			a.snap, a.distrust = nil, true
			return run(cmd, args)
		}
		if _, werr := io.Copy(out, &ho.buf); werr != nil && err == nil {
			err = failure(fmt.Errorf("writing output: %w", werr))
		}
		_, _ = io.Copy(errOut, &he.buf)
		return err
	}
}

// verifyDelay is how long the browser waits after opening a snapshot
// before it checks the index's checksum in the background.
const verifyDelay = 500 * time.Millisecond

// browserSnapshot readies src for the browser from its snapshot when it
// has a good one: the whole list at once, the search index loaded while
// the first screen is drawn, conversations decoded when opened. A damaged
// conversation shows its error where its messages would be; the damage
// (or a damaged index, found when it loads or checked in the background,
// whose searcher then indexes the archive again) is logged and the
// snapshot rebuilt from the inputs in the background (bg ends it).
// Without a usable snapshot the browser loads src.Paths as
// before and the snapshot is written once that load is done.
func (a *app) browserSnapshot(ctx, bg context.Context, src archiveSource) archiveSource {
	plan := a.snapshotPlan(src)
	if plan.path == "" {
		return src
	}
	if s := a.openSnapshot(plan); s != nil {
		a.snap = s
		s.OnDamage(func() {
			a.log.Warn("snapshot damaged while browsing: rebuilding it from the inputs", "path", plan.path)
			a.rebuildSnapshot(bg, plan)
		})
		// The index loads while the browser draws its first screen
		// (live.NewIndexedLater); a search typed first waits for it. One
		// that does not load marks the snapshot damaged (it is rebuilt
		// from the inputs) and is built from the archive instead.
		var built atomic.Bool // the index was built from the archive
		index := func() *search.Index {
			start := time.Now()
			ix, err := loadSnapshotIndex(s)
			if err == nil {
				a.log.Info("snapshot index loaded", "took", time.Since(start))
				return ix
			}
			a.log.Warn("snapshot index: building it from the archive", "err", err)
			built.Store(true)
			s.MarkDamaged()
			return search.BuildArchive(s.Archive)
		}
		srch := live.NewIndexedLater(index)
		go func() {
			// After the first screen: reading and summing the index
			// (~100 MB) at once competes with it for the two cores.
			if !a.waitToVerify(bg) {
				return
			}
			if err := s.VerifyIndex(); err != nil && !built.Load() {
				// Its answers cannot be trusted: search what is indexed
				// again (saying so) until it is all done.
				a.log.Warn("snapshot index: indexing the archive again", "err", err)
				srch.Reindex(s.Archive.Conversations)
			}
		}()
		src.Ready = &readyArchive{Archive: s.Archive, Searcher: srch}
		return src
	}
	src.Loaded = func(arch *model.Archive, s *live.Searcher) {
		a.writeSnapshotLater(ctx, plan, arch, s.Index)
	}
	return src
}

// waitToVerify waits verifyDelay (or a.verifyAfter) and reports whether
// the index's checksum should be read now (not when ctx ended first).
func (a *app) waitToVerify(ctx context.Context) bool {
	if a.verifyAfter != nil {
		return a.verifyAfter(ctx)
	}
	select {
	case <-time.After(verifyDelay):
		return true
	case <-ctx.Done():
		return false
	}
}

// rebuildSnapshot loads plan's inputs in the background and writes their
// snapshot, unless ctx ends first.
func (a *app) rebuildSnapshot(ctx context.Context, plan snapPlan) {
	a.snapWrites.Add(1)
	go func() {
		defer a.snapWrites.Done()
		a.rebuildSnapshotNow(ctx, plan)
	}()
}

// rebuildSnapshotNow is rebuildSnapshot's load and write, done before it
// returns.
func (a *app) rebuildSnapshotNow(ctx context.Context, plan snapPlan) {
	arch, err := a.open(ctx, loader.Options{}, plan.inputs...)
	if err != nil || arch == nil || ctx.Err() != nil {
		a.log.Warn("snapshot rebuild: load", "err", err)
		return
	}
	a.writeLoaded(ctx, plan, arch)
}

// writeLoaded indexes arch, plan's inputs as loaded, and writes their
// snapshot, unless ctx ends first.
func (a *app) writeLoaded(ctx context.Context, plan snapPlan, arch *model.Archive) {
	// The index is built while the conversations are compressed (a
	// write that ends first leaves it to finish unread: the channel
	// is buffered).
	ixc := make(chan *search.Index, 1)
	go func() { ixc <- search.BuildArchive(arch) }()
	a.writeSnapshot(ctx, plan, arch, func() *search.Index { return <-ixc }, "snapshot rebuilt")
}

// pruneSnapshots removes, after plan.path was written, the library's
// snapshots of other fingerprints (the library changed since they were
// written: they can never be opened again) and temporary files of writes
// that were killed more than an hour ago.
func (a *app) pruneSnapshots(plan snapPlan) {
	if !plan.prune {
		return
	}
	dir, keep := filepath.Dir(plan.path), filepath.Base(plan.path)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		name := e.Name()
		stale := strings.HasPrefix(name, "snapshot-") && name != keep
		if strings.HasPrefix(name, ".snapshot-") && strings.Contains(name, ".tmp-") {
			fi, err := e.Info()
			stale = err == nil && time.Since(fi.ModTime()) > time.Hour
		}
		if stale {
			err := os.Remove(filepath.Join(dir, name))
			a.log.Info("snapshot pruned", "file", name, "err", err)
		}
	}
}
