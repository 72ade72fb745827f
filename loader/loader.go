// Package loader turns chat exports (ZIP, folder, conversations.json,
// shards, a single conversation object) into model values. It knows nothing
// of the UI. Decoding streams conversation by conversation over both cores;
// a malformed conversation is skipped and reported while the others load.
//
// Formats (formats.go) are recognised by content, never by file name: the
// keys of a file's first conversation object pick ChatGPT (chatgpt_*.go),
// Claude and Claude projects (claude_*.go), DeepSeek (deepseek_*.go) or Grok
// (grok_*.go); each conversation's Service says which. The JSON helpers and
// the worker they all decode with are in helpers.go.
// A file no format claims is reported with the list of formats read.
//
// Pipeline: for each conversation file, a scanner (scanner.go) finds the
// byte range of each top-level conversation without decoding it, reading
// 4 MiB chunks (ZIP entries are inflated on their own goroutine); workers
// (the format files, over the pull decoder in walker.go)
// decode only the fields backchat needs straight into model values, copying
// strings into large arena chunks (arena.go); a collector (pipeline.go)
// merges by conversation id. A big plain JSON file skips the scanner's
// pass: workers decode byte ranges of it by themselves (split.go), and the
// scanner takes over from the start at the first thing unusual, handing on
// only what was not delivered. Inputs are found by sources.go (ZIP, ZIP64,
// stored inner ZIPs, and >4 GiB ZIPs with wrapped offsets via zipwrap.go). Asset pointers are
// resolved against the files of the export (assets.go); OpenAsset reads them.
//
// Damage: after malformed JSON the scanner resynchronises at the next
// conversation opening (resync.go), reporting each lost conversation once
// and malformed bytes that held none as data; a ZIP whose directory is
// missing or damaged is read from its local headers, every entry's CRC-32
// is checked, and one conversation, one string and an entry's compression
// ratio are bounded (ziplocal.go, scanner.go).
package loader

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/backchat/backchat/model"
)

// Options tunes a load. The zero value is valid.
type Options struct {
	// Progress, when set, is called with bytes done and bytes total (of all
	// conversation files, uncompressed where known) as decoding advances. It
	// may be called from loader goroutines, but never concurrently.
	Progress func(done, total int64)
	// OnConversation, when set, receives each conversation as soon as it is
	// decoded, in no particular order, so a UI can show them while the rest
	// loads. Never called concurrently; may be called from a loader goroutine.
	// The conversation must not be mutated by the callee. A conversation
	// later replaced by a newer copy with the same id (several paths or
	// shards) is delivered too; the Archive holds only the newest.
	// NOTE: a streamed conversation's Sources and InNewest are provisional
	// (its own export only, InNewest true); when several exports are loaded
	// the Archive holds shallow copies carrying the final values.
	OnConversation func(*model.Conversation)
	// Workers is the number of decoding goroutines; 0 means GOMAXPROCS.
	Workers int
	// HoldGC, when set, receives the function that restores the GC target
	// a big load raises (gcpercent.go) instead of the load restoring it as
	// it returns; the caller must call it. For a command that prints and
	// ends: restoring the target at once starts a collection of the whole
	// model on the way to the output (~0.15 CPU-s after a 1 GB load) that
	// frees nothing.
	HoldGC func(restore func())
	// Release, when set, receives as the load returns a function that
	// gives back at once the memory holding the text of the archive and of
	// every conversation streamed (off-heap, it is otherwise kept until
	// the process exits: see arena.go). After it, reading any string of
	// those conversations or warnings faults: call it only where nothing
	// can still refer to them (a command that loads only to extract a
	// summary, with its strings copied). Calling it again does nothing.
	Release func(release func())
	// Compact, when set, gives each decoding worker a Compactor
	// (internal/snapshot's) that keeps the tree of each conversation
	// decoded once CompactPlain is spent as a compressed frame from its
	// decode on: the worker encodes it, rewinds its arena over the decoded
	// text and stores the frame there; the tree is decoded again whenever
	// it is read (model.Conversation.SetTreeSource, ReleaseTreeWhenUnused).
	// See compact.go.
	Compact func() Compactor
	// CompactPlain (with Compact) is the export's bytes whose
	// conversations keep their text decoded: the first ones decoded, until
	// their JSON adds up to it. 0 compacts every conversation.
	CompactPlain int64
}

