package library

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/backchat/backchat/loader"
	"github.com/backchat/backchat/model"
)

// Options tune Add. The zero value waits no time for another import.
type Options struct {
	// Wait is how long to wait for another import to finish.
	Wait time.Duration
	// OnWait is called once when another import holds the library (with its
	// process id, 0 when unknown).
	OnWait func(pid int)
	// Open loads exports; loader.OpenContext when nil. Add sets the
	// options' Release and gives back every load but the report's archive
	// once it has copied what it needs (the text of an import's loads
	// would otherwise stay mapped until the process exits, under the
	// library's load for its snapshot): an Open that keeps what it loaded
	// elsewhere must not pass Release on to the loader.
	Open func(ctx context.Context, opt loader.Options, paths ...string) (*model.Archive, error)
	// Now is the import time; time.Now when nil.
	Now func() time.Time
	// AfterChunk, when set, is called after each chunk (1 MiB) copied with
	// the bytes copied so far for the current export (progress).
	AfterChunk func(done int64)
	// OnCopied, when set, is called after each export is copied (or found
	// already imported), before the library is loaded to compare.
	OnCopied func(Outcome)
	// Before, when set, gives the library l as loaded from its imports at
	// paths (load order) without parsing them: from a snapshot, whose
	// archive's conversations carry their Sources, nodes(i) being the
	// number of nodes of conversation i's tree (so lazy trees stay
	// undecoded); release is called once Add no longer needs the archive,
	// never when it became part of Report.Archive.
	// A nil archive means none: Add loads the imports. Without it, an
	// import parses every export already there to compare.
	Before func(l *Library, paths []string) (arch *model.Archive, nodes func(i int) int, release func())

	hook writeHook // tests: failing writers
}

// Outcome is what happened to one path given to Add.
type Outcome struct {
	Path string // as given
	// Import is the new import, or the one already holding the same content.
	Import Import
	// Already is true when the library held the content already (under
	// this name or another): nothing was copied, unless Repaired.
	Already bool
	// Repaired is true when the library's copy of that content was missing
	// or damaged (see Verify) and was copied again from Path.
	Repaired bool
	// Warnings counts the load warnings about this export.
	Warnings int
	// Err is why the path was not imported; the library is unchanged by it.
	Err error
}

// Report is what Add did.
type Report struct {
	Outcomes []Outcome
	// Changes compares the library loaded before and after the import.
	Changes Changes
	// Library is the library after the import.
	Library *Library
	// Archive is the library's whole content as loading Library's paths
	// would give it, when the import has it without parsing anything
	// again: the import's own load when the library held no export
	// before, every new one was accepted (a first import) and they were
	// loaded in the library's order; or, when the library held exports
	// and Options.Before gave them (its snapshot), that archive combined
	// with the new exports' load (loader.Combine) when every new one was
	// accepted and they sort last in the library's order, as a newer
	// export does, or first, as an export older than all there does. Nil
	// otherwise. It may refer to the text of the load and to the snapshot
	// Before opened: both stay mapped until the process ends.
	Archive *model.Archive
}

// Failed counts the paths not imported.
func (r *Report) Failed() int {
	n := 0
	for _, o := range r.Outcomes {
		if o.Err != nil {
			n++
		}
	}
	return n
}

