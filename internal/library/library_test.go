package library

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/backchat/backchat/internal/testkit/gen"
	"github.com/backchat/backchat/loader"
	"github.com/backchat/backchat/model"
)

// writeExport writes a generated conversations.json (or, with zip, an
// export ZIP) to path.
func writeExport(t *testing.T, path string, cfg gen.Config, zip bool) {
	t.Helper()
	var b bytes.Buffer
	var err error
	if zip {
		_, err = gen.WriteZip(&b, cfg, 1)
	} else {
		_, err = gen.Write(&b, cfg)
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// folderExport writes an unpacked export: conversations.json, an image
// and an audio file in a subfolder, and an empty folder.
func folderExport(t *testing.T, dir string, seed int64) {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(dir, "dalle-generations"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "empty"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeExport(t, filepath.Join(dir, "conversations.json"), gen.Config{Seed: seed, Conversations: 5, NoHuge: true}, false)
	for name, data := range map[string]string{
		"dalle-generations/file-abc.webp": "RIFF\x00\x00\x00\x00WEBPimage bytes",
		"file-voice.wav":                  "RIFF\x00\x00\x00\x00WAVEaudio",
	} {
		if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(name)), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func small(seed int64) gen.Config {
	return gen.Config{Seed: seed, Conversations: 6, NoHuge: true}
}

func add(t *testing.T, dir string, paths ...string) *Report {
	t.Helper()
	rep, err := Add(context.Background(), dir, paths, Options{})
	if err != nil {
		t.Fatalf("Add(%v): %v", paths, err)
	}
	for _, o := range rep.Outcomes {
		if o.Err != nil {
			t.Fatalf("Add(%s): %v", o.Path, o.Err)
		}
	}
	return rep
}

func open(t *testing.T, dir string) *Library {
	t.Helper()
	l, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// snapshot lists every entry of dir with its mode and content, to check
// that a failed import left the library exactly as it was.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		fi, err := d.Info()
		if err != nil {
			return err
		}
		v := fi.Mode().String()
		if fi.Mode().IsRegular() && rel != lockName {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			v += " " + string(b)
		}
		out[rel] = v
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestImportSameFileTwice(t *testing.T) {
	src, lib := t.TempDir(), filepath.Join(t.TempDir(), "lib")
	exp := filepath.Join(src, "export.zip")
	writeExport(t, exp, small(3), true)
	orig, _ := os.ReadFile(exp)

	rep := add(t, lib, exp)
	if o := rep.Outcomes[0]; o.Already || o.Import.Conversations != 6 || o.Import.Service != "chatgpt" || o.Import.Kind != "file" {
		t.Fatalf("first import: %+v", o)
	}
	if len(rep.Changes.New) != 6 {
		t.Errorf("first import: %d new, want 6", len(rep.Changes.New))
	}
	before := snapshot(t, lib)

	rep = add(t, lib, exp)
	if o := rep.Outcomes[0]; !o.Already {
		t.Fatalf("second import copied again: %+v", o)
	}
	if n := len(rep.Changes.New) + len(rep.Changes.Updated) + len(rep.Changes.Gone); n != 0 {
		t.Errorf("second import changed %d conversations", n)
	}
	// The same bytes under another name are the same import.
	other := filepath.Join(src, "renamed.zip")
	if err := os.WriteFile(other, orig, 0o644); err != nil {
		t.Fatal(err)
	}
	rep = add(t, lib, other)
	if o := rep.Outcomes[0]; !o.Already || o.Import.Name != "export.zip" {
		t.Fatalf("same content under another name: %+v", o)
	}
	if after := snapshot(t, lib); !mapsEqual(before, after) {
		t.Errorf("a no-op import changed the library:\nbefore %v\nafter  %v", keys(before), keys(after))
	}
	if got, _ := os.ReadFile(exp); !bytes.Equal(got, orig) {
		t.Error("the original was modified")
	}
	l := open(t, lib)
	if len(l.Manifest.Imports) != 1 {
		t.Fatalf("manifest has %d imports, want 1", len(l.Manifest.Imports))
	}
	if got, _ := os.ReadFile(l.Path(l.Manifest.Imports[0])); !bytes.Equal(got, orig) {
		t.Error("the copy differs from the original")
	}
}

func TestImportSameFolderTwice(t *testing.T) {
	src, lib := t.TempDir(), filepath.Join(t.TempDir(), "lib")
	exp := filepath.Join(src, "chatgpt-export")
	folderExport(t, exp, 4)
	if err := os.Symlink("conversations.json", filepath.Join(exp, "link.json")); err != nil {
		t.Fatal(err)
	}
	rep := add(t, lib, exp)
	imp := rep.Outcomes[0].Import
	if imp.Kind != "folder" || imp.Files != 3 || imp.Conversations != 5 {
		t.Fatalf("folder import: %+v", imp)
	}
	// Everything the folder holds is in the copy: files byte for byte, the
	// empty folder, the link.
	cp := open(t, lib).Path(imp)
	for _, rel := range []string{"conversations.json", "dalle-generations/file-abc.webp", "file-voice.wav"} {
		a, _ := os.ReadFile(filepath.Join(exp, rel))
		b, err := os.ReadFile(filepath.Join(cp, rel))
		if err != nil || !bytes.Equal(a, b) {
			t.Errorf("%s: copy differs (%v)", rel, err)
		}
	}
	if fi, err := os.Stat(filepath.Join(cp, "empty")); err != nil || !fi.IsDir() {
		t.Errorf("empty folder not copied: %v", err)
	}
	if l, err := os.Readlink(filepath.Join(cp, "link.json")); err != nil || l != "conversations.json" {
		t.Errorf("link: %q, %v", l, err)
	}

	if o := add(t, lib, exp).Outcomes[0]; !o.Already {
		t.Errorf("same folder twice: copied again")
	}
	// The same content in a folder of another name: already there.
	moved := filepath.Join(src, "renamed")
	if err := os.Rename(exp, moved); err != nil {
		t.Fatal(err)
	}
	if o := add(t, lib, moved).Outcomes[0]; !o.Already || o.Import.Hash != imp.Hash {
		t.Errorf("renamed folder: %+v", o)
	}
	// One changed byte in an image: a new import.
	if err := os.WriteFile(filepath.Join(moved, "dalle-generations", "file-abc.webp"), []byte("RIFF\x00\x00\x00\x00WEBPimage bytez"), 0o644); err != nil {
		t.Fatal(err)
	}
	if o := add(t, lib, moved).Outcomes[0]; o.Already || o.Import.Hash == imp.Hash {
		t.Errorf("changed folder counted as imported: %+v", o)
	}
	if n := len(open(t, lib).Manifest.Imports); n != 2 {
		t.Errorf("%d imports, want 2", n)
	}
}

// TestFolderHashFraming: moving bytes between a file's name and its
// content, or between two files, changes the hash.
func TestFolderHashFraming(t *testing.T) {
	mk := func(files map[string]string) string {
		d := t.TempDir()
		for n, c := range files {
			if err := os.WriteFile(filepath.Join(d, n), []byte(c), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		dg, err := hashPath(context.Background(), d)
		if err != nil {
			t.Fatal(err)
		}
		return dg.hash
	}
	hs := []string{
		mk(map[string]string{"a": "bc"}),
		mk(map[string]string{"ab": "c"}),
		mk(map[string]string{"a": "b", "c": ""}),
		mk(map[string]string{"a": "", "b": "c"}),
	}
	for i := range hs {
		for j := i + 1; j < len(hs); j++ {
			if hs[i] == hs[j] {
				t.Errorf("folders %d and %d hash alike", i, j)
			}
		}
	}
	if again := mk(map[string]string{"a": "bc"}); again != hs[0] {
		t.Error("hash not stable")
	}
}

// newerExport writes "a newer export of the same account" as the generator
// makes it: the same seed and ids with a later -now (every conversation
// updated), three more conversations, and two of the old ones deleted.
func newerExport(t *testing.T, path string) (dropped []string) {
	t.Helper()
	var b bytes.Buffer
	if _, err := gen.Write(&b, gen.Config{Seed: 7, Conversations: 33, NoHuge: true, Now: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	var convs []map[string]any
	if err := json.Unmarshal(b.Bytes(), &convs); err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{4, 9} {
		dropped = append(dropped, convs[i]["conversation_id"].(string))
	}
	convs = slices.Delete(convs, 9, 10)
	convs = slices.Delete(convs, 4, 5)
	out, err := json.Marshal(convs)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return dropped
}

func TestMergeNewerExport(t *testing.T) {
	// Once comparing with the snapshot of the library, once with the
	// library loaded again (no snapshot).
	for _, withSnap := range []bool{false, true} {
		testMergeNewerExport(t, withSnap)
	}
}

func testMergeNewerExport(t *testing.T, withSnap bool) {
	src, lib := t.TempDir(), filepath.Join(t.TempDir(), "lib")
	older, newer := filepath.Join(src, "2026-10.json"), filepath.Join(src, "2026-11.json")
	writeExport(t, older, gen.Config{Seed: 7, Conversations: 30, NoHuge: true, Now: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)}, false)
	dropped := newerExport(t, newer)

	if rep := add(t, lib, older); len(rep.Changes.New) != 30 {
		t.Fatalf("first export: %d new, want 30", len(rep.Changes.New))
	}
	// A state file of an earlier version is removed by the next import.
	stale := filepath.Join(lib, cacheDir, statePrefix+"0123.json")
	if err := os.MkdirAll(filepath.Dir(stale), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(stale, []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	opt := Options{}
	if withSnap {
		writeSnap(t, lib)
		opt.Before = snapBefore(t, nil)
	}
	rep, err := Add(context.Background(), lib, []string{newer}, opt)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("old state file kept: %v", err)
	}
	ch := rep.Changes
	if len(ch.New) != 3 || len(ch.Updated) != 28 || len(ch.Gone) != 2 {
		t.Fatalf("newer export: %d new, %d updated, %d gone; want 3, 28, 2", len(ch.New), len(ch.Updated), len(ch.Gone))
	}
	var gone []string
	for _, e := range ch.Gone {
		gone = append(gone, e.ID)
	}
	slices.Sort(gone)
	slices.Sort(dropped)
	if !slices.Equal(gone, dropped) {
		t.Errorf("gone %v, want the dropped %v", gone, dropped)
	}

	// The library loads as the two exports merged: every conversation
	// kept, the dropped ones marked.
	l := open(t, lib)
	paths, err := l.Paths()
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != 2 || !strings.HasSuffix(paths[1], "2026-11.json") {
		t.Fatalf("paths %v: want the older export first", paths)
	}
	arch, err := loader.Open(paths...)
	if err != nil {
		t.Fatal(err)
	}
	if len(arch.Conversations) != 33 {
		t.Errorf("library holds %d conversations, want 33", len(arch.Conversations))
	}
	var marked []string
	for _, c := range arch.Conversations {
		if c.NotInNewest() {
			marked = append(marked, c.ID)
		}
	}
	slices.Sort(marked)
	if !slices.Equal(marked, dropped) {
		t.Errorf("not in newest: %v, want %v", marked, dropped)
	}

	// Importing the older export again after the newer one changes nothing.
	if o := add(t, lib, older).Outcomes[0]; !o.Already {
		t.Error("older export imported twice")
	}
}

// TestMergeOlderImportedLast: importing an older export after a newer one
// adds only what the newer lacks, and keeps the newer copies.
func TestMergeOlderImportedLast(t *testing.T) {
	src, lib := t.TempDir(), filepath.Join(t.TempDir(), "lib")
	older, newer := filepath.Join(src, "old.json"), filepath.Join(src, "new.json")
	writeExport(t, older, gen.Config{Seed: 7, Conversations: 30, NoHuge: true, Now: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)}, false)
	dropped := newerExport(t, newer)
	add(t, lib, newer)
	ch := add(t, lib, older).Changes
	if len(ch.New) != 2 || len(ch.Updated) != 0 || len(ch.Gone) != 0 {
		t.Fatalf("older after newer: %d new, %d updated, %d gone; want 2, 0, 0", len(ch.New), len(ch.Updated), len(ch.Gone))
	}
	paths, _ := open(t, lib).Paths()
	if !strings.HasSuffix(paths[0], "old.json") {
		t.Errorf("paths %v: want the older export first whatever the import order", paths)
	}
	arch, err := loader.Open(paths...)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range arch.Conversations {
		if c.NotInNewest() {
			n++
			if !slices.Contains(dropped, c.ID) {
				t.Errorf("%s marked not in newest", c.ID)
			}
		}
	}
	if n != 2 {
		t.Errorf("%d marked, want 2", n)
	}
}

// errWriter fails with ENOSPC once limit bytes went through it: a disk
// filling up mid-copy.
type errWriter struct {
	w     io.Writer
	limit int
}

func (e *errWriter) Write(p []byte) (int, error) {
	if len(p) > e.limit {
		n, _ := e.w.Write(p[:e.limit])
		e.limit = 0
		return n, syscall.ENOSPC
	}
	e.limit -= len(p)
	return e.w.Write(p)
}

func TestFullDiskLeavesLibraryAsItWas(t *testing.T) {
	src, lib := t.TempDir(), filepath.Join(t.TempDir(), "lib")
	first, big := filepath.Join(src, "first.json"), filepath.Join(src, "big.json")
	writeExport(t, first, small(1), false)
	writeExport(t, big, gen.Config{Seed: 2, Conversations: 400, NoHuge: true}, false)
	add(t, lib, first)
	before := snapshot(t, lib)

	// The copy fails after 1.5 MiB.
	rep, err := Add(context.Background(), lib, []string{big}, Options{hook: writeHook{wrapFn: func(w io.Writer) io.Writer {
		return &errWriter{w: w, limit: 3 << 19}
	}}})
	if err != nil {
		t.Fatal(err)
	}
	if o := rep.Outcomes[0]; !errors.Is(o.Err, syscall.ENOSPC) {
		t.Fatalf("outcome %+v, want ENOSPC", o)
	}
	if after := snapshot(t, lib); !mapsEqual(before, after) {
		t.Errorf("failed copy changed the library:\nbefore %v\nafter  %v", keys(before), keys(after))
	}

	// The copy succeeds but the manifest cannot be written.
	_, err = Add(context.Background(), lib, []string{big}, Options{hook: writeHook{wrapFn: func(w io.Writer) io.Writer {
		if f, ok := w.(*os.File); ok && strings.HasPrefix(filepath.Base(f.Name()), tmpPrefix) {
			return &errWriter{w: w, limit: 10}
		}
		return w
	}}})
	if !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("manifest write: err %v, want ENOSPC", err)
	}
	if after := snapshot(t, lib); !mapsEqual(before, after) {
		t.Errorf("failed manifest write changed the library:\nbefore %v\nafter  %v", keys(before), keys(after))
	}
	// And the disk has room again.
	if o := add(t, lib, big).Outcomes[0]; o.Already || o.Import.Conversations != 400 {
		t.Errorf("import after the failures: %+v", o)
	}
}

func TestInterruptedImportIsCleaned(t *testing.T) {
	src, lib := t.TempDir(), filepath.Join(t.TempDir(), "lib")
	a, b := filepath.Join(src, "a.json"), filepath.Join(src, "b.json")
	writeExport(t, a, small(1), false)
	writeExport(t, b, small(2), false)
	add(t, lib, a)
	// What a killed import leaves: a temporary copy, a copy renamed into
	// place but not in the manifest, a temporary manifest.
	tmp := filepath.Join(lib, importsDir, tmpPrefix+"123")
	orphan := filepath.Join(lib, importsDir, strings.Repeat("ab", 32))
	for _, d := range []string{tmp, orphan} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, "x.json"), []byte("[]"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(lib, tmpPrefix+"456"), []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	if paths, _ := open(t, lib).Paths(); len(paths) != 1 {
		t.Fatalf("leftovers listed: %v", paths)
	}
	add(t, lib, b)
	for _, p := range []string{tmp, orphan, filepath.Join(lib, tmpPrefix+"456")} {
		if _, err := os.Lstat(p); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s not removed by the next import (%v)", p, err)
		}
	}
	if n := len(open(t, lib).Manifest.Imports); n != 2 {
		t.Errorf("%d imports, want 2", n)
	}
}

func TestCancelledImport(t *testing.T) {
	src, lib := t.TempDir(), filepath.Join(t.TempDir(), "lib")
	a := filepath.Join(src, "a.json")
	writeExport(t, a, gen.Config{Seed: 2, Conversations: 300, NoHuge: true}, false)
	ctx, cancel := context.WithCancel(context.Background())
	_, err := Add(ctx, lib, []string{a}, Options{AfterChunk: func(int64) { cancel() }})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want context.Canceled", err)
	}
	ents, _ := os.ReadDir(filepath.Join(lib, importsDir))
	if len(ents) != 0 {
		t.Errorf("cancelled import left %v", ents)
	}
	if !open(t, lib).Empty() {
		t.Error("cancelled import recorded")
	}
}

func TestNotAnExportIsRefused(t *testing.T) {
	src, lib := t.TempDir(), filepath.Join(t.TempDir(), "lib")
	notes := filepath.Join(src, "notes.txt")
	if err := os.WriteFile(notes, []byte("shopping list\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	rep, err := Add(context.Background(), lib, []string{notes, filepath.Join(src, "missing.zip")}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range rep.Outcomes {
		if o.Err == nil {
			t.Errorf("%s imported", o.Path)
		}
	}
	if !strings.Contains(rep.Outcomes[0].Err.Error(), "no conversations found") {
		t.Errorf("error %q", rep.Outcomes[0].Err)
	}
	if !open(t, lib).Empty() {
		t.Error("library not empty")
	}
	ents, _ := os.ReadDir(filepath.Join(lib, importsDir))
	if len(ents) != 0 {
		t.Errorf("refused import left %v", ents)
	}
}

func TestRefusesToImportItself(t *testing.T) {
	root := t.TempDir()
	lib := filepath.Join(root, "lib")
	exp := filepath.Join(root, "x.json")
	writeExport(t, exp, small(1), false)
	rep := add(t, lib, exp)
	for _, p := range []string{root, lib, open(t, lib).Path(rep.Outcomes[0].Import)} {
		rep, err := Add(context.Background(), lib, []string{p}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Outcomes[0].Err == nil {
			t.Errorf("importing %s into its own library was allowed", p)
		}
	}
}

func TestLockSerialisesImports(t *testing.T) {
	src, lib := t.TempDir(), filepath.Join(t.TempDir(), "lib")
	a := filepath.Join(src, "a.json")
	writeExport(t, a, small(1), false)
	lk, err := Acquire(context.Background(), lib, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Add(context.Background(), lib, []string{a}, Options{Wait: 150 * time.Millisecond})
	if !errors.Is(err, ErrBusy) || !strings.Contains(err.Error(), "gave up after 150ms") {
		t.Fatalf("while locked: err %v, want ErrBusy", err)
	}
	waited := make(chan int, 1)
	go func() {
		time.Sleep(200 * time.Millisecond)
		_ = lk.Release()
	}()
	rep, err := Add(context.Background(), lib, []string{a}, Options{Wait: time.Minute, OnWait: func(pid int) { waited <- pid }})
	if err != nil || rep.Outcomes[0].Err != nil {
		t.Fatalf("after release: %v %+v", err, rep)
	}
	select {
	case pid := <-waited:
		if pid != os.Getpid() {
			t.Errorf("holder pid %d, want %d", pid, os.Getpid())
		}
	default:
		t.Error("OnWait not called")
	}
}

func TestPermissions(t *testing.T) {
	src, lib := t.TempDir(), filepath.Join(t.TempDir(), "lib")
	exp := filepath.Join(src, "export")
	folderExport(t, exp, 1)
	add(t, lib, exp)
	err := filepath.WalkDir(lib, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		want := fs.FileMode(0o600)
		if d.IsDir() {
			want = 0o700
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s: mode %04o, want %04o", p, fi.Mode().Perm(), want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// A library others can write to is refused; one they can read is
	// opened with a warning.
	if err := os.Chmod(lib, 0o777); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(lib); err == nil || !strings.Contains(err.Error(), "writable by other users") {
		t.Errorf("0777 library: err %v", err)
	}
	if _, err := Add(context.Background(), lib, []string{exp}, Options{}); err == nil {
		t.Error("import into a 0777 library allowed")
	}
	if err := os.Chmod(lib, 0o755); err != nil {
		t.Fatal(err)
	}
	l, err := Open(lib)
	if err != nil || len(l.Warnings) != 1 {
		t.Errorf("0755 library: %v, warnings %q", err, l.Warnings)
	}
}

func TestVerify(t *testing.T) {
	lib, _, _, l := zipAndFolder(t)
	if probs, err := l.Verify(context.Background(), nil); err != nil || len(probs) != 0 {
		t.Fatalf("intact library: %v %v", probs, err)
	}
	// Flip a byte of the ZIP; remove the folder's image.
	zp := l.Path(l.Manifest.Imports[0])
	b, _ := os.ReadFile(zp)
	b[len(b)/2] ^= 1
	if err := os.WriteFile(zp, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(l.Path(l.Manifest.Imports[1]), "dalle-generations", "file-abc.webp")); err != nil {
		t.Fatal(err)
	}
	probs, err := l.Verify(context.Background(), nil)
	if err != nil || len(probs) != 2 {
		t.Fatalf("damaged library: %v %v", probs, err)
	}
	if err := os.RemoveAll(filepath.Join(lib, importsDir, l.Manifest.Imports[1].Hash)); err != nil {
		t.Fatal(err)
	}
	probs, _ = l.Verify(context.Background(), nil)
	if len(probs) != 2 || !strings.Contains(probs[1].Err.Error(), "missing") {
		t.Errorf("missing import: %v", probs)
	}
}

func TestFingerprint(t *testing.T) {
	h1, h2 := strings.Repeat("1", 64), strings.Repeat("2", 64)
	a := &Library{Dir: "/l", Manifest: Manifest{Imports: []Import{{Hash: h1, Name: "a"}, {Hash: h2, Name: "b"}}}}
	b := &Library{Dir: "/l", Manifest: Manifest{Imports: []Import{{Hash: h2, Name: "x"}, {Hash: h1, Name: "y"}}}}
	c := &Library{Dir: "/l", Manifest: Manifest{Imports: []Import{{Hash: h1, Name: "a"}}}}
	if a.Fingerprint() != b.Fingerprint() {
		t.Error("fingerprint depends on import order or names")
	}
	if a.Fingerprint() == c.Fingerprint() {
		t.Error("fingerprint ignores an import")
	}
	if want := filepath.Join("/l", "cache", "snapshot-"+a.Fingerprint()); a.SnapshotPath() != want {
		t.Errorf("SnapshotPath %q, want %q", a.SnapshotPath(), want)
	}
}

func TestResolve(t *testing.T) {
	env := map[string]string{}
	getenv := func(k string) string { return env[k] }
	check := func(flag, want string) {
		t.Helper()
		got, err := Resolve(flag, getenv)
		if err != nil || got != want {
			t.Errorf("Resolve(%q) with %v = %q, %v; want %q", flag, env, got, err, want)
		}
	}
	env["HOME"] = "/home/u"
	check("", "/home/u/.local/share/backchat")
	env["XDG_DATA_HOME"] = "relative" // invalid per the XDG spec: ignored
	check("", "/home/u/.local/share/backchat")
	env["XDG_DATA_HOME"] = "/data"
	check("", "/data/backchat")
	env[EnvVar] = "/env/lib"
	check("", "/env/lib")
	check("/flag/lib", "/flag/lib")
}

func TestDamagedManifest(t *testing.T) {
	lib := t.TempDir()
	if err := os.Chmod(lib, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, m := range []string{
		`{`,
		`{"version": 99, "imports": []}`,
		`{"version": 1, "imports": [{"hash": "../../etc", "name": "passwd"}]}`,
		`{"version": 1, "imports": [{"hash": "` + strings.Repeat("a", 64) + `", "name": "../x"}]}`,
	} {
		if err := os.WriteFile(filepath.Join(lib, manifestName), []byte(m), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := Open(lib); err == nil {
			t.Errorf("manifest %s accepted", m)
		}
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func keys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// TestImportAgainRepairs: importing an export again mends the library's
// copy of it when that copy is damaged or missing (Verify's problems), and
// leaves an intact copy alone; the manifest keeps one entry per import.
func TestImportAgainRepairs(t *testing.T) {
	lib, a, d, l := zipAndFolder(t)
	zp := l.Path(l.Manifest.Imports[0])
	b, _ := os.ReadFile(zp)
	b[len(b)/2] ^= 1
	if err := os.WriteFile(zp, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(lib, importsDir, l.Manifest.Imports[1].Hash)); err != nil {
		t.Fatal(err)
	}
	rep := add(t, lib, a, d)
	for _, o := range rep.Outcomes {
		if !o.Already || !o.Repaired {
			t.Errorf("%s: already %v, repaired %v; want both", o.Path, o.Already, o.Repaired)
		}
	}
	l = open(t, lib)
	if probs, err := l.Verify(context.Background(), nil); err != nil || len(probs) != 0 {
		t.Fatalf("after the repair: %v %v", probs, err)
	}
	if len(l.Manifest.Imports) != 2 {
		t.Fatalf("manifest has %d imports, want 2", len(l.Manifest.Imports))
	}
	rep = add(t, lib, a)
	if o := rep.Outcomes[0]; !o.Already || o.Repaired {
		t.Errorf("intact copy: already %v, repaired %v; want already only", o.Already, o.Repaired)
	}
}

// zipAndFolder is a library holding a ZIP export (a) and a folder export
// (d), and its path.
func zipAndFolder(t *testing.T) (lib, a, d string, l *Library) {
	t.Helper()
	src := t.TempDir()
	lib = filepath.Join(t.TempDir(), "lib")
	a, d = filepath.Join(src, "a.zip"), filepath.Join(src, "folder")
	writeExport(t, a, small(1), true)
	folderExport(t, d, 2)
	add(t, lib, a, d)
	return lib, a, d, open(t, lib)
}

// TestReimportTrustsStat: importing an export again does not hash the
// library's copy while the file system says it was not written since it
// was last found intact (Import.Stat); `library verify` hashes it anyway.
func TestReimportTrustsStat(t *testing.T) {
	lib, a, d, l := zipAndFolder(t)
	for _, imp := range l.Manifest.Imports {
		if imp.Stat == "" || imp.Stat != statSum(l.Path(imp)) {
			t.Fatalf("%s: stat %q recorded at import, copy's %q", imp.Name, imp.Stat, statSum(l.Path(imp)))
		}
	}
	// Damage the ZIP's copy where the file system cannot see it (a bit
	// flipped on the disk): record its new sum as the one last verified.
	zp := l.Path(l.Manifest.Imports[0])
	b, _ := os.ReadFile(zp)
	b[len(b)/2] ^= 1
	if err := os.WriteFile(zp, b, 0o600); err != nil {
		t.Fatal(err)
	}
	m := l.Manifest
	m.Imports = slices.Clone(m.Imports)
	m.Imports[0].Stat = statSum(zp)
	if err := writeManifest(lib, m, writeHook{}); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, lib)
	rep := add(t, lib, a, d)
	for _, o := range rep.Outcomes {
		if !o.Already || o.Repaired {
			t.Errorf("%s: already %v, repaired %v: the copy was hashed although its stat was the one recorded", o.Path, o.Already, o.Repaired)
		}
	}
	if after := snapshot(t, lib); !mapsEqual(before, after) {
		t.Error("a re-import of unchanged copies wrote the library")
	}
	probs, err := open(t, lib).Verify(context.Background(), nil)
	if err != nil || len(probs) != 1 || probs[0].Import.Hash != m.Imports[0].Hash {
		t.Errorf("verify: %v %v; want the damaged ZIP", probs, err)
	}
	// What verify found damaged it no longer trusts: the re-import it
	// advises repairs the copy.
	rep = add(t, lib, a, d)
	repaired := 0
	for _, o := range rep.Outcomes {
		if o.Repaired {
			repaired++
		}
	}
	if repaired != 1 {
		t.Errorf("re-import after verify repaired %d copies, want the damaged ZIP's", repaired)
	}
	if probs, err := open(t, lib).Verify(context.Background(), nil); err != nil || len(probs) != 0 {
		t.Errorf("verify after the repair: %v %v", probs, err)
	}
}

// TestReimportHashesChangedStat: a copy whose times changed is hashed
// again on re-import (and mended if damaged); found intact, its new stat
// is recorded, so the next re-import trusts it. `library verify` records
// what it verifies too.
func TestReimportHashesChangedStat(t *testing.T) {
	lib, a, d, l := zipAndFolder(t)
	zp := l.Path(l.Manifest.Imports[0])
	img := filepath.Join(l.Path(l.Manifest.Imports[1]), "dalle-generations", "file-abc.webp")
	later := time.Now().Add(time.Hour)
	for _, p := range []string{zp, img} {
		if err := os.Chtimes(p, later, later); err != nil {
			t.Fatal(err)
		}
	}
	rep := add(t, lib, a, d)
	for _, o := range rep.Outcomes {
		if !o.Already || o.Repaired {
			t.Errorf("%s: already %v, repaired %v; want already only", o.Path, o.Already, o.Repaired)
		}
	}
	l = open(t, lib)
	for _, imp := range l.Manifest.Imports {
		if imp.Stat != statSum(l.Path(imp)) {
			t.Errorf("%s: new stat not recorded", imp.Name)
		}
	}
	// Damaged with its times changed: hashed, and mended.
	b, _ := os.ReadFile(zp)
	b[len(b)/2] ^= 1
	if err := os.WriteFile(zp, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if o := add(t, lib, a).Outcomes[0]; !o.Repaired {
		t.Errorf("damaged copy not mended: %+v", o)
	}
	if got := open(t, lib).Manifest.Imports[0].Stat; got != statSum(zp) {
		t.Error("the mended copy's stat not recorded")
	}
	// Verify records an intact copy's new stat.
	later = later.Add(time.Hour)
	if err := os.Chtimes(img, later, later); err != nil {
		t.Fatal(err)
	}
	if probs, err := open(t, lib).Verify(context.Background(), nil); err != nil || len(probs) != 0 {
		t.Fatalf("verify: %v %v", probs, err)
	}
	l = open(t, lib)
	if imp := l.Manifest.Imports[1]; imp.Stat != statSum(l.Path(imp)) {
		t.Error("verify did not record the stat it verified")
	}
}

// TestNoCompareWithoutNewExport: an import that accepts no new export
// (a file that is no export, an export already there) reads nothing of the
// library: neither its snapshot nor its exports.
func TestNoCompareWithoutNewExport(t *testing.T) {
	src, lib := t.TempDir(), filepath.Join(t.TempDir(), "lib")
	exp, notes := filepath.Join(src, "a.json"), filepath.Join(src, "notes.txt")
	writeExport(t, exp, small(1), false)
	if err := os.WriteFile(notes, []byte("shopping list\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	add(t, lib, exp)
	old, _ := open(t, lib).Paths()
	befores := 0
	var loaded []string
	opt := Options{
		Before: func(*Library, []string) (*model.Archive, func(int) int, func()) {
			befores++
			return nil, nil, nil
		},
		Open: func(ctx context.Context, o loader.Options, ps ...string) (*model.Archive, error) {
			loaded = append(loaded, ps...)
			return loader.OpenContext(ctx, o, ps...)
		},
	}
	rep, err := Add(context.Background(), lib, []string{exp, notes}, opt)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Outcomes[0].Err != nil || !rep.Outcomes[0].Already || rep.Outcomes[1].Err == nil {
		t.Fatalf("outcomes %+v", rep.Outcomes)
	}
	if befores != 0 || slices.ContainsFunc(loaded, func(p string) bool { return slices.Contains(old, p) }) {
		t.Errorf("the library before was read (snapshot asked %d times, loaded %v)", befores, loaded)
	}
}