// Open loads the exports at paths with default options.
func Open(paths ...string) (*model.Archive, error) {
	return OpenContext(context.Background(), Options{}, paths...)
}

// OpenContext loads the exports at paths: ZIP files, folders (searched for
// conversations.json / conversations-NNN.json, Claude's projects.json and
// Grok's prod-grok-backend.json at any depth), or JSON files
// (an array of conversations, {"conversations": […]}, or one conversation
// object). Conversations found under several paths or shards are merged by
// id, the newest update_time winning (ties: the later path, then the later
// shard). Each path is one export: every conversation records the exports
// holding it (Conversation.Sources, oldest export first) and whether the
// newest export — the one whose newest conversation is the latest; ties: the
// later path — holds it (Conversation.InNewest). A path given twice counts
// once. The archive lists conversations newest
// first and everything that could not be loaded faithfully as Warnings.
//
// It returns an error only when nothing could be loaded (no path is an
// export, or no conversation decoded) or when ctx is cancelled.
func OpenContext(ctx context.Context, opt Options, paths ...string) (a *model.Archive, err error) {
	// A panic (a loader bug; no input should cause one) is an error, never
	// a crash, and Release is handed over only once the workers have
	// ended: its caller may unmap the chunks they decode into. The inputs
	// are closed after the workers end too.
	var (
		rel         *arenaRelease
		stopWorkers func() // ends the workers and the collector; nil before they start
		closers     []func() error
	)
	if opt.Release != nil {
		rel = &arenaRelease{}
	}
	defer func() {
		p := recover()
		if stopWorkers != nil {
			stopWorkers()
		}
		for _, c := range slices.Backward(closers) {
			c()
		}
		if p != nil {
			a, err = nil, fmt.Errorf("loader: internal error: %v", p)
		}
		if rel != nil {
			opt.Release(rel.free)
		}
	}()
	if len(paths) == 0 {
		return nil, errors.New("loader: no path given")
	}
	paths = uniquePaths(paths)
	col := newCollector(opt.OnConversation, paths)
	var (
		sources []*source
		fileErr []error
		total   int64 // uncompressed, as declared
		disk    int64 // the exports' bytes on disk
	)
	for e, p := range paths {
		in, err := expand(ctx, p)
		if ctx.Err() != nil {
			if in != nil {
				in.close()
			}
			return nil, ctx.Err()
		}
		if err != nil {
			fileErr = append(fileErr, err)
			col.addScanWarnings([]model.Warning{{Kind: model.WarnFile, File: p, Index: -1, Offset: -1, Reason: reason(err, p)}})
			continue
		}
		closers = append(closers, in.close)
		disk += onDisk(p, in)
		col.addScanWarnings(in.warns)
		col.addScanWarnings(shardGaps(in.sources))
		col.addScanWarnings(col.side.add(e, p, in.sides)) // sidefiles.go
		for i := range in.sources {
			in.sources[i].export = e
			in.sources[i].seq = len(sources)
			sources = append(sources, &in.sources[i])
			total += in.sources[i].size
		}
	}

	// What the exports hold as declared, believed up to trustRatio times
	// their bytes on disk (as reserve believes them).
	believed := min(total, trustRatio*disk)
	if believed >= relaxMin {
		restore := relaxGC() // see gcpercent.go: process-global while loading
		if opt.HoldGC != nil {
			defer opt.HoldGC(restore)
		} else {
			defer restore()
		}
	}
	col.reserve(total, disk)
	// A panic in the collector (OnConversation is the caller's) cancels
	// the load with its cause; the collector drains the workers' results
	// meanwhile so that they end.
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	jobs := make(chan job, 8)
	results := make(chan result, 8)
	var plain *atomic.Int64
	if opt.Compact != nil {
		plain = new(atomic.Int64)
		plain.Store(opt.CompactPlain)
	}
	wait := startWorkers(opt.Workers, believed, rel, opt.Compact, col.side, plain, jobs, results)
	collected := make(chan struct{})
	var collErr error // read after collected is closed
	go func() {
		defer close(collected)
		defer func() {
			if p := recover(); p != nil {
				collErr = fmt.Errorf("loader: internal error while collecting: %v", p)
				cancel(collErr)
				for range results {
				}
			}
		}()
		for r := range results {
			col.add(r)
		}
	}()
	stopWorkers = sync.OnceFunc(func() {
		close(jobs)
		wait()
		close(results)
		<-collected
	})

	var done int64
	var scanErr error
	for _, src := range sources {
		if scanErr = ctx.Err(); scanErr != nil {
			break
		}
		n, err := scanSource(ctx, src, jobs, results, col, opt.Progress, done, total)
		done += n
		if err != nil && ctx.Err() != nil {
			scanErr = ctx.Err()
			break
		}
		if err != nil {
			fileErr = append(fileErr, err)
		}
	}
	stopWorkers()
	if collErr != nil {
		return nil, collErr
	}
	if scanErr != nil {
		return nil, context.Cause(ctx)
	}
	col.finish()
	if opt.Progress != nil {
		opt.Progress(max(done, total), max(done, total))
	}

	a = &model.Archive{Conversations: col.convs, Warnings: cutOnce(col.warnings), Sources: append([]string(nil), paths...), Accounts: col.side.accounts()}
	model.SortNewestFirst(a.Conversations)
	sortWarnings(a.Warnings)
	if len(a.Conversations) == 0 && len(a.Warnings) > 0 {
		return nil, nothingLoaded(a.Warnings, fileErr)
	}
	return a, nil
}

