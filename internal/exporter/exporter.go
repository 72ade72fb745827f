// Package exporter writes conversations as standalone files, one per
// conversation: Markdown with YAML front matter, self-contained HTML, or
// the render package's JSON schema. Images are copied next to the documents
// and linked with relative paths.
//
// Layout of the output folder:
//
//	DIR/2025-06-01-kubernetes-notes-6836a1f2.md     one document per conversation
//	DIR/2025-06-01-kubernetes-notes-6836a1f2/…png   its images (only when it has some)
//
// File names are stable (see Stem and FileNames). Writing is idempotent: a
// file whose bytes already match is left alone; one whose bytes differ is a
// conflict and is not overwritten unless Options.Force is set.
//
// The package does no terminal I/O: it writes through an FS, reads assets
// through an AssetOpener and reports through Options.Progress and Summary.
package exporter

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/backchat/backchat/model"
)

// Format is an output format.
type Format string

// Formats.
const (
	Markdown Format = "markdown"
	HTML     Format = "html"
	JSON     Format = "json"
)

// Ext is the file-name extension of the format, without the dot.
func (f Format) Ext() string {
	switch f {
	case Markdown:
		return "md"
	case HTML:
		return "html"
	}
	return "json"
}

// ParseFormat accepts "markdown" (or "md"), "html" and "json".
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(s) {
	case "markdown", "md":
		return Markdown, nil
	case "html":
		return HTML, nil
	case "json":
		return JSON, nil
	}
	return "", fmt.Errorf("exporter: unknown format %q: use markdown, html or json", s)
}

// FS is where documents and images are written. Names are slash-separated
// and relative, made only of the characters Stem and the asset names use.
type FS interface {
	// ReadFile returns a file's bytes, or an error wrapping fs.ErrNotExist
	// when there is none.
	ReadFile(name string) ([]byte, error)
	// WriteFile creates or replaces a file, creating parent folders.
	WriteFile(name string, data []byte) error
}

// DirFS returns the FS of a folder on disk. Files are written to a
// temporary name and renamed, so an interrupted run never leaves a half
// file behind. Safe for concurrent use.
//
// Nothing below root is followed if it is a symbolic link: a folder that is
// a link is an error, and a file name that is a link (or a device, a FIFO,
// a folder) reads as ErrNotRegular, so Export treats it as a conflict and,
// with Force, replaces the link itself, never its target. All access goes
// through an os.Root as well, so even a link swapped in meanwhile cannot
// lead outside root. Root itself may be a link: the user named it.
func DirFS(root string) FS { return &dirFS{root: root} }

// ErrNotRegular is wrapped by an FS's ReadFile when the name holds
// something other than a regular file (a symbolic link, a folder, a
// device). It is not read or followed.
var ErrNotRegular = errors.New("not a regular file (not followed)")

type dirFS struct {
	root string
	mu   sync.Mutex
	r    *os.Root // opened on first use and kept for the FS's lifetime
	made sync.Map // folders known to exist
	seq  atomic.Uint64
}

// open returns the os.Root of the folder, creating the folder first when
// create is set.
func (d *dirFS) open(create bool) (*os.Root, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.r != nil {
		return d.r, nil
	}
	if create {
		if err := os.MkdirAll(d.root, 0o755); err != nil {
			return nil, err
		}
	}
	r, err := os.OpenRoot(d.root)
	if err != nil {
		return nil, err
	}
	d.r = r
	return r, nil
}

// path checks name and returns it in the OS's form, after making sure
// none of its folders below the root is a symbolic link (a folder that
// does not exist yet is fine).
func (d *dirFS) path(r *os.Root, name string) (string, error) {
	if !fs.ValidPath(name) || name == "." {
		return "", fmt.Errorf("exporter: invalid file name %q", name)
	}
	for i := 0; i < len(name); i++ {
		if name[i] != '/' {
			continue
		}
		fi, err := r.Lstat(filepath.FromSlash(name[:i]))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return filepath.FromSlash(name), nil
		case err != nil:
			return "", err
		case fi.Mode()&fs.ModeSymlink != 0:
			return "", fmt.Errorf("%s is a symbolic link; not followed (remove it or choose another folder)", filepath.Join(d.root, filepath.FromSlash(name[:i])))
		case !fi.IsDir():
			return "", fmt.Errorf("%s is not a folder", filepath.Join(d.root, filepath.FromSlash(name[:i])))
		}
	}
	return filepath.FromSlash(name), nil
}