// Add copies the exports at paths into the library at dir (created 0700
// when missing), holding its lock throughout, and records them in the
// manifest. A path whose content is already there is a no-op; one that
// cannot be read, copied or loaded (no conversation in it) is reported in
// its Outcome and leaves the library as it was. Originals are only read.
//
// The returned error is for the import as a whole (the lock, the manifest,
// a cancelled context); then nothing was added.
func Add(ctx context.Context, dir string, paths []string, opt Options) (*Report, error) {
	if opt.Open == nil {
		opt.Open = loader.OpenContext
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	lk, err := Acquire(ctx, dir, opt.Wait, opt.OnWait)
	if err != nil {
		return nil, err
	}
	defer lk.Release()
	lib, err := Open(dir)
	if err != nil {
		return nil, err
	}
	if err := lib.cleanup(); err != nil {
		return nil, fmt.Errorf("library: removing an interrupted import: %w", err)
	}
	idir := filepath.Join(dir, importsDir)
	if err := os.MkdirAll(idir, 0o700); err != nil {
		return nil, fmt.Errorf("library: %w", err)
	}

	rep := &Report{Library: lib}
	known := make(map[string]Import, len(lib.Manifest.Imports))
	for _, imp := range lib.Manifest.Imports {
		known[imp.Hash] = imp
	}
	var staged []int // indices into rep.Outcomes of the new copies
	unstage := func() {
		for _, i := range staged {
			_ = os.RemoveAll(filepath.Join(idir, rep.Outcomes[i].Import.Hash))
		}
		_ = syncDir(idir)
	}
	stats := map[string]string{} // import hash to a newer Import.Stat
	for _, p := range paths {
		o := Outcome{Path: p}
		imp, already, err := stage(ctx, idir, p, known, opt)
		if ctx.Err() != nil {
			unstage()
			return nil, ctx.Err()
		}
		o.Import, o.Already, o.Err = imp, already, err
		if already && err == nil {
			var stat string
			o.Repaired, stat, o.Err = repair(ctx, idir, p, imp, opt)
			if ctx.Err() != nil {
				unstage()
				return nil, ctx.Err()
			}
			if o.Err == nil && stat != "" && stat != imp.Stat {
				o.Import.Stat, stats[imp.Hash] = stat, stat
				known[imp.Hash] = o.Import
			}
		}
		if err == nil && !already {
			staged = append(staged, len(rep.Outcomes))
			known[imp.Hash] = imp
		}
		rep.Outcomes = append(rep.Outcomes, o)
		if opt.OnCopied != nil {
			opt.OnCopied(o)
		}
	}
	if len(staged) == 0 {
		rep.Library = lib.restat(stats, opt)
		return rep, nil
	}

	ok := false
	defer func() {
		if !ok {
			unstage()
		}
	}()
	old := lib.Ordered()
	allPaths := make([]string, 0, len(old)+len(staged))
	latest := make([]time.Time, 0, len(old)+len(staged))
	for _, imp := range old {
		allPaths = append(allPaths, lib.Path(imp))
		latest = append(latest, imp.ExportDate)
	}
	oldPaths := allPaths[:len(old):len(old)]
	newPaths := make([]string, len(staged))
	seen := make(map[string]*exportSeen, len(staged))
	for i, si := range staged {
		newPaths[i] = lib.Path(rep.Outcomes[si].Import)
		seen[newPaths[i]] = &exportSeen{ids: map[string]struct{}{}}
	}
	allPaths = append(allPaths, newPaths...)
	exports := newExportSet(allPaths)
	// Only the new exports are loaded: merge puts them together with the
	// library as it was.
	// A load error with nothing loaded shows below as "no conversations
	// found" for each new export.
	// release gives back the load's text (loader.Options.Release): at
	// once below when the load is not the library's whole content, else
	// on the way out unless it became the report's archive.
	var release func()
	defer func() {
		if rep.Archive == nil {
			freeText(release)
		}
	}()
	after, _ := opt.Open(ctx, loader.Options{OnConversation: func(c *model.Conversation) {
		// Streamed conversations carry their own export as Sources.
		if len(c.Sources) == 0 {
			return
		}
		s := seen[c.Sources[0]]
		if s == nil {
			return
		}
		if _, ok := s.ids[c.ID]; !ok {
			s.ids[strings.Clone(c.ID)] = struct{}{}
		}
		if t := c.SortTime(); t.After(s.latest) {
			s.latest = t
		}
		if !slices.Contains(s.services, c.Service) {
			s.services = append(s.services, strings.Clone(c.Service))
		}
	}, Release: func(r func()) { release = r }}, newPaths...)
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if after == nil {
		after = &model.Archive{}
	}
	for _, p := range newPaths {
		latest = append(latest, seen[p].latest)
	}
	// What the report needs of the new exports' archive: added (its
	// strings copied), and which export each warning is about.
	added, fine := knownArchive(after, exports)
	warned := make([]int, len(newPaths))
	for _, w := range after.Warnings {
		for i, p := range newPaths {
			if w.File == p || strings.HasPrefix(w.File, p+string(filepath.Separator)) {
				warned[i]++
			}
		}
	}
	var whole *model.Archive // the library's whole content (Report.Archive)
	if len(oldPaths) == 0 {
		whole = after
		after = nil
	}
	// after, the new exports' archive, is kept while the library before
	// may come from its snapshot: the two combined are then the
	// library's whole content (Report.Archive). When the library before
	// is loaded instead, nothing refers to its text any more: it is given
	// back first, and the whole library loaded after (for its snapshot)
	// does not stack with it either.
	dropAfter := func() {
		if whole == nil {
			after = nil
			freeText(release)
		}
	}
	if !fine {
		return nil, errors.New("library: loading the new exports: a conversation from outside them")
	}
	var accepted []Import
	for i, si := range staged {
		o := &rep.Outcomes[si]
		s := seen[newPaths[i]]
		o.Warnings = warned[i]
		if len(s.ids) == 0 {
			o.Err = fmt.Errorf("%s: no conversations found: not a ChatGPT, Claude, DeepSeek or Grok export (%d load warning%s); its copy was removed", o.Path, o.Warnings, plural(o.Warnings))
			_ = os.RemoveAll(filepath.Join(idir, o.Import.Hash))
			continue
		}
		o.Import.Conversations = len(s.ids)
		o.Import.ExportDate = s.latest.UTC()
		o.Import.Service = "mixed"
		if len(s.services) == 1 {
			o.Import.Service = s.services[0]
		}
		accepted = append(accepted, o.Import)
	}
	if len(accepted) == 0 {
		rep.Library = lib.restat(stats, opt)
		return rep, nil
	}
	// The library before the import is only needed now that it changes.
	before, snap, closeSnap, err := lib.before(ctx, oldPaths, exports, opt, dropAfter)
	if err != nil {
		return nil, err
	}
	combine := snap != nil && after != nil && len(accepted) == len(staged) && slices.Equal(snap.Sources, oldPaths)
	defer func() {
		if rep.Archive == nil && closeSnap != nil {
			closeSnap()
		}
	}()
	rep.Changes = compare(before, merge(before, added, latest))
	m := lib.Manifest
	m.Imports = append(withStats(m.Imports, stats), accepted...)
	if err := writeManifest(dir, m, opt.hook); err != nil {
		return nil, fmt.Errorf("library: writing the manifest: %w", err)
	}
	ok = true
	rep.Library = &Library{Dir: dir, Manifest: m, Warnings: lib.Warnings}
	if whole != nil && len(accepted) == len(staged) {
		// The same archive only when the library loads its exports in
		// the order they were loaded here: the loader breaks equal
		// update times by input order, the library by export date.
		if paths, err := rep.Library.Paths(); err == nil && slices.Equal(paths, newPaths) {
			rep.Archive = whole
		}
	}
	if combine {
		// Likewise: the library's order must be the exports already
		// there, then the new ones as loaded, or the other way round (an
		// older export imported after newer ones): loader.Combine's rule.
		if paths, err := rep.Library.Paths(); err == nil {
			switch {
			case slices.Equal(paths, allPaths):
				rep.Archive = loader.Combine(snap, after)
			case slices.Equal(paths, slices.Concat(newPaths, oldPaths)):
				rep.Archive = loader.Combine(after, snap)
			}
		}
	}
	lib.removeStates()
	return rep, nil
}

// freeText calls a load's release (loader.Options.Release), if it gave
// one. Add calls it on an archive it drops, once nothing can refer to its
// strings: only copies of them (known, exportSeen, Import) leave the load.
func freeText(release func()) {
	if release != nil {
		release()
	}
}

// withStats returns imps with the Stat of each import named in stats
// replaced (a copy when any is).
func withStats(imps []Import, stats map[string]string) []Import {
	if len(stats) == 0 {
		return slices.Clone(imps)
	}
	out := slices.Clone(imps)
	for i := range out {
		if s, ok := stats[out[i].Hash]; ok {
			out[i].Stat = s
		}
	}
	return out
}

// restat records stats (the copies an import hashed and found intact) in
// the manifest and returns the library as it is then: an import that
// copies nothing, so that the next one of the same export need not hash
// again. Failing to write it only means hashing again next time.
func (l *Library) restat(stats map[string]string, opt Options) *Library {
	if len(stats) == 0 {
		return l
	}
	m := l.Manifest
	m.Imports = withStats(m.Imports, stats)
	if err := writeManifest(l.Dir, m, opt.hook); err != nil {
		return l
	}
	return &Library{Dir: l.Dir, Manifest: m, Warnings: l.Warnings}
}

// before is the library as loaded before the import (its imports at
// paths, in load order): from opt.Before (its snapshot) when that has it,
// then also that archive and the function that closes it (the caller's to
// call), else loaded, after calling beforeLoad. Nil for an empty library.
func (l *Library) before(ctx context.Context, paths []string, exports exportSet, opt Options, beforeLoad func()) (ks []known, snap *model.Archive, closeSnap func(), err error) {
	if len(paths) == 0 {
		return nil, nil, nil, nil
	}
	if opt.Before != nil {
		if arch, nodes, release := opt.Before(l, paths); arch != nil {
			ks := make([]known, len(arch.Conversations))
			fine := true
			for i, c := range arch.Conversations {
				if ks[i], fine = knownOf(c, nodes(i), exports); !fine {
					break
				}
			}
			if fine {
				return ks, arch, release, nil
			}
			if release != nil {
				release()
			}
		}
	}
	beforeLoad()
	var release func()
	arch, err := opt.Open(ctx, loader.Options{Release: func(r func()) { release = r }}, paths...)
	if ctx.Err() != nil {
		freeText(release)
		return nil, nil, nil, ctx.Err()
	}
	if arch == nil {
		freeText(release)
		return nil, nil, nil, fmt.Errorf("library: loading the imports already there: %w", err)
	}
	ks, fine := knownArchive(arch, exports) // strings copied
	arch = nil
	freeText(release)
	if !fine {
		return nil, nil, nil, errors.New("library: loading the imports already there: a conversation from outside them")
	}
	return ks, nil, nil, nil
}

// exportSeen gathers, while the library loads, what one new export holds.
type exportSeen struct {
	ids      map[string]struct{}
	latest   time.Time
	services []string
}

// repair copies the export at p again over the library's copy of import
// imp (the same content, by hash) when that copy is missing or no longer
// hashes to its name: importing the original again is how a damaged
// import is mended. A copy whose statSum is the one recorded when it was
// last found intact (imp.Stat) was not written since: it is not hashed
// again (`library verify` hashes every copy). It reports whether it
// copied, and the copy's statSum when the copy is known intact ("" when
// not known: Add records it when it differs from imp.Stat).
func repair(ctx context.Context, idir, p string, imp Import, opt Options) (repaired bool, stat string, err error) {
	final := filepath.Join(idir, imp.Hash)
	cp := filepath.Join(final, imp.Name)
	sum := statSum(cp)
	if sum != "" && sum == imp.Stat {
		return false, sum, nil
	}
	if d, err := hashPath(ctx, cp); err == nil && d.hash == imp.Hash && d.kind == imp.Kind {
		if statSum(cp) != sum {
			sum = "" // written while it was hashed: record nothing
		}
		return false, sum, nil
	}
	if ctx.Err() != nil {
		return false, "", ctx.Err()
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return false, "", err
	}
	tmp, err := os.MkdirTemp(idir, tmpPrefix+"*")
	if err != nil {
		return false, "", fmt.Errorf("%s: %w", p, err)
	}
	defer func() { _ = os.RemoveAll(tmp) }()
	hook := opt.hook
	hook.afterChunk = opt.AfterChunk
	d, err := copyTree(ctx, abs, filepath.Join(tmp, imp.Name), hook)
	if err != nil {
		return false, "", fmt.Errorf("%s: %w", p, err)
	}
	if d.hash != imp.Hash {
		return false, "", fmt.Errorf("%s %w", p, errChanged)
	}
	if err := syncDir(tmp); err != nil {
		return false, "", fmt.Errorf("%s: %w", p, err)
	}
	if err := os.RemoveAll(final); err != nil {
		return false, "", fmt.Errorf("%s: removing the damaged copy: %w", p, err)
	}
	if err := os.Rename(tmp, final); err != nil {
		return false, "", fmt.Errorf("%s: %w", p, err)
	}
	return true, statSum(cp), syncDir(idir)
}

// stage hashes the export at p and, unless known holds that hash, copies it
// to idir/HASH/NAME by way of a temporary folder renamed into place. The
// copy is not in the manifest yet: invisible until Add records it.
func stage(ctx context.Context, idir, p string, known map[string]Import, opt Options) (imp Import, already bool, err error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return Import{}, false, err
	}
	if err := refuseInside(abs, filepath.Dir(idir)); err != nil {
		return Import{}, false, err
	}
	pre, err := hashPath(ctx, abs)
	if err != nil {
		return Import{}, false, fmt.Errorf("%s: %w", p, err)
	}
	if k, ok := known[pre.hash]; ok {
		return k, true, nil
	}
	name := filepath.Base(abs)
	if !safeName(name) {
		name = "export"
	}
	tmp, err := os.MkdirTemp(idir, tmpPrefix+"*")
	if err != nil {
		return Import{}, false, fmt.Errorf("%s: %w", p, err)
	}
	done := false
	defer func() {
		if !done {
			_ = os.RemoveAll(tmp)
		}
	}()
	hook := opt.hook
	hook.afterChunk = opt.AfterChunk
	d, err := copyTree(ctx, abs, filepath.Join(tmp, name), hook)
	if err != nil {
		return Import{}, false, fmt.Errorf("%s: %w", p, err)
	}
	if d.hash != pre.hash {
		return Import{}, false, fmt.Errorf("%s %w", p, errChanged)
	}
	if err := syncDir(tmp); err != nil {
		return Import{}, false, fmt.Errorf("%s: %w", p, err)
	}
	final := filepath.Join(idir, d.hash)
	if err := os.Rename(tmp, final); err != nil {
		return Import{}, false, fmt.Errorf("%s: %w", p, err)
	}
	done = true
	if err := syncDir(idir); err != nil {
		_ = os.RemoveAll(final)
		return Import{}, false, fmt.Errorf("%s: %w", p, err)
	}
	return Import{Hash: d.hash, Kind: d.kind, Name: name, Original: abs, Imported: opt.Now().UTC(),
		Size: d.size, Files: d.files, Stat: statSum(filepath.Join(final, name))}, false, nil
}