// onDisk is the bytes on disk of the export at p: the file's size, or a
// folder's conversation files'.
func onDisk(p string, in *input) int64 {
	if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
		return fi.Size()
	}
	var n int64
	for _, s := range in.sources {
		n += s.size
	}
	return n
}

// uniquePaths drops repeats of a path (compared after filepath.Clean),
// keeping the first, so one export given twice is still one export.
func uniquePaths(paths []string) []string {
	seen := make(map[string]bool, len(paths))
	out := make([]string, 0, len(paths))
	for _, p := range paths {
		k := filepath.Clean(p)
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, p)
	}
	return out
}

func compareInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// cutOnce drops the warning that a ZIP's directory is missing when a
// warning about one of its entries says where the ZIP ends: the cut is
// told once, where it fell, with what was kept. That is so wherever in a
// conversation entry the cut falls: inside a conversation, between two
// (the array is not closed) or after the entry's JSON (its end record
// lost: "inside this entry"). Only a cut that no entry's warning tells
// (one in another entry, or between entries) keeps the ZIP's warning.
func cutOnce(ws []model.Warning) []model.Warning {
	told := func(zip string) bool {
		return slices.ContainsFunc(ws, func(w model.Warning) bool {
			return strings.HasPrefix(w.File, zip+":") && strings.HasPrefix(w.Reason, zipEnds)
		})
	}
	return slices.DeleteFunc(slices.Clone(ws), func(w model.Warning) bool {
		return w.Kind == model.WarnTruncated && w.Index < 0 && strings.HasPrefix(w.Reason, fileEnds) && told(w.File)
	})
}

// nothingLoaded explains why a load produced no conversation at all.
func nothingLoaded(ws []model.Warning, fileErr []error) error {
	if len(fileErr) > 0 && len(fileErr) == len(ws) {
		return errors.Join(fileErr...)
	}
	if len(ws) == 1 {
		return fmt.Errorf("loader: %s: %s", ws[0].File, ws[0].Reason)
	}
	var errs []error
	for i, w := range ws {
		if i == 5 {
			errs = append(errs, fmt.Errorf("… and %d more problems", len(ws)-5))
			break
		}
		errs = append(errs, errors.New(w.String()))
	}
	return fmt.Errorf("loader: nothing could be loaded: %w", errors.Join(errs...))
}