func (d *dirFS) ReadFile(name string) ([]byte, error) {
	r, err := d.open(false)
	if err != nil {
		return nil, err
	}
	p, err := d.path(r, name)
	if err != nil {
		return nil, err
	}
	fi, err := r.Lstat(p)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: %w", filepath.Join(d.root, p), ErrNotRegular)
	}
	return r.ReadFile(p)
}

func (d *dirFS) WriteFile(name string, data []byte) error {
	r, err := d.open(true)
	if err != nil {
		return err
	}
	p, err := d.path(r, name)
	if err != nil {
		return err
	}
	dir := filepath.Dir(p)
	if _, ok := d.made.Load(dir); !ok && dir != "." {
		if err := r.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		d.made.Store(dir, true)
	}
	tmp := fmt.Sprintf("%s.backchat-%d-%d.tmp", p, os.Getpid(), d.seq.Add(1))
	f, err := r.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		// Renaming over a symbolic link replaces the link, not its target.
		err = r.Rename(tmp, p)
	}
	if err != nil {
		_ = r.Remove(tmp)
	}
	return err
}

// AssetOpener opens an asset's bytes; loader.OpenAsset in production.
type AssetOpener func(*model.Conversation, *model.Asset) (io.ReadCloser, error)

// maxAsset bounds the bytes copied for one image.
const maxAsset = 256 << 20

// Options tunes an export.
type Options struct {
	Format Format
	// Force overwrites files whose content differs; without it they are
	// conflicts, left alone and listed in Summary.Conflicts.
	Force bool
	// OpenAsset reads images to copy; nil copies none (images become notes).
	OpenAsset AssetOpener
	// Progress, when set, is called after each conversation with the number
	// done and the total. Never called concurrently.
	Progress func(done, total int)
	// Workers is the number of conversations rendered at once; 0 means
	// GOMAXPROCS.
	Workers int
	// SourceName, when set, rewrites the export paths (Conversation.Sources
	// and Source) shown in documents, e.g. to hide a temporary folder so
	// the files stay the same from run to run. Nil shows them as given.
	SourceName func(path string) string
}

// Summary counts what an export did. Files counts documents; Images counts
// image files.
type Summary struct {
	Written    int      // documents created or replaced
	Unchanged  int      // documents whose bytes already matched
	Conflicts  []string // files (documents or images) left alone: content differs and Force is off; sorted
	Images     int      // image files copied (created or replaced)
	ImagesSame int      // image files whose bytes already matched
	// MissingImages counts images the export refers to but does not hold
	// (or that could not be read): their documents carry a note instead.
	MissingImages int
	// AssetErrors lists images that exist but could not be read, one line
	// each, sorted.
	AssetErrors []string
}

// String is the one-line report: "written 12, unchanged 3, skipped 1
// conflicting; images: copied 4, unchanged 2, missing 1".
func (s Summary) String() string {
	return fmt.Sprintf("written %d, unchanged %d, skipped %d conflicting; images: copied %d, unchanged %d, missing %d",
		s.Written, s.Unchanged, len(s.Conflicts), s.Images, s.ImagesSame, s.MissingImages)
}

// ErrConflicts is wrapped by Export's error when files were left alone.
var ErrConflicts = errors.New("exporter: existing files differ (use --force to overwrite)")

// Export writes one document per conversation (and its images) to dst. It
// keeps going past conflicts and unreadable images, reporting them in the
// Summary; the error wraps ErrConflicts when any file was left alone. It
// stops at the first failed write (a full disk, a read-only folder) or when
// ctx is cancelled, returning what was done so far.
func Export(ctx context.Context, dst FS, convs []*model.Conversation, opt Options) (Summary, error) {
	if opt.Format == "" {
		opt.Format = Markdown
	}
	if _, err := ParseFormat(string(opt.Format)); err != nil {
		return Summary{}, err
	}
	stems := FileNames(convs)
	n := opt.Workers
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu    sync.Mutex
		sum   Summary
		first error
		done  int
		wg    sync.WaitGroup
	)
	next := make(chan int)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				var part Summary
				err := exportOne(dst, convs[i], stems[i], opt, &part)
				mu.Lock()
				sum.add(part)
				done++
				if err != nil && first == nil {
					first = err
					cancel()
				}
				if opt.Progress != nil {
					opt.Progress(done, len(convs))
				}
				mu.Unlock()
			}
		}()
	}