// refuseInside refuses to import the library into itself (or a folder
// holding it: the copy would copy itself).
func refuseInside(abs, lib string) error {
	rel, err := filepath.Rel(abs, lib)
	if err == nil && !outside(rel) {
		return fmt.Errorf("%s holds the library %s: import the export itself", abs, lib)
	}
	rel, err = filepath.Rel(lib, abs)
	if err == nil && !outside(rel) {
		return fmt.Errorf("%s is inside the library: it is imported already", abs)
	}
	return nil
}

// outside reports whether a relative path climbs out of its base.
func outside(rel string) bool {
	return rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// cleanup removes what an interrupted import left: temporary files and
// folders, and copies under imports/ that the manifest does not name. Call
// it only while holding the lock.
func (l *Library) cleanup() error {
	named := make(map[string]bool, len(l.Manifest.Imports))
	for _, imp := range l.Manifest.Imports {
		named[imp.Hash] = true
	}
	var errs []error
	for _, d := range []string{l.Dir, filepath.Join(l.Dir, importsDir)} {
		ents, err := os.ReadDir(d)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return err
		}
		for _, e := range ents {
			n := e.Name()
			orphan := d != l.Dir && hashRE.MatchString(n) && !named[n]
			if strings.HasPrefix(n, tmpPrefix) || orphan {
				if err := os.RemoveAll(filepath.Join(d, n)); err != nil {
					errs = append(errs, err)
				}
			}
		}
	}
	return errors.Join(errs...)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// Tidy removes what an interrupted import left in the library at dir, if
// no import is running (it does not wait for one). A missing library is
// left missing.
func Tidy(dir string) error {
	if _, err := os.Stat(filepath.Join(dir, manifestName)); err != nil {
		return nil
	}
	lk, err := Acquire(context.Background(), dir, 0, nil)
	if errors.Is(err, ErrBusy) {
		return nil
	}
	if err != nil {
		return err
	}
	defer lk.Release()
	lib, err := Open(dir)
	if err != nil {
		return err
	}
	return lib.cleanup()
}