// scanSource scans one conversation file and queues its conversations. It
// returns the bytes read and an error when the file is no export at all.
func scanSource(ctx context.Context, src *source, jobs chan<- job, results chan<- result, col *collector, progress func(done, total int64), done, total int64) (int64, error) {
	// A big plain file is read by segments when it can be (split.go); when
	// that stops early, the scanner reads the file from its start and hands
	// on only the conversations after the first skip ones.
	skip, complete, reported := trySplit(ctx, src, jobs, results, progress, done, total)
	if complete {
		return src.size, nil
	}
	if err := ctx.Err(); err != nil {
		return reported, err
	}
	rc, err := src.open()
	if err != nil {
		err = fmt.Errorf("loader: %s: %w", src.name, err)
		col.addScanWarnings([]model.Warning{{Kind: model.WarnFile, File: src.name, Index: -1, Offset: -1, Reason: reason(err, src.name)}})
		return 0, err
	}
	defer rc.Close()
	assets := src.assets()
	s := newScanner(rc, src.size)
	var read int64
	var localWarn []model.Warning
	s.progress = func(n int64) {
		read = n
		if progress != nil && n > reported {
			progress(done+n, max(total, done+n))
		}
	}
	s.warn = func(k warnKind, index int, off int64, reason string) {
		kind := model.WarnSkipped
		switch k {
		case wTruncated:
			kind = model.WarnTruncated
		case wJunk:
			kind = model.WarnData
		}
		localWarn = append(localWarn, model.Warning{Kind: kind, File: src.name, Index: index, Offset: off, Reason: reason})
	}
	var fd fileDetector
	s.emit = func(data []byte, index int, off int64) error {
		f := fd.element(data, model.Warning{Kind: model.WarnSkipped, File: src.name, Index: index, Offset: off})
		if f == nil || index < skip {
			return nil
		}
		buf := s.retain() // hand data on without copying it
		select {
		case jobs <- job{data: data, buf: buf, src: src, assets: assets, format: f, index: index, offset: off, suspect: s.suspect}:
			return nil
		case <-ctx.Done():
			buf.release()
			return ctx.Err()
		}
	}
	err = runScanner(s)
	s.finish()
	if s.rerr != nil && !s.rerrSaid {
		// Everything was read, but the reader failed at its end: with a
		// ZIP entry, its CRC-32 or size did not match (ziplocal.go).
		localWarn = append(localWarn, model.Warning{Kind: model.WarnData, File: src.name, Index: -1, Offset: read, Reason: readErrReason(s.rerr)})
	}
	col.addScanWarnings(localWarn)
	if skipped, ferr := fd.finish(); ferr != nil && err == nil {
		err = ferr
	} else {
		col.addScanWarnings(skipped)
	}
	if err != nil {
		if errors.Is(err, errNotExport) {
			err = fmt.Errorf("loader: %s: %w", src.name, err)
		} else if errors.Is(err, errNotJSON) {
			err = fmt.Errorf("loader: %s: %w (%v)", src.name, errNotExport, err)
		} else if ctx.Err() == nil {
			err = fmt.Errorf("loader: %s: %w", src.name, err)
		}
		col.addScanWarnings([]model.Warning{{Kind: model.WarnFile, File: src.name, Index: -1, Offset: -1, Reason: reason(err, src.name)}})
		return read, err
	}
	return read, nil
}

// reason is err's message without the "loader: <name>: " prefix, for a
// Warning that names the file already.
func reason(err error, name string) string {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "loader: ")
	return strings.TrimPrefix(msg, name+": ")
}

// runScanner runs s, turning a panic (a scanner bug; no input should cause
// one) into an error so one bad file cannot take the process down.
func runScanner(s *scanner) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("internal error while scanning at byte %d: %v", s.offset(), p)
		}
	}()
	return s.run()
}