feed:
	for i := range convs {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	sortStrings(sum.Conflicts)
	sortStrings(sum.AssetErrors)
	if first != nil {
		return sum, first
	}
	if err := ctx.Err(); err != nil {
		return sum, err
	}
	if len(sum.Conflicts) > 0 {
		return sum, fmt.Errorf("%w: %d file(s)", ErrConflicts, len(sum.Conflicts))
	}
	return sum, nil
}

func (s *Summary) add(o Summary) {
	s.Written += o.Written
	s.Unchanged += o.Unchanged
	s.Conflicts = append(s.Conflicts, o.Conflicts...)
	s.Images += o.Images
	s.ImagesSame += o.ImagesSame
	s.MissingImages += o.MissingImages
	s.AssetErrors = append(s.AssetErrors, o.AssetErrors...)
}

// outcome of putting one file.
type outcome uint8

const (
	created outcome = iota
	same
	conflict
)

// put writes data to name unless the same bytes are there already or
// different bytes are and force is off.
func put(dst FS, name string, data []byte, force bool) (outcome, error) {
	old, err := dst.ReadFile(name)
	switch {
	case err == nil && bytes.Equal(old, data):
		return same, nil
	case (err == nil || errors.Is(err, ErrNotRegular)) && !force:
		// A symbolic link (or device, folder) in the way is a conflict
		// too: it is never followed; with force it is replaced.
		return conflict, nil
	case err != nil && !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, ErrNotRegular):
		return 0, fmt.Errorf("exporter: reading %s: %w", name, err)
	}
	if err := dst.WriteFile(name, data); err != nil {
		return 0, fmt.Errorf("exporter: writing %s: %w", name, err)
	}
	return created, nil
}

// exportOne copies a conversation's images, renders it and writes it.
func exportOne(dst FS, c *model.Conversation, stem string, opt Options, sum *Summary) error {
	// A conversation that cannot be read (a damaged snapshot's) is never
	// written: the export stops, and a caller that reads it again from
	// its inputs writes it then (an empty file would be a conflict).
	if c.Tree(); c.TreeErr() != nil {
		return fmt.Errorf("conversation %s: %w", model.SanitizeLine(c.ID), c.TreeErr())
	}
	var links map[*model.Asset]string
	if opt.Format != JSON {
		var err error
		links, err = copyAssets(dst, c, stem, opt, sum)
		if err != nil {
			return err
		}
	}
	if opt.SourceName != nil {
		// A shallow copy: Nodes (and so the asset pointers links is keyed
		// by) are shared; only the shown paths change.
		cp := *c
		cp.Source = opt.SourceName(c.Source)
		cp.Sources = make([]string, len(c.Sources))
		for i, s := range c.Sources {
			cp.Sources[i] = opt.SourceName(s)
		}
		c = &cp
	}
	var buf bytes.Buffer
	var err error
	switch opt.Format {
	case Markdown:
		err = writeMarkdown(&buf, c, links)
	case HTML:
		err = writeHTML(&buf, c, links)
	default:
		err = writeJSON(&buf, c)
	}
	if err != nil {
		return fmt.Errorf("exporter: %s: %w", c.ID, err)
	}
	name := stem + "." + opt.Format.Ext()
	o, err := put(dst, name, buf.Bytes(), opt.Force)
	if err != nil {
		return err
	}
	switch o {
	case created:
		sum.Written++
	case same:
		sum.Unchanged++
	case conflict:
		sum.Conflicts = append(sum.Conflicts, name)
	}
	return nil
}

// utc is the zone of every time in exported documents, so files do not
// change with the machine's time zone.
var utc = time.UTC
